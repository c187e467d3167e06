package dev.contemplate.aggregation;

import dev.contemplate.aggregation.internal.ChoiceExtractor;
import dev.contemplate.aggregation.internal.ExactTextExtractor;
import dev.contemplate.aggregation.internal.LastLettersExtractor;
import dev.contemplate.aggregation.internal.NumericExtractor;
import dev.contemplate.aggregation.internal.RegexExtractor;
import dev.contemplate.aggregation.internal.YesNoExtractor;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The built-in {@link AnswerExtractor}s. Every extractor returned here is immutable and thread-safe, throws
 * {@link NullPointerException} for null text, and describes itself by {@code toString()} in the form
 * {@link #parse} accepts ({@code numeric}, {@code choice:ABCDE}, {@code regex:PATTERN}, ...; a regex extractor
 * with a group other than the one {@code parse} would pick adds {@code " (group N)"}).
 */
public final class AnswerExtractors {

    /** The specs {@link #parse} accepts, for messages and help texts. */
    public static final String SPECS = "numeric, letters, choice, choice:LETTERS, yesno, exact, regex:PATTERN";

    private AnswerExtractors() {
    }

    /**
     * Returns the extractor of numeric answers (arithmetic, GSM8K). Where it looks, first hit wins:
     * <ol>
     *   <li>a hash mark: the last GSM8K {@code #### 42}, else a {@code #42} that ends the text (the demo
     *       model's chains end {@code ...;#141});</li>
     *   <li>the last LaTeX {@code \boxed{...}}: the first number after its last {@code =}, with
     *       {@code \frac{a}{b}} (also {@code \dfrac}, {@code \tfrac}) read as {@code a/b};</li>
     *   <li>the first number after the last "answer is" / "answer:" phrase (case-insensitive) that is followed by
     *       one;</li>
     *   <li>the last number in the text.</li>
     * </ol>
     * A number may carry a sign ({@code -3}, {@code +5}, {@code −3}; a sign glued to a preceding operand, as in
     * {@code 5-3}, is an operator), a currency symbol ({@code $ € £ ¥}), thousands separators ({@code 1,234}),
     * a decimal part ({@code 0.50}, {@code .5}), a percent sign (ignored: {@code 50%} is {@code 50}), or be a
     * fraction {@code p/q}. A sentence's final period is not a decimal point.
     *
     * <p>Keys are exact: a decimal is keyed by {@code BigDecimal.stripTrailingZeros().toPlainString()}
     * ({@code 0.50} and {@code 0.5} are {@code "0.5"}, {@code 5.0} is {@code "5"}, {@code $1,000.00} is
     * {@code "1000"}, {@code -0} is {@code "0"}). A fraction is reduced; if it has a finite decimal expansion it is
     * keyed by that decimal, so {@code 3/4}, {@code 6/8} and {@code 0.75} all vote for {@code "0.75"} and
     * {@code 4/2} for {@code "2"}; otherwise by {@code "p/q"} in lowest terms with the sign on {@code p}
     * ({@code 2/6} is {@code "1/3"}; {@code 0.333} is a different answer). A fraction over zero is no number.
     * Not read: scientific notation, mixed numbers ({@code 1 1/2}), spaces as thousands separators, number words.
     * Text with no number gives no answer.
     */
    public static AnswerExtractor numeric() {
        return NumericExtractor.INSTANCE;
    }

    /**
     * Returns the extractor of multiple-choice letters among {@code letters} (case-insensitive), keyed by the
     * upper-case letter. Where it looks, first hit wins: the last "answer is" / "answer:" phrase followed by a
     * letter ({@code Answer: C}, {@code the answer is (d)}; a bare lower-case letter counts there only when
     * nothing but punctuation follows it on its line); a letter that ends the text ({@code ... so B.},
     * {@code (B)}); a letter that starts it followed by {@code .}, {@code )} or {@code :} ({@code B. because});
     * the last parenthesised letter anywhere. Outside the phrase a bare letter must be upper-case and not part of
     * a word.
     *
     * @param letters the valid choices, e.g. {@code "ABCDE"}
     * @throws IllegalArgumentException naming {@code letters} if it is empty, repeats a letter or holds anything
     *     but ASCII letters
     */
    public static AnswerExtractor choice(String letters) {
        Objects.requireNonNull(letters, "letters");
        String upper = letters.toUpperCase(Locale.ROOT);
        if (upper.isEmpty() || !upper.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            throw new IllegalArgumentException("choice letters must be one or more ASCII letters but were '"
                    + letters + "'");
        }
        Set<Integer> seen = new HashSet<>();
        if (!upper.chars().allMatch(seen::add)) {
            throw new IllegalArgumentException("choice letters must not repeat but were '" + letters + "'");
        }
        return new ChoiceExtractor(upper);
    }

    /**
     * Returns the extractor of yes/no answers: the word after the last "answer is" / "answer:" phrase, else the
     * last of the words yes, no, true, false (case-insensitive, whole words). Keys: {@code "yes"} for yes and
     * true, {@code "no"} for no and false.
     */
    public static AnswerExtractor yesNo() {
        return YesNoExtractor.INSTANCE;
    }

    /**
     * Returns an extractor that takes group {@code group} of the last match of {@code pattern} whose group took
     * part and is not blank. The key is that text stripped, with whitespace runs collapsed to one space and
     * lower-cased; the display text is the group stripped.
     *
     * @param pattern a {@link Pattern} regular expression, matched with {@link java.util.regex.Matcher#find()}
     * @param group the group index, 0 for the whole match
     * @throws IllegalArgumentException naming the pattern if it does not compile, or naming the group if the
     *     pattern has no such group
     */
    public static AnswerExtractor regex(String pattern, int group) {
        Objects.requireNonNull(pattern, "pattern");
        Pattern p = compile(pattern);
        int groups = p.matcher("").groupCount();
        if (group < 0 || group > groups) {
            throw new IllegalArgumentException("group " + group + " does not exist in pattern '" + pattern
                    + "', which has " + groups + " group(s)");
        }
        return new RegexExtractor(p, group);
    }

    /**
     * Returns the extractor that keys the whole text: whitespace runs collapsed to one space, stripped,
     * lower-cased, trailing periods removed. Text that is empty after that gives no answer.
     */
    public static AnswerExtractor exactText() {
        return ExactTextExtractor.INSTANCE;
    }

    /**
     * Returns the extractor of the "last letters" task: the run of letters right after the last "answer is"
     * (case-insensitive), optionally after a colon and quotes ({@code ' " “ ” ‘ ’}) or asterisks, lower-cased.
     * {@code The answer is "yajo".} gives {@code yajo}. No answer when the phrase is missing or not followed by a
     * letter.
     */
    public static AnswerExtractor lastLetters() {
        return LastLettersExtractor.INSTANCE;
    }

    /**
     * Returns the extractor named by {@code spec}: {@code numeric}, {@code letters} ({@link #lastLetters()}),
     * {@code choice} (A-E), {@code choice:LETTERS}, {@code yesno}, {@code exact} ({@link #exactText()}) or
     * {@code regex:PATTERN} (group 1 if the pattern has a capturing group, else the whole match). Names are
     * case-insensitive; the pattern and the letters are taken as written.
     *
     * @throws IllegalArgumentException naming {@code spec} and the valid specs if it names no extractor, or as
     *     {@link #choice(String)} and {@link #regex(String, int)} do for a bad argument
     */
    public static AnswerExtractor parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        int colon = spec.indexOf(':');
        String kind = (colon < 0 ? spec : spec.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        String arg = colon < 0 ? null : spec.substring(colon + 1);
        switch (kind) {
            case "numeric":
            case "letters":
            case "yesno":
            case "exact":
                if (arg != null) {
                    break;
                }
                return kind.equals("numeric") ? numeric()
                        : kind.equals("letters") ? lastLetters()
                        : kind.equals("yesno") ? yesNo()
                        : exactText();
            case "choice":
                return choice(arg == null ? "ABCDE" : arg.strip());
            case "regex":
                if (arg == null || arg.isEmpty()) {
                    break;
                }
                return regex(arg, compile(arg).matcher("").groupCount() > 0 ? 1 : 0);
            default:
                break;
        }
        throw new IllegalArgumentException("unknown answer extractor '" + spec + "'; valid: " + SPECS);
    }

    private static Pattern compile(String pattern) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression '" + pattern + "': "
                    + e.getDescription(), e);
        }
    }
}

package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts a number and normalises it to an exact key; see {@link dev.contemplate.aggregation.AnswerExtractors#numeric()}
 * for the search order and the key format. Stateless and thread-safe.
 */
public final class NumericExtractor implements AnswerExtractor {

    /** The only instance. */
    public static final NumericExtractor INSTANCE = new NumericExtractor();

    /** A sign counts only when it is not glued to a preceding operand ({@code 5-3} is 5 and 3, not -3). */
    private static final String SIGN = "(?:(?<![\\w)\\]}.])[-+\u2212])?";
    private static final String CURRENCY = "[$\u20ac\u00a3\u00a5]?";
    private static final String FRACTION = "(?<!/)\\d+(?:\\.\\d+)?/\\d+(?:\\.\\d+)?(?![\\d/])";
    private static final String GROUPED = "\\d{1,3}(?:,\\d{3})+(?!\\d)(?:\\.\\d+)?";
    private static final String DECIMAL = "(?:\\d+(?:\\.\\d+)?|(?<!\\d)\\.\\d+)";
    /** One number as written: sign, currency symbol, fraction or (grouped) decimal, percent sign. */
    static final String NUMBER = SIGN + CURRENCY + "(?:" + FRACTION + "|" + GROUPED + "|" + DECIMAL + ")%?";

    private static final Pattern NUMBER_PATTERN = Pattern.compile(NUMBER);
    private static final Pattern GSM8K = Pattern.compile("####\\s*(" + NUMBER + ")");
    private static final Pattern END_HASH = Pattern.compile("#\\s*(" + NUMBER + ")\\s*\\.?\\s*\\z");
    private static final Pattern PHRASE =
            Pattern.compile("\\banswer\\b\\s*(?:is\\b\\s*:?|[:=])", Pattern.CASE_INSENSITIVE);
    private static final Pattern FRAC = Pattern.compile("\\\\[dt]?frac\\s*\\{([^{}]*)\\}\\s*\\{([^{}]*)\\}");
    private static final Pattern FRAC_SHORT = Pattern.compile("\\\\[dt]?frac(\\d)(\\d)");
    private static final Pattern LATEX_SPACE = Pattern.compile("\\\\[!,;: ]");
    private static final String BOXED = "\\boxed";

    private static final BigInteger FIVE = BigInteger.valueOf(5);

    private NumericExtractor() {
    }

    /** @throws NullPointerException if {@code text} is null */
    @Override
    public Optional<Answer> extract(String text) {
        Objects.requireNonNull(text, "text");
        Optional<Answer> answer = lastValid(GSM8K.matcher(text), 1);
        if (answer.isEmpty()) {
            answer = lastValid(END_HASH.matcher(text), 1);
        }
        if (answer.isEmpty()) {
            answer = boxed(text);
        }
        if (answer.isEmpty()) {
            answer = afterPhrase(text);
        }
        if (answer.isEmpty()) {
            answer = lastValid(NUMBER_PATTERN.matcher(text), 0);
        }
        return answer;
    }

    /**
     * Returns the exact key of one number as written ({@code "1,234"}, {@code "$0.50"}, {@code "-6/8"},
     * {@code "50%"}), or empty when it is not a number or divides by zero.
     */
    public static Optional<String> key(String token) {
        String s = token.strip().replace('\u2212', '-').replaceAll("[$\u20ac\u00a3\u00a5%,]", "");
        try {
            int slash = s.indexOf('/');
            if (slash < 0) {
                return Optional.of(plain(new BigDecimal(s)));
            }
            return ratio(new BigDecimal(s.substring(0, slash)), new BigDecimal(s.substring(slash + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> ratio(BigDecimal p, BigDecimal q) {
        if (q.signum() == 0) {
            return Optional.empty();
        }
        // p/q = (pu / 10^ps) / (qu / 10^qs) = pu * 10^qs / (qu * 10^ps)
        BigInteger num = p.unscaledValue();
        BigInteger den = q.unscaledValue();
        int shift = q.scale() - p.scale();
        if (shift > 0) {
            num = num.multiply(BigInteger.TEN.pow(shift));
        } else if (shift < 0) {
            den = den.multiply(BigInteger.TEN.pow(-shift));
        }
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger gcd = num.gcd(den);
        if (gcd.signum() != 0) {
            num = num.divide(gcd);
            den = den.divide(gcd);
        }
        if (onlyTwosAndFives(den)) {
            return Optional.of(plain(new BigDecimal(num).divide(new BigDecimal(den))));
        }
        return Optional.of(num + "/" + den);
    }

    private static boolean onlyTwosAndFives(BigInteger n) {
        BigInteger m = n.shiftRight(n.getLowestSetBit());
        while (m.mod(FIVE).signum() == 0) {
            m = m.divide(FIVE);
        }
        return m.equals(BigInteger.ONE);
    }

    private static String plain(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static Optional<Answer> lastValid(Matcher m, int group) {
        Optional<Answer> last = Optional.empty();
        while (m.find()) {
            Optional<Answer> a = answer(m.group(group));
            if (a.isPresent()) {
                last = a;
            }
        }
        return last;
    }

    private static Optional<Answer> firstValid(Matcher m) {
        while (m.find()) {
            Optional<Answer> a = answer(m.group());
            if (a.isPresent()) {
                return a;
            }
        }
        return Optional.empty();
    }

    private static Optional<Answer> answer(String token) {
        return key(token).map(k -> new Answer(k, token.strip()));
    }

    /** The last {@code \boxed{...}}: the first number after its last '=' (so units and "x = 5" both work). */
    private static Optional<Answer> boxed(String text) {
        int at = text.lastIndexOf(BOXED + "{");
        if (at < 0) {
            return Optional.empty();
        }
        int start = at + BOXED.length() + 1;
        int depth = 1;
        int end = start;
        while (end < text.length() && depth > 0) {
            char c = text.charAt(end);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            }
            end++;
        }
        String content = text.substring(start, depth == 0 ? end - 1 : end);
        content = content.replace("{,}", ",");
        content = LATEX_SPACE.matcher(content).replaceAll("");
        content = FRAC.matcher(content).replaceAll(r -> Matcher.quoteReplacement(
                r.group(1).strip() + "/" + r.group(2).strip()));
        content = FRAC_SHORT.matcher(content).replaceAll("$1/$2");
        content = content.substring(content.lastIndexOf('=') + 1);
        return firstValid(NUMBER_PATTERN.matcher(content));
    }

    /** The first number after the last "answer is" / "answer:" phrase that is followed by one. */
    private static Optional<Answer> afterPhrase(String text) {
        Matcher p = PHRASE.matcher(text);
        List<Integer> ends = new ArrayList<>();
        while (p.find()) {
            ends.add(p.end());
        }
        Matcher n = NUMBER_PATTERN.matcher(text);
        for (int i = ends.size() - 1; i >= 0; i--) {
            n.region(ends.get(i), text.length());
            // lookbehinds must see the text before the region (a sign right after "is" is still a sign)
            n.useTransparentBounds(true);
            Optional<Answer> a = firstValid(n);
            if (a.isPresent()) {
                return a;
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "numeric";
    }

    @Override
    public String answerFormat() {
        return "End with a line of the form \"The answer is X.\" where X is a number.";
    }
}

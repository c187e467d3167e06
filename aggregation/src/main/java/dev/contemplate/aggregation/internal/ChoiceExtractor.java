package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts a multiple-choice letter; see {@link dev.contemplate.aggregation.AnswerExtractors#choice(String)}.
 * Immutable and thread-safe.
 */
public final class ChoiceExtractor implements AnswerExtractor {

    private static final String PHRASE = "(?i:\\banswer\\b\\s*(?:is\\b\\s*:?|[:=]))\\s*[*\"'\u201c\u2018]*";

    private final String letters;
    private final Pattern phrase;
    private final Pattern end;
    private final Pattern start;
    private final Pattern parenthesised;

    /**
     * Creates an extractor of the given letters.
     *
     * @param letters the valid choices, already validated: distinct upper-case ASCII letters, not empty
     */
    public ChoiceExtractor(String letters) {
        this.letters = Objects.requireNonNull(letters, "letters");
        String upper = "[" + letters + "]";
        String lower = "[" + letters.toLowerCase(Locale.ROOT) + "]";
        String any = "[" + letters + letters.toLowerCase(Locale.ROOT) + "]";
        // a parenthesised letter in either case, or a bare upper-case letter that is not part of a word
        String letter = "(?:\\((" + any + ")\\)|(" + upper + ")(?![A-Za-z]))";
        // after the phrase a bare lower-case letter counts too, when nothing but punctuation follows on its line
        this.phrase = Pattern.compile(PHRASE + "(?:" + letter + "|(" + lower + ")(?=[.!)]?[ \\t]*(?:[\\r\\n]|\\z)))");
        this.end = Pattern.compile("(?<![A-Za-z])\\**" + letter + "\\**[.!]?\\s*\\z");
        this.start = Pattern.compile("\\A\\s*\\**(?:\\((" + any + ")\\)|(" + upper + ")(?=\\**(?:[.):]|\\s*\\z)))");
        this.parenthesised = Pattern.compile("\\((" + any + ")\\)");
    }

    /** @throws NullPointerException if {@code text} is null */
    @Override
    public Optional<Answer> extract(String text) {
        Objects.requireNonNull(text, "text");
        Optional<Answer> a = last(phrase.matcher(text));
        if (a.isEmpty()) {
            a = last(end.matcher(text));
        }
        if (a.isEmpty()) {
            a = last(start.matcher(text));
        }
        if (a.isEmpty()) {
            a = last(parenthesised.matcher(text));
        }
        return a;
    }

    private static Optional<Answer> last(Matcher m) {
        String found = null;
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    found = m.group(g);
                    break;
                }
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Answer(found.toUpperCase(Locale.ROOT), found));
    }

    @Override
    public String toString() {
        return "choice:" + letters;
    }

    @Override
    public String answerFormat() {
        return "End with a line of the form \"The answer is (X).\" where X is the letter of your choice.";
    }
}

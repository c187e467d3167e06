package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the word after the last "answer is"; see {@link dev.contemplate.aggregation.AnswerExtractors#lastLetters()}.
 * Thread-safe.
 */
public final class LastLettersExtractor implements AnswerExtractor {

    /** The only instance. */
    public static final LastLettersExtractor INSTANCE = new LastLettersExtractor();

    private static final Pattern PHRASE = Pattern.compile("\\banswer\\s+is\\b", Pattern.CASE_INSENSITIVE);
    /**
     * The word after the phrase: letters, each with the combining marks that follow it (an {@code e} and U+0301 is one
     * {@code é}; the lower case of {@code İ} is {@code i} and U+0307). Possessive: the runs of spaces, quotes and
     * letters cannot share characters, and backtracking over nested runs of spaces is quadratic.
     */
    private static final Pattern WORD =
            Pattern.compile("\\s*+:?\\s*+[\"'\u201c\u201d\u2018\u2019*]*+\\s*+(\\p{L}[\\p{L}\\p{M}]*+)");

    private LastLettersExtractor() {
    }

    /** @throws NullPointerException if {@code text} is null */
    @Override
    public Optional<Answer> extract(String text) {
        Objects.requireNonNull(text, "text");
        Matcher p = PHRASE.matcher(text);
        int end = -1;
        while (p.find()) {
            end = p.end();
        }
        if (end < 0) {
            return Optional.empty();
        }
        Matcher w = WORD.matcher(text).region(end, text.length());
        if (!w.lookingAt()) {
            return Optional.empty();
        }
        String found = w.group(1);
        return Optional.of(new Answer(found.toLowerCase(Locale.ROOT), found));
    }

    @Override
    public String toString() {
        return "letters";
    }

    @Override
    public String answerFormat() {
        return "End with a line of the form \"The answer is X.\"";
    }
}

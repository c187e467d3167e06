package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import java.util.Objects;
import java.util.Optional;

/** Uses the whole normalised text; see {@link dev.contemplate.aggregation.AnswerExtractors#exactText()}. */
public final class ExactTextExtractor implements AnswerExtractor {

    /** The only instance. */
    public static final ExactTextExtractor INSTANCE = new ExactTextExtractor();

    private ExactTextExtractor() {
    }

    /** @throws NullPointerException if {@code text} is null */
    @Override
    public Optional<Answer> extract(String text) {
        Objects.requireNonNull(text, "text");
        String key = withoutTrailingPeriods(Texts.fold(text));
        return key.isEmpty() ? Optional.empty() : Optional.of(new Answer(key, text.strip()));
    }

    /**
     * Returns {@code folded} without its trailing periods and the whitespace among and after them, in the sense of
     * {@link String#strip()} too (which also strips U+001C-U+001F): what {@link Texts#fold} would strip again, so that
     * the key of a key is the key. A scan from the end: a pattern such as {@code [.\s]+\z} is tried at every
     * position of a long run of ". . ." and takes quadratic time.
     */
    private static String withoutTrailingPeriods(String folded) {
        int end = folded.length();
        while (end > 0 && (folded.charAt(end - 1) == '.' || Character.isWhitespace(folded.charAt(end - 1)))) {
            end--;
        }
        return folded.substring(0, end);
    }

    @Override
    public String toString() {
        return "exact";
    }
}

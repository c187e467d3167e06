package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Uses the whole normalised text; see {@link dev.contemplate.aggregation.AnswerExtractors#exactText()}. */
public final class ExactTextExtractor implements AnswerExtractor {

    /** The only instance. */
    public static final ExactTextExtractor INSTANCE = new ExactTextExtractor();

    private static final Pattern TRAILING_PERIODS = Pattern.compile("[.\\s]+\\z");

    private ExactTextExtractor() {
    }

    /** @throws NullPointerException if {@code text} is null */
    @Override
    public Optional<Answer> extract(String text) {
        Objects.requireNonNull(text, "text");
        String key = TRAILING_PERIODS.matcher(Texts.fold(text)).replaceAll("");
        return key.isEmpty() ? Optional.empty() : Optional.of(new Answer(key, text.strip()));
    }

    @Override
    public String toString() {
        return "exact";
    }
}

package dev.contemplate.aggregation;

import java.util.Optional;

/**
 * Turns a candidate's free text into a normalised {@link Answer}, or nothing when no answer can be found.
 * A candidate without an answer is kept as "no answer" and never counts as a vote. Implementations are
 * stateless and thread-safe. {@link AnswerExtractors} has the built-in ones.
 */
@FunctionalInterface
public interface AnswerExtractor {

    /**
     * Extracts the answer from {@code text}.
     *
     * @param text the raw candidate text
     * @return the answer, or empty when there is none
     */
    Optional<Answer> extract(String text);

    /**
     * Returns the instruction that makes a model state its answer in a form this extractor reads, appended to the
     * question by prompt styles that ask for one; empty (the default) when any form will do.
     */
    default String answerFormat() {
        return "";
    }
}

package dev.contemplate.aggregation;

import java.util.Objects;

/**
 * An extracted, normalised answer. Two answers are the same vote when their keys are equal.
 *
 * @param key the normalised form that votes are counted by (e.g. {@code "0.5"} for {@code "0.50"}), not empty
 * @param text the answer as it appeared in the candidate, for display
 */
public record Answer(String key, String text) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code key} is empty
     */
    public Answer {
        if (Objects.requireNonNull(key, "key").isEmpty()) {
            throw new IllegalArgumentException("answer key must not be empty");
        }
        Objects.requireNonNull(text, "text");
    }

    /** Returns an answer whose display text is its key. */
    public static Answer of(String key) {
        return new Answer(key, key);
    }
}

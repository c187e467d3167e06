package dev.contemplate.aggregation;

import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link Aggregator} concludes from a tally.
 *
 * @param answer the chosen answer, or empty when no sample carried an answer
 * @param share the chosen answer's share of the answered samples, in [0, 1]; 0 without an answer
 */
public record Decision(Optional<Answer> answer, double share) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code share} is outside [0, 1]
     */
    public Decision {
        Objects.requireNonNull(answer, "answer");
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in [0, 1] but was " + share);
        }
    }
}

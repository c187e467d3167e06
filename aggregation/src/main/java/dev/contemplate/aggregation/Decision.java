package dev.contemplate.aggregation;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a vote or an {@link Aggregator} concludes.
 *
 * @param answer the chosen answer, or empty when no candidate carried an answer
 * @param share the chosen answer's share of the answered votes (by weight in a weighted vote), in [0, 1]; 0 without
 *     an answer
 * @param text the reply to show: the full text of the candidate that represents the answer, or a synthesised text;
 *     empty without an answer
 * @param provenance how the decision was reached
 */
public record Decision(Optional<Answer> answer, double share, String text, Provenance provenance) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code share} is outside [0, 1]
     * @throws NullPointerException if a component is null
     */
    public Decision {
        Objects.requireNonNull(answer, "answer");
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in [0, 1] but was " + share);
        }
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(provenance, "provenance");
    }

    /** Returns a decision for {@code answer} whose text is the answer's text, by an unnamed vote. */
    public Decision(Optional<Answer> answer, double share) {
        this(answer, share, answer.map(Answer::text).orElse(""), Provenance.of("vote", List.of()));
    }

    /** Returns the decision that there is no answer, by {@code method}. */
    public static Decision none(String method) {
        return new Decision(Optional.empty(), 0, "", Provenance.of(method, List.of()));
    }

    /** Returns a copy saying that the vote decided because {@code reason}. */
    public Decision withFallback(String reason) {
        return new Decision(answer, share, text, provenance.withFallback(reason));
    }
}

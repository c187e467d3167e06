package dev.contemplate.aggregation;

import java.util.Objects;
import java.util.Optional;

/**
 * One sample's contribution to a {@link Tally}: which agent, and its answer or none.
 *
 * @param agentId the agent's id
 * @param agentOrdinal the agent's position in its team, used for the deterministic tie-break
 * @param answer the extracted answer (or the answer's cluster), or empty for "no answer"
 * @param weight how much the vote counts in a weighted vote, finite and {@code > 0}; 1 in a plain vote. Stopping
 *     rules count votes, not weights.
 */
public record Vote(String agentId, int agentOrdinal, Optional<Answer> answer, double weight) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException naming the weight if it is not finite and positive
     */
    public Vote {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(answer, "answer");
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("vote weight must be finite and > 0 but was " + weight
                    + " (agent " + agentId + ")");
        }
    }

    /** Returns a vote of weight 1. */
    public Vote(String agentId, int agentOrdinal, Optional<Answer> answer) {
        this(agentId, agentOrdinal, answer, 1.0);
    }

    /** Returns a vote for {@code answerKey} (display text = key), for tests and replays. */
    public static Vote of(int ordinal, String answerKey) {
        return new Vote("agent-" + (ordinal + 1), ordinal, Optional.of(Answer.of(answerKey)));
    }

    /** Returns a "no answer" sample, for tests and replays. */
    public static Vote none(int ordinal) {
        return new Vote("agent-" + (ordinal + 1), ordinal, Optional.empty());
    }
}

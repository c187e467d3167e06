package dev.contemplate.aggregation;

import java.util.Objects;
import java.util.Optional;

/**
 * One sample's contribution to a {@link Tally}: which agent, and its answer or none.
 *
 * @param agentId the agent's id
 * @param agentOrdinal the agent's position in its team, used for the deterministic tie-break
 * @param answer the extracted answer, or empty for "no answer"
 */
public record Vote(String agentId, int agentOrdinal, Optional<Answer> answer) {

    /** @throws NullPointerException if a component is null */
    public Vote {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(answer, "answer");
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

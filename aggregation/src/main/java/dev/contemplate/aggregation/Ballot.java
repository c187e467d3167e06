package dev.contemplate.aggregation;

import dev.contemplate.agents.Candidate;
import java.util.Objects;

/**
 * One candidate as it was counted: the agent's full text and confidence with the vote it cast.
 *
 * @param candidate the agent's finished candidate (text, agent, usage, log-probabilities)
 * @param vote its vote: the answer key (extracted or its cluster) or none, and its weight
 */
public record Ballot(Candidate candidate, Vote vote) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if the vote is not the candidate's agent's
     */
    public Ballot {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(vote, "vote");
        if (!vote.agentId().equals(candidate.agent().id())) {
            throw new IllegalArgumentException("vote of agent '" + vote.agentId() + "' cast for a candidate of agent '"
                    + candidate.agent().id() + "'");
        }
    }

    /** Returns the agent's id. */
    public String agentId() {
        return vote.agentId();
    }

    /** Returns whether the vote carries an answer. */
    public boolean answered() {
        return vote.answer().isPresent();
    }
}

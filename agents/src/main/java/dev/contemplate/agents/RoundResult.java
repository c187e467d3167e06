package dev.contemplate.agents;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a finished round produced, as a protocol sees it when it plans the next round.
 *
 * @param number the round's number
 * @param step the round's step
 * @param candidates the texts that finished in the round, in completion order (with or without an extractable answer;
 *     agents that were cut, failed or were shed have none)
 * @param leader the candidate that stands for the leading answer of the vote after this round (the vote's
 *     representative), or empty when no answer has been counted yet
 * @param unanimous whether every turn of the round finished with an answer and all of them are the same answer
 * @param ruleSatisfied whether the stopping rule ended the round before all its turns finished
 */
public record RoundResult(int number, String step, List<Candidate> candidates, Optional<Candidate> leader,
        boolean unanimous, boolean ruleSatisfied) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if a component is null
     */
    public RoundResult {
        Objects.requireNonNull(step, "step");
        candidates = List.copyOf(candidates);
        Objects.requireNonNull(leader, "leader");
    }

    /** Returns the candidate {@code agentId} produced in this round, if it produced one. */
    public Optional<Candidate> candidateOf(String agentId) {
        return candidates.stream().filter(c -> c.agent().id().equals(agentId)).findFirst();
    }
}

package dev.contemplate.agents;

import dev.contemplate.inference.GenerationRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One round of a deliberation: the calls a protocol asks for and what their answers mean for the vote. The
 * orchestrator starts a round's turns together (the first round's as the contemplator's scheduling says: all at once,
 * staggered or in waves) and runs them under the contemplation's budget, stopping rule and cancellation.
 *
 * @param number the round's place in the contemplation, from 0 (the first answers)
 * @param step what the round does, for events and reports: {@code answer}, {@code debate}, {@code critique},
 *     {@code revise}, {@code layer}, or a custom protocol's own name
 * @param turns the calls to make, at most one per agent
 * @param votes what the round's answers do to the vote
 */
public record Round(int number, String step, List<Turn> turns, Votes votes) {

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException if {@code number} is negative, {@code step} blank, {@code turns} empty, or two
     *     turns are for the same agent
     * @throws NullPointerException if a component or a turn is null
     */
    public Round {
        if (number < 0) {
            throw new IllegalArgumentException("round number must be >= 0 but was " + number);
        }
        if (Objects.requireNonNull(step, "step").isBlank()) {
            throw new IllegalArgumentException("round step must not be blank");
        }
        turns = List.copyOf(turns);
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("round " + number + " (" + step + ") has no turns");
        }
        Set<String> ids = new HashSet<>();
        for (Turn t : turns) {
            if (!ids.add(t.agent().id())) {
                throw new IllegalArgumentException("round " + number + " (" + step + ") has two turns for agent '"
                        + t.agent().id() + "'");
            }
        }
        Objects.requireNonNull(votes, "votes");
    }

    /**
     * One call of a round: an agent and the request it sends.
     *
     * @param agent the agent (its engine, if it has one, serves the call)
     * @param request the whole request, built by the protocol
     */
    public record Turn(Agent agent, GenerationRequest request) {
        /** @throws NullPointerException if a component is null */
        public Turn {
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(request, "request");
        }
    }

    /** What a round's answers do to the vote that decides the verdict. */
    public enum Votes {
        /** The round's texts are not votes (a critique): they reach the protocol and the verdict's report only. */
        NONE,
        /**
         * Each agent's answer replaces its own earlier vote; an agent that gives no answer in this round (cut, failed,
         * not asked) keeps its earlier one. The stopping rule watches the round's own answers.
         */
        UPDATE,
        /** The round's answers replace every earlier vote, once at least one of them has an answer (a revision). */
        REPLACE
    }
}

package dev.contemplate.orchestrator;

import java.util.Objects;

/**
 * One generation of one agent in one round of a contemplation: where it ran and what became of it. Independent
 * deliberation has one round, so one run per planned agent; debate, refinement and mixture-of-agents have more.
 *
 * @param agentId the agent
 * @param round the round's number, from 0
 * @param step the round's step ({@code answer}, {@code debate}, {@code critique}, {@code revise}, {@code layer}, ...)
 * @param engine the name of the engine that served it
 * @param model the model that engine runs ({@link dev.contemplate.inference.InferenceEngine#model()})
 * @param outcome what became of it; a turn whose text is not a vote (a critique) that finished is
 *     {@link AgentOutcome.Answered} with the step as its answer
 */
public record AgentRun(String agentId, int round, String step, String engine, String model, AgentOutcome outcome) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code round} is negative
     * @throws NullPointerException if a component is null
     */
    public AgentRun {
        Objects.requireNonNull(agentId, "agentId");
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0 but was " + round);
        }
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(outcome, "outcome");
    }
}

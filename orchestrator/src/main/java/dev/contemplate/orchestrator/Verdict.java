package dev.contemplate.orchestrator;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.inference.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one contemplation.
 *
 * @param question the question asked
 * @param mode the mode it ran in
 * @param answer the chosen answer
 * @param confidence the answer's share of the answered samples, in (0, 1]
 * @param complete false when a deadline or token budget cut the contemplation short
 * @param stopReason why it ended
 * @param stoppingRule the name of the stopping rule used
 * @param agents one outcome per planned agent, in team order
 * @param tally every sample counted, with per-answer votes
 * @param tokens tokens reported by the engine(s), summed over agents
 * @param elapsed time from subscription to the verdict, on the contemplator's clock
 */
public record Verdict(String question, Mode mode, Answer answer, double confidence, boolean complete,
        StopReason stopReason, String stoppingRule, List<AgentOutcome> agents, Tally tally, TokenUsage tokens,
        Duration elapsed) {

    /** Validates and copies the components. */
    public Verdict {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(stoppingRule, "stoppingRule");
        agents = List.copyOf(agents);
        Objects.requireNonNull(tally, "tally");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** Returns how many agents ended with the given status. */
    public long count(AgentOutcome.Status status) {
        return agents.stream().filter(a -> a.status() == status).count();
    }

    /** Returns how many agents were started. */
    public long started() {
        return agents.size() - count(AgentOutcome.Status.NOT_STARTED);
    }
}

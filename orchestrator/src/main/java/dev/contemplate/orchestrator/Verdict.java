package dev.contemplate.orchestrator;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Provenance;
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
 * @param answer the chosen answer: its key (an extracted answer, a cluster of candidates, or {@code synthesis}) and a
 *     short display text
 * @param text the reply: the full text of the candidate that represents the answer, or the synthesised answer
 * @param confidence the answer's share of the answered samples (by weight in a weighted vote), in [0, 1]
 * @param complete false when a deadline or token budget cut the agents short; an aggregation step (judge, synthesis,
 *     verifier) cut by the deadline does not make a verdict incomplete: the vote decides instead and
 *     {@code provenance().fallback()} says so
 * @param stopReason why it ended
 * @param stoppingRule the name of the stopping rule used
 * @param agents one outcome per planned agent, in team order: with several rounds, the outcome of the run whose answer
 *     stands in the vote, else its outcome in the last round that counted votes in which it was asked (every round's
 *     outcomes are in {@code runs})
 * @param tally every sample counted, with per-answer votes
 * @param provenance how the answer was reached: the vote or aggregator that decided, the agents it rests on, and why
 *     a judge, synthesis or verifier step fell back to the vote, if it did
 * @param tokens every token spent, split into the answers that counted, the agents (and attempts) that were cut, and
 *     the aggregation calls; {@code tokens().totalTokens()} is the whole bill
 * @param elapsed time from subscription to the verdict, on the contemplator's clock
 * @param runs every generation of every round, in round order and, within a round, in the protocol's order: which
 *     engine and model served it and what became of it (with independent deliberation, one per planned agent)
 */
public record Verdict(String question, Mode mode, Answer answer, String text, double confidence, boolean complete,
        StopReason stopReason, String stoppingRule, List<AgentOutcome> agents, Tally tally, Provenance provenance,
        TokenAccount tokens, Duration elapsed, List<AgentRun> runs) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if a component is null
     */
    public Verdict {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(stoppingRule, "stoppingRule");
        agents = List.copyOf(agents);
        Objects.requireNonNull(tally, "tally");
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(elapsed, "elapsed");
        runs = List.copyOf(runs);
    }

    /**
     * Returns a verdict without a record of its runs.
     *
     * @throws NullPointerException if a component is null
     */
    public Verdict(String question, Mode mode, Answer answer, String text, double confidence, boolean complete,
            StopReason stopReason, String stoppingRule, List<AgentOutcome> agents, Tally tally, Provenance provenance,
            TokenAccount tokens, Duration elapsed) {
        this(question, mode, answer, text, confidence, complete, stopReason, stoppingRule, agents, tally, provenance,
                tokens, elapsed, List.of());
    }

    /** Returns how many rounds ran: 1 for independent deliberation, more for debate, refinement or mixture. */
    public int rounds() {
        return (int) runs.stream().mapToInt(AgentRun::round).distinct().count();
    }

    /** Returns how many agents ended with the given status. */
    public long count(AgentOutcome.Status status) {
        return agents.stream().filter(a -> a.status() == status).count();
    }

    /** Returns how many agents were started (not those never started, nor those shed by a guard). */
    public long started() {
        return agents.stream().filter(AgentOutcome::started).count();
    }

    /** Returns the tokens spent by judge, synthesis and verifier calls: {@code tokens().aggregation()}. */
    public TokenUsage aggregationTokens() {
        return tokens.aggregation();
    }

    /**
     * Returns whether the contemplation was degraded: an engine's guard (an open circuit breaker, a full bulkhead, an
     * exhausted rate limiter) shed some of the planned agents, so fewer agents answered than planned; the shed agents
     * are {@link AgentOutcome.Shed} outcomes naming the cause.
     */
    public boolean degraded() {
        return count(AgentOutcome.Status.SHED) > 0;
    }
}

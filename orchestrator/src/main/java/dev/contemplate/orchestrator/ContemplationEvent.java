package dev.contemplate.orchestrator;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.inference.TokenUsage;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Progress of a contemplation, for UIs and logs. Each event carries the time elapsed since the contemplation
 * started. A successful stream ends with {@link Stopped}, then the aggregation's calls (a judge, a synthesiser, a
 * verifier: {@link AggregationCallStarted}, {@link AnswerDelta}s, {@link AggregationCallFinished} or
 * {@link AggregationCallFailed}) if the aggregator makes any, then {@link VerdictReady}.
 */
public sealed interface ContemplationEvent {

    /** Returns the time since the contemplation started. */
    Duration elapsed();

    /**
     * An agent's generation was started.
     *
     * @param agentId the agent
     * @param engine the name of the engine it runs on: its own, or the contemplator's
     * @param elapsed time since start
     */
    record AgentStarted(String agentId, String engine, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public AgentStarted {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * An agent produced its final text.
     *
     * @param agentId the agent
     * @param text the raw text
     * @param answer the extracted answer, or empty when none could be extracted
     * @param elapsed time since start
     */
    record CandidateProduced(String agentId, String text, Optional<Answer> answer, Duration elapsed)
            implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public CandidateProduced {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * The tally changed.
     *
     * @param tally the new tally
     * @param elapsed time since start
     */
    record TallyUpdated(Tally tally, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public TallyUpdated {
            Objects.requireNonNull(tally, "tally");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * An agent failed and is left out of the vote.
     *
     * @param agentId the agent
     * @param cause why
     * @param elapsed time since start
     */
    record AgentFailed(String agentId, Throwable cause, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public AgentFailed {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * A running agent was cancelled (its engine generation was cancelled too).
     *
     * @param agentId the agent
     * @param elapsed time since start
     */
    record AgentCancelled(String agentId, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public AgentCancelled {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * An agent was not run: its engine's guard refused the call (open circuit breaker, full bulkhead, rate limit),
     * and the contemplation goes on with fewer agents.
     *
     * @param agentId the agent
     * @param cause the refusal
     * @param elapsed time since the contemplation started
     */
    record AgentShed(String agentId, Throwable cause, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public AgentShed {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * The contemplation stopped.
     *
     * @param reason why
     * @param elapsed time since start
     */
    record Stopped(StopReason reason, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public Stopped {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * The aggregation started an engine call (a judge, a synthesiser, a verifier), after the agents stopped.
     *
     * @param role what the call is for, e.g. {@code judge}, {@code synthesis}, {@code verifier}
     * @param engine the called engine's name
     * @param elapsed time since start
     */
    record AggregationCallStarted(String role, String engine, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public AggregationCallStarted {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * An aggregation call finished.
     *
     * @param role what the call was for
     * @param usage the tokens it spent
     * @param elapsed time since start
     */
    record AggregationCallFinished(String role, TokenUsage usage, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public AggregationCallFinished {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * An aggregation call failed; the aggregator falls back to the vote unless another call decides.
     *
     * @param role what the call was for
     * @param cause why
     * @param elapsed time since start
     */
    record AggregationCallFailed(String role, Throwable cause, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public AggregationCallFailed {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * A piece of the final answer as an aggregation call writes it (a synthesiser), in order. Concatenated, the deltas
     * are the text that call generated; the verdict's {@link Verdict#text()} is authoritative.
     *
     * @param text the new text
     * @param elapsed time since start
     */
    record AnswerDelta(String text, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public AnswerDelta {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * The verdict; the last event of a successful contemplation.
     *
     * @param verdict the verdict
     */
    record VerdictReady(Verdict verdict) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public VerdictReady {
            Objects.requireNonNull(verdict, "verdict");
        }

        @Override
        public Duration elapsed() {
            return verdict.elapsed();
        }
    }
}

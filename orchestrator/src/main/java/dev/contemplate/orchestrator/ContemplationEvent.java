package dev.contemplate.orchestrator;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.inference.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Progress of a contemplation, for UIs and logs. Each event carries the time elapsed since the contemplation
 * started. Each round of the deliberation begins with {@link RoundStarted}, then its agents' events. A successful
 * stream ends with {@link Stopped}, then the aggregation's calls (a judge, a synthesiser, a
 * verifier: {@link AggregationCallStarted}, {@link AnswerDelta}s, {@link AggregationCallFinished} or
 * {@link AggregationCallFailed}) if the aggregator makes any, then {@link VerdictReady}.
 */
public sealed interface ContemplationEvent {

    /** Returns the time since the contemplation started. */
    Duration elapsed();

    /**
     * A round of the deliberation started: independent deliberation has one (round 0, step {@code answer}); debate,
     * refinement and mixture-of-agents start one per round, each after the one before ended.
     *
     * @param round the round's number, from 0
     * @param step what the round does: {@code answer}, {@code debate}, {@code critique}, {@code revise},
     *     {@code layer}, or a custom protocol's step
     * @param agentIds the agents asked in this round, in the protocol's order
     * @param elapsed time since start
     */
    record RoundStarted(int round, String step, List<String> agentIds, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public RoundStarted {
            Objects.requireNonNull(step, "step");
            agentIds = List.copyOf(agentIds);
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * The protocol asked for another round but it was not started: the deadline would come before it could end (its
     * expected length is the longest earlier round's), or the token budget is spent. The verdict rests on the rounds
     * before, and its stop reason is {@link StopReason#DEADLINE} or {@link StopReason#TOKEN_BUDGET}.
     *
     * @param round the number the round would have had
     * @param step the round's step
     * @param reason why it was not started, in words
     * @param elapsed time since start
     */
    record RoundSkipped(int round, String step, String reason, Duration elapsed) implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public RoundSkipped {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }

    /**
     * An agent's generation was started.
     *
     * @param agentId the agent
     * @param engine the name of the engine it runs on: its own, or the contemplator's
     * @param model the model that engine runs ({@link dev.contemplate.inference.InferenceEngine#model()})
     * @param round the round it belongs to, from 0
     * @param elapsed time since start
     */
    record AgentStarted(String agentId, String engine, String model, int round, Duration elapsed)
            implements ContemplationEvent {
        /** @throws NullPointerException if a component is null */
        public AgentStarted {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(elapsed, "elapsed");
        }

        /**
         * Returns the start of a first-round generation on an engine whose model has the engine's name.
         *
         * @throws NullPointerException if a component is null
         */
        public AgentStarted(String agentId, String engine, Duration elapsed) {
            this(agentId, engine, engine, 0, elapsed);
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

package dev.contemplate.orchestrator;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.TokenUsage;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What became of one agent in a contemplation. */
public sealed interface AgentOutcome {

    /** Returns the agent's id. */
    String agentId();

    /**
     * Returns the tokens this agent spent: for an answer, the generation that counted; for a cancelled or failed
     * agent, what it had spent when it was cut (its prompt and partial output, as its engine metered them while
     * streaming); zero for an agent that never ran. Losing attempts of an answered agent (retries, hedges) are in
     * the verdict's {@link TokenAccount#cut()}.
     */
    TokenUsage usage();

    /** Returns the time from the agent's start to its end, zero if it never started. */
    Duration latency();

    /** Returns the lifecycle status: FINISHED, CANCELLED, FAILED, NOT_STARTED or SHED. */
    Status status();

    /** Returns whether the agent's generation was started: not {@code NOT_STARTED} and not {@code SHED}. */
    default boolean started() {
        return status() != Status.NOT_STARTED && status() != Status.SHED;
    }

    /** Coarse status of an agent. */
    enum Status {
        /** Finished with a text (with or without an extractable answer). */
        FINISHED,
        /** Cancelled by the stopping rule, a budget or the caller. */
        CANCELLED,
        /** Failed with an error, or finished without an extractable answer. */
        FAILED,
        /** Never started (early stop before its wave). */
        NOT_STARTED,
        /** Not run: its engine's guard refused the call (open circuit breaker, full bulkhead, rate limit). */
        SHED
    }

    /**
     * Finished with an answer that was counted as a vote.
     *
     * @param agentId the agent
     * @param answer the extracted answer
     * @param text the raw text
     * @param usage tokens spent
     * @param latency start to finish
     */
    record Answered(String agentId, Answer answer, String text, TokenUsage usage, Duration latency)
            implements AgentOutcome {
        /** @throws NullPointerException if a component is null */
        public Answered {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(latency, "latency");
        }

        @Override
        public Status status() {
            return Status.FINISHED;
        }
    }

    /**
     * Failed: an error, a timeout, an empty text, or a text without an extractable answer. Left out of the vote.
     *
     * @param agentId the agent
     * @param cause why; a {@link NoAnswerException} when the text had no extractable answer
     * @param text the raw text, if any was produced
     * @param usage tokens spent, the partial output of a failed generation included
     * @param metering how {@code usage} is known: {@link Metering#EXACT} when the engine counted it, otherwise an
     *     estimate
     * @param latency start to failure
     */
    record Failed(String agentId, Throwable cause, Optional<String> text, TokenUsage usage, Metering metering,
            Duration latency) implements AgentOutcome {
        /** @throws NullPointerException if a component is null */
        public Failed {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(metering, "metering");
            Objects.requireNonNull(latency, "latency");
        }

        @Override
        public Status status() {
            return Status.FAILED;
        }
    }

    /**
     * Cancelled while running.
     *
     * @param agentId the agent
     * @param streamedDeltas how many text deltas had arrived before the cancellation
     * @param usage what the agent had spent when it was cut: its prompt and partial output
     * @param metering how {@code usage} is known: {@link Metering#EXACT} when the engine counted it, otherwise an
     *     estimate
     * @param latency start to cancellation
     */
    record Cancelled(String agentId, int streamedDeltas, TokenUsage usage, Metering metering, Duration latency)
            implements AgentOutcome {
        /** @throws NullPointerException if a component is null */
        public Cancelled {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(metering, "metering");
            Objects.requireNonNull(latency, "latency");
        }

        @Override
        public Status status() {
            return Status.CANCELLED;
        }
    }

    /**
     * Not run: its engine's guard refused the call before any attempt reached the engine, and the contemplation went
     * on with fewer agents ({@link Verdict#degraded()}). An agent refused after an attempt ran (a retry or a hedge that
     * an opened circuit stopped) is {@link Failed}, with the refusal as its cause and what it spent.
     *
     * @param agentId the agent
     * @param cause the refusal: Resilience4j's {@code CallNotPermittedException} (open circuit breaker),
     *     {@code BulkheadFullException} or {@code RequestNotPermitted} (rate limiter)
     */
    record Shed(String agentId, Throwable cause) implements AgentOutcome {
        /** @throws NullPointerException if a component is null */
        public Shed {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public TokenUsage usage() {
            return TokenUsage.ZERO;
        }

        @Override
        public Duration latency() {
            return Duration.ZERO;
        }

        @Override
        public Status status() {
            return Status.SHED;
        }
    }

    /**
     * Planned but never started.
     *
     * @param agentId the agent
     */
    record NotStarted(String agentId) implements AgentOutcome {
        /** @throws NullPointerException if a component is null */
        public NotStarted {
            Objects.requireNonNull(agentId, "agentId");
        }

        @Override
        public TokenUsage usage() {
            return TokenUsage.ZERO;
        }

        @Override
        public Duration latency() {
            return Duration.ZERO;
        }

        @Override
        public Status status() {
            return Status.NOT_STARTED;
        }
    }
}

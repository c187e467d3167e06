package dev.contemplate.orchestrator;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.inference.TokenUsage;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What became of one agent in a contemplation. */
public sealed interface AgentOutcome {

    /** Returns the agent's id. */
    String agentId();

    /** Returns the tokens the engine reported for this agent (zero when unknown, e.g. cancelled). */
    TokenUsage usage();

    /** Returns the time from the agent's start to its end, zero if it never started. */
    Duration latency();

    /** Returns the lifecycle status: FINISHED, CANCELLED, FAILED or NOT_STARTED. */
    Status status();

    /** Coarse status of an agent. */
    enum Status {
        /** Finished with a text (with or without an extractable answer). */
        FINISHED,
        /** Cancelled by the stopping rule, a budget or the caller. */
        CANCELLED,
        /** Failed with an error, or finished without an extractable answer. */
        FAILED,
        /** Never started (early stop before its wave). */
        NOT_STARTED
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
     * @param usage tokens spent, if known
     * @param latency start to failure
     */
    record Failed(String agentId, Throwable cause, Optional<String> text, TokenUsage usage, Duration latency)
            implements AgentOutcome {
        /** @throws NullPointerException if a component is null */
        public Failed {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(usage, "usage");
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
     * @param streamedDeltas how many text deltas had arrived before the cancellation (a proxy for tokens spent)
     * @param latency start to cancellation
     */
    record Cancelled(String agentId, int streamedDeltas, Duration latency) implements AgentOutcome {
        /** @throws NullPointerException if a component is null */
        public Cancelled {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(latency, "latency");
        }

        @Override
        public TokenUsage usage() {
            return TokenUsage.ZERO;
        }

        @Override
        public Status status() {
            return Status.CANCELLED;
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

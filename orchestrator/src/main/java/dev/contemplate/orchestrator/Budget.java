package dev.contemplate.orchestrator;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of one contemplation. Build with {@link #builder()}; {@link #unlimited()} has a 60 s deadline, no agent
 * limit beyond the team and no token limit.
 *
 * @param deadline time from subscription after which the best verdict so far is returned, positive
 * @param maxAgents the most agents started, at least 1 (the team may be smaller)
 * @param maxTotalTokens the most tokens (prompt and output, over all agents) before stopping, at least 1
 */
public record Budget(Duration deadline, int maxAgents, long maxTotalTokens) {

    /**
     * Validates the limits.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public Budget {
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive but was " + deadline);
        }
        if (maxAgents < 1) {
            throw new IllegalArgumentException("maxAgents must be >= 1 but was " + maxAgents);
        }
        if (maxTotalTokens < 1) {
            throw new IllegalArgumentException("maxTotalTokens must be >= 1 but was " + maxTotalTokens);
        }
    }

    /** Returns a 60 second deadline with no agent or token limit. */
    public static Budget unlimited() {
        return builder().build();
    }

    /** Returns a builder starting from {@link #unlimited()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Budget}. */
    public static final class Builder {
        private Duration deadline = Duration.ofSeconds(60);
        private int maxAgents = Integer.MAX_VALUE;
        private long maxTotalTokens = Long.MAX_VALUE;

        private Builder() {
        }

        /** Sets the deadline. */
        public Builder deadline(Duration value) {
            this.deadline = Objects.requireNonNull(value, "deadline");
            return this;
        }

        /** Sets the agent limit. */
        public Builder maxAgents(int value) {
            this.maxAgents = value;
            return this;
        }

        /** Sets the token limit. */
        public Builder maxTotalTokens(long value) {
            this.maxTotalTokens = value;
            return this;
        }

        /**
         * Returns the budget.
         *
         * @throws IllegalArgumentException naming the bad value
         */
        public Budget build() {
            return new Budget(deadline, maxAgents, maxTotalTokens);
        }
    }
}

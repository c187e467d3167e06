package dev.contemplate.orchestrator;

/** When agents start. */
public sealed interface Scheduling {

    /** Returns: start every agent at once (best when the engine batches or shares the prompt's prefill). */
    static Scheduling allAtOnce() {
        return AllAtOnce.INSTANCE;
    }

    /**
     * Returns: start agents in waves of {@code size}; a wave starts only when the previous one has ended and the
     * stopping rule is still unsatisfied (best for pay-per-token APIs).
     *
     * @throws IllegalArgumentException if {@code size} is less than 1
     */
    static Scheduling waves(int size) {
        return new Waves(size);
    }

    /**
     * Returns: start the first agent, then all the others once it has streamed its first token or {@code lead} has
     * passed, whichever comes first. Servers with automatic prefix caching (vLLM, SGLang) then prefill the shared
     * prompt once instead of once per agent. Applies to CONTEMPLATE mode.
     *
     * @throws IllegalArgumentException if {@code lead} is negative
     */
    static Scheduling staggered(java.time.Duration lead) {
        return new Staggered(lead);
    }

    /**
     * The first agent leads, the others follow at its first token or after {@code lead}.
     *
     * @param lead the longest the others wait, zero or more
     */
    record Staggered(java.time.Duration lead) implements Scheduling {
        /** @throws IllegalArgumentException if {@code lead} is negative */
        public Staggered {
            java.util.Objects.requireNonNull(lead, "lead");
            if (lead.isNegative()) {
                throw new IllegalArgumentException("lead must be >= 0 but was " + lead);
            }
        }
    }

    /** All agents at once. */
    enum AllAtOnce implements Scheduling {
        /** The only instance. */
        INSTANCE
    }

    /**
     * Waves of a fixed size.
     *
     * @param size agents per wave, at least 1
     */
    record Waves(int size) implements Scheduling {
        /** @throws IllegalArgumentException if {@code size} is less than 1 */
        public Waves {
            if (size < 1) {
                throw new IllegalArgumentException("wave size must be >= 1 but was " + size);
            }
        }
    }
}

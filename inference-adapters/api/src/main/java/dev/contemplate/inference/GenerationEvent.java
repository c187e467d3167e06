package dev.contemplate.inference;

import java.util.Objects;

/**
 * A signal of a streaming generation: zero or more {@link TextDelta}s, then exactly one {@link Completed}.
 * Errors travel as the stream's error signal, as an {@link InferenceException}.
 */
public sealed interface GenerationEvent {

    /**
     * A piece of newly generated text, in order, with what the generation has spent so far.
     *
     * @param text the new text; concatenating every delta of a stream gives the completed text
     * @param usage the tokens spent by the generation up to and including this delta: its prompt and the tokens
     *     generated so far (cumulative, so a consumer that stops listening knows what was spent; the final count is
     *     the {@link Completed} generation's usage). {@link TokenUsage#ZERO} when {@code metering} is
     *     {@link Metering#UNREPORTED}
     * @param metering how the engine knows {@code usage}
     */
    record TextDelta(String text, TokenUsage usage, Metering metering) implements GenerationEvent {
        /** @throws NullPointerException if a component is null */
        public TextDelta {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(metering, "metering");
        }

        /**
         * Returns a delta whose engine does not report what it spent ({@link Metering#UNREPORTED}).
         *
         * @throws NullPointerException if text is null
         */
        public TextDelta(String text) {
            this(text, TokenUsage.ZERO, Metering.UNREPORTED);
        }
    }

    /**
     * The last signal of a successful stream.
     *
     * @param generation the finished generation
     */
    record Completed(Generation generation) implements GenerationEvent {
        /** @throws NullPointerException if generation is null */
        public Completed {
            Objects.requireNonNull(generation, "generation");
        }
    }
}

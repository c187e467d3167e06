package dev.contemplate.inference;

import java.util.Objects;

/**
 * A signal of a streaming generation: zero or more {@link TextDelta}s, then exactly one {@link Completed}.
 * Errors travel as the stream's error signal, as an {@link InferenceException}.
 */
public sealed interface GenerationEvent {

    /**
     * A piece of newly generated text, in order.
     *
     * @param text the new text; concatenating every delta of a stream gives the completed text
     */
    record TextDelta(String text) implements GenerationEvent {
        /** @throws NullPointerException if text is null */
        public TextDelta {
            Objects.requireNonNull(text, "text");
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

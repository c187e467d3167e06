package dev.contemplate.inference;

import java.util.Objects;
import java.util.Optional;

/**
 * The finished result of generating one sequence.
 *
 * @param index the sample index when an engine generates several samples of one request together (sample {@code i}
 *     with {@link SamplingParameters#forMember(int) forMember(i)}'s seed), 0 for a single generation
 * @param text the generated text, without the prompt; stop sequences are not included
 * @param finishReason why generation ended
 * @param usage tokens consumed by this sequence (a shared prefill may be attributed to every sample that used it)
 * @param logprobs the log-probability of each generated token, when the engine reports them (the embedded engine
 *     always does; a LangChain4j model only where its provider returns them)
 */
public record Generation(int index, String text, FinishReason finishReason, TokenUsage usage,
        Optional<TokenLogprobs> logprobs) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public Generation {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0 but was " + index);
        }
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(logprobs, "logprobs");
    }

    /**
     * Returns a generation without log-probabilities.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public Generation(int index, String text, FinishReason finishReason, TokenUsage usage) {
        this(index, text, finishReason, usage, Optional.empty());
    }

    /** Returns a copy of this generation with another sample index. */
    public Generation withIndex(int newIndex) {
        return new Generation(newIndex, text, finishReason, usage, logprobs);
    }
}

package dev.contemplate.inference;

/**
 * Tokens consumed by one or more generations.
 *
 * @param inputTokens tokens of the prompt (prefill), zero or more
 * @param outputTokens tokens generated, zero or more
 */
public record TokenUsage(long inputTokens, long outputTokens) {

    /** No tokens at all. */
    public static final TokenUsage ZERO = new TokenUsage(0, 0);

    /**
     * Validates the counts.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public TokenUsage {
        if (inputTokens < 0) {
            throw new IllegalArgumentException("inputTokens must be >= 0 but was " + inputTokens);
        }
        if (outputTokens < 0) {
            throw new IllegalArgumentException("outputTokens must be >= 0 but was " + outputTokens);
        }
    }

    /** Returns input plus output tokens. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** Returns the sum of this usage and {@code other}. */
    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(inputTokens + other.inputTokens, outputTokens + other.outputTokens);
    }
}

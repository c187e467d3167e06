package dev.contemplate.inference;

/**
 * How an engine knows the token counts it reports while a generation streams
 * ({@link GenerationEvent.TextDelta#usage()}).
 */
public enum Metering {
    /** Counted by the engine's own tokenizer: the embedded engine, the simulated engine. */
    EXACT,
    /**
     * Estimated: streamed chunks counted as output tokens and the prompt estimated from its text, as a remote model
     * reports its real counts only at the end of a generation.
     */
    ESTIMATED,
    /** Not reported by the engine: a consumer that needs a count estimates it from the text and says so. */
    UNREPORTED
}

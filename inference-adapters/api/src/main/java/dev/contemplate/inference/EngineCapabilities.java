package dev.contemplate.inference;

/**
 * What an engine can do, so callers can adapt instead of failing late.
 *
 * @param tokenStreaming whether text arrives token by token (otherwise in one delta at the end)
 * @param seeds whether {@link SamplingParameters#seed()} is honoured, so that the same seed reproduces a sample
 * @param maxConcurrentSequences how many sequences the engine runs at once; larger demand queues (bounded) or fails
 */
public record EngineCapabilities(boolean tokenStreaming, boolean seeds, int maxConcurrentSequences) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code maxConcurrentSequences} is less than 1
     */
    public EngineCapabilities {
        if (maxConcurrentSequences < 1) {
            throw new IllegalArgumentException("maxConcurrentSequences must be >= 1 but was " + maxConcurrentSequences);
        }
    }
}

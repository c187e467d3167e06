package dev.contemplate.inference;

/**
 * What an engine can do, so callers can adapt instead of failing late.
 *
 * @param tokenStreaming whether {@link InferenceEngine#stream} emits text token by token as it is generated (otherwise
 *     in one delta at the end); the engine contract test kit and callers read it to know which to expect
 * @param seeds whether {@link SamplingParameters#seed()} is honoured, so that the same seed reproduces a sample
 */
public record EngineCapabilities(boolean tokenStreaming, boolean seeds) {
}

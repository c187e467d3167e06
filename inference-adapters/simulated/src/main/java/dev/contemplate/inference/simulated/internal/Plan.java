package dev.contemplate.inference.simulated.internal;

import dev.contemplate.inference.FinishReason;
import java.time.Duration;
import java.util.List;

/**
 * What one simulated generation will do, fully drawn before anything is emitted.
 *
 * @param tokens the deltas' texts, in order; empty for a failure
 * @param delays the delay before each delta (the first one: the first-token latency); as many as {@code tokens}
 * @param failure whether the generation fails after the first-token latency instead of emitting
 * @param firstTokenLatency the scenario's first-token latency
 * @param finishReason how the text ended: {@code STOP}, {@code LENGTH}, or {@code OTHER} for a failure
 * @param inputTokens the prompt's token count
 */
public record Plan(List<String> tokens, List<Duration> delays, boolean failure, Duration firstTokenLatency,
        FinishReason finishReason, long inputTokens) {
}

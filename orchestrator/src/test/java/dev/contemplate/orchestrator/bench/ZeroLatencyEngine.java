package dev.contemplate.orchestrator.bench;

import dev.contemplate.inference.EngineCapabilities;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.TokenUsage;
import reactor.core.publisher.Flux;

/** An engine that answers at once, on the caller's thread: what is left to measure is the orchestrator. */
final class ZeroLatencyEngine implements InferenceEngine {

    static final String TEXT = "Adding up step by step gives 141. The answer is 141.";

    @Override
    public String name() {
        return "zero-latency";
    }

    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(true, true);
    }

    @Override
    public Flux<GenerationEvent> stream(GenerationRequest request) {
        return Flux.just(new GenerationEvent.TextDelta(TEXT),
                new GenerationEvent.Completed(new Generation(0, TEXT, FinishReason.STOP, new TokenUsage(20, 12))));
    }

    /** The same answer as a plain method, for the hand-written baseline. */
    Generation generateNow(GenerationRequest request) {
        return new Generation(0, TEXT, FinishReason.STOP, new TokenUsage(20, 12));
    }
}

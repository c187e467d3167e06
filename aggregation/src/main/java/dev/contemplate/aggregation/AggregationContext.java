package dev.contemplate.aggregation;

import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import java.time.Duration;
import reactor.core.publisher.Flux;

/**
 * What the contemplation offers an {@link Aggregator} that thinks: engine calls that count against the same budget
 * and tokens, stream typed events of their own and are cancelled like agents. Implemented by the orchestrator.
 */
public interface AggregationContext {

    /** Returns the team's engine, the default engine of judge, synthesis and verifier calls. */
    InferenceEngine engine();

    /** Returns the time left before the contemplation's deadline; zero or negative once it passed. */
    Duration remaining();

    /**
     * Runs one budgeted engine call. The call is reported in the contemplation's events under {@code role}, its
     * tokens count against the token budget, and cancelling the subscription (or the contemplation) cancels it in the
     * engine. When the token budget is already spent the publisher fails at once with an
     * {@link IllegalStateException} that says so.
     *
     * @param role what the call is for, e.g. {@code judge}, {@code synthesis}, {@code verifier}
     * @param engine the engine to call
     * @param request the request
     * @param answer whether the call writes the final answer, so its text deltas stream to the caller as the answer
     * @return the cold stream of the call's generation events
     */
    Flux<GenerationEvent> call(String role, InferenceEngine engine, GenerationRequest request, boolean answer);
}

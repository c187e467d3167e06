package dev.contemplate.inference;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A text generation engine, shared by every agent of a contemplation.
 *
 * <p>Contract, checked for every engine by the contract test kit ({@code AbstractInferenceEngineContractTest}
 * in this module's test-jar):
 * <ul>
 *   <li>Publishers are cold: nothing is generated until subscription, and each subscription is a new generation.</li>
 *   <li>{@link #stream} emits {@link GenerationEvent.TextDelta}s in order, then one {@link GenerationEvent.Completed}
 *       whose text is the concatenation of the deltas.</li>
 *   <li>Cancelling a subscription stops generation for it inside the engine (a batch row freed, an HTTP stream
 *       closed) promptly; the engine does not keep spending compute on it.</li>
 *   <li>Failures arrive as an error signal carrying an {@link InferenceException}; methods never throw for
 *       engine failures. Invalid arguments may throw {@link IllegalArgumentException} at call time.</li>
 *   <li>Where {@link EngineCapabilities#seeds()} holds, the same request with the same seed gives the same text.
 *       A request with a seed on an engine without seeds fails with {@link UnsupportedCapabilityException}.</li>
 *   <li>Methods never block the calling thread; blocking clients run on a bounded scheduler of the engine's.</li>
 * </ul>
 */
public interface InferenceEngine extends AutoCloseable {

    /** Returns a short name for logs, errors and reports. */
    String name();

    /**
     * Returns the model this engine runs, for reports (a team of different models names each agent's engine and
     * model); by default the engine's {@link #name()}. Never null.
     */
    default String model() {
        return name();
    }

    /** Returns what this engine can do. */
    EngineCapabilities capabilities();

    /**
     * Generates one sequence, streaming its text.
     *
     * @param request the prompt and sampling parameters
     * @return a cold publisher of deltas then one completion; cancel it to stop generation
     */
    Flux<GenerationEvent> stream(GenerationRequest request);

    /**
     * Generates one sequence and emits it when finished.
     *
     * @param request the prompt and sampling parameters
     * @return a cold publisher of the finished generation
     */
    default Mono<Generation> generate(GenerationRequest request) {
        return stream(request)
                .filter(GenerationEvent.Completed.class::isInstance)
                .map(e -> ((GenerationEvent.Completed) e).generation())
                .next();
    }

    /** Releases the engine's resources (threads, native memory, connections). Idempotent. Does not throw. */
    @Override
    default void close() {
    }
}

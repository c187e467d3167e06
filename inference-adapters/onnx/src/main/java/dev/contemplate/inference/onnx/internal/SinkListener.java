package dev.contemplate.inference.onnx.internal;

import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.TokenUsage;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.MonoSink;

/**
 * The one {@link Job.Listener}: hands a job's results to a Reactor sink, in the shape of the engine method that
 * started it (events of a stream, the generations of samples, or one generation). Never blocks.
 */
public final class SinkListener implements Job.Listener {

    private final @Nullable Consumer<GenerationEvent.TextDelta> deltas;
    private final Consumer<Generation> generations;
    private final Runnable complete;
    private final Consumer<Throwable> error;

    private SinkListener(@Nullable Consumer<GenerationEvent.TextDelta> deltas, Consumer<Generation> generations,
            Runnable complete, Consumer<Throwable> error) {
        this.deltas = deltas;
        this.generations = generations;
        this.complete = complete;
        this.error = error;
    }

    /** Returns a listener that emits each delta and each finished generation as events, then completes. */
    public static SinkListener events(FluxSink<GenerationEvent> sink) {
        return new SinkListener(sink::next, g -> sink.next(new GenerationEvent.Completed(g)), sink::complete,
                sink::error);
    }

    /** Returns a listener that emits each finished generation, then completes; deltas are ignored. */
    public static SinkListener generations(FluxSink<Generation> sink) {
        return new SinkListener(null, sink::next, sink::complete, sink::error);
    }

    /** Returns a listener that succeeds with the (only) finished generation; deltas are ignored. */
    public static SinkListener single(MonoSink<Generation> sink) {
        return new SinkListener(null, sink::success, () -> { }, sink::error);
    }

    @Override
    public void onDelta(int index, String text, TokenUsage usage) {
        if (deltas != null) {
            deltas.accept(new GenerationEvent.TextDelta(text, usage, Metering.EXACT));
        }
    }

    @Override
    public void onGeneration(Generation generation) {
        generations.accept(generation);
    }

    @Override
    public void onComplete() {
        complete.run();
    }

    @Override
    public void onError(InferenceException failure) {
        error.accept(failure);
    }
}

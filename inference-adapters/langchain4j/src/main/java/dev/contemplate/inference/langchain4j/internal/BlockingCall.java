package dev.contemplate.inference.langchain4j.internal;

import dev.contemplate.inference.EngineClosedException;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.TransientInferenceException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * One generation of a blocking {@link ChatModel}: the call runs on the engine's bounded scheduler, never on the
 * subscriber's thread, and its text arrives as one delta followed by the completion.
 *
 * <p>Cancellation disposes the scheduled task, which interrupts its thread. With LangChain4j's JDK HTTP client an
 * interrupt aborts the HTTP exchange and closes the connection; a model whose client ignores interrupts keeps its
 * thread until the call returns. Either way the result is dropped. The engine's permit is held until the thread
 * is free again (or released at once if the task never started), so the in-flight bound counts busy threads
 * honestly.
 */
public final class BlockingCall implements CallRegistry.Call {

    private final String engine;
    private final ChatModel model;
    private final ChatRequest request;
    private final ResponseMapper responses;
    private final PermitGate.Permit permit;
    private final CallRegistry registry;
    private final MonoSink<ChatResponse> sink;
    /** Claimed by whoever settles the permit first: the task when it starts, or a cancellation before that. */
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Disposable task = Disposables.disposed();

    private BlockingCall(String engine, ChatModel model, ChatRequest request, ResponseMapper responses,
            PermitGate.Permit permit, CallRegistry registry, MonoSink<ChatResponse> sink) {
        this.engine = engine;
        this.model = model;
        this.request = request;
        this.responses = responses;
        this.permit = permit;
        this.registry = registry;
        this.sink = sink;
    }

    /**
     * Returns the events of one blocking generation; the call is scheduled when the returned flux is subscribed.
     *
     * @param engine the engine's name, for errors
     * @param model the model
     * @param request the chat request
     * @param responses maps the response
     * @param permit the engine's permit for this call, released when the call's thread is free
     * @param registry where the call stays registered while in flight
     * @param scheduler the engine's bounded scheduler for blocking calls
     * @return one delta (if the text is not empty) and the completion
     */
    public static Flux<GenerationEvent> flux(String engine, ChatModel model, ChatRequest request,
            ResponseMapper responses, PermitGate.Permit permit, CallRegistry registry, Scheduler scheduler) {
        return Mono.<ChatResponse>create(sink -> {
            BlockingCall call = new BlockingCall(engine, model, request, responses, permit, registry, sink);
            sink.onCancel(call::cancel);
            if (!registry.add(call)) {
                call.releaseIfNotStarted();
                return;
            }
            try {
                call.task = scheduler.schedule(call::run);
                if (call.ended.get()) {
                    call.task.dispose(); // cancelled while being scheduled
                }
            } catch (RejectedExecutionException e) {
                call.releaseIfNotStarted();
                InferenceException error = registry.isClosed() || scheduler.isDisposed()
                        ? new EngineClosedException(engine, e)
                        : new TransientInferenceException(engine, "no thread free for a blocking call", e);
                call.end(error);
            }
        }).flatMapMany(response -> {
            String text = ResponseMapper.text(response);
            GenerationEvent.Completed completed = new GenerationEvent.Completed(
                    responses.toGeneration(response, text, request.messages()));
            return text.isEmpty()
                    ? Flux.<GenerationEvent>just(completed)
                    : Flux.<GenerationEvent>just(new GenerationEvent.TextDelta(text,
                            completed.generation().usage(), Metering.ESTIMATED), completed);
        }).onErrorMap(e -> !(e instanceof InferenceException), e -> ErrorMapper.map(engine, e));
    }

    private void run() {
        if (!claimed.compareAndSet(false, true)) {
            return; // cancelled or aborted before it started; the permit is already back
        }
        try {
            if (ended.get()) {
                return;
            }
            ChatResponse response = model.chat(request);
            if (ended.compareAndSet(false, true)) {
                registry.remove(this);
                sink.success(response);
            }
        } catch (Throwable t) {
            if (ended.compareAndSet(false, true)) {
                registry.remove(this);
                sink.error(ErrorMapper.map(engine, t));
            }
        } finally {
            permit.release();
        }
    }

    private void cancel() {
        ended.set(true);
        registry.remove(this);
        task.dispose();
        releaseIfNotStarted();
    }

    @Override
    public void abort(InferenceException error) {
        end(error); // first, so that the interrupted call's own failure is dropped
        task.dispose();
        releaseIfNotStarted();
    }

    private void end(InferenceException error) {
        if (ended.compareAndSet(false, true)) {
            registry.remove(this);
            sink.error(error);
        }
    }

    private void releaseIfNotStarted() {
        if (claimed.compareAndSet(false, true)) {
            permit.release();
        }
    }
}

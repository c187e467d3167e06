package dev.contemplate.inference.langchain4j.internal;

import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.TokenUsage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * One streaming generation: bridges LangChain4j's push-style {@link StreamingChatResponseHandler} to a
 * {@link Flux} of {@link GenerationEvent}s.
 *
 * <p>Backpressure: LangChain4j pushes text as it arrives and cannot be paused, so text that the subscriber has not
 * requested yet is coalesced into one pending delta instead of being queued as separate events. At most the
 * pending text plus one completion are ever held, and the pending text is bounded by the response itself (which
 * the request's token limit bounds). No text is dropped and the concatenation of the deltas is always the full
 * text.
 *
 * <p>Cancellation: cancelling the subscription calls {@link StreamingHandle#cancel()}, which closes the HTTP
 * stream. LangChain4j hands out the handle with the first partial response; if the subscriber cancels before
 * that, the cancellation is remembered and the handle is cancelled the moment it appears. The engine's permit is
 * held until the HTTP stream is closed or has ended (not until the subscriber has consumed every event), so the
 * in-flight bound counts open connections.
 *
 * <p>Accounting: each delta carries what the call has spent so far, {@link Metering#ESTIMATED}: every partial
 * response LangChain4j delivered counts as one output token (providers stream about one token per chunk) and the
 * prompt is estimated with the engine's token estimator, since a provider reports its real counts only at the end.
 */
public final class StreamingCall implements StreamingChatResponseHandler, CallRegistry.Call {

    private final String engine;
    private final ChatRequest request;
    private final ResponseMapper responses;
    private final PermitGate.Permit permit;
    private final CallRegistry registry;
    private final FluxSink<GenerationEvent> sink;

    private final Object lock = new Object();
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder all = new StringBuilder();
    private @Nullable ChatResponse response;
    private @Nullable Throwable error;
    private boolean done;
    private boolean terminated;
    /** Partial responses received: the streamed estimate of the output tokens. */
    private long chunks;
    private final long promptTokens;

    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicReference<@Nullable StreamingHandle> handle = new AtomicReference<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean cancelled;

    private StreamingCall(String engine, ChatRequest request, ResponseMapper responses, PermitGate.Permit permit,
            CallRegistry registry, FluxSink<GenerationEvent> sink) {
        this.engine = engine;
        this.request = request;
        this.responses = responses;
        this.permit = permit;
        this.registry = registry;
        this.sink = sink;
        this.promptTokens = responses.estimateInput(request.messages());
    }

    /**
     * Returns the events of one streaming generation; the call starts when the returned flux is subscribed.
     *
     * @param engine the engine's name, for errors
     * @param model the model
     * @param request the chat request
     * @param responses maps the final response
     * @param permit the engine's permit for this call, released when the call is over
     * @param registry where the call stays registered while in flight
     * @return the events
     */
    public static Flux<GenerationEvent> flux(String engine, StreamingChatModel model, ChatRequest request,
            ResponseMapper responses, PermitGate.Permit permit, CallRegistry registry) {
        return Flux.create(sink -> {
            StreamingCall call = new StreamingCall(engine, request, responses, permit, registry, sink);
            sink.onRequest(n -> call.drain());
            sink.onCancel(call::cancel);
            if (!registry.add(call)) {
                return;
            }
            try {
                model.chat(request, call);
            } catch (Throwable t) {
                call.onError(t);
            }
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    @Override
    public void onPartialResponse(String partialResponse) {
        append(partialResponse);
    }

    @Override
    public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
        capture(context.streamingHandle());
        append(partialResponse.text());
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
        capture(context.streamingHandle());
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
        capture(context.streamingHandle());
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
        synchronized (lock) {
            if (done) {
                return;
            }
            done = true;
            response = completeResponse;
        }
        finish();
        drain();
    }

    @Override
    public void onError(Throwable failure) {
        synchronized (lock) {
            if (done) {
                return;
            }
            done = true;
            error = failure;
        }
        finish();
        drain();
    }

    @Override
    public void abort(InferenceException failure) {
        // record the reason before closing the stream: closing makes LangChain4j report an I/O error of its own
        synchronized (lock) {
            if (!done) {
                done = true;
                error = failure;
            }
        }
        StreamingHandle h = handle.get();
        if (h != null) {
            h.cancel();
        }
        finish();
        drain();
    }

    private void append(@Nullable String text) {
        if (text == null || text.isEmpty() || cancelled) {
            return;
        }
        synchronized (lock) {
            if (done) {
                return;
            }
            pending.append(text);
            all.append(text);
            chunks++;
        }
        drain();
    }

    private void capture(@Nullable StreamingHandle h) {
        if (h != null && handle.compareAndSet(null, h) && cancelled) {
            h.cancel();
            finish();
        }
    }

    private void cancel() {
        cancelled = true;
        StreamingHandle h = handle.get();
        if (h != null) {
            h.cancel();
            finish();
        }
        // without a handle the stream is still opening: capture() cancels it when the handle appears, and
        // onCompleteResponse/onError end the call if it ends first
    }

    private void finish() {
        if (finished.compareAndSet(false, true)) {
            registry.remove(this);
            permit.release();
        }
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            String text = null;
            long streamed = 0;
            boolean terminal = false;
            synchronized (lock) {
                if (cancelled) {
                    pending.setLength(0);
                    terminal = done && !terminated;
                    terminated |= terminal;
                } else {
                    if (pending.length() > 0 && sink.requestedFromDownstream() > 0) {
                        text = pending.toString();
                        pending.setLength(0);
                        streamed = chunks;
                    }
                    terminal = done && !terminated && (error != null || pending.length() == 0);
                    terminated |= terminal;
                }
            }
            if (text != null) {
                sink.next(new GenerationEvent.TextDelta(text, new TokenUsage(promptTokens, streamed),
                        Metering.ESTIMATED));
            }
            if (terminal) {
                if (!cancelled) {
                    emitEnd();
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void emitEnd() {
        Throwable failure;
        ChatResponse end;
        String streamed;
        synchronized (lock) {
            failure = error;
            end = response;
            streamed = all.toString();
        }
        if (failure != null) {
            sink.error(ErrorMapper.map(engine, failure));
            return;
        }
        // a model that streams nothing (or not everything) still reports the full text at the end
        String full = ResponseMapper.text(end);
        String text = streamed;
        String rest = "";
        if (full.length() > streamed.length() && full.startsWith(streamed)) {
            rest = full.substring(streamed.length());
            text = full;
        }
        Generation g;
        try {
            g = responses.toGeneration(end, text, request.messages());
        } catch (RuntimeException e) {
            sink.error(ErrorMapper.map(engine, e));
            return;
        }
        if (!rest.isEmpty()) {
            sink.next(new GenerationEvent.TextDelta(rest, g.usage(), Metering.ESTIMATED));
        }
        sink.next(new GenerationEvent.Completed(g));
        sink.complete();
    }
}

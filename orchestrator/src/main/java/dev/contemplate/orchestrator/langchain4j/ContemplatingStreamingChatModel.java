package dev.contemplate.orchestrator.langchain4j;

import dev.contemplate.agents.Conversation;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;

/**
 * A LangChain4j {@link StreamingChatModel} that answers by contemplation, without blocking: the streaming twin of
 * {@link ContemplatingChatModel}, with the same builder options, the same treatment of the conversation, the same
 * model-name grammar ({@code contemplate}, {@code contemplate-contemplate}, {@code contemplate-auto},
 * {@code contemplate-fast}, {@code contemplate-N}) and the same final {@link ChatResponse} (finish reason, token usage,
 * {@link ContemplationResponseMetadata} with the verdict). See {@link ContemplatingChatModel} for those.
 *
 * <p><b>What streams.</b> Nothing is streamed while the agents work: their drafts are candidates, not the reply.
 * When a synthesiser writes the final answer (an aggregator whose engine call streams the answer), its text reaches
 * {@link StreamingChatResponseHandler#onPartialResponse(PartialResponse, PartialResponseContext)} piece by piece as it
 * is generated; otherwise the verdict's text is sent as one partial response once the verdict is ready. Then
 * {@link StreamingChatResponseHandler#onCompleteResponse(ChatResponse)} receives the response, whose text is
 * authoritative: if the synthesiser failed after streaming part of its text and the vote decided instead (see the
 * verdict's provenance), the partial responses already sent are not the final text and nothing more is streamed.
 * With {@link Builder#answerOnly(boolean)} nothing streams while the answer is written: the answer's short display
 * text (see there) is sent as one partial response once the verdict is ready.
 *
 * <p><b>Errors.</b> A request that cannot be contemplated (a malformed {@code contemplate-} model name, a last
 * message that is not a user message with text, tools, a non-text response format, a message that cannot be
 * carried) is refused by {@code chat} itself, which throws before anything streams, as LangChain4j's own streaming
 * models do. A contemplation error (deadline without an answer, every agent failed) reaches
 * {@link StreamingChatResponseHandler#onError(Throwable)} as the orchestrator's {@link ContemplationException}. If the
 * handler throws from a partial or the complete response, the contemplation is cancelled and the exception passed to
 * {@code onError}; an exception thrown by {@code onError} itself is logged.
 *
 * <p><b>Cancellation.</b> Each partial response comes with a {@link PartialResponseContext} whose
 * {@link PartialResponseContext#streamingHandle() streamingHandle()} cancels the contemplation: every agent and
 * aggregation call still running is cancelled in its engine, and the handler hears nothing more (neither a complete
 * response nor an error). LangChain4j 1.19 hands the handle to partial responses only, so a contemplation can be
 * cancelled this way once its answer streams.
 *
 * <p>In FAST mode with a {@link Builder#fastModel(StreamingChatModel) fast model}, the request goes straight to it
 * (only a {@code contemplate-fast} model name gives way to the fast model's own) with the caller's handler, and
 * everything that model streams reaches the handler as it is. Instances are immutable and thread-safe; the handler is
 * called from the engine's or the contemplator's threads, one call at a time.
 */
public final class ContemplatingStreamingChatModel implements StreamingChatModel {

    private static final System.Logger LOG = System.getLogger(ContemplatingStreamingChatModel.class.getName());

    private final ChatContemplation.Settings settings;
    private final @Nullable StreamingChatModel fastModel;

    private ContemplatingStreamingChatModel(ChatContemplation.Settings settings,
            @Nullable StreamingChatModel fastModel) {
        this.settings = settings;
        this.fastModel = fastModel;
    }

    /** Returns a builder; a contemplator is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a model like this one whose own mode is {@code newMode} (requests that name a mode still get theirs).
     *
     * @throws NullPointerException if {@code newMode} is null
     */
    public ContemplatingStreamingChatModel withMode(Mode newMode) {
        return new ContemplatingStreamingChatModel(settings.withMode(newMode), fastModel);
    }

    /**
     * Starts contemplating the request's conversation in the mode its model name selects (or this model's own mode)
     * and returns at once; the reply reaches {@code handler} as described in the class description. In FAST mode with
     * a fast model, the request is passed to that model with {@code handler} instead.
     *
     * @param request the request; its last message is the question, a user message with text
     * @param handler receives the partial responses, then the response or an error
     * @throws IllegalArgumentException if the last message is not a user message with text, or the model name is a
     *     malformed {@code contemplate-} name
     * @throws UnsupportedFeatureException if the request offers tools, asks for a non-text response format, or holds
     *     a message that cannot be carried
     */
    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Objects.requireNonNull(handler, "handler");
        ChatContemplation.Route route = settings.route(request);
        if (route.mode() == Mode.FAST && fastModel != null) {
            fastModel.chat(ChatContemplation.forFastModel(request, fastModel.defaultRequestParameters()), handler);
            return;
        }
        ChatContemplation.checkSupported(request);
        Conversation conversation = ChatContemplation.conversation(request.messages());
        new Relay(handler, settings.answerOnly())
                .start(settings.contemplator().events(conversation, route.mode(), route.budget()));
    }

    /**
     * Relays one contemplation's events to a handler, and is the handle that cancels it. Events arrive serialised by
     * Reactor; {@link #cancel()} may come from any thread.
     */
    private static final class Relay implements StreamingHandle {
        private final StreamingChatResponseHandler handler;
        private final boolean answerOnly;
        private final Disposable.Swap subscription = Disposables.swap();
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicBoolean terminated = new AtomicBoolean();
        private final StringBuilder streamed = new StringBuilder();

        Relay(StreamingChatResponseHandler handler, boolean answerOnly) {
            this.handler = handler;
            this.answerOnly = answerOnly;
        }

        void start(Flux<ContemplationEvent> events) {
            // a swap disposed before the subscription is in (cancelled during subscribe) disposes it on update
            subscription.update(events.subscribe(this::onEvent, this::onFailure));
        }

        private boolean over() {
            return cancelled.get() || terminated.get();
        }

        private void onEvent(ContemplationEvent event) {
            if (over()) {
                return;
            }
            if (event instanceof ContemplationEvent.AnswerDelta delta && !answerOnly) {
                streamed.append(delta.text());
                partial(delta.text());
            } else if (event instanceof ContemplationEvent.VerdictReady ready) {
                Verdict verdict = ready.verdict();
                String text = ChatContemplation.replyText(verdict, answerOnly);
                String sent = streamed.toString();
                if (text.startsWith(sent) && text.length() > sent.length()) {
                    partial(text.substring(sent.length()));
                }
                if (over() || !terminated.compareAndSet(false, true)) {
                    return;
                }
                ChatResponse response = ChatContemplation.response(verdict, answerOnly);
                try {
                    handler.onCompleteResponse(response);
                } catch (RuntimeException e) {
                    subscription.dispose();
                    notifyError(e);
                }
            }
        }

        private void partial(String text) {
            try {
                handler.onPartialResponse(new PartialResponse(text), new PartialResponseContext(this));
            } catch (RuntimeException e) {
                if (terminated.compareAndSet(false, true)) {
                    subscription.dispose();
                    notifyError(e);
                }
            }
        }

        private void onFailure(Throwable error) {
            if (!cancelled.get() && terminated.compareAndSet(false, true)) {
                notifyError(error);
            }
        }

        private void notifyError(Throwable error) {
            try {
                handler.onError(error);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the streaming handler's onError threw", e);
            }
        }

        @Override
        public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                subscription.dispose();
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }

    /**
     * Builds a {@link ContemplatingStreamingChatModel}. The options it shares with the other contemplating model's
     * builder ({@code contemplator}, {@code mode}, {@code budget}, {@code answerOnly}) return this builder. Not
     * thread-safe; the built model is.
     */
    public static final class Builder extends ChatContemplation.SettingsBuilder<Builder> {
        private @Nullable StreamingChatModel fastModel;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the streaming model that FAST requests pass straight through to, without contemplation (default: none,
         * so FAST runs the contemplator's FAST mode, one agent).
         */
        public Builder fastModel(StreamingChatModel value) {
            this.fastModel = Objects.requireNonNull(value, "fastModel");
            return this;
        }

        /**
         * Returns the model.
         *
         * @throws NullPointerException if no contemplator was set
         */
        public ContemplatingStreamingChatModel build() {
            return new ContemplatingStreamingChatModel(settings(), fastModel);
        }
    }
}

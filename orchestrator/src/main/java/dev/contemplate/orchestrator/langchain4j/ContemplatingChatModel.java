package dev.contemplate.orchestrator.langchain4j;

import dev.contemplate.agents.Conversation;
import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j {@link ChatModel} that answers by contemplation: the {@link Contemplator} runs its team on the whole
 * conversation, votes, stops and merges; the reply is the verdict's text. AI Services, chat memory and any code
 * written against LangChain4j get contemplate mode this way.
 *
 * <pre>{@code
 * ChatModel model = ContemplatingChatModel.builder().contemplator(contemplator).fastModel(plainModel).build();
 * Assistant assistant = AiServices.builder(Assistant.class).chatModel(model)
 *         .chatMemory(MessageWindowChatMemory.withMaxMessages(10)).build();
 * }</pre>
 *
 * <p><b>The conversation.</b> Every message of the request reaches every agent, in order: the app's system messages,
 * earlier user and AI turns (chat memory), and the question, which must be the last message, a user message with
 * text. Each agent's persona is layered on top as a system message of its own, after the app's system messages, which
 * stay. Nothing is dropped silently: a message that cannot be carried (a tool call or result, a user message with a
 * name, images or other non-text content, a custom message) fails the request with LangChain4j's
 * {@link UnsupportedFeatureException} naming it. Only an AI message's thinking text is left out, as LangChain4j's
 * providers do by default. The request's sampling parameters (temperature, top-p, max tokens, stop sequences) are not
 * applied: each agent samples with its own settings, which is what makes the team diverse.
 *
 * <p><b>The mode</b> is chosen per request by its model name ({@link ChatRequest#modelName()}), case ignored:
 * <ul>
 *   <li>{@code contemplate} or {@code contemplate-contemplate}: CONTEMPLATE, the whole team;
 *   <li>{@code contemplate-N}, N &ge; 1: CONTEMPLATE with at most N agents (and never more than the budget allows);
 *   <li>{@code contemplate-auto}: AUTO, agents in growing waves while the outcome is unsettled;
 *   <li>{@code contemplate-fast}: FAST. With a {@link Builder#fastModel(ChatModel) fast model}, the request goes
 *       straight to it, unchanged (only the {@code contemplate-fast} name gives way to the fast model's own default
 *       model name), and its response is returned as it is; without one, the contemplator's FAST mode runs one agent;
 *   <li>any other name, or none: the model's own mode ({@link Builder#mode}, {@link #withMode}).
 * </ul>
 * A name that starts with {@code contemplate-} but is none of these fails with an {@link IllegalArgumentException}.
 *
 * <p><b>The response</b> tells how the reply was reached: its text is {@link Verdict#text()} (or, with
 * {@link Builder#answerOnly(boolean)}, the answer's short display text: the extracted answer for a vote on extracted
 * answers, the winning cluster's display text, up to 200 characters of its founding candidate's text, for the
 * semantic vote, the first line of the text, up to 80 characters, for a synthesis whose sources disagree; see
 * there); its token usage is the total over all agents and aggregation
 * calls; its finish reason is {@link FinishReason#STOP} for a complete verdict, {@link FinishReason#LENGTH} when the
 * token budget cut the contemplation short and {@link FinishReason#OTHER} when the deadline did; its metadata is a
 * {@link ContemplationResponseMetadata} whose {@link ContemplationResponseMetadata#verdict() verdict()} holds the
 * votes, stop reason, completeness, per-agent outcomes and tokens, and provenance; its model name is
 * {@code contemplate-fast}, {@code contemplate-auto} or {@code contemplate-N} (N planned agents).
 *
 * <p>Tools and response formats other than text are not supported and fail with
 * {@link UnsupportedFeatureException} (unless the request passes through to a fast model, which decides). A
 * contemplation error (deadline without any answer, every agent failed) is thrown as the orchestrator's
 * {@link ContemplationException}. {@link #doChat} blocks the calling thread until the verdict: call it from your own
 * threads, never from a Reactor non-blocking thread (Reactor refuses to block there); interrupting the waiting thread
 * cancels the contemplation. For a non-blocking variant see {@link ContemplatingStreamingChatModel}. Instances are
 * immutable and thread-safe.
 */
public final class ContemplatingChatModel implements ChatModel {

    private final ChatContemplation.Settings settings;
    private final @Nullable ChatModel fastModel;

    private ContemplatingChatModel(ChatContemplation.Settings settings, @Nullable ChatModel fastModel) {
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
    public ContemplatingChatModel withMode(Mode newMode) {
        return new ContemplatingChatModel(settings.withMode(newMode), fastModel);
    }

    /**
     * Contemplates the request's conversation in the mode its model name selects (or this model's own mode), and
     * blocks until the verdict; in FAST mode with a fast model, returns that model's response instead.
     *
     * @param request the request; its last message is the question, a user message with text
     * @return the reply with the verdict in its {@link ContemplationResponseMetadata}
     * @throws IllegalArgumentException if the last message is not a user message with text, or the model name is a
     *     malformed {@code contemplate-} name
     * @throws UnsupportedFeatureException if the request offers tools, asks for a non-text response format, or holds
     *     a message that cannot be carried (see the class description)
     * @throws ContemplationException if the contemplation ends without a verdict
     */
    @Override
    public ChatResponse doChat(ChatRequest request) {
        ChatContemplation.Route route = settings.route(request);
        if (route.mode() == Mode.FAST && fastModel != null) {
            return fastModel.chat(ChatContemplation.forFastModel(request, fastModel.defaultRequestParameters()));
        }
        ChatContemplation.checkSupported(request);
        Conversation conversation = ChatContemplation.conversation(request.messages());
        Verdict verdict = settings.contemplator().contemplate(conversation, route.mode(), route.budget()).block();
        if (verdict == null) {
            throw new IllegalStateException("the contemplation ended without a verdict");
        }
        return ChatContemplation.response(verdict, settings.answerOnly());
    }

    /**
     * Builds a {@link ContemplatingChatModel}. The options it shares with the other contemplating model's builder
     * ({@code contemplator}, {@code mode}, {@code budget}, {@code answerOnly}) return this builder. Not thread-safe;
     * the built model is.
     */
    public static final class Builder extends ChatContemplation.SettingsBuilder<Builder> {
        private @Nullable ChatModel fastModel;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the model that FAST requests pass straight through to, without contemplation (default: none, so FAST
         * runs the contemplator's FAST mode, one agent).
         */
        public Builder fastModel(ChatModel value) {
            this.fastModel = Objects.requireNonNull(value, "fastModel");
            return this;
        }

        /**
         * Returns the model.
         *
         * @throws NullPointerException if no contemplator was set
         */
        public ContemplatingChatModel build() {
            return new ContemplatingChatModel(settings(), fastModel);
        }
    }
}

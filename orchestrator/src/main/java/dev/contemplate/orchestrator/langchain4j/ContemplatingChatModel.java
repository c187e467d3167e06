package dev.contemplate.orchestrator.langchain4j;

import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link ChatModel} that answers by contemplation: the last user message of each request is the
 * question; the {@link Contemplator} runs its team, votes and stops; the reply is the text of the first agent (in
 * team order) whose answer won, or only the answer with {@link Builder#answerOnly(boolean)}. Token usage is the
 * total over all agents. Use {@link #withMode(Mode)} to toggle FAST / CONTEMPLATE / AUTO per request.
 *
 * <p>Limits: the contemplator's agents bring their own personas, so a request's system messages and earlier
 * turns are not forwarded; tool calls and response formats are not supported and fail with LangChain4j's
 * {@link UnsupportedFeatureException}. A contemplation error (timeout without an answer, every agent failed)
 * is thrown as the orchestrator's {@code ContemplationException}. {@link #doChat} blocks the calling thread until
 * the verdict: call it from your own threads, not from a Reactor event loop.
 */
public final class ContemplatingChatModel implements ChatModel {

    private final Contemplator contemplator;
    private final Mode mode;
    private final Budget budget;
    private final boolean answerOnly;

    private ContemplatingChatModel(Contemplator contemplator, Mode mode, Budget budget, boolean answerOnly) {
        this.contemplator = contemplator;
        this.mode = mode;
        this.budget = budget;
        this.answerOnly = answerOnly;
    }

    /** Returns a builder; a contemplator is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a model like this one that contemplates in {@code newMode}. */
    public ContemplatingChatModel withMode(Mode newMode) {
        return new ContemplatingChatModel(contemplator, Objects.requireNonNull(newMode, "mode"), budget, answerOnly);
    }

    /**
     * Contemplates the request's last user message.
     *
     * @throws IllegalArgumentException if the request has no user message with text
     * @throws UnsupportedFeatureException if the request asks for tools or a response format
     */
    @Override
    public ChatResponse doChat(ChatRequest request) {
        if (request.toolSpecifications() != null && !request.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tools are not supported by contemplate mode");
        }
        if (request.responseFormat() != null
                && request.responseFormat().type() != dev.langchain4j.model.chat.request.ResponseFormatType.TEXT) {
            throw new UnsupportedFeatureException("only text responses are supported by contemplate mode");
        }
        String question = lastUserText(request.messages());
        Verdict verdict = contemplator.contemplate(question, mode, budget).block();
        Objects.requireNonNull(verdict, "the contemplation ended without a verdict");
        String text = answerOnly ? verdict.answer().text() : winningText(verdict);
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(text))
                .tokenUsage(new TokenUsage(Math.toIntExact(Math.min(Integer.MAX_VALUE, verdict.tokens().inputTokens())),
                        Math.toIntExact(Math.min(Integer.MAX_VALUE, verdict.tokens().outputTokens()))))
                .finishReason(FinishReason.STOP)
                .modelName("contemplate/" + verdict.stoppingRule())
                .build();
    }

    private static String lastUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage u && u.hasSingleText() && !u.singleText().isBlank()) {
                return u.singleText();
            }
        }
        throw new IllegalArgumentException("the chat request has no user message with text to contemplate");
    }

    private static String winningText(Verdict verdict) {
        for (AgentOutcome o : verdict.agents()) {
            if (o instanceof AgentOutcome.Answered a && a.answer().key().equals(verdict.answer().key())) {
                return a.text();
            }
        }
        return verdict.answer().text();
    }

    /** Builds a {@link ContemplatingChatModel}. */
    public static final class Builder {
        private Contemplator contemplator;
        private Mode mode = Mode.CONTEMPLATE;
        private Budget budget;
        private boolean answerOnly;

        private Builder() {
        }

        /** Sets the contemplator (required). */
        public Builder contemplator(Contemplator value) {
            this.contemplator = Objects.requireNonNull(value, "contemplator");
            return this;
        }

        /** Sets the mode (default CONTEMPLATE). */
        public Builder mode(Mode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /** Sets the budget of each request (default: the contemplator's). */
        public Builder budget(Budget value) {
            this.budget = Objects.requireNonNull(value, "budget");
            return this;
        }

        /** Replies with only the voted answer instead of the winning agent's full text (default false). */
        public Builder answerOnly(boolean value) {
            this.answerOnly = value;
            return this;
        }

        /**
         * Returns the model.
         *
         * @throws NullPointerException if no contemplator was set
         */
        public ContemplatingChatModel build() {
            Objects.requireNonNull(contemplator, "a contemplator is required: call contemplator(...)");
            return new ContemplatingChatModel(contemplator, mode, budget != null ? budget : contemplator.budget(),
                    answerOnly);
        }
    }
}

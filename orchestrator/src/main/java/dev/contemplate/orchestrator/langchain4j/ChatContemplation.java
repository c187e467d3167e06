package dev.contemplate.orchestrator.langchain4j;

import dev.contemplate.agents.Conversation;
import dev.contemplate.inference.Message;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Finish;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.ModelName;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ContemplatingChatModel} and {@link ContemplatingStreamingChatModel} share: the settings and the builder
 * options that set them, the model-name grammar, the checks of a request, the mapping of LangChain4j messages to a
 * {@link Conversation} and of a {@link Verdict} to a {@link ChatResponse}. Not part of the public API.
 */
final class ChatContemplation {

    private ChatContemplation() {
    }

    /**
     * The settings of a contemplating model.
     *
     * @param contemplator the contemplator
     * @param mode the mode of requests whose model name selects none
     * @param budget the budget of each request
     * @param answerOnly whether the reply is the answer's short display text ({@link Verdict#answer()}) instead of
     *     the verdict's full text
     */
    record Settings(Contemplator contemplator, Mode mode, Budget budget, boolean answerOnly) {

        Settings {
            Objects.requireNonNull(contemplator, "contemplator");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(budget, "budget");
        }

        Settings withMode(Mode newMode) {
            return new Settings(contemplator, Objects.requireNonNull(newMode, "mode"), budget, answerOnly);
        }

        /**
         * Returns the mode and budget {@code request} asks for.
         *
         * @throws IllegalArgumentException if its model name is a malformed {@code contemplate-} name
         */
        Route route(ChatRequest request) {
            return ChatContemplation.route(request.modelName(), mode, budget);
        }
    }

    /**
     * The builder options both models share, and the {@link Settings} they make; each model's builder adds its fast
     * model and {@code build()}. Its public methods are part of both builders' public API, documented here once.
     * Not thread-safe.
     *
     * @param <B> the model's builder, which each option returns
     */
    abstract static class SettingsBuilder<B extends SettingsBuilder<B>> {
        private @Nullable Contemplator contemplator;
        private Mode mode = Mode.CONTEMPLATE;
        private @Nullable Budget budget;
        private boolean answerOnly;

        SettingsBuilder() {
        }

        /** Returns this builder as the model's builder type. */
        abstract B self();

        /**
         * Sets the contemplator (required).
         *
         * @param value the contemplator that runs, votes and merges
         * @return this builder
         * @throws NullPointerException if {@code value} is null
         */
        public B contemplator(Contemplator value) {
            this.contemplator = Objects.requireNonNull(value, "contemplator");
            return self();
        }

        /**
         * Sets the mode of requests whose model name selects none (default CONTEMPLATE).
         *
         * @param value the mode
         * @return this builder
         * @throws NullPointerException if {@code value} is null
         */
        public B mode(Mode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return self();
        }

        /**
         * Sets the budget of each request (default: the contemplator's).
         *
         * @param value the budget
         * @return this builder
         * @throws NullPointerException if {@code value} is null
         */
        public B budget(Budget value) {
            this.budget = Objects.requireNonNull(value, "budget");
            return self();
        }

        /**
         * Replies with the answer's short display text, {@link Verdict#answer()}{@code .text()}, instead of the
         * verdict's full text (default false). That text is not always a bare answer; it depends on what decided:
         * <ul>
         *   <li>a vote on extracted answers (majority, weighted): the extracted answer as it appeared in the first
         *       candidate counted for it, such as {@code 12} or {@code B} (with the exact-text extractor, that
         *       candidate's whole text, stripped);
         *   <li>the semantic vote: the winning cluster's display text, the text of the candidate that founded the
         *       cluster with its whitespace collapsed, cut to 200 characters;
         *   <li>universal self-consistency and best-of-N: the chosen candidate's answer as the vote keyed it (one of
         *       the above), or, when the vote gave it none, its first non-blank line cut to 80 characters;
         *   <li>synthesis: the answer the cited candidates share when they all carry the same one, else the
         *       synthesis's first non-blank line cut to 80 characters;
         *   <li>an aggregator that fell back to the vote: the vote's answer.
         * </ul>
         * A cut text ends in {@code …}. The response's metadata carries the whole verdict either way. The streaming
         * model sends this text as one partial response, after the verdict.
         *
         * @param value whether to reply with the answer's display text only
         * @return this builder
         */
        public B answerOnly(boolean value) {
            this.answerOnly = value;
            return self();
        }

        /**
         * Returns the settings of the options set.
         *
         * @throws NullPointerException if no contemplator was set
         */
        Settings settings() {
            Contemplator c = Objects.requireNonNull(contemplator, "a contemplator is required: call contemplator(...)");
            return new Settings(c, mode, budget != null ? budget : c.budget(), answerOnly);
        }
    }

    /**
     * The mode and budget of one request.
     *
     * @param mode the mode
     * @param budget the budget
     */
    record Route(Mode mode, Budget budget) {
    }

    /**
     * Resolves a model name with {@link ModelName}: {@code contemplate} and {@code contemplate-contemplate} select
     * CONTEMPLATE, {@code contemplate-auto} AUTO, {@code contemplate-fast} FAST, {@code contemplate-N} CONTEMPLATE
     * with N agents capped at {@code budget}'s agent limit, the ceiling of these models
     * ({@link ModelName#budget(Budget)}: a larger N is not refused, it gets the limit); any other name, or none, the
     * defaults. Case is ignored.
     *
     * @throws IllegalArgumentException naming {@code modelName} if it starts with {@code contemplate-} but is none of
     *     these
     */
    static Route route(@Nullable String modelName, Mode mode, Budget budget) {
        return ModelName.parse(modelName).map(n -> new Route(n.mode(), n.budget(budget)))
                .orElseGet(() -> new Route(mode, budget));
    }

    /** Returns whether {@code modelName} is one of the names {@link #route} reads. */
    static boolean isContemplateName(@Nullable String modelName) {
        return ModelName.isContemplateName(modelName);
    }

    /**
     * Returns {@code request} for a fast model that it passes through to: unchanged, except that a {@code contemplate}
     * model name (which only routes the request here) gives way to the fast model's own default model name.
     *
     * @param request the request
     * @param fastModelDefaults the fast model's default request parameters
     */
    static ChatRequest forFastModel(ChatRequest request, ChatRequestParameters fastModelDefaults) {
        ChatRequestParameters parameters = request.parameters();
        if (parameters == null || !isContemplateName(parameters.modelName())) {
            return request;
        }
        String own = fastModelDefaults == null ? null : fastModelDefaults.modelName();
        ChatRequestParameters renamed = own != null
                // keeps a provider-specific parameters type as it is
                ? parameters.overrideWith(DefaultChatRequestParameters.builder().modelName(own).build())
                : DefaultChatRequestParameters.builder().overrideWith(parameters).modelName(null).build();
        return ChatRequest.builder().messages(request.messages()).parameters(renamed).build();
    }

    /**
     * Rejects what contemplate mode cannot do.
     *
     * @throws UnsupportedFeatureException if the request offers tools or asks for a response format other than text
     */
    static void checkSupported(ChatRequest request) {
        List<ToolSpecification> tools = request.toolSpecifications();
        if (tools != null && !tools.isEmpty()) {
            throw new UnsupportedFeatureException("tools are not supported by contemplate mode, but the request "
                    + "offers " + tools.stream().map(ToolSpecification::name).collect(Collectors.joining(", ")));
        }
        ResponseFormat format = request.responseFormat();
        if (format != null && format.type() != ResponseFormatType.TEXT) {
            throw new UnsupportedFeatureException("only text responses are supported by contemplate mode, but the "
                    + "request asks for " + format.type());
        }
    }

    /**
     * Maps a request's messages to the conversation every agent receives: system messages, earlier user and AI turns,
     * and the question.
     *
     * @throws UnsupportedFeatureException naming the message and what it carries if a message cannot be carried: a
     *     user message with a name or with anything but one text, an AI message with tool calls or images, a tool
     *     result, or a custom message
     * @throws IllegalArgumentException if there are no messages or the last is not a user message with text
     */
    static Conversation conversation(List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("the chat request has no messages: its last message must be a user "
                    + "message with text, the question to contemplate");
        }
        List<Message> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            out.add(message(messages.get(i), i));
        }
        Message last = out.get(out.size() - 1);
        if (last.role() != Message.Role.USER || last.text().isBlank()) {
            throw new IllegalArgumentException("the last message of a chat request must be a user message with text, "
                    + "the question to contemplate, but it was " + (last.role() == Message.Role.USER
                            ? "a user message with blank text"
                            : "a " + messages.get(messages.size() - 1).type() + " message"));
        }
        return new Conversation(out);
    }

    private static Message message(ChatMessage m, int index) {
        if (m instanceof SystemMessage s) {
            return Message.system(s.text());
        }
        if (m instanceof UserMessage u) {
            if (u.name() != null) {
                throw unsupported(index, "is a user message with a name ('" + u.name()
                        + "'), which contemplate mode cannot pass on to its agents");
            }
            if (!u.hasSingleText()) {
                throw unsupported(index, "is a user message of " + u.contents().stream().map(Content::type)
                        .map(Object::toString).collect(Collectors.joining(", ", "[", "]"))
                        + " contents; contemplate mode carries exactly one text per user message");
            }
            return Message.user(u.singleText());
        }
        if (m instanceof AiMessage a) {
            if (a.hasToolExecutionRequests()) {
                throw unsupported(index, "is an AI message that calls tools (" + a.toolExecutionRequests().stream()
                        .map(ToolExecutionRequest::name).collect(Collectors.joining(", "))
                        + "); tools are not supported by contemplate mode");
            }
            if (a.images() != null && !a.images().isEmpty()) {
                throw unsupported(index, "is an AI message with " + a.images().size()
                        + " generated image(s); contemplate mode carries text only");
            }
            return Message.assistant(a.text() == null ? "" : a.text());
        }
        if (m instanceof ToolExecutionResultMessage t) {
            throw unsupported(index, "is the result of tool '" + t.toolName()
                    + "'; tools are not supported by contemplate mode");
        }
        throw unsupported(index, "is a " + m.type() + " message (" + m.getClass().getName()
                + "), which contemplate mode cannot carry");
    }

    private static UnsupportedFeatureException unsupported(int index, String what) {
        return new UnsupportedFeatureException("message " + index + " of the chat request " + what);
    }

    /** Returns the reply text: the verdict's full text, or its answer's display text when {@code answerOnly}. */
    static String replyText(Verdict verdict, boolean answerOnly) {
        return answerOnly ? verdict.answer().text() : verdict.text();
    }

    /**
     * Returns the finish reason of a verdict, its {@link Finish} in LangChain4j's words: {@link FinishReason#STOP}
     * when it is complete, {@link FinishReason#LENGTH} when the token budget cut it, and {@link FinishReason#OTHER}
     * when the deadline did (LangChain4j has no finish reason for a time limit; the OpenAI-compatible server says
     * {@code stop} there, as {@link Finish} explains).
     */
    static FinishReason finishReason(Verdict verdict) {
        switch (Finish.of(verdict)) {
            case LENGTH:
                return FinishReason.LENGTH;
            case CUT_SHORT:
                return FinishReason.OTHER;
            default:
                return FinishReason.STOP;
        }
    }

    /**
     * Returns the model name that describes how a verdict was reached, {@link ModelName#of(Verdict)}'s canonical
     * name: {@code contemplate-fast}, {@code contemplate-auto}, or {@code contemplate-N} for CONTEMPLATE with N
     * planned agents.
     */
    static String modelName(Verdict verdict) {
        return ModelName.of(verdict).canonical();
    }

    /** Returns the total tokens of a verdict, over agents and aggregation calls, as LangChain4j counts them. */
    static TokenUsage tokenUsage(Verdict verdict) {
        return new TokenUsage(clamp(verdict.tokens().inputTokens()), clamp(verdict.tokens().outputTokens()));
    }

    private static int clamp(long tokens) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, tokens));
    }

    /** Returns the response of a verdict, as both models return it. */
    static ChatResponse response(Verdict verdict, boolean answerOnly) {
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(replyText(verdict, answerOnly)))
                .metadata(ContemplationResponseMetadata.builder()
                        .verdict(verdict)
                        .modelName(modelName(verdict))
                        .tokenUsage(tokenUsage(verdict))
                        .finishReason(finishReason(verdict))
                        .build())
                .build();
    }
}

package dev.contemplate.inference.langchain4j.internal;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.UnsupportedCapabilityException;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link GenerationRequest} into a LangChain4j {@link ChatRequest}: messages by role, sampling parameters
 * as request parameters, the seed and top-k in the provider's way (see {@code SeedSupport} and
 * {@code TopKSupport}), and, when asked, OpenAI's {@code logprobs} flag.
 */
public final class RequestMapper {

    /** The resolved way to send top-k. */
    public enum TopK {
        /** As the common {@code ChatRequestParameters.topK}. */
        STANDARD,
        /** As the {@code top_k} body field of an OpenAI-style request. */
        OPENAI_FIELD,
        /** Not at all. */
        IGNORE
    }

    private static final String OPENAI_PARAMETERS = "dev.langchain4j.model.openai.OpenAiChatRequestParameters";

    private final String engine;
    private final boolean openAi;
    private final boolean seeds;
    private final TopK topK;
    private final boolean logprobs;
    private final @Nullable ChatRequestParameters modelDefaults;

    /**
     * Creates a mapper.
     *
     * @param engine the engine's name, for errors
     * @param openAi whether to build OpenAI request parameters
     * @param seeds whether seeds are passed (needs {@code openAi})
     * @param topK how top-k is passed ({@link TopK#OPENAI_FIELD} needs {@code openAi})
     * @param logprobs whether to ask for per-token log-probabilities (needs {@code openAi})
     * @param modelDefaults the model's default request parameters, if known
     * @throws IllegalArgumentException if seeds, the top-k field or log-probabilities are asked for without
     *     {@code openAi}
     */
    public RequestMapper(String engine, boolean openAi, boolean seeds, TopK topK, boolean logprobs,
            @Nullable ChatRequestParameters modelDefaults) {
        if ((seeds || topK == TopK.OPENAI_FIELD || logprobs) && !openAi) {
            throw new IllegalArgumentException("seeds, the top_k field and logprobs need OpenAI request parameters");
        }
        this.engine = engine;
        this.openAi = openAi;
        this.seeds = seeds;
        this.topK = topK;
        this.logprobs = logprobs;
        this.modelDefaults = modelDefaults;
    }

    /** Returns whether {@code parameters} are LangChain4j's OpenAI request parameters (or a subtype). */
    public static boolean isOpenAiParameters(@Nullable ChatRequestParameters parameters) {
        for (Class<?> c = parameters == null ? null : parameters.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(OPENAI_PARAMETERS)) {
                return true;
            }
        }
        return false;
    }

    /** Returns whether {@code langchain4j-open-ai} is on the class path. */
    public static boolean openAiAvailable() {
        try {
            Class.forName(OPENAI_PARAMETERS, false, RequestMapper.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Returns the chat request.
     *
     * @param request the generation request
     * @return the LangChain4j request
     * @throws UnsupportedCapabilityException if the request has a seed that this engine cannot pass
     */
    public ChatRequest toChatRequest(GenerationRequest request) {
        SamplingParameters s = request.sampling();
        Integer seed = null;
        if (s.seed().isPresent()) {
            long value = s.seed().getAsLong();
            if (!seeds) {
                throw new UnsupportedCapabilityException(engine, "seed", "this model's request parameters have no"
                        + " seed; remove the seed, or use a model with OpenAI-compatible request parameters");
            }
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new UnsupportedCapabilityException(engine, "seed", "seed " + value
                        + " is outside the 32-bit range that OpenAI-style requests accept");
            }
            seed = (int) value;
        }
        Integer k = s.topK() > 0 ? s.topK() : null;
        ChatRequestParameters parameters;
        if (openAi) {
            parameters = OpenAiParameters.build(s.temperature(), s.topP(), s.maxTokens(), s.stop(), seed,
                    topK == TopK.STANDARD ? k : null, topK == TopK.OPENAI_FIELD ? k : null, modelDefaults);
            if (logprobs) {
                parameters = OpenAiLogprobs.ask(parameters);
            }
        } else {
            var b = ChatRequestParameters.builder()
                    .temperature(s.temperature())
                    .topP(s.topP())
                    .maxOutputTokens(s.maxTokens());
            if (!s.stop().isEmpty()) {
                b.stopSequences(s.stop());
            }
            if (k != null && topK == TopK.STANDARD) {
                b.topK(k);
            }
            parameters = b.build();
        }
        return ChatRequest.builder().messages(messages(request.messages())).parameters(parameters).build();
    }

    /**
     * Sets OpenAI's {@code logprobs} flag. Links against {@code langchain4j-open-ai}, an optional dependency, so it
     * is loaded only when an engine asks for log-probabilities (which needs that dependency).
     */
    private static final class OpenAiLogprobs {

        private OpenAiLogprobs() {
        }

        static ChatRequestParameters ask(ChatRequestParameters parameters) {
            return OpenAiChatRequestParameters.builder().overrideWith(parameters).logprobs(true).build();
        }
    }

    /** Maps messages by role; a blank system message says nothing and is left out (LangChain4j rejects it). */
    static List<ChatMessage> messages(List<Message> messages) {
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            switch (m.role()) {
                case SYSTEM -> {
                    if (!m.text().isBlank()) {
                        out.add(SystemMessage.from(m.text()));
                    }
                }
                case USER -> out.add(UserMessage.from(m.text()));
                case ASSISTANT -> out.add(AiMessage.from(m.text()));
                default -> throw new IllegalStateException("unknown role " + m.role());
            }
        }
        return out;
    }
}

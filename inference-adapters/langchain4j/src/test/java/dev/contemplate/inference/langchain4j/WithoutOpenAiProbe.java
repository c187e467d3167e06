package dev.contemplate.inference.langchain4j;

import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.SamplingParameters;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Duration;

/** Runs an engine end to end; {@link OptionalOpenAiDependencyTest} runs it where langchain4j-open-ai is absent. */
public final class WithoutOpenAiProbe {

    private WithoutOpenAiProbe() {
    }

    /**
     * Returns the generated text, whether the engine claims seeds and whether the generation has log-probabilities,
     * e.g. {@code "hello seeds=false logprobs=false"}.
     */
    public static String run() {
        ChatModel model = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return ChatResponse.builder().aiMessage(AiMessage.from("hello")).build();
            }
        };
        try (LangChain4jEngine engine = LangChain4jEngine.builder(model).build()) {
            Generation g = engine.generate(GenerationRequest.of("question", SamplingParameters.defaults()))
                    .block(Duration.ofSeconds(20));
            return g.text() + " seeds=" + engine.capabilities().seeds() + " logprobs=" + g.logprobs().isPresent();
        }
    }

    /** Returns the message of the error that building an engine with OpenAI seeds gives. */
    public static String openAiSeedsError() {
        ChatModel model = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return ChatResponse.builder().aiMessage(AiMessage.from("hello")).build();
            }
        };
        try {
            LangChain4jEngine.builder(model).seedSupport(SeedSupport.OPENAI).build().close();
            return "built";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /** Returns the message of the error that building an engine that asks for log-probabilities gives. */
    public static String openAiLogprobsError() {
        ChatModel model = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return ChatResponse.builder().aiMessage(AiMessage.from("hello")).build();
            }
        };
        try {
            LangChain4jEngine.builder(model).logprobs(true).build().close();
            return "built";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }
}

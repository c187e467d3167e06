package dev.contemplate.inference.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TokenLogprobs;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-token log-probabilities: asked for with {@code logprobs(true)}, returned by the OpenAI-compatible server, and
 * handed on by LangChain4j's OpenAI models (blocking and streaming) through {@code OpenAiChatResponseMetadata}.
 */
class LogprobsTest {

    private static final Duration GUARD = Duration.ofSeconds(20);
    private static final TokenLogprobs SCRIPTED = TokenLogprobs.of(OpenAiTestServer.logprob(0),
            OpenAiTestServer.logprob(1), OpenAiTestServer.logprob(2), OpenAiTestServer.logprob(3),
            OpenAiTestServer.logprob(4));

    private OpenAiTestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new OpenAiTestServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    static Stream<Arguments> openAiEngines() {
        return Stream.of(Arguments.of("blocking"), Arguments.of("streaming"));
    }

    private LangChain4jEngine.Builder openAi(String kind) {
        return kind.equals("blocking")
                ? LangChain4jEngine.builder(TestModels.blocking(server))
                : LangChain4jEngine.builder(TestModels.streaming(server));
    }

    private static GenerationRequest question() {
        return GenerationRequest.of("question", SamplingParameters.builder().temperature(0.7).build());
    }

    @ParameterizedTest
    @MethodSource("openAiEngines")
    void askedForTheyAreRequestedAndReportedOnePerToken(String kind) {
        Generation g;
        try (LangChain4jEngine engine = openAi(kind).logprobs(true).build()) {
            List<GenerationEvent> events = engine.stream(question()).collectList().block(GUARD);
            g = ((GenerationEvent.Completed) events.get(events.size() - 1)).generation();
        }
        JsonNode body = server.bodies().get(0);
        assertThat(body.path("logprobs").isBoolean() && body.path("logprobs").asBoolean()).as("logprobs in %s", body)
                .isTrue();
        assertThat(body.path("temperature").asDouble()).as("the other parameters stay").isEqualTo(0.7);
        assertThat(g.text()).isEqualTo("The answer is 42.");
        assertThat(g.logprobs()).contains(SCRIPTED);
        assertThat(g.logprobs().orElseThrow().size()).isEqualTo(g.usage().outputTokens());
    }

    @ParameterizedTest
    @MethodSource("openAiEngines")
    void byDefaultTheyAreNeitherRequestedNorReported(String kind) {
        Generation g;
        try (LangChain4jEngine engine = openAi(kind).build()) {
            g = engine.generate(question()).block(GUARD);
        }
        assertThat(server.bodies().get(0).has("logprobs")).isFalse();
        assertThat(g.text()).isEqualTo("The answer is 42.");
        assertThat(g.logprobs()).isEmpty();
    }

    @Test
    void aBlockingModelThatAsksForThemItselfReportsThemWithoutTheOption() {
        OpenAiChatModel blocking = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("test-key")
                .modelName("test-model").maxRetries(0).logprobs(true).build();
        try (LangChain4jEngine engine = LangChain4jEngine.builder(blocking).build()) {
            assertThat(engine.generate(question()).block(GUARD).logprobs()).contains(SCRIPTED);
        }
        assertThat(server.bodies().get(0).path("logprobs").asBoolean()).isTrue();
    }

    @Test
    void aModelOfAnotherProviderReportsNone() {
        ChatModel other = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return ChatResponse.builder().aiMessage(AiMessage.from("hello")).build();
            }
        };
        try (LangChain4jEngine engine = LangChain4jEngine.builder(other).build()) {
            Generation g = engine.generate(question()).block(GUARD);
            assertThat(g.text()).isEqualTo("hello");
            assertThat(g.logprobs()).isEmpty();
        }
    }
}

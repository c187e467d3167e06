package dev.contemplate.inference.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.UnsupportedCapabilityException;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageType;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** What arrives at the server (or the model): messages, sampling parameters, seeds, top-k; and what comes back. */
class RequestMappingTest {

    private static final Duration GUARD = Duration.ofSeconds(20);

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

    @ParameterizedTest
    @MethodSource("openAiEngines")
    void samplingParametersAndMessagesArriveInTheRequestBody(String kind) {
        SamplingParameters sampling = SamplingParameters.builder()
                .temperature(0.3).topP(0.9).topK(40).maxTokens(77).stop(List.of("\n\n", "END")).build();
        GenerationRequest request = new GenerationRequest(List.of(Message.system("Be brief."),
                Message.user("What is six times seven?"), Message.assistant("Forty-two."), Message.user("question")),
                sampling);
        try (LangChain4jEngine engine = openAi(kind).build()) {
            assertThat(engine.generate(request).block(GUARD)).isNotNull();
        }
        JsonNode body = server.bodies().get(0);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.path("max_tokens").asInt()).isEqualTo(77);
        assertThat(body.path("stop")).extracting(JsonNode::asText).containsExactly("\n\n", "END");
        assertThat(body.has("seed")).isFalse();
        assertThat(body.has("top_k")).as("the OpenAI API has no top-k; the SPI lets engines ignore it").isFalse();
        assertThat(body.path("messages")).extracting(m -> m.path("role").asText())
                .containsExactly("system", "user", "assistant", "user");
        assertThat(body.path("messages")).extracting(m -> m.path("content").asText())
                .containsExactly("Be brief.", "What is six times seven?", "Forty-two.", "question");
        assertThat(body.path("stream").asBoolean(false)).isEqualTo(kind.equals("streaming"));
    }

    @ParameterizedTest
    @MethodSource("openAiEngines")
    void seedsAreSentInTheRequestBodyAndSamplesCountUpFromThem(String kind) {
        try (LangChain4jEngine engine = openAi(kind).build()) {
            assertThat(engine.capabilities().seeds()).isTrue();
            GenerationRequest seeded = GenerationRequest.of("question",
                    SamplingParameters.builder().seed(1234).build());
            Generation g = engine.generate(seeded).block(GUARD);
            assertThat(g).isNotNull();
            assertThat(g.text()).isEqualTo("The answer is 1234.");
            assertThat(server.bodies().get(0).path("seed").asLong()).isEqualTo(1234);

            GenerationRequest ten = seeded.withSampling(seeded.sampling().withSeed(java.util.OptionalLong.of(10)));
            List<Generation> samples = Flux.range(0, 3)
                    .flatMap(i -> engine.generate(ten.withSampling(ten.sampling().forMember(i))), 3)
                    .collectList().block(GUARD);
            assertThat(samples).hasSize(3);
            assertThat(server.bodies().subList(1, 4)).extracting(b -> b.path("seed").asLong())
                    .containsExactlyInAnyOrder(10L, 11L, 12L);
            assertThat(samples).extracting(Generation::text)
                    .containsExactlyInAnyOrder("The answer is 10.", "The answer is 11.", "The answer is 12.");
        }
    }

    @ParameterizedTest
    @MethodSource("openAiEngines")
    void aSeededRequestOnAnEngineWithoutSeedsFailsBeforeAnythingIsSent(String kind) {
        try (LangChain4jEngine engine = openAi(kind).name("no-seeds").seedSupport(SeedSupport.NONE).build()) {
            assertThat(engine.capabilities().seeds()).isFalse();
            StepVerifier.create(engine.generate(GenerationRequest.of("question",
                            SamplingParameters.builder().seed(7).build())))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnsupportedCapabilityException.class)
                            .hasMessageContaining("no-seeds")
                            .satisfies(u -> assertThat(((UnsupportedCapabilityException) u).capability())
                                    .isEqualTo("seed")))
                    .verify(GUARD);
            assertThat(server.exchanges()).isEmpty();
        }
    }

    @Test
    void aSeedOutsideTheIntRangeOfOpenAiRequestsIsReportedNotTruncated() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server)).build()) {
            StepVerifier.create(engine.generate(GenerationRequest.of("question",
                            SamplingParameters.builder().seed(1L << 40).build())))
                    .expectError(UnsupportedCapabilityException.class)
                    .verify(GUARD);
            assertThat(server.exchanges()).isEmpty();
        }
    }

    @Test
    void topKCanTravelAsTheTopKFieldThatOpenAiCompatibleServersAccept() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server))
                .topKSupport(TopKSupport.OPENAI_COMPATIBLE_TOP_K_FIELD).build()) {
            engine.generate(GenerationRequest.of("question", SamplingParameters.builder().topK(40).build()))
                    .block(GUARD);
            engine.generate(GenerationRequest.of("question", SamplingParameters.defaults())).block(GUARD);
        }
        assertThat(server.bodies().get(0).path("top_k").asInt()).isEqualTo(40);
        assertThat(server.bodies().get(1).has("top_k")).as("top-k 0 means no limit").isFalse();
    }

    /** A model of another provider: no OpenAI parameters, so no seeds; it records what it is asked. */
    private static final class RecordingModel implements ChatModel {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public ChatResponse doChat(ChatRequest request) {
            requests.add(request);
            return ChatResponse.builder().aiMessage(AiMessage.from("forty-two"))
                    .finishReason(dev.langchain4j.model.output.FinishReason.STOP).build();
        }
    }

    @Test
    void otherProvidersGetTheCommonParametersWithTopKAndNoSeeds() {
        RecordingModel model = new RecordingModel();
        try (LangChain4jEngine engine = LangChain4jEngine.builder(model).build()) {
            assertThat(engine.capabilities().seeds()).isFalse();
            SamplingParameters sampling = SamplingParameters.builder()
                    .temperature(0.5).topP(0.8).topK(20).maxTokens(12).stop(List.of("###")).build();
            GenerationRequest request = new GenerationRequest(
                    List.of(Message.system(" "), Message.user("question")), sampling);
            Generation g = engine.generate(request).block(GUARD);

            assertThat(g).isNotNull();
            assertThat(g.text()).isEqualTo("forty-two");
            ChatRequest sent = model.requests.get(0);
            assertThat(sent.temperature()).isEqualTo(0.5);
            assertThat(sent.topP()).isEqualTo(0.8);
            assertThat(sent.topK()).isEqualTo(20);
            assertThat(sent.maxOutputTokens()).isEqualTo(12);
            assertThat(sent.stopSequences()).containsExactly("###");
            assertThat(sent.messages()).extracting(ChatMessage::type)
                    .as("a blank system message says nothing and is left out").containsExactly(ChatMessageType.USER);

            StepVerifier.create(engine.generate(GenerationRequest.of("question",
                            SamplingParameters.builder().seed(3).build())))
                    .expectError(UnsupportedCapabilityException.class)
                    .verify(GUARD);
            assertThat(model.requests).hasSize(1);
        }
    }

    @Test
    void usageTheProviderLeavesOutIsEstimatedFromTheText() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.blocking(server)).build()) {
            Generation g = engine.generate(GenerationRequest.of("nousage", SamplingParameters.defaults()))
                    .block(GUARD);
            assertThat(g).isNotNull();
            assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
            // one token per four characters: "nousage" (7 chars) -> 2, "The answer is 42." (17 chars) -> 5
            assertThat(g.usage().inputTokens()).isEqualTo(2);
            assertThat(g.usage().outputTokens()).isEqualTo(5);
        }
    }

    @Test
    void aConfiguredEstimatorCountsWhatTheProviderLeavesOut() {
        TokenCountEstimator words = new TokenCountEstimator() {
            @Override
            public int estimateTokenCountInText(String text) {
                return text.split("\\s+").length;
            }

            @Override
            public int estimateTokenCountInMessage(ChatMessage message) {
                return 100;
            }

            @Override
            public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
                return 100;
            }
        };
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server))
                .tokenCountEstimator(words).build()) {
            Generation g = engine.generate(GenerationRequest.of("nousage", SamplingParameters.defaults()))
                    .block(GUARD);
            assertThat(g).isNotNull();
            assertThat(g.usage()).isEqualTo(new dev.contemplate.inference.TokenUsage(100, 4));
        }
    }

    @Test
    void providerUsageAndFinishReasonsAreMapped() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server)).build()) {
            Generation filtered = engine.generate(GenerationRequest.of("filtered", SamplingParameters.defaults()))
                    .block(GUARD);
            assertThat(filtered).isNotNull();
            assertThat(filtered.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
            assertThat(filtered.usage()).isEqualTo(new dev.contemplate.inference.TokenUsage(4, 5));
        }
    }

    /** A streaming model that reports its whole text only at the end, as some providers do. */
    private static final class EndOnlyStreamingModel implements StreamingChatModel {
        @Override
        public void doChat(ChatRequest request,
                dev.langchain4j.model.chat.response.StreamingChatResponseHandler handler) {
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("all at once"))
                    .tokenUsage(new TokenUsage(3, 3)).finishReason(dev.langchain4j.model.output.FinishReason.STOP)
                    .build());
        }
    }

    @Test
    void textReportedOnlyWithTheCompletionStillArrivesAsADelta() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(new EndOnlyStreamingModel()).build()) {
            StepVerifier.create(engine.stream(GenerationRequest.of("question", SamplingParameters.defaults())))
                    .expectNext(new dev.contemplate.inference.GenerationEvent.TextDelta("all at once",
                            new dev.contemplate.inference.TokenUsage(3, 3), dev.contemplate.inference.Metering.ESTIMATED))
                    .assertNext(e -> assertThat(((dev.contemplate.inference.GenerationEvent.Completed) e)
                            .generation().text()).isEqualTo("all at once"))
                    .verifyComplete();
        }
    }

    @Test
    void builderRejectsNonsense() {
        var builder = LangChain4jEngine.builder(new RecordingModel());
        assertThatThrownBy(() -> builder.maxInFlight(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxQueued(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.blockingThreads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.name(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}

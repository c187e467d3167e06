package dev.contemplate.inference.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.RateLimitedException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.langchain4j.internal.ErrorMapper;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.test.StepVerifier;

/** HTTP failures and LangChain4j exceptions become typed, engine-named errors. */
class ErrorMappingTest {

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

    static Stream<Arguments> statuses() {
        return Stream.of(
                Arguments.of("blocking", 500, true), Arguments.of("streaming", 500, true),
                Arguments.of("blocking", 503, true), Arguments.of("streaming", 503, true),
                Arguments.of("blocking", 429, true), Arguments.of("streaming", 429, true),
                Arguments.of("blocking", 400, false), Arguments.of("streaming", 400, false),
                Arguments.of("blocking", 401, false), Arguments.of("streaming", 401, false),
                Arguments.of("blocking", 404, false), Arguments.of("streaming", 404, false));
    }

    @ParameterizedTest(name = "{0} model, HTTP {1}")
    @MethodSource("statuses")
    void httpStatusesMapToTransientOrPermanentErrors(String kind, int status, boolean transientError) {
        LangChain4jEngine.Builder builder = kind.equals("blocking")
                ? LangChain4jEngine.builder(TestModels.blocking(server))
                : LangChain4jEngine.builder(TestModels.streaming(server));
        try (LangChain4jEngine engine = builder.name("mapped").build()) {
            StepVerifier.create(engine.stream(GenerationRequest.of("fail" + status, SamplingParameters.defaults())))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(transientError
                                ? TransientInferenceException.class : PermanentInferenceException.class);
                        assertThat(((InferenceException) e).engine()).isEqualTo("mapped");
                        assertThat(((InferenceException) e).isRetryable()).isEqualTo(transientError);
                        assertThat(e).hasMessageStartingWith("mapped: ").hasMessageContaining("HTTP " + status);
                        // a rate limit is told apart, so that a retry can wait as long as the provider asks
                        assertThat(e instanceof RateLimitedException).isEqualTo(status == 429);
                    })
                    .verify(GUARD);
        }
        assertThat(server.exchanges()).hasSize(1);
    }

    @Test
    void anUnreachableServerIsATransientError() throws Exception {
        OpenAiTestServer stopped = new OpenAiTestServer();
        stopped.close();
        try (LangChain4jEngine blocking = LangChain4jEngine.builder(TestModels.blocking(stopped)).build();
                LangChain4jEngine streaming = LangChain4jEngine.builder(TestModels.streaming(stopped)).build()) {
            for (LangChain4jEngine engine : new LangChain4jEngine[] {blocking, streaming}) {
                StepVerifier.create(engine.generate(GenerationRequest.of("question", SamplingParameters.defaults())))
                        .expectError(TransientInferenceException.class)
                        .verify(GUARD);
            }
        }
    }

    static Stream<Arguments> exceptions() {
        return Stream.of(
                Arguments.of(new TimeoutException("read timed out"), true),
                Arguments.of(new RateLimitException("slow down"), true),
                Arguments.of(new InternalServerException(new HttpException(502, "bad gateway")), true),
                Arguments.of(new LangChain4jException(new HttpException(503, "overloaded")), true),
                Arguments.of(new HttpException(408, "request timeout"), true),
                Arguments.of(new RuntimeException(new ConnectException("refused")), true),
                Arguments.of(new RuntimeException(new IOException("connection reset")), true),
                Arguments.of(new AuthenticationException("bad key"), false),
                Arguments.of(new InvalidRequestException("bad request"), false),
                Arguments.of(new ModelNotFoundException("no such model"), false),
                Arguments.of(new HttpException(422, "unprocessable"), false),
                Arguments.of(new IllegalStateException("something unknown"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exceptions")
    void langChain4jExceptionsMapByRetryability(Throwable error, boolean transientError) {
        InferenceException mapped = ErrorMapper.map("engine-x", error);
        assertThat(mapped).isInstanceOf(transientError
                ? TransientInferenceException.class : PermanentInferenceException.class);
        assertThat(mapped.engine()).isEqualTo("engine-x");
        assertThat(mapped).hasCause(error);
        assertThat(mapped instanceof RateLimitedException).isEqualTo(error instanceof RateLimitException);
    }

    @Test
    void anInferenceExceptionPassesThroughUnchanged() {
        TransientInferenceException original = new TransientInferenceException("other", "busy", null);
        assertThat(ErrorMapper.map("engine-x", original)).isSameAs(original);
    }
}

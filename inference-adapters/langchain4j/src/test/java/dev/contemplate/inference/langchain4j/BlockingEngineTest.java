package dev.contemplate.inference.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Blocking {@link ChatModel}s: where the calls run, what cancelling and closing do. */
class BlockingEngineTest {

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

    /** Records the thread of every call, and delegates to a real model. */
    private static final class ThreadRecordingModel implements ChatModel {
        final ChatModel delegate;
        final List<String> threads = new CopyOnWriteArrayList<>();

        ThreadRecordingModel(ChatModel delegate) {
            this.delegate = delegate;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            threads.add(Thread.currentThread().getName());
            return delegate.chat(request);
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return delegate.defaultRequestParameters();
        }
    }

    @Test
    void blockingCallsRunOnTheEnginesOwnThreadsNotOnParallelOnes() {
        ThreadRecordingModel model = new ThreadRecordingModel(TestModels.blocking(server));
        try (LangChain4jEngine engine = LangChain4jEngine.builder(model).name("threads").build()) {
            GenerationRequest request = GenerationRequest.of("question", SamplingParameters.defaults());
            List<Generation> results = Flux.range(0, 3).flatMap(i -> engine.generate(request), 3)
                    .subscribeOn(Schedulers.parallel())
                    .collectList().block(GUARD);

            assertThat(results).hasSize(3);
            assertThat(model.threads).hasSize(3)
                    .allSatisfy(name -> assertThat(name).startsWith("contemplate-threads-").doesNotContain("parallel"));
            assertThat(engine.capabilities().tokenStreaming()).isFalse();
        }
    }

    @Test
    void aBlockingAnswerArrivesAsOneDeltaThenTheCompletion() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.blocking(server)).build()) {
            StepVerifier.create(engine.stream(GenerationRequest.of("question", SamplingParameters.defaults())))
                    // the delta carries the call's final count: the server's (4 input, 5 output)
                    .expectNext(new GenerationEvent.TextDelta("The answer is 42.", new TokenUsage(4, 5),
                            Metering.ESTIMATED))
                    .assertNext(e -> assertThat(((GenerationEvent.Completed) e).generation().text())
                            .isEqualTo("The answer is 42."))
                    .verifyComplete();
        }
    }

    @Test
    void cancellingBeforeTheAnswerAbortsTheHttpExchangeAndFreesTheThread() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.blocking(server))
                .name("one-thread").maxInFlight(1).blockingThreads(1).build()) {
            Disposable running = engine.generate(GenerationRequest.of("hang", SamplingParameters.defaults()))
                    .subscribe();
            server.awaitRequests(1);
            OpenAiTestServer.await(() -> server.exchanges().get(0).writes() > 0, "the server to start answering");

            running.dispose();

            OpenAiTestServer.Exchange aborted = server.awaitClientClosedEarly();
            assertThat(aborted.prompt()).isEqualTo("hang");
            assertThat(aborted.finished()).isFalse();
            assertThat(aborted.writes()).isLessThan(aborted.plannedWrites());
            OpenAiTestServer.await(() -> engine.inFlight() == 0, "the engine's only slot to be free");
            // the single thread serves the next call
            Generation next = engine.generate(GenerationRequest.of("question", SamplingParameters.defaults()))
                    .block(GUARD);
            assertThat(next).isNotNull();
            assertThat(next.text()).isEqualTo("The answer is 42.");
        }
    }

    @Test
    void closingTheEngineEndsItsThreadsAndRefusesNewWork() {
        LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.blocking(server)).name("closing").build();
        GenerationRequest request = GenerationRequest.of("question", SamplingParameters.defaults());
        assertThat(Flux.range(0, 2).flatMap(i -> engine.generate(request), 2).collectList().block(GUARD)).hasSize(2);
        assertThat(liveThreads("contemplate-closing-")).isPositive();

        engine.close();
        engine.close(); // idempotent

        OpenAiTestServer.await(() -> liveThreads("contemplate-closing-") == 0, "the engine's threads to end");
        StepVerifier.create(engine.generate(request))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PermanentInferenceException.class)
                        .hasMessageContaining("closing").hasMessageContaining("closed"))
                .verify(GUARD);
    }

    @Test
    void closingFailsAGenerationThatIsStillRunning() {
        LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.blocking(server)).name("closing-busy").build();
        StepVerifier.create(engine.generate(GenerationRequest.of("hang", SamplingParameters.defaults())))
                .then(() -> server.awaitRequests(1))
                .then(engine::close)
                .expectError(PermanentInferenceException.class)
                .verify(GUARD);
        server.awaitClientClosedEarly();
        OpenAiTestServer.await(() -> liveThreads("contemplate-closing-busy-") == 0, "the engine's threads to end");
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }
}

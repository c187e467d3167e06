package dev.contemplate.inference.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** Streaming models: cancellation before the first token, backpressure, the in-flight bound, closing. */
class StreamingEngineTest {

    private static final Duration GUARD = Duration.ofSeconds(20);
    private static final GenerationRequest QUESTION = GenerationRequest.of("question", SamplingParameters.defaults());
    private static final GenerationRequest GATED = GenerationRequest.of("gated", SamplingParameters.defaults());

    private OpenAiTestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new OpenAiTestServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void streamsTokenByToken() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server)).build()) {
            List<GenerationEvent> events = engine.stream(QUESTION).collectList().block(GUARD);
            assertThat(events).isNotNull();
            List<GenerationEvent.TextDelta> deltas = events.subList(0, events.size() - 1).stream()
                    .map(GenerationEvent.TextDelta.class::cast).toList();
            assertThat(deltas).extracting(GenerationEvent.TextDelta::text)
                    .containsExactly("The", " answer", " is", " 42", ".");
            // what was spent so far travels with each delta: one output token per chunk, the prompt estimated
            assertThat(deltas).extracting(d -> d.usage().outputTokens()).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(deltas).extracting(d -> d.usage().inputTokens()).containsOnly(2L);
            assertThat(deltas).extracting(GenerationEvent.TextDelta::metering).containsOnly(Metering.ESTIMATED);
            Generation g = ((GenerationEvent.Completed) events.get(events.size() - 1)).generation();
            assertThat(g.text()).isEqualTo("The answer is 42.");
            assertThat(g.usage().inputTokens()).isEqualTo(4); // the server's count: 3 per message + 1
            assertThat(g.usage().outputTokens()).isEqualTo(5);
            assertThat(engine.capabilities().tokenStreaming()).isTrue();
        }
    }

    @Test
    void aCancellationBeforeTheFirstTokenClosesTheStreamAsSoonAsItOpens() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server)).build()) {
            List<GenerationEvent> received = new CopyOnWriteArrayList<>();
            Disposable subscription = engine.stream(GenerationRequest.of("gated long", SamplingParameters.defaults()))
                    .subscribe(received::add);
            server.awaitRequests(1);

            subscription.dispose(); // LangChain4j has no streaming handle yet: nothing has been received
            assertThat(engine.inFlight()).as("the connection is still open").isEqualTo(1);
            server.openGate();

            OpenAiTestServer.Exchange closed = server.awaitClientClosedEarly();
            assertThat(closed.prompt()).isEqualTo("gated long");
            assertThat(closed.finished()).isFalse();
            assertThat(closed.writes()).isLessThan(closed.plannedWrites());
            OpenAiTestServer.await(() -> engine.inFlight() == 0, "the engine to let the stream go");
            assertThat(received).isEmpty();
        }
    }

    @Test
    void textThatWasNotRequestedYetIsCoalescedNotDroppedNorQueuedAsEvents() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server)).build()) {
            StepVerifier.create(engine.stream(QUESTION), 0)
                    // the stream has ended on the client side while nothing was requested
                    .then(() -> server.awaitRequests(1))
                    .then(() -> OpenAiTestServer.await(() -> engine.inFlight() == 0, "the whole answer to arrive"))
                    .thenRequest(1)
                    // five chunks coalesced into one delta still count as five output tokens
                    .expectNext(new GenerationEvent.TextDelta("The answer is 42.", new TokenUsage(2, 5),
                            Metering.ESTIMATED))
                    .thenRequest(1)
                    .assertNext(e -> assertThat(((GenerationEvent.Completed) e).generation().text())
                            .isEqualTo("The answer is 42."))
                    .verifyComplete();
        }
    }

    @Test
    void atMostMaxInFlightRequestsAreOpenAndTheQueueIsBounded() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server))
                .name("bounded").maxInFlight(2).maxQueued(1).build()) {
            List<Generation> done = new CopyOnWriteArrayList<>();
            Flux.range(0, 3).flatMap(i -> engine.generate(GATED)).subscribe(done::add);
            server.awaitRequests(2);
            OpenAiTestServer.await(() -> engine.queued() == 1, "the third generation to wait");
            assertThat(engine.inFlight()).isEqualTo(2);

            StepVerifier.create(engine.generate(GATED))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransientInferenceException.class)
                            .hasMessageContaining("bounded").hasMessageContaining("saturated"))
                    .verify(GUARD);

            server.openGate();
            OpenAiTestServer.await(() -> done.size() == 3, "all three generations");
            assertThat(server.exchanges()).hasSize(3);
            assertThat(server.maxOpen()).isLessThanOrEqualTo(2);
            assertThat(engine.inFlight()).isZero();
        }
    }

    @Test
    void aWaitingGenerationThatIsCancelledLeavesTheQueueWithoutSendingAnything() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server))
                .maxInFlight(1).build()) {
            Disposable first = engine.generate(GATED).subscribe();
            server.awaitRequests(1);
            Disposable waiting = engine.generate(QUESTION).subscribe();
            assertThat(engine.queued()).isEqualTo(1);

            waiting.dispose();
            assertThat(engine.queued()).isZero();
            server.openGate();
            OpenAiTestServer.await(() -> engine.inFlight() == 0, "the first generation to end");
            assertThat(engine.generate(QUESTION).block(GUARD)).isNotNull();
            assertThat(server.exchanges()).extracting(e -> e.prompt()).containsExactly("gated", "question");
            first.dispose();
        }
    }

    @Test
    void closingCancelsRunningStreamsAndFailsTheirSubscribers() {
        LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server)).name("closing").build();
        StepVerifier.create(engine.stream(GenerationRequest.of("hang", SamplingParameters.defaults())))
                .expectNextMatches(GenerationEvent.TextDelta.class::isInstance)
                .then(engine::close)
                .thenConsumeWhile(GenerationEvent.TextDelta.class::isInstance)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PermanentInferenceException.class)
                        .hasMessageContaining("closing"))
                .verify(GUARD);
        assertThat(server.awaitClientClosedEarly().prompt()).isEqualTo("hang");
        assertThat(engine.inFlight()).isZero();
    }
}

package dev.contemplate.inference.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.UnsupportedCapabilityException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The contract every {@link InferenceEngine} passes. Extend it in an engine's tests and supply the engine, the
 * requests, a count of the generations the engine started, and a way to prove that generation stopped inside the
 * engine after a cancellation.
 */
public abstract class AbstractInferenceEngineContractTest {

    /** A generous bound for one verification; not a timing assertion, only a guard against a hang. */
    protected static final Duration GUARD = Duration.ofSeconds(60);

    /** The engine under test, created before each test and closed after it. */
    protected InferenceEngine engine;

    /** Returns a new engine; called before each test. */
    protected abstract InferenceEngine createEngine() throws Exception;

    /** Returns a request that completes normally with several streamed deltas. */
    protected abstract GenerationRequest request();

    /** Returns a request whose generation is long enough to be cancelled after its first delta. */
    protected abstract GenerationRequest longRequest();

    /** Returns a request that the engine fails (the engine's way of failing: a server error, a bad input). */
    protected abstract GenerationRequest failingRequest();

    /**
     * Waits, with a generous bound, until the engine has stopped generating for the cancelled {@link #longRequest()},
     * and fails if it does not (for example: the HTTP server saw the stream closed, the batch row was freed).
     */
    protected abstract void assertGenerationStoppedAfterCancel() throws Exception;

    /**
     * Returns how many generations the engine under test has started since it was created, read from the engine
     * itself or from what it talks to (a sequence admitted into a batch, a request received by the HTTP server, a
     * script played): one per generated sequence, so {@code n} concurrent generations start {@code n}. Creating a
     * publisher must not change it; a generation must be counted by the time its result has been delivered. The
     * contract reads it to prove that publishers are cold and that each subscription generates anew (a cached
     * publisher would start one generation for every subscription after the first).
     */
    protected abstract long generationsStarted();

    /**
     * Waits, with a generous bound, until the engine is at work on {@link #longRequest()}, which the contract has
     * just subscribed to and cancels as soon as this returns; fails if the work never starts (for example: wait until
     * the HTTP server received the request).
     *
     * <p>Called only for an engine without {@link dev.contemplate.inference.EngineCapabilities#tokenStreaming()
     * token streaming}: its only delta comes with the finished answer, so the contract cannot cancel "after the first
     * delta" and still have anything left to stop. Such an engine's test must override this; the default fails,
     * saying so.
     */
    protected void awaitLongGenerationUnderway() {
        throw new AssertionError(getClass().getSimpleName() + " tests an engine without token streaming, so it must"
                + " override awaitLongGenerationUnderway() to tell when the long generation is under way");
    }

    @BeforeEach
    void createEngineUnderTest() throws Exception {
        engine = createEngine();
    }

    @AfterEach
    void closeEngineUnderTest() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void streamsDeltasInOrderThenOneCompletionWithTheirConcatenation() {
        List<GenerationEvent> events = engine.stream(request()).collectList().block(GUARD);
        assertThat(events).isNotNull().isNotEmpty();
        assertThat(events.get(events.size() - 1)).isInstanceOf(GenerationEvent.Completed.class);
        assertThat(events.subList(0, events.size() - 1)).allMatch(GenerationEvent.TextDelta.class::isInstance);
        String joined = events.subList(0, events.size() - 1).stream()
                .map(e -> ((GenerationEvent.TextDelta) e).text()).collect(Collectors.joining());
        Generation g = ((GenerationEvent.Completed) events.get(events.size() - 1)).generation();
        assertThat(g.text()).isEqualTo(joined).isNotEmpty();
        if (engine.capabilities().tokenStreaming()) {
            assertThat(events.size() - 1).as("deltas of a token-streaming engine").isGreaterThan(1);
        }
    }

    @Test
    void reportsWhatTheStreamSpentSoFarCumulativelyAndNeverMoreThanTheFinalCount() {
        List<GenerationEvent> events = engine.stream(request()).collectList().block(GUARD);
        assertThat(events).isNotNull().isNotEmpty();
        Generation g = ((GenerationEvent.Completed) events.get(events.size() - 1)).generation();
        List<GenerationEvent.TextDelta> deltas = events.subList(0, events.size() - 1).stream()
                .map(GenerationEvent.TextDelta.class::cast).toList();
        TokenUsage previous = TokenUsage.ZERO;
        for (GenerationEvent.TextDelta d : deltas) {
            if (d.metering() == Metering.UNREPORTED) {
                assertThat(d.usage()).as("an unreported delta carries no count").isEqualTo(TokenUsage.ZERO);
                continue;
            }
            // a count so far: it grows with each delta, the prompt is counted from the first, and an exact count
            // never passes the completion's (an estimate may, a little, which the orchestrator corrects)
            assertThat(d.usage().outputTokens()).as("output so far").isGreaterThan(previous.outputTokens());
            assertThat(d.usage().inputTokens()).as("prompt").isPositive();
            if (d.metering() == Metering.EXACT) {
                assertThat(d.usage().outputTokens()).isLessThanOrEqualTo(g.usage().outputTokens());
                assertThat(d.usage().inputTokens()).isEqualTo(g.usage().inputTokens());
            }
            previous = d.usage();
        }
    }

    @Test
    void countsTokenUsage() {
        Generation g = engine.generate(request()).block(GUARD);
        assertThat(g).isNotNull();
        assertThat(g.usage().outputTokens()).isPositive();
        assertThat(g.usage().inputTokens()).isPositive();
        assertThat(g.usage().totalTokens()).isEqualTo(g.usage().inputTokens() + g.usage().outputTokens());
    }

    @Test
    void isColdUntilSubscribedAndEachSubscriptionGeneratesAgain() {
        long before = generationsStarted();
        var generation = engine.generate(request());
        var stream = engine.stream(request());
        assertThat(generationsStarted()).as("generations started by creating two publishers").isEqualTo(before);

        assertThat(generation.block(GUARD)).isNotNull();
        assertThat(generationsStarted()).as("generations after the first subscription").isEqualTo(before + 1);
        assertThat(generation.block(GUARD)).isNotNull();
        assertThat(generationsStarted()).as("generations after subscribing to the same publisher again")
                .isEqualTo(before + 2);

        assertThat(stream.collectList().block(GUARD)).isNotEmpty();
        assertThat(stream.collectList().block(GUARD)).isNotEmpty();
        assertThat(generationsStarted()).as("generations after subscribing twice to a stream publisher")
                .isEqualTo(before + 4);
    }

    @Test
    void cancellationStopsGenerationInsideTheEngine() throws Exception {
        if (engine.capabilities().tokenStreaming()) {
            StepVerifier.create(engine.stream(longRequest()))
                    .expectNextMatches(GenerationEvent.TextDelta.class::isInstance)
                    .thenCancel()
                    .verify(GUARD);
        } else {
            // the only delta would come with the finished answer: cancel while the engine is still at work
            StepVerifier.create(engine.stream(longRequest()))
                    .then(this::awaitLongGenerationUnderway)
                    .thenCancel()
                    .verify(GUARD);
        }
        assertGenerationStoppedAfterCancel();
    }

    @Test
    void failuresArriveAsTypedErrorSignals() {
        var publisher = engine.stream(failingRequest()); // must not throw
        StepVerifier.create(publisher)
                .thenConsumeWhile(GenerationEvent.TextDelta.class::isInstance)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(InferenceException.class)
                        .satisfies(ie -> assertThat(((InferenceException) ie).engine()).isEqualTo(engine.name())))
                .verify(GUARD);
    }

    @Test
    void aSeedReproducesTheSampleOrIsReportedUnsupported() {
        GenerationRequest seeded = request().withSampling(
                request().sampling().toBuilder().temperature(1.0).seed(1234L).build());
        if (engine.capabilities().seeds()) {
            Generation a = engine.generate(seeded).block(GUARD);
            Generation b = engine.generate(seeded).block(GUARD);
            assertThat(a).isNotNull();
            assertThat(b).isNotNull();
            assertThat(b.text()).isEqualTo(a.text());
        } else {
            StepVerifier.create(engine.generate(seeded))
                    .expectError(UnsupportedCapabilityException.class)
                    .verify(GUARD);
        }
    }

    @Test
    void concurrentGenerationsOfOneRequestEachGenerateAnew() {
        GenerationRequest unseeded = request().withSampling(request().sampling().toBuilder().noSeed().build());
        long before = generationsStarted();
        List<Generation> samples = Flux.range(0, 3)
                .flatMap(i -> engine.generate(unseeded.withSampling(unseeded.sampling().forMember(i))), 3)
                .collectList().block(GUARD);
        assertThat(samples).isNotNull().hasSize(3);
        assertThat(generationsStarted()).as("generations started for three concurrent requests").isEqualTo(before + 3);
        assertThat(samples).extracting(Generation::index).as("the index of a single generation").containsOnly(0);
        assertThat(samples).allSatisfy(g -> assertThat(g.usage().outputTokens()).isPositive());
    }
}

package dev.contemplate.inference.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.SamplingParameters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Prefix warmup for {@code sample}: the first request goes out alone; the others follow after its first token or
 * after the delay, whichever comes first. The delay runs on a virtual-time scheduler; the first token is held
 * back by the test server until the test opens its gate.
 */
class PrefixWarmupTest {

    private static final Duration GUARD = Duration.ofSeconds(20);
    private static final GenerationRequest GATED = GenerationRequest.of("gated", SamplingParameters.defaults());

    private OpenAiTestServer server;
    private VirtualTimeScheduler time;

    @BeforeEach
    void start() throws Exception {
        server = new OpenAiTestServer();
        time = VirtualTimeScheduler.create();
    }

    @AfterEach
    void stop() {
        server.close();
        time.dispose();
    }

    @Test
    void theOtherSamplesFollowTheFirstOnesFirstToken() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server))
                .prefixWarmup(Duration.ofSeconds(30)).timer(time).build()) {
            assertThat(engine.capabilities().sharedPrefixSampling()).isTrue();
            List<Generation> samples = new CopyOnWriteArrayList<>();
            engine.sample(GATED, 3).subscribe(samples::add);

            server.awaitRequests(1);
            assertThat(server.exchanges()).as("only the first request before its first token").hasSize(1);
            server.openGate(); // the first token goes out; virtual time stands still, so it is the token

            OpenAiTestServer.await(() -> samples.size() == 3, "three samples");
            List<OpenAiTestServer.Exchange> exchanges = server.exchanges();
            assertThat(exchanges).hasSize(3);
            long firstToken = exchanges.get(0).firstTokenNanos;
            assertThat(firstToken).isPositive();
            assertThat(exchanges.subList(1, 3)).allSatisfy(e -> assertThat(e.arrivalNanos).isGreaterThan(firstToken));
            assertThat(samples).extracting(Generation::index).containsExactlyInAnyOrder(0, 1, 2);
        }
    }

    @Test
    void theOtherSamplesFollowAfterTheDelayWhenTheFirstTokenIsLate() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.streaming(server))
                .prefixWarmup(Duration.ofMillis(100)).timer(time).build()) {
            List<Generation> samples = new CopyOnWriteArrayList<>();
            engine.sample(GATED, 3).subscribe(samples::add);

            server.awaitRequests(1);
            time.advanceTimeBy(Duration.ofMillis(99));
            assertThat(server.exchanges()).hasSize(1);
            time.advanceTimeBy(Duration.ofMillis(1));

            server.awaitRequests(3); // the first one is still waiting for its first token
            assertThat(server.exchanges().get(0).firstTokenNanos).isZero();
            server.openGate();
            OpenAiTestServer.await(() -> samples.size() == 3, "three samples");
        }
    }

    @Test
    void withoutWarmupAllSamplesStartTogether() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.blocking(server)).build()) {
            assertThat(engine.capabilities().sharedPrefixSampling()).isFalse();
            List<Generation> samples = new CopyOnWriteArrayList<>();
            engine.sample(GATED, 3).subscribe(samples::add);

            server.awaitRequests(3); // all three are out while none has an answer
            assertThat(server.exchanges()).allSatisfy(e -> assertThat(e.firstTokenNanos).isZero());
            server.openGate();
            OpenAiTestServer.await(() -> samples.size() == 3, "three samples");
        }
    }

    @Test
    void seededSamplesWithWarmupCountUpFromTheSeed() {
        try (LangChain4jEngine engine = LangChain4jEngine.builder(TestModels.blocking(server))
                .prefixWarmup(Duration.ofMillis(1)).build()) {
            List<Generation> samples = engine.sample(
                    GenerationRequest.of("question", SamplingParameters.builder().seed(5).build()), 3)
                    .collectList().block(GUARD);
            assertThat(samples).hasSize(3)
                    .allSatisfy(g -> assertThat(g.text()).isEqualTo("The answer is " + (5 + g.index()) + "."));
            assertThat(server.bodies()).extracting(b -> b.path("seed").asInt()).containsExactlyInAnyOrder(5, 6, 7);
        }
    }
}

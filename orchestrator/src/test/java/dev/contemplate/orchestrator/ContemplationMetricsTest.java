package dev.contemplate.orchestrator;

import static dev.contemplate.orchestrator.ContemplationObservability.AGENTS;
import static dev.contemplate.orchestrator.ContemplationObservability.AGENTS_STARTED;
import static dev.contemplate.orchestrator.ContemplationObservability.AGGREGATION_CALLS;
import static dev.contemplate.orchestrator.ContemplationObservability.AGGREGATION_FALLBACKS;
import static dev.contemplate.orchestrator.ContemplationObservability.CONTEMPLATIONS;
import static dev.contemplate.orchestrator.ContemplationObservability.DEADLINE_OVERRUN;
import static dev.contemplate.orchestrator.ContemplationObservability.SAMPLES;
import static dev.contemplate.orchestrator.ContemplationObservability.STOPS;
import static dev.contemplate.orchestrator.ContemplationObservability.TOKENS;
import static dev.contemplate.orchestrator.ContemplationObservability.VERDICT_LATENCY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.Scenarios.Scenario;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The meters a contemplator records in a {@link SimpleMeterRegistry}, with exact values after scripted
 * contemplations in virtual time (see {@link Scenarios}).
 */
class ContemplationMetricsTest {

    @BeforeAll
    static void guardAgainstHangs() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void resetGuard() {
        StepVerifier.resetDefaultTimeout();
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** Every counter named {@code name}, by its tags ({@code k=v,...} in key order), to its count. */
    private Map<String, Double> counters(String name) {
        return registry.find(name).counters().stream().collect(Collectors.toMap(c -> tags(c), Counter::count,
                Double::sum, TreeMap::new));
    }

    private static String tags(Meter meter) {
        return meter.getId().getTags().stream().map(t -> t.getKey() + "=" + t.getValue())
                .collect(Collectors.joining(","));
    }

    private Set<String> names() {
        return registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toSet());
    }

    private double tokens(String outcome, String type) {
        Counter c = registry.find(TOKENS).tags("outcome", outcome, "type", type).counter();
        return c == null ? -1 : c.count();
    }

    private Timer timer(String name, String... tags) {
        return registry.get(name).tags(tags).timer();
    }

    private static long input(Verdict v, AgentOutcome.Status status) {
        return v.agents().stream().filter(a -> a.status() == status).map(AgentOutcome::usage)
                .mapToLong(TokenUsage::inputTokens).sum();
    }

    @Test
    void aRuleStopCountsFinishedAndCancelledAgentsTheirTokensAndTheStop() {
        Scenario s = Scenarios.ruleStop();
        Verdict v = Scenarios.verdict(s.builder().meterRegistry(registry).build(), s.vts());
        assertThat(v.stopReason()).isEqualTo(StopReason.RULE_SATISFIED);

        assertThat(counters(CONTEMPLATIONS)).containsExactly(Map.entry(
                "aggregator=vote,exception=none,mode=contemplate,outcome=complete,rule=beta:0.95,vote=majority", 1.0));
        assertThat(counters(STOPS)).containsExactly(Map.entry("mode=contemplate,stop_reason=rule_satisfied", 1.0));
        assertThat(counters(AGENTS_STARTED)).containsExactly(Map.entry("mode=contemplate", 8.0));
        assertThat(counters(AGENTS)).containsExactly(
                Map.entry("exception=none,mode=contemplate,status=cancelled", 4.0),
                Map.entry("exception=none,mode=contemplate,status=finished", 4.0));
        DistributionSummary samples = registry.get(SAMPLES).tags("mode", "contemplate").summary();
        assertThat(samples.count()).isEqualTo(1);
        assertThat(samples.totalAmount()).isEqualTo(4);
        // 4 answers of 5 deltas; 4 cut agents that had streamed 1 delta each, and their prompts
        assertThat(tokens("answered", "output")).isEqualTo(20);
        assertThat(tokens("answered", "input")).isEqualTo(v.tokens().counted().inputTokens()).isPositive();
        assertThat(tokens("cut", "output")).isEqualTo(4).isEqualTo(v.tokens().cut().outputTokens());
        assertThat(tokens("cut", "input")).isEqualTo(v.tokens().cut().inputTokens()).isPositive();
        Timer latency = timer(VERDICT_LATENCY, "mode", "contemplate", "outcome", "complete");
        assertThat(latency.count()).isEqualTo(1);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4000);
        Timer overrun = timer(DEADLINE_OVERRUN, "mode", "contemplate");
        assertThat(overrun.count()).isEqualTo(1);
        assertThat(overrun.totalTime(TimeUnit.NANOSECONDS)).isZero();
        assertThat(names()).containsExactlyInAnyOrder(CONTEMPLATIONS, STOPS, AGENTS_STARTED, AGENTS, SAMPLES, TOKENS,
                VERDICT_LATENCY, DEADLINE_OVERRUN);
    }

    @Test
    void aDeadlineCutIsAnIncompleteVerdictWithCutAgentsAndNoOverrun() {
        Scenario s = Scenarios.deadlineCut();
        Verdict v = Scenarios.verdict(s.builder().meterRegistry(registry).build(), s.vts());
        assertThat(v.stopReason()).isEqualTo(StopReason.DEADLINE);

        assertThat(counters(CONTEMPLATIONS)).containsExactly(Map.entry(
                "aggregator=vote,exception=none,mode=contemplate,outcome=incomplete,rule=fixed,vote=majority", 1.0));
        assertThat(counters(STOPS)).containsExactly(Map.entry("mode=contemplate,stop_reason=deadline", 1.0));
        assertThat(counters(AGENTS)).containsExactly(
                Map.entry("exception=none,mode=contemplate,status=cancelled", 2.0),
                Map.entry("exception=none,mode=contemplate,status=finished", 3.0));
        assertThat(registry.get(SAMPLES).summary().totalAmount()).isEqualTo(3);
        assertThat(tokens("answered", "output")).isEqualTo(15);
        assertThat(tokens("cut", "output")).isEqualTo(4);
        assertThat(timer(VERDICT_LATENCY, "outcome", "incomplete").totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(5000);
        assertThat(timer(DEADLINE_OVERRUN).count()).isEqualTo(1);
        assertThat(timer(DEADLINE_OVERRUN).totalTime(TimeUnit.NANOSECONDS)).isZero();
    }

    @Test
    void allAgentsFailingIsAFailedContemplationByExceptionTypeWithEachAgentsCause() {
        Scenario s = Scenarios.allFail();
        Throwable e = Scenarios.error(s.builder().meterRegistry(registry).build(), s.vts());
        assertThat(e).isInstanceOf(AllAgentsFailedException.class);

        assertThat(counters(CONTEMPLATIONS)).containsExactly(Map.entry("aggregator=vote,"
                + "exception=AllAgentsFailedException,mode=contemplate,outcome=failed,rule=fixed,vote=majority", 1.0));
        assertThat(counters(STOPS)).containsExactly(Map.entry("mode=contemplate,stop_reason=all_agents_done", 1.0));
        assertThat(counters(AGENTS)).containsExactly(
                Map.entry("exception=NoAnswerException,mode=contemplate,status=failed", 1.0),
                Map.entry("exception=TransientInferenceException,mode=contemplate,status=failed", 1.0));
        // the unanswerable text is a sample; the engine error is not
        assertThat(registry.get(SAMPLES).summary().totalAmount()).isEqualTo(1);
        assertThat(tokens("failed", "output")).isEqualTo(2);
        assertThat(tokens("answered", "output")).isEqualTo(-1);
        assertThat(timer(VERDICT_LATENCY, "outcome", "failed").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2000);
        assertThat(timer(DEADLINE_OVERRUN).totalTime(TimeUnit.NANOSECONDS)).isZero();
    }

    @Test
    void aFailedAggregationCallIsAFallbackByAggregatorAndReason() {
        Scenario s = Scenarios.aggregationFailing();
        Verdict v = Scenarios.verdict(s.builder().meterRegistry(registry).build(), s.vts());
        assertThat(v.provenance().fallback()).isPresent();

        assertThat(counters(AGGREGATION_FALLBACKS)).containsExactly(Map.entry("aggregator=merger,reason=error", 1.0));
        assertThat(counters(AGGREGATION_CALLS)).containsExactly(Map.entry("role=synthesis,status=failed", 1.0));
        assertThat(counters(CONTEMPLATIONS)).containsOnlyKeys(
                "aggregator=merger,exception=none,mode=contemplate,outcome=complete,rule=fixed,vote=majority");
        assertThat(tokens("aggregation", "output")).isEqualTo(-1);
    }

    @Test
    void anAggregationCallCutByTheDeadlineIsACancelledCallAndADeadlineFallback() {
        Scenario s = Scenarios.aggregationCutByDeadline();
        Verdict v = Scenarios.verdict(s.builder().meterRegistry(registry).build(), s.vts());
        assertThat(v.elapsed()).isEqualTo(Duration.ofSeconds(10));

        assertThat(counters(AGGREGATION_FALLBACKS)).containsExactly(
                Map.entry("aggregator=merger,reason=deadline", 1.0));
        assertThat(counters(AGGREGATION_CALLS)).containsExactly(Map.entry("role=synthesis,status=cancelled", 1.0));
        assertThat(timer(VERDICT_LATENCY).totalTime(TimeUnit.MILLISECONDS)).isEqualTo(10_000);
        assertThat(timer(DEADLINE_OVERRUN).totalTime(TimeUnit.NANOSECONDS)).isZero();
    }

    @Test
    void aFinishedAggregationCallCountsItsTokensApartFromTheAgents() {
        Scenario s = Scenarios.aggregatedSuccessfully();
        Verdict v = Scenarios.verdict(s.builder().meterRegistry(registry).build(), s.vts());
        assertThat(v.provenance().fallback()).isEmpty();

        assertThat(counters(AGGREGATION_CALLS)).containsExactly(Map.entry("role=synthesis,status=finished", 1.0));
        assertThat(registry.find(AGGREGATION_FALLBACKS).counters()).isEmpty();
        assertThat(tokens("aggregation", "output")).isEqualTo(4).isEqualTo(v.aggregationTokens().outputTokens());
        assertThat(tokens("aggregation", "input")).isEqualTo(v.aggregationTokens().inputTokens());
        assertThat(tokens("answered", "output")).isEqualTo(15);
        assertThat(tokens("answered", "input") + tokens("aggregation", "input"))
                .isEqualTo(v.tokens().inputTokens());
        assertThat(tokens("answered", "input")).isEqualTo(input(v, AgentOutcome.Status.FINISHED));
    }

    @Test
    void aCallerCancellationCountsTheContemplationAndItsRunningAgentsAsCancelled() {
        Scenario s = Scenarios.ruleStop();
        Contemplator c = s.builder().meterRegistry(registry).build();
        StepVerifier.withVirtualTime(() -> c.contemplate(Scenarios.QUESTION), s::vts, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(2500))
                .thenCancel()
                .verify();

        assertThat(counters(CONTEMPLATIONS)).containsOnlyKeys(
                "aggregator=vote,exception=none,mode=contemplate,outcome=cancelled,rule=beta:0.95,vote=majority");
        assertThat(counters(AGENTS)).containsExactly(
                Map.entry("exception=none,mode=contemplate,status=cancelled", 6.0),
                Map.entry("exception=none,mode=contemplate,status=finished", 2.0));
        // by 2.5 s agent-3 (5 deltas over 3 s) had streamed 4, agent-4 (over 4 s) 3, the four slow ones 1 each
        assertThat(tokens("cut", "output")).isEqualTo(11);
        assertThat(registry.find(STOPS).counters()).isEmpty();
        assertThat(registry.find(DEADLINE_OVERRUN).timers()).isEmpty();
        assertThat(timer(VERDICT_LATENCY, "outcome", "cancelled").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2500);
        assertThat(s.engine().active()).isZero();
    }

    @Test
    void modesAreTagsAndEveryMeterCarriesOnlyDocumentedTagKeys() {
        Scenario s = Scenarios.ruleStop();
        Contemplator c = s.builder().meterRegistry(registry).build();
        StepVerifier.withVirtualTime(() -> c.contemplate(Scenarios.QUESTION, Mode.FAST), s::vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(5))
                .expectNextCount(1)
                .verifyComplete();
        assertThat(counters(CONTEMPLATIONS)).containsOnlyKeys(
                "aggregator=vote,exception=none,mode=fast,outcome=complete,rule=fixed,vote=majority");
        assertThat(counters(AGENTS_STARTED)).containsExactly(Map.entry("mode=fast", 1.0));
        Set<String> keys = registry.getMeters().stream().flatMap(m -> m.getId().getTags().stream())
                .map(Tag::getKey).collect(Collectors.toSet());
        assertThat(keys).isSubsetOf("mode", "outcome", "status", "exception", "stop_reason", "rule", "vote",
                "aggregator", "role", "type", "reason", "engine");
    }

    @Test
    void withoutARegistryNothingIsRecorded() {
        Scenario s = Scenarios.ruleStop();
        Scenarios.verdict(s.builder().build(), s.vts());
        assertThat(registry.getMeters()).isEmpty();
        assertThat(io.micrometer.core.instrument.Metrics.globalRegistry.getMeters())
                .noneMatch(m -> m.getId().getName().startsWith("contemplate."));
    }

    @Test
    void aLangChain4jEnginesQueueAndSlotsAreGauges() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        dev.langchain4j.model.chat.ChatModel model = new dev.langchain4j.model.chat.ChatModel() {
            @Override
            public dev.langchain4j.model.chat.response.ChatResponse doChat(
                    dev.langchain4j.model.chat.request.ChatRequest request) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return dev.langchain4j.model.chat.response.ChatResponse.builder()
                        .aiMessage(dev.langchain4j.data.message.AiMessage.from("The answer is 3.")).build();
            }
        };
        dev.contemplate.inference.langchain4j.LangChain4jEngine engine =
                dev.contemplate.inference.langchain4j.LangChain4jEngine.builder(model).name("fake").maxInFlight(1)
                        .build();
        try {
            Contemplator c = Contemplator.builder().engine(engine)
                    .team(dev.contemplate.agents.Team.builder().size(2).build())
                    .extractor(dev.contemplate.aggregation.AnswerExtractors.numeric())
                    .stoppingRule(dev.contemplate.aggregation.StoppingRules.fixed())
                    .meterRegistry(registry).build();
            io.micrometer.core.instrument.Gauge queued = registry.get(ContemplationObservability.ENGINE_QUEUED)
                    .tags("engine", "fake").gauge();
            io.micrometer.core.instrument.Gauge inFlight = registry.get(ContemplationObservability.ENGINE_IN_FLIGHT)
                    .tags("engine", "fake").gauge();
            assertThat(queued.value()).isZero();
            assertThat(inFlight.value()).isZero();

            java.util.concurrent.CompletableFuture<Verdict> verdict = c.contemplate("q").toFuture();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((inFlight.value() < 1 || queued.value() < 1) && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(inFlight.value()).isEqualTo(1);
            assertThat(queued.value()).isEqualTo(1);
            release.countDown();
            assertThat(verdict.get(10, TimeUnit.SECONDS).answer().key()).isEqualTo("3");
            // the engine frees its slot on its own thread, just after the generation's result
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((inFlight.value() > 0 || queued.value() > 0) && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(inFlight.value()).isZero();
            assertThat(queued.value()).isZero();
        } finally {
            release.countDown();
            engine.close();
        }
    }
}

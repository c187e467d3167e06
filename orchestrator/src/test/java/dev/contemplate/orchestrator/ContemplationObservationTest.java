package dev.contemplate.orchestrator;

import static dev.contemplate.orchestrator.ContemplationObservability.AGENT_ID;
import static dev.contemplate.orchestrator.ContemplationObservability.AGENT_OBSERVATION;
import static dev.contemplate.orchestrator.ContemplationObservability.AGGREGATION_CALL_OBSERVATION;
import static dev.contemplate.orchestrator.ContemplationObservability.CONTEMPLATION_OBSERVATION;
import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.orchestrator.Scenarios.Scenario;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * The observations of a contemplation in a {@link TestObservationRegistry} (which also checks that each is started
 * once and stopped once), and the spans they make through a tracing handler: one contemplation, one child per agent
 * and per aggregation call, linked to it explicitly.
 */
class ContemplationObservationTest {

    @BeforeAll
    static void guardAgainstHangs() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void resetGuard() {
        StepVerifier.resetDefaultTimeout();
    }

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    /** The agents' observations, by their outcome key value, to how many there are. */
    private Map<String, Long> agentOutcomes(List<Observation.Context> contexts) {
        return contexts.stream().filter(c -> c.getName().equals(AGENT_OBSERVATION))
                .collect(Collectors.groupingBy(c -> c.getLowCardinalityKeyValue("outcome").getValue(),
                        Collectors.counting()));
    }

    @Test
    void eachAgentIsAChildObservationOfTheContemplationMarkedWithItsOutcome() {
        Scenario s = Scenarios.ruleStop();
        Scenarios.verdict(s.builder().observationRegistry(registry).build(), s.vts());

        assertThat(registry)
                .hasNumberOfObservationsWithNameEqualTo(CONTEMPLATION_OBSERVATION, 1)
                .hasNumberOfObservationsWithNameEqualTo(AGENT_OBSERVATION, 8)
                .hasNumberOfObservationsEqualTo(9)
                .forAllObservationsWithNameEqualTo(AGENT_OBSERVATION, agent -> agent
                        .hasParentObservation()
                        .hasLowCardinalityKeyValue("mode", "contemplate")
                        .hasLowCardinalityKeyValue("exception", "none")
                        .hasHighCardinalityKeyValueWithKey(AGENT_ID)
                        .hasContextualNameEqualTo("contemplate agent")
                        .doesNotHaveError())
                .hasHandledContextsThatSatisfy(contexts -> {
                    Observation.Context contemplation = contexts.stream()
                            .filter(c -> c.getName().equals(CONTEMPLATION_OBSERVATION)).findFirst().orElseThrow();
                    assertThat(contexts).filteredOn(c -> c.getName().equals(AGENT_OBSERVATION)).hasSize(8)
                            .allSatisfy(c -> assertThat(c.getParentObservation().getContextView())
                                    .isSameAs(contemplation));
                    assertThat(agentOutcomes(contexts)).containsExactlyInAnyOrderEntriesOf(
                            Map.of("finished", 4L, "cancelled", 4L));
                    assertThat(contexts).filteredOn(c -> c.getName().equals(AGENT_OBSERVATION))
                            .extracting(c -> c.getHighCardinalityKeyValue(AGENT_ID).getValue())
                            .containsExactlyInAnyOrder("agent-1", "agent-2", "agent-3", "agent-4", "agent-5",
                                    "agent-6", "agent-7", "agent-8");
                })
                .hasObservationWithNameEqualTo(CONTEMPLATION_OBSERVATION).that()
                .hasBeenStarted()
                .hasBeenStopped()
                .doesNotHaveParentObservation()
                .hasContextualNameEqualTo("contemplate")
                .hasLowCardinalityKeyValue("mode", "contemplate")
                .hasLowCardinalityKeyValue("outcome", "complete")
                .hasLowCardinalityKeyValue("stop_reason", "rule_satisfied")
                .hasLowCardinalityKeyValue("rule", "beta:0.95")
                .hasLowCardinalityKeyValue("vote", "majority")
                .hasLowCardinalityKeyValue("aggregator", "vote")
                .hasLowCardinalityKeyValue("exception", "none")
                .doesNotHaveError();
        assertThat(registry).doesNotHaveAnyRemainingCurrentObservation();
    }

    @Test
    void failedAgentsAndAFailedContemplationCarryTheirErrors() {
        Scenario s = Scenarios.allFail();
        Throwable e = Scenarios.error(s.builder().observationRegistry(registry).build(), s.vts());

        assertThat(registry)
                .hasNumberOfObservationsWithNameEqualTo(AGENT_OBSERVATION, 2)
                .forAllObservationsWithNameEqualTo(AGENT_OBSERVATION, agent -> agent
                        .hasLowCardinalityKeyValue("outcome", "failed")
                        .hasError())
                .hasAnObservationWithAKeyValue("exception", "TransientInferenceException")
                .hasAnObservationWithAKeyValue("exception", "NoAnswerException")
                .hasObservationWithNameEqualTo(CONTEMPLATION_OBSERVATION).that()
                .hasError(e)
                .hasLowCardinalityKeyValue("outcome", "failed")
                .hasLowCardinalityKeyValue("exception", "AllAgentsFailedException")
                .hasLowCardinalityKeyValue("stop_reason", "all_agents_done");
    }

    @Test
    void anAggregationCallIsAChildObservationOfTheContemplation() {
        Scenario s = Scenarios.aggregatedSuccessfully();
        Scenarios.verdict(s.builder().observationRegistry(registry).build(), s.vts());

        assertThat(registry)
                .hasNumberOfObservationsWithNameEqualTo(AGENT_OBSERVATION, 3)
                .hasNumberOfObservationsWithNameEqualTo(AGGREGATION_CALL_OBSERVATION, 1)
                .hasObservationWithNameEqualTo(AGGREGATION_CALL_OBSERVATION).that()
                .hasBeenStopped()
                .hasParentObservationContextMatching(p -> p.getName().equals(CONTEMPLATION_OBSERVATION))
                .hasContextualNameEqualTo("contemplate synthesis")
                .hasLowCardinalityKeyValue("role", "synthesis")
                .hasLowCardinalityKeyValue("outcome", "finished")
                .hasHighCardinalityKeyValue("engine", "scripted")
                .backToTestObservationRegistry()
                .hasObservationWithNameEqualTo(CONTEMPLATION_OBSERVATION).that()
                .hasLowCardinalityKeyValue("aggregator", "merger")
                .doesNotHaveEvent("contemplate.aggregation.fallback");
    }

    @Test
    void aFallbackIsAnEventOnTheContemplationAndACutCallIsCancelled() {
        Scenario s = Scenarios.aggregationCutByDeadline();
        Scenarios.verdict(s.builder().observationRegistry(registry).build(), s.vts());

        assertThat(registry)
                .hasObservationWithNameEqualTo(AGGREGATION_CALL_OBSERVATION).that()
                .hasLowCardinalityKeyValue("outcome", "cancelled")
                .backToTestObservationRegistry()
                .hasObservationWithNameEqualTo(CONTEMPLATION_OBSERVATION).that()
                .hasEvent("contemplate.aggregation.fallback", "fallback: deadline")
                .hasLowCardinalityKeyValue("outcome", "complete");
    }

    @Test
    void theSubscribersObservationInTheReactorContextIsTheContemplationsParent() {
        Observation request = Observation.start("http.server.requests", registry);
        Scenario s = Scenarios.ruleStop();
        Contemplator c = s.builder().observationRegistry(registry).build();
        StepVerifier.withVirtualTime(() -> c.contemplate(Scenarios.QUESTION)
                                .contextWrite(Context.of("micrometer.observation", request)), s::vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(10))
                .expectNextCount(1)
                .verifyComplete();
        request.stop();

        assertThat(registry).hasObservationWithNameEqualTo(CONTEMPLATION_OBSERVATION).that()
                .hasParentObservationEqualTo(request);
    }

    @Test
    void aCancelledContemplationStopsItsObservationAndEveryRunningAgents() {
        Scenario s = Scenarios.ruleStop();
        Contemplator c = s.builder().observationRegistry(registry).build();
        StepVerifier.withVirtualTime(() -> c.contemplate(Scenarios.QUESTION), s::vts, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(2500))
                .thenCancel()
                .verify();

        assertThat(registry)
                .hasHandledContextsThatSatisfy(contexts -> assertThat(agentOutcomes(contexts))
                        .containsExactlyInAnyOrderEntriesOf(Map.of("finished", 2L, "cancelled", 6L)))
                .forAllObservationsWithNameEqualTo(AGENT_OBSERVATION, a -> a.doesNotHaveError())
                .hasObservationWithNameEqualTo(CONTEMPLATION_OBSERVATION).that()
                .hasBeenStopped()
                .hasLowCardinalityKeyValue("outcome", "cancelled")
                .hasLowCardinalityKeyValue("stop_reason", "none");
    }

    @Test
    void withATracingHandlerTheAgentsAreChildSpansOfOneContemplationSpanInOneTrace() {
        SimpleTracer tracer = new SimpleTracer();
        ObservationRegistry tracing = ObservationRegistry.create();
        tracing.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
        Scenario s = Scenarios.ruleStop();
        Scenarios.verdict(s.builder().observationRegistry(tracing).build(), s.vts());

        List<SimpleSpan> spans = List.copyOf(tracer.getSpans());
        assertThat(spans).hasSize(9).allSatisfy(span -> assertThat(span.getEndTimestamp().toEpochMilli()).isPositive());
        List<SimpleSpan> roots = spans.stream().filter(span -> span.getParentId() == null || span.getParentId().isEmpty())
                .toList();
        assertThat(roots).hasSize(1);
        SimpleSpan root = roots.get(0);
        assertThat(root.getName()).isEqualTo("contemplate");
        assertThat(root.getTags()).containsEntry("outcome", "complete").containsEntry("stop_reason", "rule_satisfied");
        List<SimpleSpan> children = spans.stream().filter(span -> span != root).toList();
        assertThat(children).hasSize(8).allSatisfy(child -> {
            assertThat(child.getTraceId()).isEqualTo(root.getTraceId());
            assertThat(child.getParentId()).isEqualTo(root.getSpanId());
            assertThat(child.getSpanId()).isNotEqualTo(root.getSpanId());
            assertThat(child.getName()).isEqualTo("contemplate agent");
        });
        assertThat(children).extracting(child -> child.getTags().get("outcome"))
                .containsExactlyInAnyOrder("finished", "finished", "finished", "finished",
                        "cancelled", "cancelled", "cancelled", "cancelled");
        assertThat(children).extracting(child -> child.getTags().get(AGENT_ID))
                .containsExactlyInAnyOrder("agent-1", "agent-2", "agent-3", "agent-4", "agent-5", "agent-6",
                        "agent-7", "agent-8");
        assertThat(spans).map(SimpleSpan::getSpanId).doesNotHaveDuplicates();
    }
}

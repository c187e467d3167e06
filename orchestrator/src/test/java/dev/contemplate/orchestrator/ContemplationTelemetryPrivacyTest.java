package dev.contemplate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.orchestrator.Scenarios.Scenario;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * With metrics, observations, tracing and DEBUG logging all on, every scripted contemplation (a rule stop, a deadline
 * cut, all agents failing, a merged answer, a failed and a cut aggregation call) leaves no trace of the question or
 * of any answer in a meter id, an observation's names and key values, a span or a log line.
 */
class ContemplationTelemetryPrivacyTest {

    @BeforeAll
    static void guardAgainstHangs() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void resetGuard() {
        StepVerifier.resetDefaultTimeout();
    }

    /** Words of the question ({@link Scenarios#QUESTION}) and of the agents' and judge's texts. */
    private static final List<String> PRIVATE = List.of(Scenarios.QUESTION_MARK, "zanzibar", "7781", "marbles",
            Scenarios.ANSWER_MARK, "answers agree");

    static boolean leaks(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return PRIVATE.stream().anyMatch(lower::contains);
    }

    @Test
    void theLeakCheckSeesTheQuestionAndTheAnswers() {
        assertThat(leaks(Scenarios.QUESTION)).isTrue();
        assertThat(leaks(Scenarios.answer("42", Duration.ZERO).tokens().toString())).isTrue();
        assertThat(leaks("contemplate.agents{mode=contemplate,status=finished}")).isFalse();
    }

    @Test
    void noMeterObservationSpanOrLogLineCarriesTheQuestionOrAnAnswer() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TestObservationRegistry observations = TestObservationRegistry.create();
        SimpleTracer tracer = new SimpleTracer();
        observations.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
        TestLog log = TestLog.mark();

        for (Scenario s : List.of(Scenarios.ruleStop(), Scenarios.deadlineCut(), Scenarios.aggregatedSuccessfully(),
                Scenarios.aggregationFailing(), Scenarios.aggregationCutByDeadline())) {
            Verdict v = Scenarios.verdict(s.builder().meterRegistry(meters).observationRegistry(observations).build(),
                    s.vts());
            assertThat(v.question()).contains(Scenarios.QUESTION_MARK);
            assertThat(leaks(v.text())).as("the verdict's text holds an answer").isTrue();
        }
        Scenario failing = Scenarios.allFail();
        Scenarios.error(failing.builder().meterRegistry(meters).observationRegistry(observations).build(),
                failing.vts());

        List<String> meterTexts = new ArrayList<>();
        for (Meter m : meters.getMeters()) {
            meterTexts.add(m.getId().toString());
            meterTexts.add(String.valueOf(m.getId().getDescription()));
            meterTexts.add(String.valueOf(m.getId().getBaseUnit()));
        }
        List<String> observationTexts = new ArrayList<>();
        io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(observations)
                .hasHandledContextsThatSatisfy(contexts -> {
                    for (Observation.Context c : contexts) {
                        observationTexts.add(c.getName());
                        observationTexts.add(String.valueOf(c.getContextualName()));
                        c.getAllKeyValues().forEach(kv -> observationTexts.add(kv.getKey() + "=" + kv.getValue()));
                    }
                });
        List<String> spanTexts = new ArrayList<>();
        for (SimpleSpan span : tracer.getSpans()) {
            spanTexts.add(span.getName());
            span.getTags().forEach((k, v) -> spanTexts.add(k + "=" + v));
            span.getEvents().forEach(e -> spanTexts.add(e.getValue()));
        }
        List<String> logLines = log.allLines();

        // not vacuous: everything was recorded, including every agent's DEBUG lines and the WARN lines
        assertThat(meterTexts).hasSizeGreaterThan(50);
        assertThat(observationTexts).hasSizeGreaterThan(200);
        assertThat(spanTexts).hasSizeGreaterThan(100);
        assertThat(logLines).anyMatch(l -> l.contains("DEBUG") && l.contains("agent-1 answered"))
                .anyMatch(l -> l.contains("WARN"));
        for (Map.Entry<String, List<String>> texts : Map.of("meters", meterTexts, "observations",
                observationTexts, "spans", spanTexts, "log", logLines).entrySet()) {
            assertThat(texts.getValue()).as(texts.getKey()).noneMatch(ContemplationTelemetryPrivacyTest::leaks);
        }
    }
}

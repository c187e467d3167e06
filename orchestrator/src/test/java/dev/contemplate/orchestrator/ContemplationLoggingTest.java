package dev.contemplate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.orchestrator.Scenarios.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The contemplator's SLF4J lines (captured by the tests' slf4j-simple backend, see {@link TestLog}): DEBUG for
 * contemplations and agents, WARN only when every agent failed or an aggregation fell back, nothing at INFO.
 */
class ContemplationLoggingTest {

    @BeforeAll
    static void guardAgainstHangs() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void resetGuard() {
        StepVerifier.resetDefaultTimeout();
    }

    private static List<String> at(String level, List<String> lines) {
        return lines.stream().filter(l -> l.startsWith(level + " ")).toList();
    }

    @Test
    void aRuleStopLogsTheContemplationAndEachAgentAtDebugOnly() {
        TestLog log = TestLog.mark();
        Scenario s = Scenarios.ruleStop();
        Scenarios.verdict(s.builder().build(), s.vts());

        List<String> lines = log.lines();
        assertThat(at("DEBUG", lines)).hasSize(lines.size());
        assertThat(lines).anyMatch(l -> l.matches(".* - contemplation #\\d+ started: mode=contemplate, agents=8, "
                        + "rule=beta:0\\.95, vote=majority, aggregator=vote, deadline=60000 ms"))
                .anyMatch(l -> l.matches(".* - contemplation #\\d+: agents stopped \\(rule_satisfied\\) after 4 samples"))
                .anyMatch(l -> l.matches(".* - contemplation #\\d+: verdict complete \\(rule_satisfied\\) after 4000 ms: "
                        + "4 samples, \\d+ tokens, confidence 1\\.00"));
        assertThat(lines).filteredOn(l -> l.contains(" started") && l.contains(": agent-")).hasSize(8);
        assertThat(lines).filteredOn(l -> l.contains(" answered (")).hasSize(4);
        assertThat(lines).filteredOn(l -> l.matches(".*: agent-[5-8] cancelled after 1 deltas \\(\\d+ tokens\\)")).hasSize(4);
    }

    @Test
    void everyAgentFailingIsOneWarningNamingTheCausesTypes() {
        TestLog log = TestLog.mark();
        Scenario s = Scenarios.allFail();
        Scenarios.error(s.builder().build(), s.vts());

        assertThat(at("WARN", log.lines())).singleElement().satisfies(l -> assertThat(l)
                .matches(".* - contemplation #\\d+: all 2 agents failed after 2000 ms: "
                        + "\\{NoAnswerException=1, TransientInferenceException=1}"));
        assertThat(at("DEBUG", log.lines())).anyMatch(l -> l.endsWith("agent-1 failed (TransientInferenceException)"));
    }

    @Test
    void anAggregationFallbackIsOneWarningWithItsReasonAndTheErrorsType() {
        TestLog log = TestLog.mark();
        Scenario s = Scenarios.aggregationFailing();
        Scenarios.verdict(s.builder().build(), s.vts());
        assertThat(at("WARN", log.lines())).singleElement().satisfies(l -> assertThat(l)
                .matches(".* - contemplation #\\d+: merger fell back to the vote \\(error: "
                        + "TransientInferenceException\\)"));

        TestLog cut = TestLog.mark();
        Scenario d = Scenarios.aggregationCutByDeadline();
        Scenarios.verdict(d.builder().build(), d.vts());
        assertThat(at("WARN", cut.lines())).singleElement().satisfies(l -> assertThat(l)
                .matches(".* - contemplation #\\d+: merger fell back to the vote \\(deadline\\)"));
        assertThat(cut.lines()).anyMatch(l -> l.endsWith("synthesis call cancelled"));
    }

    @Test
    void aSuccessfulAggregationWarnsOfNothing() {
        TestLog log = TestLog.mark();
        Scenario s = Scenarios.aggregatedSuccessfully();
        Scenarios.verdict(s.builder().build(), s.vts());
        assertThat(log.lines()).isNotEmpty().allMatch(l -> l.startsWith("DEBUG "))
                .anyMatch(l -> l.matches(".*: synthesis call finished \\(\\d+ tokens\\)"));
    }
}

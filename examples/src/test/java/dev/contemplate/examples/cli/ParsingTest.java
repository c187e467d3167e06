package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.simulated.Scenario;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Budgets and the simulated engine's scenarios. */
class ParsingTest {

    @Test
    void budgetsParseInTheirShortAndIsoForms() {
        assertThat(Durations.parse("3s")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse(" 1h ")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("pt0.25s")).isEqualTo(Duration.ofMillis(250));
        for (String bad : new String[] {"3", "", "s", "3 parsecs", "-1s", "PT", "1e3ms"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot read budget");
        }
        assertThatThrownBy(() -> Durations.parse("0ms")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Durations.parse("PT-1S")).hasMessageContaining("positive");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(Durations.format(Duration.ofMillis(100))).isEqualTo("100 ms");
    }

    @Test
    void theSimulatedEngineKnowsTheTruthOfArithmeticQuestions() {
        assertThat(SimulatedScenarios.arithmeticValue("What is 2+2?")).contains("4");
        assertThat(SimulatedScenarios.arithmeticValue("What is 54+39-25+73?")).contains("141");
        assertThat(SimulatedScenarios.arithmeticValue("Compute (3 + 4) * 5.")).contains("35");
        assertThat(SimulatedScenarios.arithmeticValue("What is 12/4?")).contains("3");
        assertThat(SimulatedScenarios.arithmeticValue("What is 7/2?")).isEmpty();
        assertThat(SimulatedScenarios.arithmeticValue("Tell me a joke")).isEmpty();
        assertThat(SimulatedScenarios.arithmeticValue("In 1999 there were 5 cats")).isEmpty();

        Scenario s = SimulatedScenarios.forQuestions().apply("What is 2+2?");
        assertThat(s.answers().keySet()).first().isEqualTo("4");
        assertThat(s.probability("4")).isBetween(SimulatedScenarios.MIN_CORRECT, SimulatedScenarios.MAX_CORRECT);
        assertThat(s.noAnswerProbability()).isCloseTo(SimulatedScenarios.NO_ANSWER,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(SimulatedScenarios.forQuestions().apply("What is 2+2?")).isEqualTo(s);

        Scenario known = SimulatedScenarios.forDataset(Map.of("Who?", "Ada")).apply("Who?");
        assertThat(known.answers().keySet()).first().isEqualTo("Ada");
        assertThat(SimulatedScenarios.forQuestions().apply("Who?").answers()).containsKey(SimulatedScenarios.RIGHT);
    }
}

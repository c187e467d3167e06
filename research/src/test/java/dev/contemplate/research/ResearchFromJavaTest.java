package dev.contemplate.research;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.simulated.Scenario;
import dev.contemplate.inference.simulated.SimulatedEngine;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.research.bench.Bench;
import dev.contemplate.research.bench.BenchCell;
import dev.contemplate.research.bench.BenchClock;
import dev.contemplate.research.bench.BenchResult;
import dev.contemplate.research.dataset.Dataset;
import dev.contemplate.research.replay.ReplayData;
import dev.contemplate.research.replay.ReplayReader;
import dev.contemplate.research.replay.ReplayReport;
import dev.contemplate.research.replay.Replayer;
import dev.contemplate.research.replay.RuleResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A bench and a replay run from Java code, as the README's "Research from Java" shows, with nothing on the class path
 * but this module, a (simulated) engine and its virtual clock: no command line, no picocli, no logging binding.
 */
class ResearchFromJavaTest {

    @Test
    void nothingOfTheCommandLineIsOnTheClassPath() {
        for (String name : List.of("picocli.CommandLine", "dev.contemplate.examples.cli.ContemplateCli")) {
            assertThatThrownBy(() -> Class.forName(name)).as(name).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void aBenchRunsFromJavaOnASimulatedEngineInVirtualTime() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        BenchClock clock = BenchClock.virtual(time, time::advanceTimeBy);
        try (SimulatedEngine engine = SimulatedEngine.builder()
                .scenario(question -> Scenario.builder().answer("42", 0.6).answer("41", 0.4).build())
                .scheduler(time)
                .seed(7)
                .build()) {
            Dataset questions = Dataset.builder(AnswerExtractors.numeric())
                    .question("What is 6*7?", "42")
                    .question("What is 50-8?", "42")
                    .question("What is 21+21?", "#### 42")
                    .build();
            BenchResult result = Bench.builder()
                    .dataset(questions)
                    .contemplators((agents, rule, seed) -> Contemplator.builder()
                            .engine(engine)
                            .clock(clock.scheduler())
                            .team(Team.builder().size(agents).seed(seed).build())
                            .extractor(AnswerExtractors.numeric())
                            .stoppingRule(rule)
                            .budget(Budget.builder().deadline(Duration.ofSeconds(30)).build())
                            .build())
                    .agents(1, 3, 5)
                    .stoppingRules(StoppingRules.beta(0.95), StoppingRules.esc(3))
                    .clock(clock)
                    .seed(42)
                    .run();

            assertThat(result.cells()).hasSize(2 * 3);
            for (BenchCell c : result.cells()) {
                assertThat(c.questions()).isEqualTo(3);
                assertThat(c.accuracy95().low()).isLessThanOrEqualTo(c.accuracy());
                assertThat(c.accuracy95().high()).isGreaterThanOrEqualTo(c.accuracy());
                // simulated latencies of seconds, measured on the virtual clock in no time
                assertThat(c.latency().p95Ms()).isGreaterThan(200).isLessThanOrEqualTo(30_000);
                assertThat(c.meanSamples()).isBetween(1.0, (double) c.agents());
            }
            assertThat(result.cell("esc:3", 5).tokens().totalTokens()).isPositive();
        } finally {
            time.dispose();
        }
    }

    @Test
    void aReplayRunsFromJavaOnARecordedFile() throws Exception {
        Path file = Path.of(ResearchFromJavaTest.class.getResource("/research/small-esc.jsonl").toURI());
        ReplayData recorded = ReplayReader.detecting().read(file);
        List<RuleResult> replayed = Replayer.replay(recorded.questions(),
                List.of(StoppingRules.fixed(1), StoppingRules.fixed()), 40, 20, 0L);
        String table = new ReplayReport(file.getFileName().toString(), recorded, Optional.empty(), 40, 20, 0L,
                replayed).table();

        assertThat(recorded.questions()).hasSize(3);
        assertThat(replayed).extracting(RuleResult::rule).containsExactly("fixed:1", "fixed");
        // every sample: the majority of Q1 (abc) and Q3's only answer x are right, Q2 never says its gold
        assertThat(replayed.get(1).accuracy().mean()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(replayed.get(1).samples().mean()).isEqualTo(4.0);
        assertThat(table).contains("replay of small-esc.jsonl", "format esc, 3 questions counted", "fixed:1");
    }
}

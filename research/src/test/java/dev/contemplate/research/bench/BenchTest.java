package dev.contemplate.research.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.contemplate.agents.Deliberation;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.simulated.Scenario;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.research.dataset.Dataset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench loop and its statistics, on a simulated engine in virtual time. */
class BenchTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static Dataset arithmetic(int questions) {
        Dataset.Builder b = Dataset.builder(AnswerExtractors.numeric()).source("arith");
        for (int i = 0; i < questions; i++) {
            b.question("What is " + i + "+" + (i + 3) + "?", String.valueOf(2 * i + 3));
        }
        return b.build();
    }

    @Test
    void everyCountRunsUnderEveryRuleWithTheBaselineRunOnceWithTheFirstRuleAndPairedSeeds() {
        Dataset data = arithmetic(4);
        try (SimulatedBench sim = new SimulatedBench(data, 0.6, DEADLINE)) {
            BenchResult r = Bench.builder().dataset(data).contemplators(sim.factory()).clock(sim.clock)
                    .agents(3, 5, 3).stoppingRules(StoppingRules.esc(2), StoppingRules.fixed(), StoppingRules.esc(2))
                    .seed(7).run();

            assertThat(r.agentCounts()).containsExactly(1, 3, 5);
            assertThat(r.stoppingRules()).containsExactly("esc:2", "fixed");
            assertThat(r.questions()).isEqualTo(4);
            assertThat(r.clock()).isEqualTo("virtual");
            assertThat(r.cells()).extracting(BenchCell::rule, BenchCell::agents).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("esc:2", 1), org.assertj.core.groups.Tuple.tuple("esc:2", 3),
                    org.assertj.core.groups.Tuple.tuple("esc:2", 5), org.assertj.core.groups.Tuple.tuple("fixed", 1),
                    org.assertj.core.groups.Tuple.tuple("fixed", 3), org.assertj.core.groups.Tuple.tuple("fixed", 5));
            // per question: the baseline once under the first rule, then every other cell, all with one seed
            assertThat(sim.calls).hasSize(4 * (1 + 2 * 2));
            for (int q = 0; q < 4; q++) {
                List<SimulatedBench.Call> calls = sim.calls.subList(5 * q, 5 * q + 5);
                long seed = Bench.questionSeed(7, q);
                assertThat(calls).containsExactly(new SimulatedBench.Call(1, "esc:2", seed),
                        new SimulatedBench.Call(3, "esc:2", seed), new SimulatedBench.Call(5, "esc:2", seed),
                        new SimulatedBench.Call(3, "fixed", seed), new SimulatedBench.Call(5, "fixed", seed));
            }
            BenchCell baseEsc = r.cell("esc:2", 1);
            BenchCell baseFixed = r.cell("fixed", 1);
            assertThat(baseFixed.outcomes()).isEqualTo(baseEsc.outcomes());
            assertThat(baseFixed.accuracy95()).isEqualTo(baseEsc.accuracy95());
            assertThat(r.baseline()).isSameAs(r.cells().get(0));
            assertThat(r.baseline().baseline()).isTrue();
            assertThat(r.baseline().meanSamples()).isEqualTo(1.0);
            assertThat(r.baseline().latencyRatio()).isEqualTo(1.0);
            // the fixed rule never stops early: every agent completes
            assertThat(r.cell("fixed", 5).meanSamplesCompleted()).isEqualTo(5.0);
            assertThat(r.cell("fixed", 5).cancellations()).isZero();
            assertThat(r.cell("fixed", 5).outcomes()).allSatisfy(o ->
                    assertThat(o.stopReason()).contains(StopReason.ALL_AGENTS_DONE));
        }
    }

    @Test
    void aCostMeterIsReadAroundEachRunAndReportedAsAMeanPerQuestionPerCell() {
        Dataset data = arithmetic(5);
        try (SimulatedBench sim = new SimulatedBench(data, 0.6, DEADLINE)) {
            List<String> reads = new ArrayList<>();
            CostMeter generations = () -> {
                reads.add("read");
                return java.util.Map.of("generations", (double) sim.engine.started(), "constant", 7.0);
            };
            BenchResult r = Bench.builder().dataset(data).contemplators(sim.factory()).clock(sim.clock)
                    .agents(4).stoppingRules(StoppingRules.fixed()).costMeter(generations).seed(3).run();

            assertThat(reads).hasSize(2 * 5 * 2);
            // with the fixed rule every agent starts: 1 generation per question for the baseline, 4 for the team
            assertThat(r.cell("fixed", 1).costs()).containsEntry("generations", 1.0).containsEntry("constant", 0.0);
            assertThat(r.cell("fixed", 4).costs()).containsEntry("generations", 4.0);
            assertThat(r.cell("fixed", 4).costs().get("generations")).isEqualTo(r.cell("fixed", 4).meanSamples());
        }
        try (SimulatedBench sim = new SimulatedBench(data, 0.6, DEADLINE)) {
            BenchResult none = Bench.builder().dataset(data).contemplators(sim.factory()).clock(sim.clock)
                    .agents(2).seed(3).run();
            assertThat(none.cells()).allSatisfy(c -> assertThat(c.costs()).isEmpty());
        }
        assertThatThrownBy(() -> Bench.builder().costMeter(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("costMeter");
    }

    @Test
    void eachCellsFiguresFollowFromItsQuestionsOutcomes() {
        Dataset data = arithmetic(25);
        try (SimulatedBench sim = new SimulatedBench(data, 0.55, DEADLINE)) {
            BenchResult r = Bench.builder().dataset(data).contemplators(sim.factory()).clock(sim.clock)
                    .agents(5).stoppingRules(StoppingRules.beta(0.95)).seed(3).run();

            for (BenchCell c : r.cells()) {
                List<QuestionOutcome> o = c.outcomes();
                assertThat(o).hasSize(25).extracting(QuestionOutcome::index).containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 25).boxed().toList());
                int correct = (int) o.stream().filter(QuestionOutcome::correct).count();
                assertThat(c.correct()).isEqualTo(correct);
                assertThat(c.accuracy()).isEqualTo(correct / 25.0);
                assertThat(c.accuracyStdErr()).isCloseTo(Math.sqrt(c.accuracy() * (1 - c.accuracy()) / 25),
                        within(1e-15));
                assertThat(c.accuracyGain()).isCloseTo(c.accuracy() - r.baseline().accuracy(), within(1e-15));
                assertThat(c.accuracy95()).isEqualTo(ConfidenceInterval.wilson95(correct, 25));
                assertThat(c.accuracy95().low()).isLessThanOrEqualTo(c.accuracy());
                assertThat(c.accuracy95().high()).isGreaterThanOrEqualTo(c.accuracy());
                assertThat(c.samples()).isEqualTo(o.stream().mapToLong(QuestionOutcome::samples).sum());
                assertThat(c.cancellations()).isEqualTo(o.stream().mapToLong(QuestionOutcome::cancelled).sum());
                assertThat(c.tokens().totalTokens()).isPositive()
                        .isEqualTo(o.stream().mapToLong(q -> q.tokens().totalTokens()).sum());
                List<Long> micros = o.stream().map(q -> q.latency().toNanos() / 1000).toList();
                assertThat(c.latency()).isEqualTo(LatencySummary.ofMicros(micros));
                assertThat(c.latency().meanMs()).isPositive();
                assertThat(c.latency().p95Ms()).isGreaterThanOrEqualTo(c.latency().p50Ms())
                        .isLessThanOrEqualTo(c.latency().maxMs());
                assertThat(c.latency().maxMs()).isLessThanOrEqualTo(DEADLINE.toMillis());
                assertThat(c.latencyRatio()).isCloseTo(c.latency().meanMs() / r.baseline().latency().meanMs(),
                        within(1e-12));
            }
            // five agents stopping under beta:0.95 need more than one sample to settle a 55:45 split
            assertThat(r.cell("beta:0.95", 5).meanSamples()).isBetween(2.0, 5.0);
        }
    }

    @Test
    void theSameSeedGivesTheSameResultAndProgressIsToldAfterEachQuestion() {
        Dataset data = arithmetic(6);
        BenchResult first;
        List<BenchProgress> progress = new ArrayList<>();
        try (SimulatedBench sim = new SimulatedBench(data, 0.6, DEADLINE)) {
            first = Bench.builder().dataset(data).contemplators(sim.factory()).clock(sim.clock).agents(3)
                    .stoppingRules(StoppingRules.esc(2), StoppingRules.fixed()).seed(11).onProgress(progress::add)
                    .run();
        }
        try (SimulatedBench sim = new SimulatedBench(data, 0.6, DEADLINE)) {
            BenchResult again = Bench.builder().dataset(data).contemplators(sim.factory()).clock(sim.clock)
                    .agents(List.of(3)).stoppingRules(List.of(StoppingRules.esc(2), StoppingRules.fixed())).seed(11)
                    .run();
            assertThat(again).isEqualTo(first);
        }
        assertThat(progress).extracting(BenchProgress::done).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(progress).allSatisfy(p -> assertThat(p.total()).isEqualTo(6));
        assertThat(progress.get(5).rules()).containsExactly("esc:2", "fixed");
        BenchProgress last = progress.get(5);
        for (int i = 0; i < first.cells().size(); i++) {
            BenchCell c = first.cells().get(i);
            assertThat(last.cells().get(i)).isEqualTo(new BenchProgress.Cell(c.rule(), c.agents(), 6, c.correct()));
        }
        assertThat(progress.get(0).cells()).allSatisfy(c -> assertThat(c.questions()).isEqualTo(1));
    }

    @Test
    void aFailedContemplationHasNoAnswerIsWrongAndStillCountsItsTokens() {
        Dataset data = arithmetic(3);
        Scenario failing = Scenario.builder().answer("1", 0.0).failureProbability(1.0).build();
        try (SimulatedBench sim = new SimulatedBench(q -> failing, DEADLINE)) {
            BenchResult r = Bench.builder().dataset(data).contemplators(sim.factory()).clock(sim.clock).agents(2)
                    .run();
            assertThat(r.stoppingRules()).containsExactly("beta:0.95"); // the default rule
            for (BenchCell c : r.cells()) {
                assertThat(c.noAnswer()).isEqualTo(3);
                assertThat(c.correct()).isZero();
                assertThat(c.accuracy95().low()).isZero();
                assertThat(c.outcomes()).allSatisfy(o -> {
                    assertThat(o.answered()).isFalse();
                    assertThat(o.complete()).isFalse();
                    assertThat(o.stopReason()).isEmpty();
                });
                assertThat(c.samples()).isEqualTo(3L * c.agents());
            }
        }
    }

    @Test
    void aPromptMapsEachQuestionToWhatTheContemplatorsAreAsked() {
        Dataset data = arithmetic(2);
        List<String> asked = new ArrayList<>();
        try (SimulatedBench sim = new SimulatedBench(data, 1.0, DEADLINE)) {
            BenchResult r = Bench.builder().dataset(data).contemplators(sim.factory()).clock(sim.clock)
                    .prompt(q -> {
                        asked.add(q);
                        return q;
                    }).run();
            assertThat(asked).containsExactly("What is 0+3?", "What is 1+4?");
            assertThat(r.baseline().accuracy()).isEqualTo(1.0);
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheBadValue() {
        Dataset data = arithmetic(1);
        assertThatThrownBy(() -> Bench.builder().agents(2, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent counts must be between 1 and 1000 but was 0");
        assertThatThrownBy(() -> Bench.builder().agents(1001)).hasMessageContaining("but was 1001");
        assertThatThrownBy(() -> Bench.builder().contemplators((a, r, s) -> null).run())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("dataset(...)");
        assertThatThrownBy(() -> Bench.builder().dataset(data).run())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("contemplators(...)");
        assertThatThrownBy(() -> Bench.builder().dataset(data.keep(i -> false, "none")).contemplators((a, r, s) -> null)
                .run()).isInstanceOf(IllegalStateException.class).hasMessage("data set arith has no readable question");
        assertThatThrownBy(() -> Bench.builder().stoppingRules(StoppingRules.fixed(), null))
                .isInstanceOf(NullPointerException.class);
        assertThat(BenchClock.realTime()).hasToString("real");
        assertThat(BenchClock.realTime().isVirtual()).isFalse();
    }

    @Test
    void questionsHaveSeedsOfTheirOwn() {
        assertThat(Bench.questionSeed(42, 0)).isEqualTo(42);
        assertThat(Bench.questionSeed(42, 1)).isEqualTo(42 + Bench.SEEDS_PER_QUESTION);
        assertThat(Bench.questionSeed(Long.MAX_VALUE, 1)).isEqualTo(Long.MIN_VALUE + Bench.SEEDS_PER_QUESTION - 1);
    }

    @Test
    void comparesProtocolsOnTheSameSeedsWithEveryRoundsCallsAndTokensCounted() {
        Dataset data = arithmetic(6);
        try (SimulatedBench sim = new SimulatedBench(data, 0.6, DEADLINE)) {
            BenchResult r = Bench.builder().dataset(data).contemplators(sim.factory()).clock(sim.clock)
                    .agents(1, 3).stoppingRules(StoppingRules.fixed())
                    .protocols(Deliberation.independent(), Deliberation.debate(2), Deliberation.refine(1),
                            Deliberation.mixtureOfAgents(2))
                    .seed(3).run();

            assertThat(r.stoppingRules()).containsExactly("independent fixed", "debate:2 fixed", "refine:1 fixed",
                    "moa:2 fixed");
            BenchCell independent = r.cells("independent fixed").get(1);
            BenchCell debate = r.cells("debate:2 fixed").get(1);
            BenchCell refine = r.cells("refine:1 fixed").get(1);
            BenchCell moa = r.cells("moa:2 fixed").get(1);
            // N calls; up to N(R+1); N plus a critique and perhaps a revision; N*L agent calls and one synthesis
            assertThat(independent.meanCalls()).isEqualTo(3.0);
            assertThat(debate.meanCalls()).isBetween(3.0, 9.0);
            assertThat(refine.meanCalls()).isBetween(4.0, 5.0);
            assertThat(moa.meanCalls()).isEqualTo(3 * 2 + 1);
            assertThat(moa.samples()).isEqualTo(6L * 3 * 2);
            // the later rounds read the others' answers: every protocol's prompts cost more than independent ones
            for (BenchCell c : List.of(debate, refine, moa)) {
                assertThat(c.tokens().inputTokens()).as(c.rule()).isGreaterThan(independent.tokens().inputTokens());
            }
            // the same seeds: every protocol's first round is the independent run's, so its first answers agree
            assertThat(sim.calls).extracting(SimulatedBench.Call::seed).containsOnly(Bench.questionSeed(3, 0),
                    Bench.questionSeed(3, 1), Bench.questionSeed(3, 2), Bench.questionSeed(3, 3),
                    Bench.questionSeed(3, 4), Bench.questionSeed(3, 5));
        }
    }
}

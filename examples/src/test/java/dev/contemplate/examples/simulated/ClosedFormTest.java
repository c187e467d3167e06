package dev.contemplate.examples.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.simulated.Scenario;
import dev.contemplate.inference.simulated.SimulatedEngine;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Scheduling;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The simulated engine, run through the orchestrator ({@link Contemplator}) on a virtual clock, against closed
 * forms: the expected number of samples of early-stopping self-consistency, and the accuracy of a majority vote of
 * k agents. Every bound is four standard errors of the mean over the runs, computed from the closed form's own
 * variance; the seeds are fixed, so the tests are deterministic.
 */
class ClosedFormTest {

    private static final Duration DEADLINE = Duration.ofHours(1);

    /** Runs in flight at once on the virtual clock: a few keep the clock's queue short, which is fastest. */
    private static final int CONCURRENT_RUNS = 8;

    /** What one contemplation used and decided. */
    private record Run(int samples, String answer, StopReason reason) {
    }

    /** A scenario with short texts, so many runs take little virtual and real time. */
    private static Scenario scenario(Map<String, Double> answers) {
        return Scenario.builder().answers(answers).outputTokens(1).firstTokenLatency(Duration.ofMillis(50))
                .medianTokenLatency(Duration.ofMillis(10), 0.5).build();
    }

    /**
     * Runs {@code runs} contemplations of a team of {@code agents}, each run with its own question and its own
     * seeds (run r seeds its agents with {@code seedBase + r * agents + i}), all on one virtual clock.
     */
    private static List<Run> contemplate(Scenario scenario, int agents, StoppingRule rule, Scheduling scheduling,
            int runs, long seedBase) {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        try (SimulatedEngine engine = SimulatedEngine.builder().scenario(scenario).scheduler(clock).seed(seedBase)
                .build()) {
            Budget budget = Budget.builder().deadline(DEADLINE).build();
            CompletableFuture<List<Run>> all = Flux.range(0, runs)
                    .flatMap(r -> {
                        Team team = Team.builder().size(agents).temperatures(List.of(0.7))
                                .sampling(SamplingParameters.builder().maxTokens(64).build())
                                .seed(seedBase + (long) r * agents).build();
                        Contemplator c = Contemplator.builder().engine(engine).clock(clock).team(team)
                                .extractor(AnswerExtractors.numeric()).stoppingRule(rule).scheduling(scheduling)
                                .budget(budget).build();
                        return c.contemplate("Question " + (r % 97) + ": which number?")
                                .map(v -> new Run(samples(v), v.answer().key(), v.stopReason()))
                                .onErrorResume(ContemplationException.class, e -> Mono.just(new Run(
                                        (int) e.agents().stream()
                                                .filter(a -> a.status() != AgentOutcome.Status.NOT_STARTED).count(),
                                        "", StopReason.ALL_AGENTS_DONE)));
                    }, CONCURRENT_RUNS)
                    .collectList()
                    .toFuture();
            clock.advanceTimeBy(DEADLINE.multipliedBy(2));
            assertThat(all).isDone();
            return all.join();
        } finally {
            clock.dispose();
        }
    }

    private static int samples(Verdict v) {
        assertThat(v.started()).as("every started agent ended with a sample").isEqualTo(v.tally().samples());
        return v.tally().samples();
    }

    /**
     * The closed form of ESC's samples: window {@code w}, {@code m} windows at most, answers i.i.d. with
     * probabilities {@code p} (summing to at most 1: the rest is texts without an answer, which spoil their window).
     * A window is unanimous with probability {@code q = sum_j p_j^w}; the number of windows used is geometric,
     * truncated at {@code m}. Returns {mean, variance} of the samples used.
     */
    static double[] escSamples(double[] p, int w, int m) {
        double q = 0;
        for (double pj : p) {
            q += Math.pow(pj, w);
        }
        double mean = 0;
        double second = 0;
        for (int i = 0; i <= m - 2; i++) {
            double prob = q * Math.pow(1 - q, i);
            mean += prob * (i + 1);
            second += prob * (i + 1) * (i + 1);
        }
        double last = Math.pow(1 - q, m - 1);
        mean += last * m;
        second += last * m * m;
        return new double[] {w * mean, w * w * (second - mean * mean)};
    }

    private static void checkEsc(String name, Map<String, Double> answers, int w, int maxSamples, int runs,
            long seed) {
        int m = maxSamples / w;
        double[] p = answers.values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] closed = escSamples(p, w, m);
        List<Run> result = contemplate(scenario(answers), maxSamples, StoppingRules.esc(w), Scheduling.waves(w), runs,
                seed);
        double measured = result.stream().mapToInt(Run::samples).average().orElseThrow();
        double standardError = Math.sqrt(closed[1] / runs);
        System.out.printf(java.util.Locale.ROOT,
                "ESC %s: w=%d K=%d closed form E[n]=%.4f, measured %.4f over %d runs (4 SE = %.4f)%n",
                name, w, maxSamples, closed[0], measured, runs, 4 * standardError);
        assertThat(result).allSatisfy(r -> {
            assertThat(r.samples() % w).as("samples come in whole windows").isZero();
            assertThat(r.samples()).isBetween(w, maxSamples);
        });
        assertThat(measured).as("mean samples used by %s", name).isCloseTo(closed[0], Offset.offset(4 * standardError));
    }

    @Test
    void theClosedFormOfEscSamplesIsTheTruncatedGeometricMean() {
        // one window: always w samples; certain agreement: always one window
        assertThat(escSamples(new double[] {0.5, 0.5}, 4, 1)[0]).isEqualTo(4.0);
        assertThat(escSamples(new double[] {1.0}, 5, 8)[0]).isEqualTo(5.0);
        assertThat(escSamples(new double[] {1.0}, 5, 8)[1]).isZero();
        // never agreeing: every window
        assertThat(escSamples(new double[] {0.0}, 3, 5)[0]).isEqualTo(15.0);
        // q = 0.7^3 + 0.2^3 + 0.1^3 = 0.352, five windows of 3
        double q = 0.352;
        double expected = 0;
        for (int j = 1; j <= 4; j++) {
            expected += j * q * Math.pow(1 - q, j - 1);
        }
        expected += 5 * Math.pow(1 - q, 4);
        assertThat(escSamples(new double[] {0.7, 0.2, 0.1}, 3, 5)[0]).isCloseTo(3 * expected, Offset.offset(1e-12));
    }

    @Test
    void escSamplesThroughTheOrchestratorMatchTheClosedForm() {
        Map<String, Double> skewed = new LinkedHashMap<>();
        skewed.put("1", 0.7);
        skewed.put("2", 0.2);
        skewed.put("3", 0.1);
        checkEsc("p=(0.7, 0.2, 0.1)", skewed, 3, 15, 800, 1_000);

        Map<String, Double> even = new LinkedHashMap<>();
        even.put("1", 0.5);
        even.put("2", 0.5);
        checkEsc("p=(0.5, 0.5)", even, 2, 12, 800, 2_000_000);

        // texts without an answer (probability 0.1) spoil their window: q sums over the answers only
        Map<String, Double> abstaining = new LinkedHashMap<>();
        abstaining.put("1", 0.8);
        abstaining.put("2", 0.1);
        checkEsc("p=(0.8, 0.1), no answer 0.1", abstaining, 4, 16, 800, 3_000_000);
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    /** P(more than k/2 of k votes are right), each right with probability p. */
    static double majorityAccuracy(double p, int k) {
        double sum = 0;
        for (int i = k / 2 + 1; i <= k; i++) {
            sum += binomial(k, i) * Math.pow(p, i) * Math.pow(1 - p, k - i);
        }
        return sum;
    }

    @Test
    void majorityVoteAccuracyThroughTheOrchestratorMatchesTheBinomialClosedForm() {
        assertThat(majorityAccuracy(0.6, 5)).isCloseTo(0.68256, Offset.offset(1e-9));
        assertThat(majorityAccuracy(0.6, 1)).isCloseTo(0.6, Offset.offset(1e-12));
        double p = 0.6;
        Map<String, Double> answers = new LinkedHashMap<>();
        answers.put("1", p);
        answers.put("2", 1 - p);
        int runs = 1000;
        long seed = 5_000_000;
        for (int k : new int[] {1, 3, 7}) {
            List<Run> result = contemplate(scenario(answers), k, StoppingRules.fixed(), Scheduling.allAtOnce(), runs,
                    seed);
            seed += 1_000_000;
            assertThat(result).allSatisfy(r -> {
                assertThat(r.samples()).as("a fixed rule uses every agent").isEqualTo(k);
                assertThat(r.reason()).isEqualTo(StopReason.ALL_AGENTS_DONE);
            });
            double closed = majorityAccuracy(p, k);
            double measured = (double) result.stream().filter(r -> r.answer().equals("1")).count() / runs;
            double standardError = Math.sqrt(closed * (1 - closed) / runs);
            System.out.printf(java.util.Locale.ROOT,
                    "majority of %d, p=%.2f: closed form %.4f, measured %.4f over %d runs (4 SE = %.4f)%n", k, p,
                    closed, measured, runs, 4 * standardError);
            assertThat(measured).as("majority accuracy of %d agents", k)
                    .isCloseTo(closed, Offset.offset(4 * standardError));
        }
    }
}

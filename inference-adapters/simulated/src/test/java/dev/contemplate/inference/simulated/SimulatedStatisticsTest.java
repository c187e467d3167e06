package dev.contemplate.inference.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.SamplingParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The simulated engine's samples follow the configured distribution: answer frequencies over many seeds, and the
 * accuracy of majority voting over k samples against its binomial and multinomial closed forms. Every bound is a
 * 4-sigma (or p < 1e-4) sampling-error bound; the seeds are fixed, so the tests are deterministic.
 */
class SimulatedStatisticsTest {

    private static final Pattern ANSWER = Pattern.compile("The answer is (.+)\\.$");
    private static final String FAILED = "<failed>";
    private static final String NONE = "<none>";

    /** Draws one outcome per seed in {@code seeds}, in virtual time: an answer, {@link #NONE} or {@link #FAILED}. */
    private static List<String> outcomes(Scenario scenario, List<Long> seeds) {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = SimulatedEngine.builder().scenario(scenario).scheduler(vts).build();
        CompletableFuture<List<String>> all = Flux.fromIterable(seeds)
                .concatMap(seed -> engine.generate(GenerationRequest.of("What is the answer?",
                                SamplingParameters.builder().seed(seed).build()))
                        .map(SimulatedStatisticsTest::answerOf)
                        .onErrorResume(InferenceException.class, e -> Mono.just(FAILED)))
                .collectList()
                .toFuture();
        vts.advanceTimeBy(Duration.ofDays(365));
        assertThat(all).isDone();
        return all.join();
    }

    private static String answerOf(Generation g) {
        Matcher m = ANSWER.matcher(g.text());
        return m.find() ? m.group(1) : NONE;
    }

    private static Scenario fast(Map<String, Double> answers, double failure) {
        return Scenario.builder().answers(answers).failureProbability(failure).outputTokens(1)
                .firstTokenLatency(Duration.ofMillis(10)).medianTokenLatency(Duration.ofMillis(5), 0.2).build();
    }

    private static List<Long> seeds(long from, int n) {
        List<Long> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(from + i);
        }
        return out;
    }

    @Test
    void answerFrequenciesOverManySeedsMatchTheConfiguredDistribution() {
        Map<String, Double> answers = new LinkedHashMap<>();
        answers.put("42", 0.45);
        answers.put("41", 0.25);
        answers.put("7", 0.1);
        Scenario scenario = fast(answers, 0.05);
        int n = 20_000;
        List<String> drawn = outcomes(scenario, seeds(1_000, n));

        Map<String, Double> expected = new LinkedHashMap<>(answers);
        expected.put(FAILED, 0.05);
        expected.put(NONE, scenario.noAnswerProbability());
        Map<String, Integer> observed = new HashMap<>();
        drawn.forEach(a -> observed.merge(a, 1, Integer::sum));
        assertThat(observed.keySet()).isSubsetOf(expected.keySet());

        double chiSquare = 0;
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            double mean = n * e.getValue();
            double sd = Math.sqrt(n * e.getValue() * (1 - e.getValue()));
            int count = observed.getOrDefault(e.getKey(), 0);
            assertThat((double) count).as("count of %s", e.getKey()).isCloseTo(mean,
                    org.assertj.core.data.Offset.offset(4 * sd));
            chiSquare += (count - mean) * (count - mean) / mean;
        }
        // 4 degrees of freedom: P(chi2 > 23.51) = 1e-4
        assertThat(chiSquare).isLessThan(23.51);
    }

    /** Majority of {@code k} samples, ties to the answer of the earliest sample (the orchestrator's tie-break). */
    private static Optional<String> majority(List<String> samples) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            String a = samples.get(i);
            if (a.equals(NONE) || a.equals(FAILED)) {
                continue;
            }
            counts.merge(a, 1, Integer::sum);
            first.putIfAbsent(a, i);
        }
        return counts.keySet().stream()
                .min(Comparator.<String>comparingInt(counts::get).reversed().thenComparingInt(first::get));
    }

    private static double empiricalMajorityAccuracy(Scenario scenario, int k, int trials, String truth) {
        List<String> drawn = outcomes(scenario, seeds(50_000, k * trials));
        int correct = 0;
        for (int t = 0; t < trials; t++) {
            if (majority(drawn.subList(t * k, (t + 1) * k)).filter(truth::equals).isPresent()) {
                correct++;
            }
        }
        return (double) correct / trials;
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    @Test
    void majorityVoteAccuracyOfKSamplesMatchesTheBinomialClosedForm() {
        double p = 0.6;
        int k = 5;
        int trials = 4_000;
        // two answers, no abstentions: the right one wins when it has more than k/2 of the k votes
        double closedForm = 0;
        for (int a = k / 2 + 1; a <= k; a++) {
            closedForm += binomial(k, a) * Math.pow(p, a) * Math.pow(1 - p, k - a);
        }
        assertThat(closedForm).isCloseTo(0.68256, org.assertj.core.data.Offset.offset(1e-9));
        double empirical = empiricalMajorityAccuracy(fast(Map.of("1", p, "2", 1 - p), 0), k, trials, "1");
        double sd = Math.sqrt(closedForm * (1 - closedForm) / trials);
        assertThat(empirical).isCloseTo(closedForm, org.assertj.core.data.Offset.offset(4 * sd));
    }

    @Test
    void majorityVoteAccuracyWithAbstentionsAndTiesMatchesTheMultinomialClosedForm() {
        double p = 0.45;
        double q = 0.35;
        double r = 1 - p - q;
        int k = 4;
        int trials = 4_000;
        // a votes for the truth, b for the other answer, the rest abstain; a tie with votes is a coin flip
        // (by symmetry the earliest voter is equally likely to be either side), no votes at all is wrong
        double closedForm = 0;
        for (int a = 0; a <= k; a++) {
            for (int b = 0; a + b <= k; b++) {
                double prob = binomial(k, a) * binomial(k - a, b) * Math.pow(p, a) * Math.pow(q, b)
                        * Math.pow(r, k - a - b);
                if (a > b) {
                    closedForm += prob;
                } else if (a == b && a > 0) {
                    closedForm += prob / 2;
                }
            }
        }
        Map<String, Double> answers = new LinkedHashMap<>();
        answers.put("1", p);
        answers.put("2", q);
        double empirical = empiricalMajorityAccuracy(fast(answers, 0), k, trials, "1");
        double sd = Math.sqrt(closedForm * (1 - closedForm) / trials);
        assertThat(empirical).isCloseTo(closedForm, org.assertj.core.data.Offset.offset(4 * sd));
        // and voting helps: more accurate than a single sample
        assertThat(closedForm).isGreaterThan(p);
    }
}

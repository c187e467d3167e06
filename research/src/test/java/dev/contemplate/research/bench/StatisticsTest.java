package dev.contemplate.research.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Wilson interval and the latency summary, against their textbook definitions. */
class StatisticsTest {

    /** The Wilson score interval's closed form, with the 97.5% normal quantile. */
    private static double[] wilson(int successes, int n) {
        double z = 1.959963984540054;
        double p = (double) successes / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    @Test
    void theWilsonIntervalIsTheClosedForm() {
        for (int n = 1; n <= 60; n++) {
            for (int k = 0; k <= n; k++) {
                ConfidenceInterval w = ConfidenceInterval.wilson95(k, n);
                double[] expected = wilson(k, n);
                assertThat(w.low()).as("%d of %d", k, n).isCloseTo(expected[0], within(1e-12));
                assertThat(w.high()).as("%d of %d", k, n).isCloseTo(expected[1], within(1e-12));
            }
        }
        // a textbook value: 3 of 5 gives about 23.1% to 88.2%
        assertThat(ConfidenceInterval.wilson95(3, 5).low()).isCloseTo(0.2307, within(1e-4));
        assertThat(ConfidenceInterval.wilson95(3, 5).high()).isCloseTo(0.8824, within(1e-4));
        assertThat(ConfidenceInterval.wilson95(5, 5).high()).isEqualTo(1.0);
        assertThat(ConfidenceInterval.wilson95(0, 0)).isEqualTo(new ConfidenceInterval(0, 1));
        assertThatThrownBy(() -> ConfidenceInterval.wilson95(6, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 of 5");
        assertThatThrownBy(() -> new ConfidenceInterval(0.6, 0.5)).hasMessageContaining("[0.6, 0.5]");
    }

    @Test
    void percentilesAreNearestRankAndTheMeanIsExact() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n = 1; n <= 400; n++) {
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                micros.add(random.nextLong(10_000_000));
            }
            List<Long> sorted = new ArrayList<>(micros);
            sorted.sort(null);
            LatencySummary s = LatencySummary.ofMicros(micros);
            assertThat(s.p95Ms()).as("n=%d", n).isEqualTo(sorted.get((int) Math.ceil(0.95 * n) - 1) / 1000.0);
            assertThat(s.p50Ms()).as("n=%d", n).isEqualTo(sorted.get((int) Math.ceil(0.5 * n) - 1) / 1000.0);
            assertThat(s.maxMs()).isEqualTo(sorted.get(n - 1) / 1000.0);
            assertThat(s.meanMs()).isEqualTo(micros.stream().mapToLong(Long::longValue).average().orElseThrow()
                    / 1000);
        }
        assertThat(LatencySummary.ofMicros(List.of())).isEqualTo(LatencySummary.EMPTY);
    }
}

package dev.contemplate.research.bench;

import java.util.List;
import java.util.Objects;
import org.apache.commons.statistics.descriptive.LongStatistics;
import org.apache.commons.statistics.descriptive.Quantile;
import org.apache.commons.statistics.descriptive.Statistic;

/**
 * The latencies of one bench cell over its questions, in milliseconds. Percentiles are nearest-rank: the smallest
 * latency at or above which the given share of questions lies (Hyndman and Fan's type 1, by Commons Statistics).
 *
 * @param meanMs the mean latency
 * @param p50Ms the nearest-rank median
 * @param p95Ms the nearest-rank 95th percentile
 * @param maxMs the largest latency
 */
public record LatencySummary(double meanMs, double p50Ms, double p95Ms, double maxMs) {

    /** No latency: every figure 0. */
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0);

    private static final Quantile NEAREST_RANK = Quantile.withDefaults()
            .with(Quantile.EstimationMethod.HF1)
            .withCopy(false);

    /**
     * Returns the summary of latencies given in whole microseconds, {@link #EMPTY} for none.
     *
     * @throws NullPointerException if {@code micros} is or holds null
     */
    public static LatencySummary ofMicros(List<Long> micros) {
        Objects.requireNonNull(micros, "micros");
        if (micros.isEmpty()) {
            return EMPTY;
        }
        LongStatistics stats = LongStatistics.of(Statistic.MEAN, Statistic.MAX);
        double[] values = new double[micros.size()];
        for (int i = 0; i < values.length; i++) {
            long v = micros.get(i);
            stats.accept(v);
            values[i] = v;
        }
        double[] p = NEAREST_RANK.evaluate(values, 0.5, 0.95);
        return new LatencySummary(stats.getAsDouble(Statistic.MEAN) / 1000, p[0] / 1000, p[1] / 1000,
                stats.getAsLong(Statistic.MAX) / 1000.0);
    }
}

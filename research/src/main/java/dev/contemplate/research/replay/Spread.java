package dev.contemplate.research.replay;

import java.util.List;
import java.util.Objects;
import org.apache.commons.statistics.descriptive.DoubleStatistics;
import org.apache.commons.statistics.descriptive.Statistic;

/**
 * A figure's spread across shuffles.
 *
 * @param mean the mean over shuffles
 * @param sd the sample standard deviation over shuffles (divisor n - 1), 0 for a single shuffle
 * @param min the smallest per-shuffle value
 * @param max the largest per-shuffle value
 */
public record Spread(double mean, double sd, double min, double max) {

    /**
     * Returns the spread of {@code values}, computed by Commons Statistics.
     *
     * @throws IllegalArgumentException if {@code values} is empty
     * @throws NullPointerException if {@code values} is or holds null
     */
    public static Spread of(List<Double> values) {
        Objects.requireNonNull(values, "values");
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        DoubleStatistics stats = DoubleStatistics.of(Statistic.MEAN, Statistic.STANDARD_DEVIATION, Statistic.MIN,
                Statistic.MAX);
        values.forEach(stats::accept);
        return new Spread(stats.getAsDouble(Statistic.MEAN), stats.getAsDouble(Statistic.STANDARD_DEVIATION),
                stats.getAsDouble(Statistic.MIN), stats.getAsDouble(Statistic.MAX));
    }
}

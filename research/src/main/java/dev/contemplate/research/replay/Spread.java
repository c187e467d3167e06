package dev.contemplate.examples.research;

import java.util.List;

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
     * Returns the spread of {@code values}.
     *
     * @throws IllegalArgumentException if {@code values} is empty
     */
    public static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / values.size();
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = values.size() < 2 ? 0 : Math.sqrt(ss / (values.size() - 1));
        return new Spread(mean, sd, min, max);
    }
}

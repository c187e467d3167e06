package dev.contemplate.research.bench;

import org.apache.commons.statistics.interval.BinomialConfidenceInterval;
import org.apache.commons.statistics.interval.Interval;

/**
 * A confidence interval of a proportion.
 *
 * @param low the lower bound, in [0, 1]
 * @param high the upper bound, in [low, 1]
 */
public record ConfidenceInterval(double low, double high) {

    /**
     * Validates the bounds.
     *
     * @throws IllegalArgumentException unless {@code 0 <= low <= high <= 1}
     */
    public ConfidenceInterval {
        if (!(0 <= low && low <= high && high <= 1)) {
            throw new IllegalArgumentException("an interval needs 0 <= low <= high <= 1 but was [" + low + ", "
                    + high + "]");
        }
    }

    /**
     * Returns the 95% Wilson score interval of {@code successes} in {@code trials} (Commons Statistics): unlike the
     * normal approximation it stays inside [0, 1] and does not collapse to a point at 0% or 100%. {@code [0, 1]}
     * when there is no trial.
     *
     * @throws IllegalArgumentException if {@code successes} is negative or above {@code trials}
     */
    public static ConfidenceInterval wilson95(int successes, int trials) {
        if (successes < 0 || successes > Math.max(trials, 0)) {
            throw new IllegalArgumentException("successes must be in [0, trials] but was " + successes + " of "
                    + trials);
        }
        if (trials == 0) {
            return new ConfidenceInterval(0, 1);
        }
        Interval w = BinomialConfidenceInterval.WILSON_SCORE.fromErrorRate(trials, successes, 0.05);
        return new ConfidenceInterval(Math.max(0, w.getLowerBound()), Math.min(1, w.getUpperBound()));
    }
}

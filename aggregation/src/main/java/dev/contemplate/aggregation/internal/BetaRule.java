package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.Tally;
import java.math.BigDecimal;
import org.apache.commons.numbers.gamma.RegularizedBeta;

/**
 * Adaptive-Consistency's Beta criterion: stops when the posterior probability that the leader beats the
 * runner-up, {@code 1 - I_0.5(a + 1, b + 1)}, reaches the threshold.
 *
 * @param threshold the probability to reach, in (0, 1)
 */
public record BetaRule(double threshold) implements StoppingRule {

    /** @throws IllegalArgumentException if {@code threshold} is not in (0, 1) */
    public BetaRule {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("beta threshold must be in (0, 1) but was " + threshold);
        }
    }

    /**
     * Returns the probability that the leader's true share exceeds the runner-up's, under a uniform prior:
     * {@code 1 - I_0.5(leader + 1, runnerUp + 1)}.
     */
    public static double probability(int leader, int runnerUp) {
        return 1 - RegularizedBeta.value(0.5, leader + 1.0, runnerUp + 1.0);
    }

    @Override
    public String name() {
        return "beta:" + BigDecimal.valueOf(threshold).stripTrailingZeros().toPlainString();
    }

    /** @throws IllegalArgumentException if {@code remaining} is negative */
    @Override
    public boolean shouldStop(Tally tally, int remaining) {
        if (Rules.budgetSpent(tally, remaining)) {
            return true;
        }
        // without an answer there is nothing to be confident about (P would be 0.5 for a = b = 0)
        return tally.leaderCount() > 0 && probability(tally.leaderCount(), tally.runnerUpCount()) >= threshold;
    }

    @Override
    public String toString() {
        return name();
    }
}

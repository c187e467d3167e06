package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.Tally;

/**
 * Stops once {@code samples} samples are counted, or when the budget is spent.
 *
 * @param samples the sample count to stop at, at least 1; 0 for "only when the budget is spent"
 */
public record FixedRule(int samples) implements StoppingRule {

    /** @throws IllegalArgumentException if {@code samples} is negative */
    public FixedRule {
        if (samples < 0) {
            throw new IllegalArgumentException("fixed sample count must be >= 1 but was " + samples);
        }
    }

    @Override
    public String name() {
        return samples == 0 ? "fixed" : "fixed:" + samples;
    }

    /** @throws IllegalArgumentException if {@code remaining} is negative */
    @Override
    public boolean shouldStop(Tally tally, int remaining) {
        return Rules.budgetSpent(tally, remaining) || (samples > 0 && tally.samples() >= samples);
    }

    @Override
    public String toString() {
        return name();
    }
}

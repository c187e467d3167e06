package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.Tally;

/** Stops when the runner-up cannot reach the leader even with every remaining sample. */
public record UnassailableRule() implements StoppingRule {

    @Override
    public String name() {
        return "unassailable";
    }

    /** @throws IllegalArgumentException if {@code remaining} is negative */
    @Override
    public boolean shouldStop(Tally tally, int remaining) {
        return Rules.budgetSpent(tally, remaining) || tally.leaderCount() > tally.runnerUpCount() + remaining;
    }

    @Override
    public String toString() {
        return name();
    }
}

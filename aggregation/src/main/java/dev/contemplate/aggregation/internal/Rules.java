package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Tally;
import java.util.Objects;

/** Argument checks shared by the stopping rules. */
final class Rules {

    private Rules() {
    }

    /**
     * Checks the arguments of {@link dev.contemplate.aggregation.StoppingRule#shouldStop} and returns whether the
     * budget is spent.
     */
    static boolean budgetSpent(Tally tally, int remaining) {
        Objects.requireNonNull(tally, "tally");
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining must be >= 0 but was " + remaining);
        }
        return remaining == 0;
    }
}

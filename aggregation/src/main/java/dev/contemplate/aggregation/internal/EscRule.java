package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.aggregation.Vote;
import java.util.List;
import java.util.Optional;

/**
 * Early-Stopping Self-Consistency: stops at the end of the first window of {@code window} consecutive samples
 * that all carry the same answer.
 *
 * @param window the window size, at least 1
 */
public record EscRule(int window) implements StoppingRule {

    /** @throws IllegalArgumentException if {@code window} is below 1 */
    public EscRule {
        if (window < 1) {
            throw new IllegalArgumentException("esc window must be >= 1 but was " + window);
        }
    }

    @Override
    public String name() {
        return "esc:" + window;
    }

    /** @throws IllegalArgumentException if {@code remaining} is negative */
    @Override
    public boolean shouldStop(Tally tally, int remaining) {
        if (Rules.budgetSpent(tally, remaining)) {
            return true;
        }
        int n = tally.samples();
        if (n == 0 || n % window != 0) {
            return false;
        }
        List<Vote> last = tally.votes().subList(n - window, n);
        Optional<Answer> first = last.get(0).answer();
        if (first.isEmpty()) {
            return false;
        }
        String key = first.get().key();
        for (Vote v : last) {
            if (v.answer().isEmpty() || !v.answer().get().key().equals(key)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name();
    }
}

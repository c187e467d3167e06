package dev.contemplate.aggregation;

/** Turns a tally into a decision. Implementations are stateless and thread-safe. */
@FunctionalInterface
public interface Aggregator {

    /**
     * Decides on {@code tally}.
     *
     * @param tally the votes so far
     * @return the decision; an empty answer when the tally has no answered sample
     */
    Decision aggregate(Tally tally);

    /**
     * Returns plurality (majority) voting: the tally's leader under its documented tie-break, with its share of
     * the answered samples.
     */
    static Aggregator majority() {
        return tally -> tally.leader()
                .map(a -> new Decision(java.util.Optional.of(a), (double) tally.leaderCount() / tally.answered()))
                .orElseGet(() -> new Decision(java.util.Optional.empty(), 0));
    }
}

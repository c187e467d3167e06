package dev.contemplate.aggregation;

/**
 * Decides after each sample whether the outcome is settled, so that the remaining agents can be cancelled.
 * Implementations are stateless and thread-safe: everything they need is in the tally. {@link StoppingRules}
 * has the built-in ones.
 */
public interface StoppingRule {

    /** Returns a short description such as {@code beta:0.95}, parseable by {@link StoppingRules#parse}. */
    String name();

    /**
     * Returns whether to stop now.
     *
     * @param tally the samples counted so far, in arrival order
     * @param remaining how many more samples the budget still allows beyond those counted (running or not started)
     * @return true to stop and cancel everything still running
     */
    boolean shouldStop(Tally tally, int remaining);
}

package dev.contemplate.research.bench;

import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.orchestrator.Contemplator;

/**
 * Makes the contemplator of one bench run: a team of {@code agents} stopping under {@code rule}, seeded so that
 * agent i samples with {@code seed + i}. The bench times the run on its {@link BenchClock}, under the contemplator's
 * own {@linkplain Contemplator#budget() budget}, and scores it under the contemplator's vote and aggregator.
 */
@FunctionalInterface
public interface ContemplatorFactory {

    /**
     * Returns the contemplator of one question's run.
     *
     * @param agents the team size, at least 1
     * @param rule the stopping rule
     * @param seed the base seed of the question: agent i samples with {@code seed + i}
     */
    Contemplator create(int agents, StoppingRule rule, long seed);
}

package dev.contemplate.aggregation;

import dev.contemplate.agents.Conversation;
import reactor.core.publisher.Mono;

/**
 * Scores one candidate for {@link Aggregators#bestOfN(Verifier)}: a user function, an LLM rating or a reranking
 * model ({@link Verifiers} has them). Implementations are immutable and thread-safe; best-of-N scores the candidates
 * concurrently.
 *
 * <p>Contract: the returned publisher is cold, never blocks the subscribing thread (blocking work is moved to a
 * scheduler of its own, such as {@link reactor.core.scheduler.Schedulers#boundedElastic()}), and emits one finite
 * score where higher is better, or completes empty when the candidate cannot be scored. An error, or a score that is
 * not finite, counts as no score: best-of-N skips that candidate and names the reason in its fallback when no
 * candidate was scored. Scores are compared only among the candidates of one contemplation, so any scale will do.
 * Engine calls go through {@link AggregationContext#call} so that they count against the budget.
 */
@FunctionalInterface
public interface Verifier {

    /**
     * Scores one candidate.
     *
     * @param conversation what the user asked
     * @param ballot the candidate with its vote
     * @param context budgeted engine calls
     * @return the candidate's score, higher is better, or empty
     */
    Mono<Double> score(Conversation conversation, Ballot ballot, AggregationContext context);
}

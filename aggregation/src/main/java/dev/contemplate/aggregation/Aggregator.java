package dev.contemplate.aggregation;

import reactor.core.publisher.Mono;

/**
 * The last step of a contemplation: sees the candidates with their votes and returns the decision. It may be
 * asynchronous and call an engine (a judge, a synthesiser, a verifier) through the {@link AggregationContext}, within
 * the remaining budget. {@link #vote()} is the cheap synchronous case: the vote's own decision. Implementations are
 * immutable and thread-safe; {@link Aggregators} has the built-in ones.
 *
 * <p>Contract: the returned publisher emits one decision; when its own step cannot decide (an unparseable reply, a
 * failed call) it falls back to {@link Ballots#vote()} and says why in {@link Provenance#fallback()}. The orchestrator
 * also falls back to the vote, saying why, when the publisher fails, completes empty or with a decision without an
 * answer, or the deadline comes first (the calls are then cancelled in their engines). The orchestrator does not call
 * an aggregator when fewer than two candidates carry an answer (there is nothing to compare: the vote decides and the
 * verdict says so), nor in FAST mode, and does not call it when the deadline or the token budget is already spent.
 */
public interface Aggregator {

    /** Returns a short name such as {@code vote}, {@code usc} or {@code synthesis}. */
    String name();

    /**
     * Decides on the counted candidates.
     *
     * @param ballots the candidates, their votes and the vote's own decision
     * @param context budgeted engine calls
     * @return one decision
     */
    Mono<Decision> aggregate(Ballots ballots, AggregationContext context);

    /** Returns the aggregator that takes the vote's decision as it is, without any call. Name {@code vote}. */
    static Aggregator vote() {
        return VoteAggregator.INSTANCE;
    }
}

/** The vote's own decision. */
final class VoteAggregator implements Aggregator {
    static final VoteAggregator INSTANCE = new VoteAggregator();

    private VoteAggregator() {
    }

    @Override
    public String name() {
        return "vote";
    }

    @Override
    public Mono<Decision> aggregate(Ballots ballots, AggregationContext context) {
        return Mono.just(ballots.vote());
    }

    @Override
    public String toString() {
        return name();
    }
}

package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.AnswerCount;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Ballots;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.Verifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Scores every candidate with a {@link Verifier} and takes the best; see
 * {@link dev.contemplate.aggregation.Aggregators#bestOfN(Verifier)}.
 *
 * @param verifier the verifier
 */
public record BestOfN(Verifier verifier) implements Aggregator {

    /** The aggregator's name and provenance method. */
    public static final String NAME = "best-of-n";

    /** @throws NullPointerException if {@code verifier} is null */
    public BestOfN {
        Objects.requireNonNull(verifier, "verifier");
    }

    @Override
    public String name() {
        return NAME;
    }

    private record Outcome(int index, @Nullable Double score, String problem) {
    }

    @Override
    public Mono<Decision> aggregate(Ballots ballots, AggregationContext context) {
        Objects.requireNonNull(ballots, "ballots");
        Objects.requireNonNull(context, "context");
        return Judging.withCandidates(ballots, "score", "verifier", shown -> Flux.range(0, shown.size())
                .flatMap(i -> Mono.defer(() -> verifier.score(ballots.conversation(), shown.get(i), context))
                        .map(s -> s.isNaN() || s.isInfinite()
                                ? new Outcome(i, null, "score " + s + " is not finite")
                                : new Outcome(i, s, ""))
                        .defaultIfEmpty(new Outcome(i, null, "no score"))
                        .onErrorResume(e -> Mono.just(new Outcome(i, null, Judging.describe(e)))), shown.size())
                .collectList()
                .map(outcomes -> decide(ballots, shown, outcomes)));
    }

    private static Decision decide(Ballots ballots, List<Ballot> shown, List<Outcome> outcomes) {
        List<AnswerCount> ranking = ballots.tally().ranking();
        Comparator<Outcome> best = Comparator.<Outcome>comparingDouble(o -> -Objects.requireNonNull(o.score()))
                .thenComparingInt(o -> rank(ranking, shown.get(o.index())))
                .thenComparingInt(o -> shown.get(o.index()).vote().agentOrdinal());
        Optional<Outcome> winner = outcomes.stream().filter(o -> o.score() != null).min(best);
        if (winner.isPresent()) {
            return Judging.chosen(NAME, ballots, shown.size(), shown.get(winner.get().index()));
        }
        List<Outcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparingInt(Outcome::index));
        StringBuilder why = new StringBuilder("no candidate could be scored: ");
        for (int k = 0; k < sorted.size(); k++) {
            Outcome o = sorted.get(k);
            why.append(k == 0 ? "" : "; ").append(shown.get(o.index()).agentId()).append(": ").append(o.problem());
        }
        return ballots.vote().withFallback(Judging.shorten(why.toString(), 400));
    }

    /** Returns the position of the ballot's answer in the vote's ranking; after every answer when it has none. */
    private static int rank(List<AnswerCount> ranking, Ballot ballot) {
        Optional<String> key = ballot.vote().answer().map(a -> a.key());
        if (key.isPresent()) {
            for (int r = 0; r < ranking.size(); r++) {
                if (ranking.get(r).answer().key().equals(key.get())) {
                    return r;
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
        return NAME + "(" + verifier + ")";
    }
}

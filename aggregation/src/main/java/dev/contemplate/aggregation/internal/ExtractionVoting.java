package dev.contemplate.aggregation.internal;

import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Conversation;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerCount;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Confidence;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.aggregation.Vote;
import dev.contemplate.aggregation.Voting;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Votes keyed by an extractor: plain majority (every vote weighs 1), or weighted (agent weight times the candidate's
 * confidence, decided by the sum of weights).
 *
 * @param extractor the answer extractor
 * @param confidence the confidence measure of a weighted vote, or null for a plain majority
 */
public record ExtractionVoting(AnswerExtractor extractor, @Nullable Confidence confidence) implements Voting {

    /** @throws NullPointerException if {@code extractor} is null */
    public ExtractionVoting {
        Objects.requireNonNull(extractor, "extractor");
    }

    @Override
    public String name() {
        return confidence == null ? "majority" : confidence == Confidence.MEAN ? "weighted"
                : "weighted:" + confidence.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @Override
    public String answerFormat() {
        return extractor.answerFormat();
    }

    @Override
    public Counter open(Conversation conversation) {
        return new Counter() {
            @Override
            public Mono<Vote> cast(Candidate c) {
                return Mono.fromSupplier(() -> vote(c));
            }

            @Override
            public Decision decide(List<Ballot> ballots, Tally tally) {
                return ExtractionVoting.this.decide(ballots, tally);
            }
        };
    }

    Vote vote(Candidate c) {
        Optional<Answer> answer = c.text().isBlank() ? Optional.empty() : extractor.extract(c.text());
        // an underflow of weight times confidence is lifted to the smallest positive weight: every vote stays valid
        double weight = confidence == null ? 1.0 : Math.max(Double.MIN_VALUE, c.agent().weight() * confidence.of(c));
        return new Vote(c.agent().id(), c.agent().ordinal(), answer, weight);
    }

    Decision decide(List<Ballot> ballots, Tally tally) {
        List<AnswerCount> ranking = confidence == null ? tally.ranking() : tally.weightedRanking();
        if (ranking.isEmpty()) {
            return Decision.none(name());
        }
        AnswerCount leader = ranking.get(0);
        double share = confidence == null ? (double) leader.count() / tally.answered()
                : leader.weight() / tally.answeredWeight();
        return Votes.decision(name(), leader.answer(), Math.min(1, share), ballots);
    }

    @Override
    public String toString() {
        return name();
    }
}

package dev.contemplate.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AggregatorTest {

    private final Aggregator majority = Aggregator.majority();

    @Test
    void picksTheLeaderWithItsShareOfTheAnsweredSamples() {
        // a: 3 votes, b: 1, two samples without an answer -> share = 3 / 4 answered
        Tally t = Tally.of(List.of(Vote.of(0, "a"), Vote.of(1, "b"), Vote.none(2), Vote.of(3, "a"), Vote.none(4),
                Vote.of(5, "a")));
        Decision d = majority.aggregate(t);
        assertThat(d.answer()).contains(Answer.of("a"));
        assertThat(d.share()).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void unanimityHasShareOne() {
        Decision d = majority.aggregate(Tally.of(List.of(Vote.of(0, "7"), Vote.of(1, "7"))));
        assertThat(d).isEqualTo(new Decision(Optional.of(Answer.of("7")), 1.0));
    }

    @Test
    void followsTheTallysTieBreak() {
        Tally t = Tally.of(List.of(Vote.of(2, "x"), Vote.of(1, "y")));
        Decision d = majority.aggregate(t);
        assertThat(d.answer()).contains(Answer.of("y"));
        assertThat(d.share()).isEqualTo(0.5);
    }

    @Test
    void noAnswerGivesAnEmptyDecisionWithShareZero() {
        assertThat(majority.aggregate(Tally.empty())).isEqualTo(new Decision(Optional.empty(), 0));
        assertThat(majority.aggregate(Tally.of(List.of(Vote.none(0), Vote.none(1)))))
                .isEqualTo(new Decision(Optional.empty(), 0));
    }
}

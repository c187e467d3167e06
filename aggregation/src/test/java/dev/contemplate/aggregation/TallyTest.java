package dev.contemplate.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TallyTest {

    @Test
    void emptyTallyHasNothing() {
        Tally t = Tally.empty();
        assertThat(t.samples()).isZero();
        assertThat(t.answered()).isZero();
        assertThat(t.unanswered()).isZero();
        assertThat(t.leader()).isEmpty();
        assertThat(t.leaderCount()).isZero();
        assertThat(t.runnerUpCount()).isZero();
        assertThat(t.distinctAnswers()).isZero();
        assertThat(t.ranking()).isEmpty();
        assertThat(t.counts()).isEmpty();
        assertThat(t.votes()).isEmpty();
    }

    @Test
    void countsIncrementally() {
        Tally t = Tally.empty().with(Vote.of(0, "7"));
        assertThat(t.counts()).containsExactly(Map.entry("7", 1));
        t = t.with(Vote.of(1, "8")).with(Vote.of(2, "7"));
        assertThat(t.samples()).isEqualTo(3);
        assertThat(t.answered()).isEqualTo(3);
        assertThat(t.count("7")).isEqualTo(2);
        assertThat(t.count("8")).isEqualTo(1);
        assertThat(t.count("9")).isZero();
        assertThat(t.counts()).containsExactly(Map.entry("7", 2), Map.entry("8", 1));
        assertThat(t.leader()).contains(Answer.of("7"));
        assertThat(t.leaderCount()).isEqualTo(2);
        assertThat(t.runnerUpCount()).isEqualTo(1);
        assertThat(t.distinctAnswers()).isEqualTo(2);
        assertThat(t.asMap()).isEqualTo(Map.of("7", 2, "8", 1));
    }

    @Test
    void ofEqualsAddingOneByOne() {
        List<Vote> votes = List.of(Vote.of(0, "a"), Vote.none(1), Vote.of(2, "b"), Vote.of(3, "a"));
        Tally stepwise = Tally.empty();
        for (Vote v : votes) {
            stepwise = stepwise.with(v);
        }
        Tally all = Tally.of(votes);
        assertThat(all.votes()).isEqualTo(stepwise.votes()).isEqualTo(votes);
        assertThat(all.ranking()).isEqualTo(stepwise.ranking());
    }

    @Test
    void noAnswerSamplesAreKeptButNeverCount() {
        Tally t = Tally.of(List.of(Vote.none(0), Vote.of(1, "x"), Vote.none(2)));
        assertThat(t.samples()).isEqualTo(3);
        assertThat(t.answered()).isEqualTo(1);
        assertThat(t.unanswered()).isEqualTo(2);
        assertThat(t.counts()).containsExactly(Map.entry("x", 1));
        assertThat(t.votes()).extracting(Vote::answer)
                .containsExactly(Optional.empty(), Optional.of(Answer.of("x")), Optional.empty());

        Tally none = Tally.of(List.of(Vote.none(0), Vote.none(1)));
        assertThat(none.leader()).isEmpty();
        assertThat(none.leaderCount()).isZero();
        assertThat(none.distinctAnswers()).isZero();
    }

    @Test
    void moreVotesRankFirst() {
        Tally t = Tally.of(List.of(Vote.of(0, "a"), Vote.of(1, "b"), Vote.of(2, "c"), Vote.of(3, "b"),
                Vote.of(4, "c"), Vote.of(5, "c")));
        assertThat(t.ranking()).extracting(c -> c.answer().key(), AnswerCount::count)
                .containsExactly(tuple("c", 3), tuple("b", 2), tuple("a", 1));
    }

    @Test
    void aTieGoesToTheAnswerBackedByTheLowestOrdinal() {
        // "z" arrives first, but "y" has agent 0 among its voters
        Tally t = Tally.of(List.of(Vote.of(3, "z"), Vote.of(1, "z"), Vote.of(4, "y"), Vote.of(0, "y")));
        assertThat(t.leader()).contains(Answer.of("y"));
        assertThat(t.ranking()).extracting(AnswerCount::lowestOrdinal).containsExactly(0, 1);
    }

    @Test
    void anOrdinalTieGoesToTheSmallerKey() {
        // both answers have agent 2 as their lowest ordinal (ordinals repeat across replays/rounds)
        Tally t = Tally.of(List.of(Vote.of(2, "b"), Vote.of(2, "a")));
        assertThat(t.leader()).contains(Answer.of("a"));
        assertThat(t.counts().keySet()).containsExactly("a", "b");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void rankingDoesNotDependOnArrivalOrder(long seed) {
        List<Vote> votes = new ArrayList<>(List.of(Vote.of(0, "p"), Vote.of(1, "q"), Vote.of(2, "r"),
                Vote.of(3, "q"), Vote.of(4, "p"), Vote.of(5, "s"), Vote.none(6), Vote.of(7, "r")));
        List<AnswerCount> expected = Tally.of(votes).ranking();
        Collections.shuffle(votes, new Random(seed));
        Tally shuffled = Tally.of(votes);
        // p, q and r have 2 votes each: p (agent 0) before q (agent 1) before r (agent 2); s last
        assertThat(shuffled.ranking()).extracting(c -> c.answer().key()).containsExactly("p", "q", "r", "s");
        assertThat(shuffled.ranking()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void afterEveryVoteTheRankingIsTheDocumentedOrderOfAllVotesSoFar(long seed) {
        Random random = new Random(seed);
        Tally t = Tally.empty();
        List<Vote> votes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int ordinal = random.nextInt(12); // ordinals repeat, as across rounds of a replay
            Vote v = random.nextInt(8) == 0 ? Vote.none(ordinal)
                    : new Vote("agent-" + ordinal, ordinal, Optional.of(Answer.of("k" + random.nextInt(6))),
                            0.25 + random.nextInt(8));
            votes.add(v);
            t = t.with(v);
            assertThat(t.ranking()).as("after %d votes", i + 1).isEqualTo(rankedFromScratch(votes));
        }
    }

    /** The ranking of {@code votes} by the documented rule: votes, then lowest ordinal, then key. */
    private static List<AnswerCount> rankedFromScratch(List<Vote> votes) {
        Map<String, AnswerCount> byKey = new java.util.LinkedHashMap<>();
        for (Vote v : votes) {
            v.answer().ifPresent(a -> byKey.merge(a.key(), new AnswerCount(a, 1, v.agentOrdinal(), v.weight()),
                    (c, d) -> new AnswerCount(c.answer(), c.count() + 1,
                            Math.min(c.lowestOrdinal(), d.lowestOrdinal()), c.weight() + d.weight())));
        }
        List<AnswerCount> ranked = new ArrayList<>(byKey.values());
        ranked.sort(java.util.Comparator.comparingInt(AnswerCount::count).reversed()
                .thenComparingInt(AnswerCount::lowestOrdinal).thenComparing(c -> c.answer().key()));
        return ranked;
    }

    @Test
    void keepsTheDisplayTextOfTheFirstVote() {
        Tally t = Tally.of(List.of(new Vote("a", 1, Optional.of(new Answer("0.5", "0.50"))),
                new Vote("b", 0, Optional.of(new Answer("0.5", "1/2")))));
        assertThat(t.leader()).contains(new Answer("0.5", "0.50"));
        assertThat(t.ranking().get(0).lowestOrdinal()).isZero();
    }

    @Test
    void withLeavesTheOriginalUnchanged() {
        Tally one = Tally.of(List.of(Vote.of(0, "a")));
        Tally two = one.with(Vote.of(1, "b"));
        Tally three = one.with(Vote.of(1, "a"));
        assertThat(one.samples()).isEqualTo(1);
        assertThat(one.counts()).containsExactly(Map.entry("a", 1));
        assertThat(two.counts()).containsExactly(Map.entry("a", 1), Map.entry("b", 1));
        assertThat(three.counts()).containsExactly(Map.entry("a", 2));
        assertThat(Tally.empty().with(Vote.of(0, "a")).samples()).isEqualTo(1);
        assertThat(Tally.empty().samples()).isZero();
    }

    @Test
    void branchingTwiceFromTheSameTallyKeepsBothResultsIndependent() {
        Tally base = Tally.empty();
        for (int i = 0; i < 5; i++) {
            base = base.with(Vote.of(i, "x"));
        }
        Tally left = base.with(Vote.of(5, "l"));
        Tally right = base.with(Vote.of(6, "r")).with(Vote.of(7, "r"));
        Tally leftMore = left.with(Vote.of(8, "l"));
        Tally leftBranch = left.with(Vote.of(9, "z"));

        assertThat(base.samples()).isEqualTo(5);
        assertThat(base.votes()).extracting(Vote::agentOrdinal).containsExactly(0, 1, 2, 3, 4);
        assertThat(left.votes()).extracting(Vote::agentOrdinal).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(right.votes()).extracting(Vote::agentOrdinal).containsExactly(0, 1, 2, 3, 4, 6, 7);
        assertThat(leftMore.votes()).extracting(Vote::agentOrdinal).containsExactly(0, 1, 2, 3, 4, 5, 8);
        assertThat(leftBranch.votes()).extracting(Vote::agentOrdinal).containsExactly(0, 1, 2, 3, 4, 5, 9);
        assertThat(left.counts()).containsExactly(Map.entry("x", 5), Map.entry("l", 1));
        assertThat(right.counts()).containsExactly(Map.entry("x", 5), Map.entry("r", 2));
        assertThat(leftMore.counts()).containsExactly(Map.entry("x", 5), Map.entry("l", 2));
        assertThat(leftBranch.counts()).containsExactly(Map.entry("x", 5), Map.entry("l", 1), Map.entry("z", 1));
        // a view taken before a later append or branch does not change
        List<Vote> leftView = left.votes();
        left.with(Vote.of(10, "q"));
        assertThat(leftView).hasSize(6);
        assertThat(left.votes()).isEqualTo(leftView);
    }

    @Test
    void branchesGrownPastTheirCapacityStayIndependent() {
        Tally base = Tally.empty();
        List<Tally> prefixes = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            prefixes.add(base);
            base = base.with(Vote.of(i, Integer.toString(i % 3)));
        }
        for (int k = 0; k < prefixes.size(); k++) {
            Tally b = prefixes.get(k).with(Vote.of(1000 + k, "b"));
            assertThat(b.samples()).isEqualTo(k + 1);
            assertThat(b.votes().get(k).agentOrdinal()).isEqualTo(1000 + k);
            assertThat(prefixes.get(k).samples()).isEqualTo(k);
            for (int i = 0; i < k; i++) {
                assertThat(b.votes().get(i).agentOrdinal()).isEqualTo(i);
            }
        }
        assertThat(base.votes()).extracting(Vote::agentOrdinal).isEqualTo(
                java.util.stream.IntStream.range(0, 100).boxed().toList());
    }

    @Test
    void viewsCannotBeModified() {
        Tally t = Tally.of(List.of(Vote.of(0, "a")));
        assertThatThrownBy(() -> t.votes().add(Vote.of(1, "b"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> t.ranking().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> t.counts().put("b", 9)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(t.samples()).isEqualTo(1);
    }

    @Test
    void ofCopiesItsInput() {
        List<Vote> votes = new ArrayList<>(List.of(Vote.of(0, "a")));
        Tally t = Tally.of(votes);
        votes.add(Vote.of(1, "b"));
        assertThat(t.samples()).isEqualTo(1);
    }

    @Test
    void asMapIsADetachedCopy() {
        Tally t = Tally.of(List.of(Vote.of(0, "a")));
        Map<String, Integer> m = t.asMap();
        m.put("b", 3);
        assertThat(t.counts()).containsExactly(Map.entry("a", 1));
    }
}

package dev.contemplate.aggregation;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An immutable, incremental count of votes in arrival order.
 *
 * <p>Ranking and tie-break (deterministic, independent of arrival order): more votes first; among answers with
 * equal votes, the one backed by the agent with the lowest team ordinal; then the smaller key in
 * {@link String#compareTo} order. "No answer" samples are kept in {@link #votes()} and {@link #samples()} but
 * never count for any answer.
 */
public final class Tally {

    private static final Vote[] NO_VOTES = new Vote[0];

    private static final Tally EMPTY = new Tally(new AtomicInteger(), NO_VOTES, 0, List.of());

    private static final Comparator<AnswerCount> RANK = Comparator.comparingInt(AnswerCount::count).reversed()
            .thenComparingInt(AnswerCount::lowestOrdinal)
            .thenComparing(c -> c.answer().key());

    /*
     * The votes are a persistent, append-only array shared by a chain of tallies: this tally sees the first {@code n}
     * slots of {@code slots}, which are never written again once published. {@code claimed} counts the slots handed
     * out in this chain (shared by every tally of it); whoever moves it from n to n + 1 owns slot n, so appending to
     * the latest tally of a chain writes one slot (amortised O(1), doubling the array when full), while appending to
     * an older one (a branch) copies its n votes into a new chain. The final fields publish the first n slots safely
     * to any thread that sees this tally.
     */
    private final AtomicInteger claimed;
    private final Vote[] slots;
    private final int n;
    private final List<AnswerCount> ranking;

    private Tally(AtomicInteger claimed, Vote[] slots, int n, List<AnswerCount> ranking) {
        this.claimed = claimed;
        this.slots = slots;
        this.n = n;
        this.ranking = ranking;
    }

    /** Returns the tally with no votes. */
    public static Tally empty() {
        return EMPTY;
    }

    /** Returns a tally of {@code votes}, added in order. */
    public static Tally of(List<Vote> votes) {
        Tally t = EMPTY;
        for (Vote v : votes) {
            t = t.with(v);
        }
        return t;
    }

    /** Returns a new tally with {@code vote} added; this one is unchanged. O(distinct answers). */
    public Tally with(Vote vote) {
        if (vote == null) {
            throw new NullPointerException("vote");
        }
        AtomicInteger nc;
        Vote[] ns;
        if (n > 0 && claimed.compareAndSet(n, n + 1)) {
            // the latest of its chain: slot n is ours alone
            nc = claimed;
            ns = n < slots.length ? slots : Arrays.copyOf(slots, n * 2);
        } else {
            // empty, or a branch off an older tally: start a new chain with a copy of our votes
            nc = new AtomicInteger(n + 1);
            ns = Arrays.copyOf(slots, Math.max(8, n * 2));
        }
        ns[n] = vote;
        if (vote.answer().isEmpty()) {
            return new Tally(nc, ns, n + 1, ranking);
        }
        Answer a = vote.answer().get();
        int size = ranking.size();
        AnswerCount[] nr = new AnswerCount[size + 1];
        int at = -1;
        for (int i = 0; i < size; i++) {
            AnswerCount c = ranking.get(i);
            if (at < 0 && c.answer().key().equals(a.key())) {
                c = new AnswerCount(c.answer(), c.count() + 1, Math.min(c.lowestOrdinal(), vote.agentOrdinal()),
                        c.weight() + vote.weight());
                at = i;
            }
            nr[i] = c;
        }
        int length = size;
        if (at < 0) {
            nr[size] = new AnswerCount(a, 1, vote.agentOrdinal(), vote.weight());
            at = size;
            length = size + 1;
        }
        // the rest stays ranked and this answer only gained (a vote, maybe a lower ordinal): it can only move up
        AnswerCount moved = nr[at];
        while (at > 0 && RANK.compare(moved, nr[at - 1]) < 0) {
            nr[at] = nr[at - 1];
            at--;
        }
        nr[at] = moved;
        return new Tally(nc, ns, n + 1, new Ranking(nr, length));
    }

    /** Returns every sample in arrival order, including "no answer" ones (an unmodifiable view). */
    public List<Vote> votes() {
        return new VoteView(slots, n);
    }

    /** Returns the number of samples counted, including "no answer" ones. */
    public int samples() {
        return n;
    }

    /** Returns the number of samples that carried an answer. */
    public int answered() {
        int n = 0;
        for (AnswerCount c : ranking) {
            n += c.count();
        }
        return n;
    }

    /** Returns the number of samples without an answer. */
    public int unanswered() {
        return samples() - answered();
    }

    /** Returns the answers ranked by votes with the documented tie-break, best first. */
    public List<AnswerCount> ranking() {
        return ranking;
    }

    /**
     * Returns the answers ranked by the sum of their votes' weights, then by the same tie-break as {@link #ranking()}
     * (votes, lowest team ordinal, key).
     */
    public List<AnswerCount> weightedRanking() {
        List<AnswerCount> r = new ArrayList<>(ranking);
        r.sort(Comparator.comparingDouble(AnswerCount::weight).reversed().thenComparing(RANK));
        return Collections.unmodifiableList(r);
    }

    /** Returns the sum of the weights of every answered vote. */
    public double answeredWeight() {
        double w = 0;
        for (AnswerCount c : ranking) {
            w += c.weight();
        }
        return w;
    }

    /** Returns answer key to votes, best first. */
    public Map<String, Integer> counts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (AnswerCount c : ranking) {
            m.put(c.answer().key(), c.count());
        }
        return Collections.unmodifiableMap(m);
    }

    /** Returns the votes for {@code key}, 0 if none. */
    public int count(String key) {
        for (AnswerCount c : ranking) {
            if (c.answer().key().equals(key)) {
                return c.count();
            }
        }
        return 0;
    }

    /** Returns the leading answer, or empty when no sample carried an answer. */
    public Optional<Answer> leader() {
        return ranking.isEmpty() ? Optional.empty() : Optional.of(ranking.get(0).answer());
    }

    /** Returns the leader's votes, 0 when there is no leader. */
    public int leaderCount() {
        return ranking.isEmpty() ? 0 : ranking.get(0).count();
    }

    /** Returns the second-ranked answer's votes, 0 when there is none. */
    public int runnerUpCount() {
        return ranking.size() < 2 ? 0 : ranking.get(1).count();
    }

    /** Returns how many distinct answers were seen. */
    public int distinctAnswers() {
        return ranking.size();
    }

    /** Returns the per-answer counts as a plain map keyed by answer key (for serialisation). */
    public Map<String, Integer> asMap() {
        return new HashMap<>(counts());
    }

    @Override
    public String toString() {
        return "Tally" + counts() + " of " + samples() + " samples";
    }

    /** The first {@code size} answers of a ranking's own array, read-only. */
    private static final class Ranking extends AbstractList<AnswerCount> implements RandomAccess {

        private final AnswerCount[] counts;
        private final int size;

        Ranking(AnswerCount[] counts, int size) {
            this.counts = counts;
            this.size = size;
        }

        @Override
        public AnswerCount get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException("Index " + index + " out of bounds for length " + size);
            }
            return counts[index];
        }

        @Override
        public int size() {
            return size;
        }
    }

    /** The first {@code size} slots of a chain's array, read-only. */
    private static final class VoteView extends AbstractList<Vote> implements RandomAccess {

        private final Vote[] slots;
        private final int size;

        VoteView(Vote[] slots, int size) {
            this.slots = slots;
            this.size = size;
        }

        @Override
        public Vote get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException("Index " + index + " out of bounds for length " + size);
            }
            return slots[index];
        }

        @Override
        public int size() {
            return size;
        }
    }
}

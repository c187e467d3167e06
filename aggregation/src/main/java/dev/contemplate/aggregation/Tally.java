package dev.contemplate.aggregation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, incremental count of votes in arrival order.
 *
 * <p>Ranking and tie-break (deterministic, independent of arrival order): more votes first; among answers with
 * equal votes, the one backed by the agent with the lowest team ordinal; then the smaller key in
 * {@link String#compareTo} order. "No answer" samples are kept in {@link #votes()} and {@link #samples()} but
 * never count for any answer.
 */
public final class Tally {

    private static final Tally EMPTY = new Tally(List.of(), List.of());

    private static final Comparator<AnswerCount> RANK = Comparator.comparingInt(AnswerCount::count).reversed()
            .thenComparingInt(AnswerCount::lowestOrdinal)
            .thenComparing(c -> c.answer().key());

    private final List<Vote> votes;
    private final List<AnswerCount> ranking;

    private Tally(List<Vote> votes, List<AnswerCount> ranking) {
        this.votes = votes;
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
        List<Vote> nv = new ArrayList<>(votes.size() + 1);
        nv.addAll(votes);
        nv.add(vote);
        if (vote.answer().isEmpty()) {
            return new Tally(Collections.unmodifiableList(nv), ranking);
        }
        Answer a = vote.answer().get();
        List<AnswerCount> nr = new ArrayList<>(ranking.size() + 1);
        boolean found = false;
        for (AnswerCount c : ranking) {
            if (c.answer().key().equals(a.key())) {
                nr.add(new AnswerCount(c.answer(), c.count() + 1, Math.min(c.lowestOrdinal(), vote.agentOrdinal()),
                        c.weight() + vote.weight()));
                found = true;
            } else {
                nr.add(c);
            }
        }
        if (!found) {
            nr.add(new AnswerCount(a, 1, vote.agentOrdinal(), vote.weight()));
        }
        nr.sort(RANK);
        return new Tally(Collections.unmodifiableList(nv), Collections.unmodifiableList(nr));
    }

    /** Returns every sample in arrival order, including "no answer" ones. */
    public List<Vote> votes() {
        return votes;
    }

    /** Returns the number of samples counted, including "no answer" ones. */
    public int samples() {
        return votes.size();
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
}

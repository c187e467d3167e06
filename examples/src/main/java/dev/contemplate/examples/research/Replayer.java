package dev.contemplate.examples.research;

import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.aggregation.Vote;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Replays stopping rules on recorded questions with the library's {@link Tally}, {@link StoppingRule}s and
 * {@link Aggregator#majority()}.
 *
 * <p>For shuffle {@code s} (0-based) and question {@code q} (0-based index among the questions read, in file
 * order):
 * <ol>
 *   <li>{@code used = min(n, max)} where {@code n} is the question's sample count. The pool to shuffle is the
 *       first {@code used} samples of an ordered list (ESC, Adaptive-Consistency), or all {@code n} samples of an
 *       unordered one (compact counts, whose expansion order is arbitrary, so that capping draws a uniform subset
 *       rather than the first answers listed).</li>
 *   <li>The pool's indices {@code 0..p-1} are shuffled by Fisher-Yates with
 *       {@code new Random(shuffleSeed(seed, s, q))}: for {@code i} from {@code p - 1} down to 1, swap {@code i}
 *       with {@code random.nextInt(i + 1)}. This is exactly what {@link java.util.Collections#shuffle(List, Random)}
 *       does to a list of those indices. {@link #shuffleSeed} is
 *       {@code mix(mix(mix(seed) + s) + q)} with {@code mix} the SplitMix64 step: {@code z += 0x9E3779B97F4A7C15L;
 *       z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L; z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
 *       return z ^ (z >>> 31)}.</li>
 *   <li>The first {@code used} shuffled samples arrive in that order: the {@code i}-th (0-based) is added with
 *       {@code Tally.with(new Vote("agent-" + (i + 1), i, answer))}, so the tally's tie-break (equal votes: lowest
 *       ordinal) favours the answer that arrived first. After each sample every rule not yet stopped is asked
 *       {@code shouldStop(tally, used - samplesSoFar)}; at its first {@code true} the rule's verdict is
 *       {@code Aggregator.majority()} of that tally, correct when its key equals the gold key (no answer is
 *       wrong), and its cost is the samples counted.</li>
 * </ol>
 * All rules see the same arrival order for a given (shuffle, question), which makes their comparison paired; the
 * order does not depend on the rule set. The same seed gives the same numbers.
 */
public final class Replayer {

    private static final Aggregator MAJORITY = Aggregator.majority();

    private Replayer() {
    }

    /** The SplitMix64 step used by {@link #shuffleSeed}. */
    public static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Returns the seed of the {@link Random} that orders question {@code question} in shuffle {@code shuffle}. */
    public static long shuffleSeed(long seed, int shuffle, int question) {
        return mix(mix(mix(seed) + shuffle) + question);
    }

    /**
     * Returns the arrival order of {@code question}'s samples in shuffle {@code shuffle}: indices into its sample
     * list, {@code min(n, max)} of them.
     */
    public static int[] arrivalOrder(ReplayQuestion question, int max, long seed, int shuffle, int questionIndex) {
        int n = question.samples().size();
        int used = Math.min(n, max);
        int pool = question.ordered() ? used : n;
        int[] order = new int[pool];
        for (int i = 0; i < pool; i++) {
            order[i] = i;
        }
        Random random = new Random(shuffleSeed(seed, shuffle, questionIndex));
        for (int i = pool - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return used == pool ? order : Arrays.copyOf(order, used);
    }

    /**
     * Replays {@code rules} on {@code questions}.
     *
     * @param questions the questions, at least one
     * @param rules the rules, at least one; each must stop when nothing remains, as the built-in ones do
     * @param max the most samples per question, at least 1
     * @param shuffles how many arrival orders per question, at least 1
     * @param seed the seed of the arrival orders
     * @return one result per rule, in the order given
     * @throws IllegalArgumentException for an empty list or a count below 1
     * @throws IllegalStateException if a rule does not stop when no sample remains
     */
    public static List<RuleResult> replay(List<ReplayQuestion> questions, List<StoppingRule> rules, int max,
            int shuffles, long seed) {
        Objects.requireNonNull(questions, "questions");
        Objects.requireNonNull(rules, "rules");
        if (questions.isEmpty() || rules.isEmpty()) {
            throw new IllegalArgumentException("need at least one question and one rule");
        }
        if (max < 1 || shuffles < 1) {
            throw new IllegalArgumentException("max and shuffles must be >= 1 but were " + max + " and " + shuffles);
        }
        int r = rules.size();
        int longest = 0;
        for (ReplayQuestion q : questions) {
            longest = Math.max(longest, Math.min(q.samples().size(), max));
        }
        String[] agentIds = new String[longest];
        for (int i = 0; i < longest; i++) {
            agentIds[i] = "agent-" + (i + 1);
        }
        long[][] correct = new long[r][shuffles];
        long[][] used = new long[r][shuffles];
        boolean[] stopped = new boolean[r];
        for (int s = 0; s < shuffles; s++) {
            for (int qi = 0; qi < questions.size(); qi++) {
                ReplayQuestion q = questions.get(qi);
                List<Optional<Answer>> samples = q.samples();
                int[] order = arrivalOrder(q, max, seed, s, qi);
                Arrays.fill(stopped, false);
                int open = r;
                Tally tally = Tally.empty();
                for (int i = 0; i < order.length && open > 0; i++) {
                    tally = tally.with(new Vote(agentIds[i], i, samples.get(order[i])));
                    int remaining = order.length - tally.samples();
                    int verdict = -1;
                    for (int k = 0; k < r; k++) {
                        if (!stopped[k] && rules.get(k).shouldStop(tally, remaining)) {
                            stopped[k] = true;
                            open--;
                            if (verdict < 0) {
                                verdict = isCorrect(MAJORITY.aggregate(tally), q.goldKey()) ? 1 : 0;
                            }
                            correct[k][s] += verdict;
                            used[k][s] += tally.samples();
                        }
                    }
                }
                if (open > 0) {
                    for (int k = 0; k < r; k++) {
                        if (!stopped[k]) {
                            throw new IllegalStateException("rule " + rules.get(k).name()
                                    + " did not stop with no sample remaining");
                        }
                    }
                }
            }
        }
        List<RuleResult> results = new ArrayList<>(r);
        double nq = questions.size();
        for (int k = 0; k < r; k++) {
            List<Double> acc = new ArrayList<>(shuffles);
            List<Double> cost = new ArrayList<>(shuffles);
            for (int s = 0; s < shuffles; s++) {
                acc.add(correct[k][s] / nq);
                cost.add(used[k][s] / nq);
            }
            results.add(new RuleResult(rules.get(k).name(), Spread.of(acc), Spread.of(cost), acc, cost));
        }
        return results;
    }

    private static boolean isCorrect(Decision decision, String goldKey) {
        return decision.answer().map(a -> a.key().equals(goldKey)).orElse(false);
    }
}

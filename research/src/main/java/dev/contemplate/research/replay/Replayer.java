package dev.contemplate.research.replay;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Conversation;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.aggregation.Vote;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.TokenUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * Replays stopping rules on recorded questions with the library's {@link Tally}, {@link StoppingRule}s and
 * {@link Voting}s.
 *
 * <p>For shuffle {@code s} (0-based) and question {@code q} (0-based index among the questions read, in file
 * order):
 * <ol>
 *   <li>{@code used = min(n, max)} where {@code n} is the question's sample count. The pool to shuffle is the
 *       first {@code used} samples of an ordered list (ESC, Adaptive-Consistency, free-form), or all {@code n}
 *       samples of an unordered one (compact counts, whose expansion order is arbitrary, so that capping draws a
 *       uniform subset rather than the first answers listed).</li>
 *   <li>The pool's indices {@code 0..p-1} are shuffled by Fisher-Yates with
 *       {@code new Random(shuffleSeed(seed, s, q))}: for {@code i} from {@code p - 1} down to 1, swap {@code i}
 *       with {@code random.nextInt(i + 1)}. This is exactly what {@link java.util.Collections#shuffle(List, Random)}
 *       does to a list of those indices. {@link #shuffleSeed} is
 *       {@code mix(mix(mix(seed) + s) + q)} with {@code mix} the SplitMix64 step: {@code z += 0x9E3779B97F4A7C15L;
 *       z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L; z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
 *       return z ^ (z >>> 31)}.</li>
 *   <li>The first {@code used} shuffled samples arrive in that order: the {@code i}-th (0-based) is the candidate of
 *       agent {@code i} of {@code Team.builder().size(n).noSeed().build()} (id {@code "agent-" + (i + 1)}, ordinal
 *       {@code i}), so team order is arrival order and the tally's tie-break (equal votes: lowest ordinal) favours
 *       the answer that arrived first. Its vote is added to the {@link Tally}; after each sample every rule not yet
 *       stopped is asked {@code shouldStop(tally, used - samplesSoFar)}; at its first {@code true} the verdict is
 *       taken from that tally (below) and the rule's cost is the samples counted.</li>
 * </ol>
 * All rules see the same arrival order for a given (shuffle, question), which makes their comparison paired; the
 * order does not depend on the rule set or the vote. The same seed gives the same numbers.
 *
 * <p><b>Votes and verdicts.</b>
 * <ul>
 *   <li>{@code majority} on a question judged against a gold answer (ESC, adaptive, compact): the sample's vote is
 *       {@code new Vote("agent-" + (i + 1), i, answer)} with the answer the {@link ReplayReader} extracted, and the
 *       verdict is the tally's {@link Tally#leader() leader}, right when its key equals the gold key (no answer is
 *       wrong). These are the numbers of earlier releases.</li>
 *   <li>Any other case, including every {@linkplain ReplayQuestion#labelled() labelled} free-form question: the
 *       sample becomes a {@link Candidate} of agent {@code i} with the sample's text (empty for a sample without
 *       one), finish reason {@code STOP}, no latency and its recorded log-probabilities, and is cast through the
 *       vote's {@link Voting.Counter} (opened once per question and shuffle on the question's text, or
 *       {@code "Question on line N"} when the file has none), blocking on it: the semantic vote embeds the text
 *       here. On a question judged against a gold answer, a vote that keys extracted answers ({@code majority},
 *       {@code weighted}) keeps the weight the counter gave but the answer the reader extracted, so that recorded
 *       answers keep their keys. At a stop, {@link Voting.Counter#decide} over the ballots so far, in team order,
 *       picks the answer; the question is right when the sample that <em>represents</em> it is right: the first
 *       ballot in team order whose candidate text equals {@link Decision#text()}, which is right when it is
 *       labelled correct (free-form) or its key equals the gold key. A decision without an answer, or whose text is
 *       no ballot's, is wrong.</li>
 * </ul>
 * On keyed data, {@code majority} through the counter would give the same verdicts as the tally's leader: the
 * decision's text is that of the first ballot in team order that voted for the leader.
 */
public final class Replayer {

    /** The default vote: the tally's leader on keyed samples, as in earlier releases. */
    public static final String MAJORITY = "majority";

    /** The names {@link #replay(List, List, int, int, long, String)} accepts, as {@link Votings#parse} does. */
    public static final List<String> VOTES = List.of("majority", "weighted", "semantic");

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
     * Replays {@code rules} on {@code questions} under the {@code majority} vote, keyed by each question's
     * extractor.
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
        return replay(questions, rules, max, shuffles, seed, MAJORITY);
    }

    /**
     * Replays {@code rules} on {@code questions} under the vote named {@code vote}: each question's vote is
     * {@code Votings.parse(vote, extractor)} with the question's {@linkplain ReplayQuestion#extractor() extractor},
     * made once per extractor (the semantic vote, which extracts nothing, once).
     *
     * @param questions the questions, at least one
     * @param rules the rules, at least one; each must stop when nothing remains, as the built-in ones do
     * @param max the most samples per question, at least 1
     * @param shuffles how many arrival orders per question, at least 1
     * @param seed the seed of the arrival orders
     * @param vote {@code majority}, {@code weighted} or {@code semantic} (case-insensitive)
     * @return one result per rule, in the order given
     * @throws IllegalArgumentException for an empty list, a count below 1, or an unknown vote (naming the valid ones)
     * @throws IllegalStateException if a rule does not stop when no sample remains, or the vote cannot be made or
     *     fails on a sample (the semantic vote's embedding model cannot run), naming the vote and the line
     */
    public static List<RuleResult> replay(List<ReplayQuestion> questions, List<StoppingRule> rules, int max,
            int shuffles, long seed, String vote) {
        String name = checkVote(vote);
        Map<String, Voting> made = new HashMap<>();
        boolean extracts = !name.equals("semantic");
        return replay(questions, rules, max, shuffles, seed,
                q -> made.computeIfAbsent(extracts ? q.extractor() : "", key -> voting(name, q.extractor())));
    }

    private static Voting voting(String name, String extractor) {
        try {
            return Votings.parse(name, AnswerExtractors.parse(extractor));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the " + name + " vote: " + e.getMessage(), e);
        }
    }

    /**
     * Returns {@code vote} stripped and lower-cased if it names a vote {@link #replay} accepts.
     *
     * @throws IllegalArgumentException naming {@code vote} and the valid names if it names none
     */
    public static String checkVote(String vote) {
        String name = Objects.requireNonNull(vote, "vote").strip().toLowerCase(Locale.ROOT);
        if (!VOTES.contains(name)) {
            throw new IllegalArgumentException("unknown vote '" + vote + "'; valid: " + String.join(", ", VOTES));
        }
        return name;
    }

    /**
     * Replays {@code rules} on {@code questions}, each under the vote {@code votings} returns for it (called once
     * per question and shuffle; it should cache what is costly to make). A vote named {@code majority} on a
     * question judged against a gold answer takes the tally's leader; every other case goes through the vote's
     * counter (see the class comment).
     *
     * @param questions the questions, at least one
     * @param rules the rules, at least one; each must stop when nothing remains, as the built-in ones do
     * @param max the most samples per question, at least 1
     * @param shuffles how many arrival orders per question, at least 1
     * @param seed the seed of the arrival orders
     * @param votings the vote of each question
     * @return one result per rule, in the order given
     * @throws IllegalArgumentException for an empty list or a count below 1
     * @throws IllegalStateException if a rule does not stop when no sample remains, or a vote fails on a sample
     */
    public static List<RuleResult> replay(List<ReplayQuestion> questions, List<StoppingRule> rules, int max,
            int shuffles, long seed, Function<? super ReplayQuestion, ? extends Voting> votings) {
        Objects.requireNonNull(questions, "questions");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(votings, "votings");
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
        List<Agent> agents = null; // the team, made when a vote needs candidates
        long[][] correct = new long[r][shuffles];
        long[][] used = new long[r][shuffles];
        boolean[] stopped = new boolean[r];
        for (int s = 0; s < shuffles; s++) {
            for (int qi = 0; qi < questions.size(); qi++) {
                ReplayQuestion q = questions.get(qi);
                int[] order = arrivalOrder(q, max, seed, s, qi);
                Arrays.fill(stopped, false);
                Voting voting = Objects.requireNonNull(votings.apply(q), "voting");
                Arrival arrival;
                if (!q.labelled() && voting.name().equals(MAJORITY)) {
                    arrival = new Keyed(q, agentIds);
                } else {
                    if (agents == null) {
                        agents = Team.builder().size(longest).noSeed().build().agents();
                    }
                    arrival = new Counted(q, agents, voting);
                }
                int open = r;
                for (int i = 0; i < order.length && open > 0; i++) {
                    Tally tally = arrival.add(i, order[i]);
                    int remaining = order.length - tally.samples();
                    int verdict = -1;
                    for (int k = 0; k < r; k++) {
                        if (!stopped[k] && rules.get(k).shouldStop(tally, remaining)) {
                            stopped[k] = true;
                            open--;
                            if (verdict < 0) {
                                verdict = arrival.right() ? 1 : 0;
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

    /**
     * Returns the index (into the question's samples) of the sample that represents {@code decision}: the first
     * ballot in team order whose candidate text equals the decision's text; empty when the decision has no answer
     * or no ballot has its text.
     *
     * @param decision the vote's decision
     * @param ballots the ballots the decision was made on, in team order
     * @param sampleOfBallot the sample index of each ballot, in the same order
     */
    public static Optional<Integer> representative(Decision decision, List<Ballot> ballots, int[] sampleOfBallot) {
        if (decision.answer().isEmpty()) {
            return Optional.empty();
        }
        for (int b = 0; b < ballots.size(); b++) {
            if (ballots.get(b).candidate().text().equals(decision.text())) {
                return Optional.of(sampleOfBallot[b]);
            }
        }
        return Optional.empty();
    }

    /** The samples of one (shuffle, question) as they arrive, and the verdict on those so far. */
    private interface Arrival {
        /** Counts the {@code i}-th arrival, sample {@code sample}; returns the tally so far. */
        Tally add(int i, int sample);

        /** Returns whether the verdict on the samples so far is right. */
        boolean right();
    }

    /** {@code majority} on extracted keys: the tally's leader against the gold key. */
    private static final class Keyed implements Arrival {
        private final ReplayQuestion q;
        private final String[] agentIds;
        private Tally tally = Tally.empty();

        Keyed(ReplayQuestion q, String[] agentIds) {
            this.q = q;
            this.agentIds = agentIds;
        }

        @Override
        public Tally add(int i, int sample) {
            tally = tally.with(new Vote(agentIds[i], i, q.samples().get(sample)));
            return tally;
        }

        @Override
        public boolean right() {
            return tally.leader().map(a -> a.key().equals(q.goldKey())).orElse(false);
        }
    }

    /** Any vote through its counter: the represented sample's label. */
    private static final class Counted implements Arrival {
        private final ReplayQuestion q;
        private final List<Agent> agents;
        private final Voting voting;
        private final Voting.Counter counter;
        private final boolean keepKeys;
        private final List<Ballot> ballots = new ArrayList<>();
        private final int[] sampleOfBallot;
        private Tally tally = Tally.empty();

        Counted(ReplayQuestion q, List<Agent> agents, Voting voting) {
            this.q = q;
            this.agents = agents;
            this.voting = voting;
            this.counter = voting.open(Conversation.of(q.question().filter(t -> !t.isBlank())
                    .orElse("Question on line " + q.line())));
            this.keepKeys = !q.labelled() && (voting.name().equals("majority") || voting.name().equals("weighted"));
            this.sampleOfBallot = new int[q.samples().size()];
        }

        @Override
        public Tally add(int i, int sample) {
            ReplaySample s = q.texts().get(sample);
            long tokens = s.logprobs().map(l -> (long) l.size()).orElse(0L);
            Candidate c = new Candidate(agents.get(i), s.text(), FinishReason.STOP, new TokenUsage(0, tokens),
                    Duration.ZERO, s.logprobs());
            Vote v;
            try {
                v = counter.cast(c).block();
            } catch (RuntimeException e) {
                throw new IllegalStateException("the " + voting.name() + " vote failed on the question on line "
                        + q.line() + ": " + e.getMessage(), e);
            }
            if (v == null) {
                throw new IllegalStateException("the " + voting.name() + " vote cast no vote for a sample of the"
                        + " question on line " + q.line());
            }
            if (keepKeys) {
                Optional<Answer> key = q.samples().get(sample);
                v = new Vote(v.agentId(), v.agentOrdinal(), key, v.weight());
            }
            sampleOfBallot[ballots.size()] = sample;
            ballots.add(new Ballot(c, v));
            tally = tally.with(v);
            return tally;
        }

        @Override
        public boolean right() {
            Decision d = counter.decide(List.copyOf(ballots), tally);
            return representative(d, ballots, sampleOfBallot).map(i -> q.texts().get(i).correct()).orElse(false);
        }
    }
}

package dev.contemplate.aggregation.internal;

import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Conversation;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerCount;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.Provenance;
import dev.contemplate.aggregation.SemanticOptions;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.aggregation.Vote;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.aggregation.internal.SameAnswerRule.Embedded;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The semantic vote: free-form answers are clustered by meaning as they arrive, and every cluster is one answer of the
 * {@link Tally}.
 *
 * <h2>When two answers are the same</h2>
 *
 * Whole-sentence embeddings alone cannot tell a paraphrase from a near miss ({@code "The capital of France is Lyon."}
 * embeds closer to {@code "... Paris."} than {@code "Paris."} does), so each answer is first analysed relative to the
 * question ({@link AnswerAnalyzer}): only the part after the last "answer is" / "answer:" phrase when there is one
 * (of a part longer than 2,000 characters, its first and last 1,000); its content words (stopwords dropped, lightly
 * stemmed), split into words that repeat the question and the answer-bearing rest; numbers (from digits, number
 * words such as {@code two thousand and twenty} or the year {@code nineteen sixty-nine}, and month names, with a unit
 * written after them), code literals and multiple-choice options (a letter, or an
 * option's text); words under a negation cue; and, for a yes/no question, its yes or no. Two answers are then
 * compared by the first step that applies ({@link SameAnswerRule}):
 * <ol>
 *   <li>opposite yes/no, or one negates what the other asserts ({@code "Canberra, not Sydney"} against
 *       {@code "Sydney"}): different;
 *   <li>each has a number, literal or option the other lacks ({@code 42} against {@code 24}, {@code 8 minutes}
 *       against {@code 8 seconds}, {@code len(xs)} against {@code xs.length}, option B against option C): different;
 *       a number without a unit matches the same number with one;
 *   <li>one says nothing but negations ({@code "I don't know"}) and the other does not: different;
 *   <li>the answer-bearing words of one all appear in the other (one-sided additions: {@code "Paris."} and
 *       {@code "The capital of France is Paris."}): the same;
 *   <li>both sides have answer-bearing words the other lacks (a substitution), and on both sides some are proper
 *       nouns ({@code "Neil Armstrong"}, {@code "Louis Armstrong"}): different;
 *   <li>both answers are short ({@link SemanticOptions#shortAnswerTokens()}) and one side differs in a single word:
 *       the same only if the differing words embed as near synonyms ({@link SemanticOptions#synonymSimilarity()});
 *   <li>otherwise (explanations, long answers): the same if the embeddings of the two answer-bearing texts are at
 *       least {@link SemanticOptions#similarity()} alike. Dropping the words both answers take from the question
 *       ("the sky is blue because") leaves the part that differs between explanations, so that "reflects the
 *       ocean" and "Rayleigh scattering" fall apart while two wordings of Rayleigh scattering stay together.
 * </ol>
 * Known limits: unit conversions ({@code 42.195 km} and {@code 26.2 miles}) and other number forms the analyser
 * does not fold ({@code 3 × 10^8}) count as different; comparisons by word order ({@code "The Sun is larger than the
 * Moon"} against {@code "The Moon"}) are not understood; synonyms of one word rarely pass the synonym threshold;
 * English only.
 *
 * <h2>Clustering and deciding</h2>
 *
 * {@link Counter#cast} analyses and embeds the candidate on the vote's embedding scheduler
 * ({@link Schedulers#boundedElastic()} unless another was given), never on the caller's thread (an inference engine's
 * own thread, say) unless that scheduler is {@link Schedulers#immediate()}, and then assigns it, still on that
 * scheduler. The assignment compares the candidate with a snapshot of the clustering, outside any lock (comparing
 * short answers may embed a few differing words there, memoised per phrase), and publishes the new clustering only if
 * no other candidate was assigned meanwhile; otherwise it compares again with the new snapshot (verdicts already
 * reached are kept). The candidate joins the existing cluster whose members it matches for at least half of them, the
 * one with the highest mean similarity to its members when several qualify (the earliest on a tie), or opens a new
 * cluster. A candidate's cluster never changes afterwards, and each cast emits exactly one vote. Clusters are keyed
 * {@code c1}, {@code c2}, ... in order of creation; the answer's text is the first member's text, whitespace collapsed
 * and cut to 200 characters. Every vote weighs 1; a blank text votes for no answer. {@link Counter#decide} reads the
 * published clustering without waiting for assignments or embeddings in progress, and takes the tally's leader; the
 * decision's text is the full text of the leading cluster's medoid (the member with the highest summed similarity to
 * the others; ties to the lowest agent ordinal), its share the leader's votes over the answered votes, its provenance
 * {@code semantic} resting on the cluster's members in team order.
 *
 * <p>Candidates are assigned in the order in which their embeddings finish. The same candidates assigned in the same
 * order give the same clusters and decision; but concurrent casts may finish embedding in another order from run to
 * run, so a seeded run's clusters can differ across runs in rare borderline cases (a candidate that matches two
 * clusters, or half of one). With {@link Schedulers#immediate()} as the embedding scheduler, candidates are assigned
 * in the order in which they are cast.
 *
 * <h2>The default model</h2>
 *
 * With the shared {@link DefaultEmbeddingModel} ({@link #withDefaultModel}), {@link #open} starts loading the model
 * in the background on the embedding scheduler when it is not loaded yet, and returns without waiting, so that the
 * first casts of a contemplation with a short deadline do not all wait for the load; with
 * {@link Schedulers#immediate()} it is loaded by the first cast instead.
 *
 * <p>Immutable and thread-safe; counters are thread-safe, and their {@code decide} never waits for a cast. Closes
 * nothing: the embedding model is the caller's (or the shared {@link DefaultEmbeddingModel}).
 */
public final class SemanticVoting implements Voting {

    /** The most characters of a cluster's display text. */
    static final int DISPLAY_LENGTH = 200;

    private final Supplier<EmbeddingModel> model;
    private final SemanticOptions options;
    private final Scheduler embedding;

    /**
     * Returns the semantic vote.
     *
     * @param model supplies the embedding model, asked when the first candidate is embedded
     * @param options the thresholds
     * @param embedding where candidates are embedded and assigned: {@link Schedulers#boundedElastic()} for inference
     *     engines, {@link Schedulers#immediate()} to do it on the thread that subscribes to the vote (simulations,
     *     tests in virtual time)
     * @throws NullPointerException if an argument is null
     */
    public SemanticVoting(Supplier<EmbeddingModel> model, SemanticOptions options, Scheduler embedding) {
        this.model = Objects.requireNonNull(model, "model");
        this.options = Objects.requireNonNull(options, "options");
        this.embedding = Objects.requireNonNull(embedding, "embedding");
    }

    /**
     * Returns the semantic vote with the shared {@link DefaultEmbeddingModel}, which {@link #open} preloads.
     *
     * @param options the thresholds
     * @param embedding where candidates are embedded and assigned, and the model preloaded
     * @throws NullPointerException if an argument is null
     */
    public static SemanticVoting withDefaultModel(SemanticOptions options, Scheduler embedding) {
        return new SemanticVoting(DefaultEmbeddingModel.SHARED, options, embedding);
    }

    @Override
    public String name() {
        return "semantic";
    }

    /** Returns the empty string: any form of answer will do. */
    @Override
    public String answerFormat() {
        return "";
    }

    /**
     * Starts the vote of one contemplation; with a preloadable model (the {@link DefaultEmbeddingModel}) not loaded
     * yet, starts loading it on the embedding scheduler (unless that is {@link Schedulers#immediate()}) without
     * waiting for it.
     *
     * @throws NullPointerException if {@code conversation} is null
     */
    @Override
    public Counter open(Conversation conversation) {
        AnswerMatcher matcher = new AnswerMatcher(conversation.question(), model, options);
        if (model instanceof DefaultEmbeddingModel.Lazy lazy) {
            lazy.preload(embedding);
        }
        return new SemanticCounter(matcher, embedding);
    }

    @Override
    public String toString() {
        return name();
    }

    /** One member of a cluster: the candidate's agent, its text and its embedded answer. */
    private record Member(String agentId, int ordinal, String text, Embedded embedded) {
    }

    /** A cluster: its answer and its members in order of joining. Immutable. */
    private record Cluster(Answer answer, List<Member> members) {
    }

    /**
     * An immutable snapshot of a counter's clustering: the clusters in order of creation and every member by agent
     * id. Replaced as a whole on every assignment.
     */
    private record Clustering(List<Cluster> clusters, Map<String, Member> byAgent) {
        static final Clustering EMPTY = new Clustering(List.of(), Map.of());

        /** Returns this clustering with {@code member} added to the cluster at {@code index}, or to a new one. */
        Clustering with(int index, Member member) {
            List<Cluster> next = new ArrayList<>(clusters);
            if (index < 0) {
                Answer answer = new Answer("c" + (clusters.size() + 1), display(member.text()));
                next.add(new Cluster(answer, List.of(member)));
            } else {
                Cluster c = clusters.get(index);
                List<Member> members = new ArrayList<>(c.members());
                members.add(member);
                next.set(index, new Cluster(c.answer(), Collections.unmodifiableList(members)));
            }
            Map<String, Member> agents = new HashMap<>(byAgent);
            agents.put(member.agentId(), member);
            return new Clustering(Collections.unmodifiableList(next), Collections.unmodifiableMap(agents));
        }
    }

    /** The vote of one contemplation. */
    private static final class SemanticCounter implements Counter {

        private final AnswerMatcher matcher;
        private final Scheduler embedding;
        private final AtomicReference<Clustering> clustering = new AtomicReference<>(Clustering.EMPTY);

        SemanticCounter(AnswerMatcher matcher, Scheduler embedding) {
            this.matcher = matcher;
            this.embedding = embedding;
        }

        @Override
        public Mono<Vote> cast(Candidate candidate) {
            Objects.requireNonNull(candidate, "candidate");
            if (candidate.text().isBlank()) {
                return Mono.fromSupplier(() -> new Vote(candidate.agent().id(), candidate.agent().ordinal(),
                        Optional.empty()));
            }
            return Mono.fromCallable(() -> assign(candidate, matcher.prepare(candidate.text())))
                    .subscribeOn(embedding);
        }

        /**
         * Adds the candidate to the clustering: judges it against a snapshot (may embed; no lock held), publishes the
         * result if the clustering is still that snapshot, else judges the members added meanwhile and tries again.
         */
        private Vote assign(Candidate candidate, Embedded embedded) {
            Member member = new Member(candidate.agent().id(), candidate.agent().ordinal(), candidate.text(),
                    embedded);
            Map<Member, Boolean> verdicts = new IdentityHashMap<>();
            while (true) {
                Clustering seen = clustering.get();
                int index = choose(seen, embedded, verdicts);
                Clustering next = seen.with(index, member);
                if (clustering.compareAndSet(seen, next)) {
                    Answer answer = next.clusters().get(index < 0 ? next.clusters().size() - 1 : index).answer();
                    return new Vote(member.agentId(), member.ordinal(), Optional.of(answer));
                }
            }
        }

        /**
         * Returns the index of the cluster of {@code seen} that {@code embedded} joins, or -1 for a new one;
         * {@code verdicts} memoises the judgements against members.
         */
        private int choose(Clustering seen, Embedded embedded, Map<Member, Boolean> verdicts) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            List<Cluster> clusters = seen.clusters();
            for (int i = 0; i < clusters.size(); i++) {
                List<Member> members = clusters.get(i).members();
                int agree = 0;
                double sum = 0;
                for (Member m : members) {
                    if (verdicts.computeIfAbsent(m, k -> matcher.judge(embedded, k.embedded()).same())) {
                        agree++;
                    }
                    sum += SameAnswerRule.cosine(embedded.vector(), m.embedded().vector());
                }
                double score = sum / members.size();
                if (2 * agree >= members.size() && score > bestScore) {
                    best = i;
                    bestScore = score;
                }
            }
            return best;
        }

        @Override
        public Decision decide(List<Ballot> ballots, Tally tally) {
            List<AnswerCount> ranking = tally.ranking();
            if (ranking.isEmpty()) {
                return Decision.none("semantic");
            }
            AnswerCount leader = ranking.get(0);
            String key = leader.answer().key();
            List<Ballot> inCluster = new ArrayList<>();
            for (Ballot b : ballots) {
                if (b.vote().answer().filter(a -> a.key().equals(key)).isPresent()) {
                    inCluster.add(b);
                }
            }
            List<String> basis = inCluster.stream().map(Ballot::agentId).toList();
            String text = medoid(inCluster).orElse(leader.answer().text());
            double share = Math.min(1, (double) leader.count() / tally.answered());
            return new Decision(Optional.of(leader.answer()), share, text, Provenance.of("semantic", basis));
        }

        /**
         * The text of the member with the highest summed similarity to the others; ties to the lowest ordinal. Reads
         * the published clustering; takes no lock.
         */
        private Optional<String> medoid(List<Ballot> inCluster) {
            List<Ballot> byOrdinal = new ArrayList<>(inCluster);
            byOrdinal.sort(Comparator.comparingInt(b -> b.candidate().agent().ordinal()));
            Map<String, Member> members = clustering.get().byAgent();
            List<Member> known = new ArrayList<>();
            for (Ballot b : byOrdinal) {
                Member m = members.get(b.agentId());
                if (m != null && m.text().equals(b.candidate().text())) {
                    known.add(m);
                }
            }
            if (known.isEmpty()) {
                return byOrdinal.isEmpty() ? Optional.empty() : Optional.of(byOrdinal.get(0).candidate().text());
            }
            Member best = null;
            double bestSum = Double.NEGATIVE_INFINITY;
            for (Member m : known) {
                double sum = 0;
                for (Member o : known) {
                    if (o != m) {
                        sum += SameAnswerRule.cosine(m.embedded().vector(), o.embedded().vector());
                    }
                }
                if (sum > bestSum) {
                    best = m;
                    bestSum = sum;
                }
            }
            return Optional.of(best.text());
        }
    }

    /** Returns {@code text} with whitespace runs collapsed, stripped, and cut to {@link #DISPLAY_LENGTH} characters. */
    static String display(String text) {
        String t = text.replaceAll("\\s+", " ").strip();
        if (t.length() <= DISPLAY_LENGTH) {
            return t;
        }
        int cut = DISPLAY_LENGTH - 1;
        if (Character.isHighSurrogate(t.charAt(cut - 1))) {
            cut--;
        }
        return t.substring(0, cut) + "…";
    }
}

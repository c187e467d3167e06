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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
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
 * words and month names, with a unit written after them), code literals and multiple-choice options (a letter, or an
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
 * {@link Counter#cast} analyses and embeds the candidate on {@link Schedulers#boundedElastic()}, never on the caller's
 * thread (an inference engine's own thread, say), then assigns it under the counter's lock (still on that
 * scheduler; comparing short answers may embed a few differing words there), so concurrent casts see a consistent
 * clustering: the candidate joins the existing cluster whose members it matches for at least half of
 * them, the one with the highest mean similarity to its members when several qualify (the earliest on a tie), or
 * opens a new cluster. A candidate's cluster never changes afterwards. Clusters are keyed {@code c1}, {@code c2}, ...
 * in order of creation; the answer's text is the first member's text, whitespace collapsed and cut to 200
 * characters. Every vote weighs 1; a blank text votes for no answer. {@link Counter#decide} takes the tally's leader;
 * the decision's text is the full text of the leading cluster's medoid (the member with the highest summed
 * similarity to the others; ties to the lowest agent ordinal), its share the leader's votes over the answered votes,
 * its provenance {@code semantic} resting on the cluster's members in team order. The same candidates cast in the same
 * order give the same clusters and decision.
 *
 * <p>Immutable and thread-safe; counters are thread-safe. Closes nothing: the embedding model is the caller's (or the
 * shared {@link DefaultEmbeddingModel}).
 */
public final class SemanticVoting implements Voting {

    /** The most characters of a cluster's display text. */
    static final int DISPLAY_LENGTH = 200;

    private final Supplier<EmbeddingModel> model;
    private final SemanticOptions options;

    /**
     * Returns the semantic vote.
     *
     * @param model supplies the embedding model, asked when the first candidate is embedded
     * @param options the thresholds
     * @throws NullPointerException if an argument is null
     */
    public SemanticVoting(Supplier<EmbeddingModel> model, SemanticOptions options) {
        this.model = Objects.requireNonNull(model, "model");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Returns the thresholds. */
    public SemanticOptions options() {
        return options;
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

    /** @throws NullPointerException if {@code conversation} is null */
    @Override
    public Counter open(Conversation conversation) {
        return new SemanticCounter(new AnswerMatcher(conversation.question(), model, options));
    }

    @Override
    public String toString() {
        return name();
    }

    /** One member of a cluster: the candidate's agent and its embedded answer. */
    private record Member(Candidate candidate, Embedded embedded) {
    }

    /** A cluster: its answer and its members in order of joining. Guarded by the counter's lock. */
    private static final class Cluster {
        final Answer answer;
        final List<Member> members = new ArrayList<>();

        Cluster(Answer answer) {
            this.answer = answer;
        }
    }

    /** The vote of one contemplation. */
    private static final class SemanticCounter implements Counter {

        private final AnswerMatcher matcher;
        private final Object lock = new Object();
        private final List<Cluster> clusters = new ArrayList<>();
        private final Map<Candidate, Member> members = new HashMap<>();

        SemanticCounter(AnswerMatcher matcher) {
            this.matcher = matcher;
        }

        @Override
        public Mono<Vote> cast(Candidate candidate) {
            Objects.requireNonNull(candidate, "candidate");
            if (candidate.text().isBlank()) {
                return Mono.fromSupplier(() -> new Vote(candidate.agent().id(), candidate.agent().ordinal(),
                        Optional.empty()));
            }
            return Mono.fromCallable(() -> matcher.prepare(candidate.text()))
                    .subscribeOn(Schedulers.boundedElastic())
                    .map(embedded -> assign(candidate, embedded));
        }

        private Vote assign(Candidate candidate, Embedded embedded) {
            Answer answer;
            synchronized (lock) {
                Cluster best = null;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (Cluster c : clusters) {
                    int agree = 0;
                    double sum = 0;
                    for (Member m : c.members) {
                        if (matcher.judge(embedded, m.embedded).same()) {
                            agree++;
                        }
                        sum += SameAnswerRule.cosine(embedded.vector(), m.embedded.vector());
                    }
                    double score = sum / c.members.size();
                    if (2 * agree >= c.members.size() && score > bestScore) {
                        best = c;
                        bestScore = score;
                    }
                }
                if (best == null) {
                    best = new Cluster(new Answer("c" + (clusters.size() + 1), display(candidate.text())));
                    clusters.add(best);
                }
                Member member = new Member(candidate, embedded);
                best.members.add(member);
                members.put(candidate, member);
                answer = best.answer;
            }
            return new Vote(candidate.agent().id(), candidate.agent().ordinal(), Optional.of(answer));
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

        /** The text of the member with the highest summed similarity to the others; ties to the lowest ordinal. */
        private Optional<String> medoid(List<Ballot> inCluster) {
            List<Ballot> byOrdinal = new ArrayList<>(inCluster);
            byOrdinal.sort(Comparator.comparingInt(b -> b.candidate().agent().ordinal()));
            List<Member> known = new ArrayList<>();
            synchronized (lock) {
                for (Ballot b : byOrdinal) {
                    Member m = members.get(b.candidate());
                    if (m != null) {
                        known.add(m);
                    }
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
                        sum += SameAnswerRule.cosine(m.embedded.vector(), o.embedded.vector());
                    }
                }
                if (sum > bestSum) {
                    best = m;
                    bestSum = sum;
                }
            }
            return Optional.of(best.candidate.text());
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

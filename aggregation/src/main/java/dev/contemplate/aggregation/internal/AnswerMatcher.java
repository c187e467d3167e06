package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.SemanticOptions;
import dev.contemplate.aggregation.internal.SameAnswerRule.Embedded;
import dev.contemplate.aggregation.internal.SameAnswerRule.Verdict;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Compares answers to one question: analyses and embeds each answer once ({@link #prepare}), then judges pairs with
 * {@link SameAnswerRule} ({@link #judge}), embedding the differing words of short answers on demand (memoised per
 * phrase). Public for benchmarks; {@link SemanticVoting} is its user. Thread-safe if the embedding model is; closes
 * nothing.
 */
public final class AnswerMatcher {

    /** The most characters of an answer part that are analysed and embedded: its first and last half of this. */
    static final int MAX_ANSWER_CHARS = 2_000;

    private final AnswerAnalyzer analyzer;
    private final Supplier<EmbeddingModel> model;
    private final SameAnswerRule rule;
    private final Map<String, float[]> phrases = new ConcurrentHashMap<>();

    /**
     * Returns a matcher for answers to {@code question}.
     *
     * @param question the question
     * @param model supplies the embedding model, asked on first use
     * @param options the thresholds
     * @throws NullPointerException if an argument is null
     */
    public AnswerMatcher(String question, Supplier<EmbeddingModel> model, SemanticOptions options) {
        this.analyzer = new AnswerAnalyzer(Objects.requireNonNull(question, "question"));
        this.model = Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        this.rule = new SameAnswerRule(options);
    }

    /**
     * Analyses the answer part of {@code text} ({@link AnswerAnalyzer#answerPart}; of a longer part, its first and
     * last 1,000 characters) and embeds its answer-bearing words (or the answer part itself when none are left).
     * Calls the embedding model once; blocking.
     *
     * @param text a non-blank answer text
     * @return the analysed, embedded answer, for {@link #judge}
     */
    public Embedded prepare(String text) {
        String part = AnswerAnalyzer.answerPart(text);
        if (part.length() > MAX_ANSWER_CHARS) {
            int half = MAX_ANSWER_CHARS / 2;
            int head = Character.isHighSurrogate(part.charAt(half - 1)) ? half - 1 : half;
            int tail = part.length() - half;
            tail = Character.isLowSurrogate(part.charAt(tail)) ? tail + 1 : tail;
            part = part.substring(0, head) + " … " + part.substring(tail);
        }
        Analysis analysis = analyzer.analyze(part);
        String basis = analysis.coreText().isBlank() ? part.strip() : analysis.coreText();
        return new Embedded(analysis, embed(basis.isEmpty() ? text.strip() : basis));
    }

    /**
     * Judges whether {@code a} and {@code b} give the same answer. May call the embedding model (blocking) for the
     * differing words of two short answers, once per phrase: call it where blocking is allowed.
     *
     * @param a a prepared answer
     * @param b another prepared answer to the same question
     * @return the verdict
     */
    Verdict judge(Embedded a, Embedded b) {
        return rule.judge(a, b, this::phrase);
    }

    /** Returns the embedding of a short phrase, memoised; embeds outside the map so that no map lock is held. */
    private float[] phrase(String text) {
        float[] v = phrases.get(text);
        if (v == null) {
            v = embed(text);
            float[] prior = phrases.putIfAbsent(text, v);
            if (prior != null) {
                v = prior;
            }
        }
        return v;
    }

    private float[] embed(String text) {
        float[] v = model.get().embed(text).content().vector();
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        if (norm == 0 || Math.abs(norm - 1) < 1e-6) {
            return v;
        }
        float[] u = new float[v.length];
        double inv = 1 / Math.sqrt(norm);
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (v[i] * inv);
        }
        return u;
    }
}

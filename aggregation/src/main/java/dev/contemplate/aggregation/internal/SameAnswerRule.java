package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.SemanticOptions;
import dev.contemplate.aggregation.internal.Analysis.Polarity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Decides whether two answers to one question give the same answer; {@link SemanticVoting} documents the rule.
 * Immutable and thread-safe.
 *
 * @param options the thresholds
 */
record SameAnswerRule(SemanticOptions options) {

    /** @throws NullPointerException if {@code options} is null */
    SameAnswerRule {
        Objects.requireNonNull(options, "options");
    }

    /** Why two answers were judged the same or different. */
    enum Reason {
        /** Opposite yes/no. */
        POLARITY,
        /** One negates what the other asserts. */
        NEGATION,
        /** Each has a number, code literal or option that the other lacks. */
        VALUE,
        /** One asserts nothing (only negations: "I don't know", "I'm not sure"), the other does. */
        NON_ANSWER,
        /** What one says, the other says too (and maybe more). */
        SUBSET,
        /** Each names something (a proper noun) that the other does not. */
        NAME,
        /** Short answers whose differing words embed alike (same) or apart (different). */
        SUBSTITUTION,
        /** Answers whose answer-bearing texts embed alike (same) or apart (different). */
        SIMILARITY
    }

    /**
     * A verdict.
     *
     * @param same whether the two answers are the same answer
     * @param reason the step of the rule that decided
     * @param score the cosine similarity that decided, or NaN when no similarity was involved
     */
    record Verdict(boolean same, Reason reason, double score) {
    }

    /**
     * One analysed and embedded answer.
     *
     * @param analysis the answer's tokens
     * @param vector the embedding of its answer-bearing text ({@link Analysis#coreText()}, or the whole text when
     *     that is empty), L2-normalised; never modified
     */
    record Embedded(Analysis analysis, float[] vector) {
    }

    /**
     * Judges {@code a} against {@code b}. Symmetric.
     *
     * @param a an answer
     * @param b another answer to the same question
     * @param phrases embeds a short phrase (L2-normalised); called only for answers that differ in a few words
     * @return the verdict
     */
    Verdict judge(Embedded a, Embedded b, Function<String, float[]> phrases) {
        Analysis x = a.analysis();
        Analysis y = b.analysis();
        if (x.polarity() != Polarity.NONE && y.polarity() != Polarity.NONE && x.polarity() != y.polarity()) {
            return new Verdict(false, Reason.POLARITY, Double.NaN);
        }
        if (intersects(x.asserted(), y.negated()) || intersects(x.negated(), y.asserted())) {
            return new Verdict(false, Reason.NEGATION, Double.NaN);
        }
        if (twoSided(values(x), values(y), SameAnswerRule::valuesMatch)) {
            return new Verdict(false, Reason.VALUE, Double.NaN);
        }
        if (nonAnswer(x) != nonAnswer(y)) {
            return new Verdict(false, Reason.NON_ANSWER, Double.NaN);
        }
        Set<String> dx = minus(x.core(), y.tokens());
        Set<String> dy = minus(y.core(), x.tokens());
        if (dx.isEmpty() || dy.isEmpty()) {
            return new Verdict(true, Reason.SUBSET, Double.NaN);
        }
        if (intersects(dx, x.proper()) && intersects(dy, y.proper())) {
            return new Verdict(false, Reason.NAME, Double.NaN);
        }
        int shortTokens = options.shortAnswerTokens();
        if (Math.min(dx.size(), dy.size()) <= 1 && x.length() <= shortTokens && y.length() <= shortTokens) {
            double s = cosine(phrases.apply(x.phrase(dx)), phrases.apply(y.phrase(dy)));
            return new Verdict(s >= options.synonymSimilarity(), Reason.SUBSTITUTION, s);
        }
        double s = cosine(a.vector(), b.vector());
        return new Verdict(s >= options.similarity(), Reason.SIMILARITY, s);
    }

    /** Returns the cosine similarity of two L2-normalised vectors. */
    static double cosine(float[] u, float[] v) {
        double dot = 0;
        for (int i = 0; i < u.length; i++) {
            dot += (double) u[i] * v[i];
        }
        return dot;
    }

    /** An answer that asserts nothing: no yes or no, nothing said positively, something negated. */
    private static boolean nonAnswer(Analysis a) {
        return a.polarity() == Polarity.NONE && a.asserted().isEmpty() && !a.negated().isEmpty();
    }

    private static Set<String> values(Analysis a) {
        Set<String> v = new LinkedHashSet<>(a.numbers());
        v.addAll(a.literals());
        v.addAll(a.options());
        return v;
    }

    private static boolean intersects(Set<String> a, Set<String> b) {
        for (String s : a) {
            if (b.contains(s)) {
                return true;
            }
        }
        return false;
    }

    /** Whether each set has an element that matches none of the other's (both non-empty). */
    private static boolean twoSided(Set<String> a, Set<String> b, BiPredicate<String, String> match) {
        return !a.isEmpty() && !b.isEmpty() && unmatched(a, b, match) && unmatched(b, a, match);
    }

    private static boolean unmatched(Set<String> a, Set<String> b, BiPredicate<String, String> match) {
        for (String x : a) {
            boolean matched = false;
            for (String y : b) {
                if (match.test(x, y)) {
                    matched = true;
                    break;
                }
            }
            if (!matched) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether two value tokens say the same: equal; numbers of equal value where at most one names a unit; or code
     * literals where the identifiers of one are a contiguous run of the other's holding a name of three letters or
     * more ({@code equals()} in {@code a.equals(b)}; but {@code o(n)} is not in {@code o(nlogn)}).
     */
    static boolean valuesMatch(String x, String y) {
        if (x.equals(y)) {
            return true;
        }
        if (x.startsWith("#") && y.startsWith("#")) {
            String[] u = x.split(" ", 2);
            String[] v = y.split(" ", 2);
            return u[0].equals(v[0]) && (u.length == 1 || v.length == 1);
        }
        if (x.startsWith("`") && y.startsWith("`")) {
            List<String> ix = identifiers(x);
            List<String> iy = identifiers(y);
            return containsRun(ix, iy) || containsRun(iy, ix);
        }
        return false;
    }

    private static boolean containsRun(List<String> outer, List<String> inner) {
        if (inner.isEmpty() || inner.size() > outer.size() || inner.stream().noneMatch(s -> s.length() >= 3)) {
            return false;
        }
        return Collections.indexOfSubList(outer, inner) >= 0;
    }

    private static List<String> identifiers(String literal) {
        List<String> out = new ArrayList<>();
        for (String s : literal.substring(1).split("[^\\p{L}\\p{N}_]+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Returns the tokens of {@code a} that {@code b} lacks, words compared with {@link Stemmer#sameWord}. */
    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> d = new LinkedHashSet<>();
        for (String t : a) {
            if (b.contains(t)) {
                continue;
            }
            boolean found = false;
            for (String u : b) {
                if (Stemmer.sameWord(t, u) || valuesMatch(t, u)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                d.add(t);
            }
        }
        return Collections.unmodifiableSet(d);
    }
}

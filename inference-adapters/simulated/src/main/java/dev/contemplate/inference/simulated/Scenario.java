package dev.contemplate.inference.simulated;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link SimulatedEngine} does for one question: which answers it gives and how often, how often it fails,
 * how long its texts are and how fast their tokens arrive.
 *
 * <p>Each generation draws one outcome: answer {@code a} with probability {@code answers.get(a)}, a failure with
 * probability {@link #failureProbability()}, and otherwise (the rest of the mass, {@link #noAnswerProbability()})
 * a text without an answer. The text has a length drawn uniformly from {@code [minOutputTokens, maxOutputTokens]},
 * or from the answer's own range in {@link #answerOutputTokens()} (wrong chains of thought are often longer than
 * right ones), but never shorter than its final sentence. Its first token arrives after {@link #firstTokenLatency()}, each
 * later token after a log-normal delay: {@code exp(mu + sigma * Z)} milliseconds with {@code Z} standard normal,
 * so {@code exp(mu)} is the median delay. A failure arrives after the first-token latency, with no text.
 *
 * <p><b>Free-form answers.</b> An answer may have {@linkplain #answerPhrasings() phrasings}: several ways of writing
 * it ({@code "The capital of Australia is Canberra."}, {@code "Canberra is Australia's capital."}). When such an
 * answer is drawn, the text is one of its phrasings, picked uniformly by the sample's seed, and nothing else (no
 * reasoning steps, no {@code "The answer is ..."} sentence); its length is the phrasing's. The answer itself then only
 * names the set of phrasings, the way a grader would label them. Several answers with phrasings (a right one, a
 * near miss, an unrelated one) make a free-form question on which a semantic vote has paraphrases to merge and
 * near misses to keep apart.
 *
 * @param answers answer text to probability, in the order outcomes are drawn; answers are not blank, probabilities
 *     are in [0, 1]
 * @param failureProbability the probability of a (retryable) engine failure, in [0, 1]
 * @param firstTokenLatency time from subscription to the first token (or to the failure), zero or more
 * @param perTokenLogMeanMillis {@code mu}: the mean of the logarithm of the per-token delay in milliseconds
 * @param perTokenLogSigma {@code sigma}: the standard deviation of that logarithm, zero or more
 * @param minOutputTokens the fewest tokens of a text, at least 1
 * @param maxOutputTokens the most tokens of a text, at least {@code minOutputTokens}
 * @param answerOutputTokens the text lengths of particular answers, overriding the range above; every key is one
 *     of {@code answers}. An answer with phrasings is as long as the phrasing drawn, whatever its range.
 * @param answerPhrasings the phrasings of free-form answers: answer to its phrasings (at least one, none blank), each
 *     a complete text; every key is one of {@code answers}. An answer that is not a key is written as
 *     {@code "The answer is <answer>."} after reasoning steps.
 */
public record Scenario(Map<String, Double> answers, double failureProbability, Duration firstTokenLatency,
        double perTokenLogMeanMillis, double perTokenLogSigma, int minOutputTokens, int maxOutputTokens,
        Map<String, TokenRange> answerOutputTokens, Map<String, List<String>> answerPhrasings) {

    /**
     * A range of text lengths in tokens, drawn uniformly.
     *
     * @param min the fewest tokens, at least 1
     * @param max the most tokens, at least {@code min}
     */
    public record TokenRange(int min, int max) {
        /** @throws IllegalArgumentException if {@code min < 1} or {@code max < min} */
        public TokenRange {
            if (min < 1) {
                throw new IllegalArgumentException("the fewest output tokens must be >= 1 but was " + min);
            }
            if (max < min) {
                throw new IllegalArgumentException("the most output tokens must be >= " + min + " but was " + max);
            }
        }
    }

    /** The slack allowed when checking that probabilities sum to at most 1. */
    private static final double EPSILON = 1e-9;

    /** The first-token latency of {@link #builder()}: 200 ms. */
    public static final Duration DEFAULT_FIRST_TOKEN_LATENCY = Duration.ofMillis(200);

    /** The median per-token delay of {@link #builder()}: 20 ms. */
    public static final Duration DEFAULT_MEDIAN_TOKEN_LATENCY = Duration.ofMillis(20);

    /** The log-sigma of the per-token delay of {@link #builder()}. */
    public static final double DEFAULT_TOKEN_LATENCY_SIGMA = 0.3;

    /** The fewest output tokens of {@link #builder()}. */
    public static final int DEFAULT_MIN_OUTPUT_TOKENS = 16;

    /** The most output tokens of {@link #builder()}. */
    public static final int DEFAULT_MAX_OUTPUT_TOKENS = 48;

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException naming the bad value: a blank answer, a probability outside [0, 1],
     *     probabilities that sum to more than 1, a negative latency, a non-finite {@code mu}, a negative or
     *     non-finite {@code sigma}, bad token counts, a length or phrasings for an answer that is not in
     *     {@code answers}, an empty list of phrasings, or a blank phrasing
     * @throws NullPointerException if a component, an answer, a probability or a phrasing is null
     */
    public Scenario {
        Objects.requireNonNull(answers, "answers");
        Objects.requireNonNull(firstTokenLatency, "firstTokenLatency");
        Map<String, Double> copy = new LinkedHashMap<>();
        double sum = 0;
        for (Map.Entry<String, Double> e : answers.entrySet()) {
            String answer = Objects.requireNonNull(e.getKey(), "answer");
            double p = Objects.requireNonNull(e.getValue(), "probability of answer '" + answer + "'");
            if (answer.isBlank()) {
                throw new IllegalArgumentException("answers must not be blank");
            }
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probability of answer '" + answer + "' must be in [0, 1] but was "
                        + p);
            }
            copy.put(answer, p);
            sum += p;
        }
        if (!(failureProbability >= 0 && failureProbability <= 1)) {
            throw new IllegalArgumentException("failureProbability must be in [0, 1] but was " + failureProbability);
        }
        sum += failureProbability;
        if (sum > 1 + EPSILON) {
            throw new IllegalArgumentException("answer and failure probabilities must sum to at most 1 but sum to "
                    + sum);
        }
        if (firstTokenLatency.isNegative()) {
            throw new IllegalArgumentException("firstTokenLatency must not be negative but was " + firstTokenLatency);
        }
        if (!Double.isFinite(perTokenLogMeanMillis)) {
            throw new IllegalArgumentException("perTokenLogMeanMillis must be finite but was "
                    + perTokenLogMeanMillis);
        }
        if (!(perTokenLogSigma >= 0) || Double.isInfinite(perTokenLogSigma)) {
            throw new IllegalArgumentException("perTokenLogSigma must be finite and >= 0 but was " + perTokenLogSigma);
        }
        if (minOutputTokens < 1) {
            throw new IllegalArgumentException("minOutputTokens must be >= 1 but was " + minOutputTokens);
        }
        if (maxOutputTokens < minOutputTokens) {
            throw new IllegalArgumentException("maxOutputTokens must be >= minOutputTokens (" + minOutputTokens
                    + ") but was " + maxOutputTokens);
        }
        answers = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(answerOutputTokens, "answerOutputTokens");
        Map<String, TokenRange> lengths = new LinkedHashMap<>();
        for (Map.Entry<String, TokenRange> e : answerOutputTokens.entrySet()) {
            if (!answers.containsKey(e.getKey())) {
                throw new IllegalArgumentException("output tokens are set for answer '" + e.getKey()
                        + "', which is not one of the answers " + answers.keySet());
            }
            lengths.put(e.getKey(), Objects.requireNonNull(e.getValue(), "output tokens of '" + e.getKey() + "'"));
        }
        answerOutputTokens = Collections.unmodifiableMap(lengths);
        Objects.requireNonNull(answerPhrasings, "answerPhrasings");
        Map<String, List<String>> phrased = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : answerPhrasings.entrySet()) {
            String answer = Objects.requireNonNull(e.getKey(), "answer of phrasings");
            if (!answers.containsKey(answer)) {
                throw new IllegalArgumentException("phrasings are set for answer '" + answer
                        + "', which is not one of the answers " + answers.keySet());
            }
            List<String> list = List.copyOf(Objects.requireNonNull(e.getValue(), "phrasings of '" + answer + "'"));
            if (list.isEmpty()) {
                throw new IllegalArgumentException("answer '" + answer + "' needs at least one phrasing");
            }
            for (String phrasing : list) {
                if (phrasing.isBlank()) {
                    throw new IllegalArgumentException("a phrasing of answer '" + answer + "' is blank");
                }
            }
            phrased.put(answer, list);
        }
        answerPhrasings = Collections.unmodifiableMap(phrased);
    }

    /**
     * Returns a scenario whose answers have no phrasings: every answer is written as {@code "The answer is
     * <answer>."} after reasoning steps.
     *
     * @throws IllegalArgumentException as the canonical constructor does
     * @throws NullPointerException as the canonical constructor does
     */
    public Scenario(Map<String, Double> answers, double failureProbability, Duration firstTokenLatency,
            double perTokenLogMeanMillis, double perTokenLogSigma, int minOutputTokens, int maxOutputTokens,
            Map<String, TokenRange> answerOutputTokens) {
        this(answers, failureProbability, firstTokenLatency, perTokenLogMeanMillis, perTokenLogSigma, minOutputTokens,
                maxOutputTokens, answerOutputTokens, Map.of());
    }

    /** Returns a builder with no answers, no failures and the default latencies and lengths. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a scenario that gives {@code answer} with probability {@code probability} and no answer otherwise,
     * with the default latencies and lengths.
     *
     * @throws IllegalArgumentException if {@code answer} is blank or {@code probability} is outside [0, 1]
     */
    public static Scenario answering(String answer, double probability) {
        return builder().answer(answer, probability).build();
    }

    /** Returns the probability of a text without an answer: what the answers and failures leave. */
    public double noAnswerProbability() {
        double sum = failureProbability;
        for (double p : answers.values()) {
            sum += p;
        }
        return Math.max(0, 1 - sum);
    }

    /** Returns the probability of {@code answer}, 0 for an answer this scenario never gives. */
    public double probability(String answer) {
        return answers.getOrDefault(answer, 0.0);
    }

    /**
     * Returns the text lengths of {@code answer}: its own range, else the scenario's.
     *
     * @param answer one of the answers, or null for a text without an answer
     */
    public TokenRange outputTokens(@Nullable String answer) {
        TokenRange own = answer == null ? null : answerOutputTokens.get(answer);
        return own != null ? own : new TokenRange(minOutputTokens, maxOutputTokens);
    }

    /**
     * Returns the phrasings of {@code answer}, in the order they were given; empty for an answer without phrasings
     * (written as {@code "The answer is <answer>."}) and for an answer this scenario never gives.
     */
    public List<String> phrasings(String answer) {
        return answerPhrasings.getOrDefault(Objects.requireNonNull(answer, "answer"), List.of());
    }

    /** Returns the median per-token delay, {@code exp(mu)} milliseconds. */
    public Duration medianTokenLatency() {
        return Duration.ofNanos(Math.round(Math.exp(perTokenLogMeanMillis) * 1_000_000));
    }

    /** Returns a builder starting from this scenario. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.answers.putAll(answers);
        b.failureProbability = failureProbability;
        b.firstTokenLatency = firstTokenLatency;
        b.mu = perTokenLogMeanMillis;
        b.sigma = perTokenLogSigma;
        b.minOutputTokens = minOutputTokens;
        b.maxOutputTokens = maxOutputTokens;
        b.answerOutputTokens.putAll(answerOutputTokens);
        b.answerPhrasings.putAll(answerPhrasings);
        return b;
    }

    /** Builds a {@link Scenario}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Double> answers = new LinkedHashMap<>();
        private final Map<String, TokenRange> answerOutputTokens = new LinkedHashMap<>();
        private final Map<String, List<String>> answerPhrasings = new LinkedHashMap<>();
        private double failureProbability;
        private Duration firstTokenLatency = DEFAULT_FIRST_TOKEN_LATENCY;
        private double mu = Math.log(DEFAULT_MEDIAN_TOKEN_LATENCY.toMillis());
        private double sigma = DEFAULT_TOKEN_LATENCY_SIGMA;
        private int minOutputTokens = DEFAULT_MIN_OUTPUT_TOKENS;
        private int maxOutputTokens = DEFAULT_MAX_OUTPUT_TOKENS;

        private Builder() {
        }

        /**
         * Adds an answer and its probability; answers are drawn in the order they are added.
         *
         * @throws IllegalArgumentException if the answer was added before
         */
        public Builder answer(String answer, double probability) {
            Objects.requireNonNull(answer, "answer");
            if (answers.containsKey(answer)) {
                throw new IllegalArgumentException("answer '" + answer + "' was added twice");
            }
            answers.put(answer, probability);
            return this;
        }

        /**
         * Adds an answer, its probability and its own text length, drawn uniformly from {@code [minTokens,
         * maxTokens]}.
         *
         * @throws IllegalArgumentException if the answer was added before, or the range is invalid
         */
        public Builder answer(String answer, double probability, int minTokens, int maxTokens) {
            TokenRange range = new TokenRange(minTokens, maxTokens);
            answer(answer, probability);
            answerOutputTokens.put(answer, range);
            return this;
        }

        /**
         * Adds a free-form answer, its probability and its phrasings: when the answer is drawn, the text is one of
         * {@code phrasings}, picked uniformly by the sample's seed (the first at temperature 0). {@code answer}
         * names the set, e.g. {@code "Canberra"} for {@code "The capital of Australia is Canberra."} and
         * {@code "Canberra is Australia's capital."}.
         *
         * @param answer the answer's name, not blank
         * @param probability its probability, in [0, 1]
         * @param phrasings the texts that state it, at least one, none blank; copied
         * @throws IllegalArgumentException if the answer was added before or {@code phrasings} is empty or has a
         *     blank phrasing ({@link #build()} checks the probability and the name)
         * @throws NullPointerException if {@code answer}, {@code phrasings} or a phrasing is null
         */
        public Builder answer(String answer, double probability, List<String> phrasings) {
            Objects.requireNonNull(answer, "answer");
            List<String> copy = List.copyOf(Objects.requireNonNull(phrasings, "phrasings"));
            if (copy.isEmpty()) {
                throw new IllegalArgumentException("answer '" + answer + "' needs at least one phrasing");
            }
            for (String phrasing : copy) {
                if (phrasing.isBlank()) {
                    throw new IllegalArgumentException("a phrasing of answer '" + answer + "' is blank");
                }
            }
            answer(answer, probability);
            answerPhrasings.put(answer, copy);
            return this;
        }

        /** Adds answers and their probabilities, in the map's iteration order. */
        public Builder answers(Map<String, Double> value) {
            Objects.requireNonNull(value, "answers").forEach(this::answer);
            return this;
        }

        /** Sets the probability of a retryable engine failure (default 0). */
        public Builder failureProbability(double value) {
            this.failureProbability = value;
            return this;
        }

        /** Sets the time to the first token (default 200 ms). */
        public Builder firstTokenLatency(Duration value) {
            this.firstTokenLatency = Objects.requireNonNull(value, "firstTokenLatency");
            return this;
        }

        /**
         * Sets the log-normal per-token delay by its parameters: {@code exp(mu + sigma * Z)} milliseconds.
         *
         * @param logMeanMillis {@code mu}, the mean of the logarithm of the delay in milliseconds
         * @param logSigma {@code sigma}, the standard deviation of that logarithm (0 for a constant delay)
         */
        public Builder perTokenLatency(double logMeanMillis, double logSigma) {
            this.mu = logMeanMillis;
            this.sigma = logSigma;
            return this;
        }

        /**
         * Sets the log-normal per-token delay by its median: {@code mu = ln(median in ms)} (default: median 20 ms,
         * sigma 0.3).
         *
         * @throws IllegalArgumentException if {@code median} is not positive
         */
        public Builder medianTokenLatency(Duration median, double logSigma) {
            Objects.requireNonNull(median, "median");
            if (median.isNegative() || median.isZero()) {
                throw new IllegalArgumentException("median token latency must be positive but was " + median);
            }
            this.mu = Math.log(median.toNanos() / 1e6);
            this.sigma = logSigma;
            return this;
        }

        /** Sets a fixed text length in tokens (default: uniform in 16..48). */
        public Builder outputTokens(int tokens) {
            return outputTokens(tokens, tokens);
        }

        /** Sets the text length, drawn uniformly from {@code [min, max]} tokens. */
        public Builder outputTokens(int min, int max) {
            this.minOutputTokens = min;
            this.maxOutputTokens = max;
            return this;
        }

        /**
         * Returns the scenario.
         *
         * @throws IllegalArgumentException naming the bad value, as {@link Scenario#Scenario} does
         */
        public Scenario build() {
            return new Scenario(answers, failureProbability, firstTokenLatency, mu, sigma, minOutputTokens,
                    maxOutputTokens, answerOutputTokens, answerPhrasings);
        }
    }
}

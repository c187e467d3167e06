package dev.contemplate.aggregation;

/**
 * Thresholds of the semantic vote ({@link Votings#semantic(dev.langchain4j.model.embedding.EmbeddingModel,
 * SemanticOptions)}). The defaults were tuned on half of a labelled set of answer pairs with the default embedding
 * model (all-MiniLM-L6-v2, quantised); another model needs its own. Immutable and thread-safe.
 *
 * @param similarity the least cosine similarity of the embedded answer-bearing texts (the answers less stopwords and
 *     words of the question) for two answers that differ in several words each to count as the same answer; in
 *     [0, 1]
 * @param synonymSimilarity the least cosine similarity of the embedded differing words of two short answers that
 *     differ in one word for those words to count as synonyms rather than a different answer ({@code "Lyon"} for
 *     {@code "Paris"}); in [0, 1]
 * @param shortAnswerTokens the most content words (and numbers) an answer may have to count as short, at least 1
 */
public record SemanticOptions(double similarity, double synonymSimilarity, int shortAnswerTokens) {

    private static final SemanticOptions DEFAULTS = new SemanticOptions(0.56, 0.9, 8);

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException naming the component and its value if a similarity is not in [0, 1] or
     *     {@code shortAnswerTokens} is below 1
     */
    public SemanticOptions {
        requireUnit("similarity", similarity);
        requireUnit("synonymSimilarity", synonymSimilarity);
        if (shortAnswerTokens < 1) {
            throw new IllegalArgumentException("shortAnswerTokens must be >= 1 but was " + shortAnswerTokens);
        }
    }

    /** Returns the defaults: similarity 0.56, synonym similarity 0.9, short answers up to 8 content words. */
    public static SemanticOptions defaults() {
        return DEFAULTS;
    }

    /** Returns a builder starting from the {@link #defaults()}. */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** Returns a builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void requireUnit(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1] but was " + value);
        }
    }

    /** Builds {@link SemanticOptions}; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private double similarity;
        private double synonymSimilarity;
        private int shortAnswerTokens;

        private Builder(SemanticOptions from) {
            this.similarity = from.similarity;
            this.synonymSimilarity = from.synonymSimilarity;
            this.shortAnswerTokens = from.shortAnswerTokens;
        }

        /** Sets {@link SemanticOptions#similarity()}. */
        public Builder similarity(double value) {
            this.similarity = value;
            return this;
        }

        /** Sets {@link SemanticOptions#synonymSimilarity()}. */
        public Builder synonymSimilarity(double value) {
            this.synonymSimilarity = value;
            return this;
        }

        /** Sets {@link SemanticOptions#shortAnswerTokens()}. */
        public Builder shortAnswerTokens(int value) {
            this.shortAnswerTokens = value;
            return this;
        }

        /**
         * Returns the options.
         *
         * @throws IllegalArgumentException naming the component and its value if one is out of range
         */
        public SemanticOptions build() {
            return new SemanticOptions(similarity, synonymSimilarity, shortAnswerTokens);
        }
    }
}

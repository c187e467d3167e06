package dev.contemplate.inference;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How to sample one sequence. Build one with {@link #builder()}; {@link #defaults()} is temperature 1, top-p 1,
 * no top-k, 256 tokens, no stop sequences and no seed.
 *
 * @param temperature softmax temperature, 0 means greedy decoding
 * @param topP nucleus sampling mass in (0, 1]
 * @param topK keep only the k most likely tokens, 0 means no limit (engines that cannot do it ignore it)
 * @param maxTokens the most tokens to generate, at least 1
 * @param stop stop sequences; generation ends before the first one produced
 * @param seed the sampling seed, or empty for none
 */
public record SamplingParameters(double temperature, double topP, int topK, int maxTokens, List<String> stop,
        OptionalLong seed) {

    private static final SamplingParameters DEFAULTS = builder().build();

    /**
     * Validates the components and copies {@code stop}.
     *
     * @throws IllegalArgumentException naming the bad value if a parameter is out of range
     * @throws NullPointerException if {@code stop}, one of its elements, or {@code seed} is null
     */
    public SamplingParameters {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0 but was " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] but was " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = no limit) but was " + topK);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1 but was " + maxTokens);
        }
        stop = List.copyOf(stop);
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must not be empty");
            }
        }
        Objects.requireNonNull(seed, "seed");
    }

    /** Returns the default parameters. */
    public static SamplingParameters defaults() {
        return DEFAULTS;
    }

    /** Returns a builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder starting from these parameters. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.temperature = temperature;
        b.topP = topP;
        b.topK = topK;
        b.maxTokens = maxTokens;
        b.stop = stop;
        b.seed = seed;
        return b;
    }

    /** Returns a copy with another seed. */
    public SamplingParameters withSeed(OptionalLong newSeed) {
        return new SamplingParameters(temperature, topP, topK, maxTokens, stop, newSeed);
    }

    /**
     * Returns the parameters of member {@code i} of a group that shares these parameters (sample {@code i} of several
     * samples of one request, agent {@code i} of a team): the seed becomes {@code seed + i}, so that the members
     * differ and each is reproducible; unseeded parameters are returned unchanged. This is the project's one seeding
     * rule.
     *
     * @param i the member's index, 0 or more
     * @throws IllegalArgumentException if {@code i} is negative
     */
    public SamplingParameters forMember(int i) {
        if (i < 0) {
            throw new IllegalArgumentException("member index must be >= 0 but was " + i);
        }
        return seed.isPresent() && i != 0 ? withSeed(OptionalLong.of(seed.getAsLong() + i)) : this;
    }

    /** Builds {@link SamplingParameters}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private double temperature = 1.0;
        private double topP = 1.0;
        private int topK = 0;
        private int maxTokens = 256;
        private List<String> stop = List.of();
        private OptionalLong seed = OptionalLong.empty();

        private Builder() {
        }

        /** Sets the temperature (0 = greedy). */
        public Builder temperature(double value) {
            this.temperature = value;
            return this;
        }

        /** Sets the nucleus mass in (0, 1]. */
        public Builder topP(double value) {
            this.topP = value;
            return this;
        }

        /** Sets top-k (0 = no limit). */
        public Builder topK(int value) {
            this.topK = value;
            return this;
        }

        /** Sets the token limit (>= 1). */
        public Builder maxTokens(int value) {
            this.maxTokens = value;
            return this;
        }

        /** Sets the stop sequences. */
        public Builder stop(List<String> value) {
            this.stop = Objects.requireNonNull(value, "stop");
            return this;
        }

        /** Sets the seed. */
        public Builder seed(long value) {
            this.seed = OptionalLong.of(value);
            return this;
        }

        /** Removes the seed. */
        public Builder noSeed() {
            this.seed = OptionalLong.empty();
            return this;
        }

        /**
         * Returns the parameters.
         *
         * @throws IllegalArgumentException naming the bad value if one is out of range
         */
        public SamplingParameters build() {
            return new SamplingParameters(temperature, topP, topK, maxTokens, stop, seed);
        }
    }
}

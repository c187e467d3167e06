package dev.contemplate.inference;

import java.util.Arrays;

/**
 * The natural-log probability the model gave to each token it generated, in order: the raw distribution's
 * {@code log p(token | prefix)} before temperature, top-k or top-p, so that samples drawn at different temperatures
 * are comparable. Immutable; values are finite and at most 0.
 *
 * <p>The summaries follow DeepConf (Fu et al., 2025, "Deep Think with Confidence"): {@link #mean()} is the average
 * log-probability of the trace, {@link #lowestGroupMean(int)} the lowest average over a sliding window of tokens, which
 * exposes a trace that was confident overall but guessed at one step.
 */
public final class TokenLogprobs {

    private static final TokenLogprobs EMPTY = new TokenLogprobs(new double[0]);

    private final double[] values;

    private TokenLogprobs(double[] values) {
        this.values = values;
    }

    /**
     * Returns the log-probabilities {@code values}, copied.
     *
     * @throws IllegalArgumentException naming the first value that is NaN, infinite or positive
     */
    public static TokenLogprobs of(double... values) {
        double[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            double v = copy[i];
            if (!(v <= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("log-probability " + i + " must be finite and <= 0 but was " + v);
            }
        }
        return copy.length == 0 ? EMPTY : new TokenLogprobs(copy);
    }

    /** Returns the empty sequence. */
    public static TokenLogprobs empty() {
        return EMPTY;
    }

    /** Returns how many tokens are covered. */
    public int size() {
        return values.length;
    }

    /** Returns whether no token is covered. */
    public boolean isEmpty() {
        return values.length == 0;
    }

    /**
     * Returns the log-probability of token {@code i}.
     *
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, size())}
     */
    public double get(int i) {
        return values[i];
    }

    /** Returns a copy of the values. */
    public double[] toArray() {
        return values.clone();
    }

    /** Returns the sum of the log-probabilities: the log-probability of the whole text; 0 when empty. */
    public double sum() {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    /** Returns the mean log-probability per token; 0 when empty. */
    public double mean() {
        return values.length == 0 ? 0 : sum() / values.length;
    }

    /**
     * Returns the lowest mean log-probability over any {@code window} consecutive tokens (the whole text when it is
     * shorter than the window); 0 when empty.
     *
     * @throws IllegalArgumentException if {@code window} is below 1
     */
    public double lowestGroupMean(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1 but was " + window);
        }
        if (values.length == 0) {
            return 0;
        }
        int w = Math.min(window, values.length);
        double s = 0;
        for (int i = 0; i < w; i++) {
            s += values[i];
        }
        double lowest = s;
        for (int i = w; i < values.length; i++) {
            s += values[i] - values[i - w];
            lowest = Math.min(lowest, s);
        }
        return lowest / w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenLogprobs t && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "TokenLogprobs[" + values.length + " tokens, mean " + mean() + "]";
    }
}

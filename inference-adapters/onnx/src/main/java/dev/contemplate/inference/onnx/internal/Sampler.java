package dev.contemplate.inference.onnx.internal;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Picks the next token from one row of logits: greedy at temperature 0, otherwise softmax at the temperature,
 * restricted to the top-k tokens and then to the top-p nucleus, sampled with the sequence's own random generator.
 *
 * <p>The choice depends only on the logits and the sequence's generator (one {@code nextDouble()} per sampled
 * token), never on other rows. Ties are broken towards the lower token id. {@link #logSumExp(FloatBuffer, int)} and
 * {@link #logprob(float, double)} give a picked token's log-probability under the raw distribution (temperature 1,
 * no top-k or top-p), whatever the sampling parameters. Not thread-safe (scratch arrays).
 */
public final class Sampler {

    /** The log-probability recorded for a token whose logit is NaN or infinite: the lowest finite float. */
    public static final double NO_LOGPROB = -Float.MAX_VALUE;

    private final int vocab;
    private final double[] weights;
    private final long[] order;

    /**
     * Creates a sampler.
     *
     * @param vocab the vocabulary size
     */
    public Sampler(int vocab) {
        this.vocab = vocab;
        this.weights = new double[vocab];
        this.order = new long[vocab];
    }

    /**
     * Picks a token.
     *
     * @param logits the logits buffer
     * @param offset where this row's {@code vocab} logits start
     * @param temperature 0 for greedy, else the softmax temperature
     * @param topK keep only the k most likely tokens, 0 for all
     * @param topP keep the smallest set of most likely tokens whose mass reaches topP, 1 for all
     * @param random the sequence's generator; only used when {@code temperature > 0}
     * @return the token id
     */
    public int pick(FloatBuffer logits, int offset, double temperature, int topK, double topP,
            @Nullable SplittableRandom random) {
        if (temperature == 0 || random == null) {
            return argmax(logits, offset);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < vocab; j++) {
            float l = logits.get(offset + j);
            if (l > max) {
                max = l;
            }
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return argmax(logits, offset);
        }
        for (int j = 0; j < vocab; j++) {
            float l = logits.get(offset + j);
            weights[j] = l == l ? Math.exp((l - max) / temperature) : 0.0;
        }
        boolean restrict = (topK > 0 && topK < vocab) || topP < 1.0;
        if (!restrict) {
            double total = 0;
            for (int j = 0; j < vocab; j++) {
                total += weights[j];
            }
            double u = random.nextDouble() * total;
            double acc = 0;
            int last = 0;
            for (int j = 0; j < vocab; j++) {
                if (weights[j] > 0) {
                    acc += weights[j];
                    last = j;
                    if (u < acc) {
                        return j;
                    }
                }
            }
            return last;
        }
        // order by weight descending (at float precision), then id ascending: the bits of a float >= 0 order like
        // its value, so the inverted bits in the high half and the id in the low half sort as wanted
        for (int j = 0; j < vocab; j++) {
            order[j] = ((long) (~Float.floatToIntBits((float) weights[j]) & 0x7FFF_FFFF) << 32) | j;
        }
        Arrays.sort(order);
        int keep = topK > 0 ? Math.min(topK, vocab) : vocab;
        double total = 0;
        for (int i = 0; i < keep; i++) {
            total += weights[(int) order[i]];
        }
        if (topP < 1.0) {
            double acc = 0;
            int n = 0;
            while (n < keep) {
                acc += weights[(int) order[n]];
                n++;
                if (acc >= topP * total) {
                    break;
                }
            }
            keep = n;
            total = acc;
        }
        double u = random.nextDouble() * total;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            int j = (int) order[i];
            acc += weights[j];
            if (u < acc) {
                return j;
            }
        }
        return (int) order[keep - 1];
    }

    /**
     * Returns the log of the sum of the exponentials of one row's logits, NaN logits left out: the normaliser of the
     * model's raw distribution (softmax at temperature 1), so that {@link #logprob(float, double)} of a logit is its
     * token's log-probability. Negative infinity if no logit is above negative infinity.
     *
     * @param logits the logits buffer
     * @param offset where this row's {@code vocab} logits start
     */
    public double logSumExp(FloatBuffer logits, int offset) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < vocab; j++) {
            float l = logits.get(offset + j);
            if (l > max) {
                max = l;
            }
        }
        if (Float.isInfinite(max)) {
            return max;
        }
        double sum = 0;
        for (int j = 0; j < vocab; j++) {
            float l = logits.get(offset + j);
            if (l == l) {
                sum += Math.exp((double) l - max);
            }
        }
        return max + Math.log(sum);
    }

    /**
     * Returns a token's log-probability under its row's raw distribution: {@code logit - logSumExp}, which is at
     * most 0 because the row's largest logit is at most {@code logSumExp}. A token without a finite one (a NaN or
     * infinite logit) gets {@link #NO_LOGPROB}.
     *
     * @param logit the token's logit
     * @param logSumExp the row's {@link #logSumExp(FloatBuffer, int)}
     */
    public static double logprob(float logit, double logSumExp) {
        double lp = logit - logSumExp;
        return lp <= 0 && lp > Double.NEGATIVE_INFINITY ? lp : NO_LOGPROB;
    }

    /** Returns the id of the largest logit (the lowest id among equals; NaN never wins). */
    public int argmax(FloatBuffer logits, int offset) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        boolean found = false;
        for (int j = 0; j < vocab; j++) {
            float l = logits.get(offset + j);
            if (l > max || (!found && l == l)) {
                max = l;
                best = j;
                found = true;
            }
        }
        return best;
    }
}

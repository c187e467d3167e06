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
 * token), never on other rows. Ties are broken towards the lower token id. Not thread-safe (scratch arrays).
 */
public final class Sampler {

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

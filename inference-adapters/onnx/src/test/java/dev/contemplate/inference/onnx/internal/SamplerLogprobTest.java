package dev.contemplate.inference.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The raw distribution's log-probabilities that the scheduler records for every picked token. */
class SamplerLogprobTest {

    private static FloatBuffer logits(float... values) {
        FloatBuffer b = FloatBuffer.allocate(values.length + 2);
        b.put(0, 99f).put(1, 99f); // another row's logits before this one
        for (int i = 0; i < values.length; i++) {
            b.put(i + 2, values[i]);
        }
        return b;
    }

    private static double logprob(Sampler s, FloatBuffer l, int token) {
        return Sampler.logprob(l.get(2 + token), s.logSumExp(l, 2));
    }

    @Test
    void isTheLogOfTheSoftmaxAtTemperatureOne() {
        Sampler s = new Sampler(3);
        FloatBuffer l = logits(0f, (float) Math.log(2), (float) Math.log(7));
        assertThat(logprob(s, l, 0)).isCloseTo(Math.log(0.1), within(1e-6));
        assertThat(logprob(s, l, 1)).isCloseTo(Math.log(0.2), within(1e-6));
        assertThat(logprob(s, l, 2)).isCloseTo(Math.log(0.7), within(1e-6));
    }

    @Test
    void staysFiniteAndAtMostZeroForLargeNaNAndInfiniteLogits() {
        Sampler s = new Sampler(3);
        FloatBuffer big = logits(1000f, 1000f, -1000f);
        assertThat(logprob(s, big, 0)).isCloseTo(-Math.log(2), within(1e-9));
        assertThat(logprob(s, big, 2)).isCloseTo(-2000 - Math.log(2), within(1e-6));

        FloatBuffer withNaN = logits(Float.NaN, 0f, 0f);
        assertThat(logprob(s, withNaN, 1)).as("a NaN logit is no token").isCloseTo(-Math.log(2), within(1e-9));
        assertThat(logprob(s, withNaN, 0)).isEqualTo(Sampler.NO_LOGPROB);

        FloatBuffer impossible = logits(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertThat(logprob(s, impossible, s.argmax(impossible, 2))).isEqualTo(Sampler.NO_LOGPROB);

        FloatBuffer lone = logits(5f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertThat(logprob(s, lone, 0)).isEqualTo(0.0);

        Sampler wide = new Sampler(1000);
        float[] near = new float[1000];
        for (int i = 0; i < near.length; i++) {
            near[i] = 80f + i * 1e-5f;
        }
        FloatBuffer flat = logits(near);
        double lse = wide.logSumExp(flat, 2);
        for (int i = 0; i < near.length; i++) {
            assertThat(Sampler.logprob(near[i], lse)).isLessThanOrEqualTo(0.0).isGreaterThan(-7.0);
        }
    }
}

package dev.contemplate.inference.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static FloatBuffer logits(float... values) {
        FloatBuffer b = FloatBuffer.allocate(values.length + 2);
        b.put(0, 99f).put(1, 99f); // another row's logits before this one
        for (int i = 0; i < values.length; i++) {
            b.put(i + 2, values[i]);
        }
        return b;
    }

    @Test
    void greedyTakesTheLargestLogitAndTheLowestIdOnATie() {
        Sampler s = new Sampler(4);
        assertThat(s.pick(logits(0.1f, 3f, 2f, 3f), 2, 0.0, 0, 1.0, null)).isEqualTo(1);
        assertThat(s.pick(logits(Float.NaN, -1f, Float.NaN, -2f), 2, 0.0, 0, 1.0, null)).isEqualTo(1);
    }

    @Test
    void theSameGeneratorStateGivesTheSameToken() {
        Sampler s = new Sampler(5);
        FloatBuffer l = logits(1f, 1.2f, 0.8f, 1.1f, 0.9f);
        for (long seed = 0; seed < 50; seed++) {
            int a = s.pick(l, 2, 1.0, 0, 1.0, new SplittableRandom(seed));
            int b = s.pick(l, 2, 1.0, 0, 1.0, new SplittableRandom(seed));
            assertThat(a).isEqualTo(b);
        }
    }

    @Test
    void samplesInProportionToTheSoftmax() {
        Sampler s = new Sampler(3);
        FloatBuffer l = logits(0f, (float) Math.log(2), (float) Math.log(7));
        SplittableRandom r = new SplittableRandom(7);
        int[] counts = new int[3];
        for (int i = 0; i < 20_000; i++) {
            counts[s.pick(l, 2, 1.0, 0, 1.0, r)]++;
        }
        assertThat(counts[0] / 20_000.0).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.015));
        assertThat(counts[1] / 20_000.0).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.015));
        assertThat(counts[2] / 20_000.0).isCloseTo(0.7, org.assertj.core.data.Offset.offset(0.015));
    }

    @Test
    void topKAndTopPRestrictTheCandidates() {
        Sampler s = new Sampler(4);
        FloatBuffer l = logits(2f, 1f, 3f, 0f);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) {
            assertThat(s.pick(l, 2, 5.0, 1, 1.0, r)).isEqualTo(2);
            assertThat(s.pick(l, 2, 5.0, 2, 1.0, r)).isIn(0, 2);
            assertThat(s.pick(l, 2, 1.0, 0, 0.01, r)).isEqualTo(2);
        }
        // probabilities at temperature 1: 0.644 (id 2), 0.237 (id 0), 0.087 (id 1), 0.032 (id 3)
        for (int i = 0; i < 500; i++) {
            assertThat(s.pick(l, 2, 1.0, 0, 0.85, r)).isIn(0, 2);
        }
    }

    @Test
    void aLowTemperatureSharpensTowardsGreedy() {
        Sampler s = new Sampler(3);
        FloatBuffer l = logits(1f, 1.5f, 1.2f);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            assertThat(s.pick(l, 2, 0.01, 0, 1.0, r)).isEqualTo(1);
        }
    }
}

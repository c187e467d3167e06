package dev.contemplate.inference.onnx.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.contemplate.inference.onnx.ModelConfig;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a row's logits depend on the rest of the batch, on ONNX Runtime's CPU kernels with the engine's settings: a
 * decoding step of one row alone and the same row among other rows (other tokens, positions and caches). The
 * engine relies on the first property for reproducible samples and documents the second.
 */
class BatchNumericsTest {

    private static OrtEnvironment env;
    private static OrtSession session;
    private static ModelConfig c;

    @BeforeAll
    static void open() throws Exception {
        env = OrtEnvironment.getEnvironment();
        c = ArithmeticModel.config();
        byte[] model;
        try (InputStream in = BatchNumericsTest.class.getClassLoader()
                .getResourceAsStream("dev/contemplate/inference/onnx/arithmetic/model.onnx")) {
            model = in.readAllBytes();
        }
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(model, options);
    }

    @AfterAll
    static void close() throws OrtException {
        session.close();
    }

    @Test
    void otherRowsDoNotChangeARowsLogitsAtAll() throws OrtException {
        Random r = new Random(1);
        for (int t = 0; t < 20; t++) {
            Case k = new Case(r, 32);
            float[] alone = k.logits(1, 32, r);
            for (int rows : new int[] {2, 8, 32}) {
                assertThat(k.logits(rows, 32, r)).as("row among %d rows", rows).containsExactly(alone);
            }
        }
    }

    @Test
    void aWiderWindowChangesLogitsOnlyByRounding() throws OrtException {
        Random r = new Random(2);
        double worst = 0;
        for (int t = 0; t < 20; t++) {
            Case k = new Case(r, 16);
            float[] narrow = k.logits(1, 16, r);
            float[] wide = k.logits(8, c.maxContext() - 1, r);
            for (int v = 0; v < narrow.length; v++) {
                worst = Math.max(worst, Math.abs(narrow[v] - wide[v]));
            }
        }
        assertThat(worst).as("largest logit difference").isLessThan(1e-4);
    }

    /** A row: a cache of {@code length} positions and a token to feed. */
    private static final class Case {
        final int length;
        final int token;
        final float[][] cache;

        Case(Random r, int maxLength) {
            this.length = 1 + r.nextInt(maxLength - 1);
            this.token = 2 + r.nextInt(c.vocabSize() - 2);
            this.cache = new float[2 * c.numLayers()][c.numHeads() * length * c.headDim()];
            for (float[] x : cache) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                }
            }
        }

        /** The row's next-token logits as row 0 of a step of {@code rows} rows over a window. */
        float[] logits(int rows, int window, Random others) throws OrtException {
            int h = c.numHeads();
            int d = c.headDim();
            long[][] ids = new long[rows][1];
            long[][] pos = new long[rows][1];
            long[][] mask = new long[rows][window + 1];
            int[] lengths = new int[rows];
            for (int b = 0; b < rows; b++) {
                lengths[b] = b == 0 ? length : 1 + others.nextInt(window - 1);
                ids[b][0] = b == 0 ? token : 2 + others.nextInt(c.vocabSize() - 2);
                pos[b][0] = lengths[b];
                for (int j = 0; j < window; j++) {
                    mask[b][j] = j < lengths[b] ? 1 : 0;
                }
                mask[b][window] = 1;
            }
            Map<String, OnnxTensor> in = new HashMap<>();
            List<OnnxTensor> all = new ArrayList<>();
            try {
                in.put("input_ids", keep(all, OnnxTensor.createTensor(env, ids)));
                in.put("position_ids", keep(all, OnnxTensor.createTensor(env, pos)));
                in.put("attention_mask", keep(all, OnnxTensor.createTensor(env, mask)));
                for (int i = 0; i < 2 * c.numLayers(); i++) {
                    float[] buf = new float[rows * h * window * d];
                    for (int b = 0; b < rows; b++) {
                        for (int hh = 0; hh < h; hh++) {
                            for (int j = 0; j < window; j++) {
                                for (int e = 0; e < d; e++) {
                                    buf[((b * h + hh) * window + j) * d + e] = b == 0 && j < length
                                            ? cache[i][(hh * length + j) * d + e] : (float) others.nextGaussian();
                                }
                            }
                        }
                    }
                    in.put("past_key_values." + (i / 2) + (i % 2 == 0 ? ".key" : ".value"), keep(all,
                            OnnxTensor.createTensor(env, FloatBuffer.wrap(buf), new long[] {rows, h, window, d})));
                }
                try (OrtSession.Result res = session.run(in, Set.of("logits"))) {
                    FloatBuffer f = ((OnnxTensor) res.get("logits").get()).getFloatBuffer();
                    float[] out = new float[c.vocabSize()];
                    f.get(out);
                    return out;
                }
            } finally {
                all.forEach(OnnxTensor::close);
            }
        }

        private static OnnxTensor keep(List<OnnxTensor> all, OnnxTensor t) {
            all.add(t);
            return t;
        }
    }
}

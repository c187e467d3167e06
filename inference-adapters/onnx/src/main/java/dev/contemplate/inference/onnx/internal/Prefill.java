package dev.contemplate.inference.onnx.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the prompts of newly admitted sequences through the model with an empty cache, right-padded to the longest,
 * writing {@code present} and {@code logits} into buffers that grow on demand; the tensors over them are cached per
 * shape until the buffers grow. Not thread-safe.
 */
final class Prefill implements AutoCloseable {

    private final OrtModel model;
    private final int cacheTensors;
    private final int heads;
    private final int headDim;
    private final int vocab;
    private final int pad;
    private final int maxTokens;
    private final FloatBuffer[] present;
    private final FloatBuffer empty = Buffers.floats(1).limit(0);
    private LongBuffer ids = Buffers.longs(1);
    private LongBuffer positions = Buffers.longs(1);
    private LongBuffer mask = Buffers.longs(1);
    private FloatBuffer logits = Buffers.floats(1);
    private int promptSlots;
    private final Map<Integer, Tensors> tensors = new HashMap<>();

    /**
     * Creates the runner.
     *
     * @param model the model
     * @param maxTokens the most prompts times padded length of one run
     */
    Prefill(OrtModel model, int maxTokens) {
        this.model = model;
        this.maxTokens = maxTokens;
        this.cacheTensors = 2 * model.config().numLayers();
        this.heads = model.config().numHeads();
        this.headDim = model.config().headDim();
        this.vocab = model.config().vocabSize();
        this.pad = model.config().padTokenId();
        this.present = new FloatBuffer[cacheTensors];
        for (int i = 0; i < cacheTensors; i++) {
            present[i] = Buffers.floats(1);
        }
    }

    /** Returns the present buffers of the last run, {@code [prompts, heads, promptSlots, headDim]}. */
    FloatBuffer[] present() {
        return present;
    }

    /** Returns the padded length of the last run. */
    int promptSlots() {
        return promptSlots;
    }

    /** Returns the offset in {@link #logits()} of prompt {@code i}'s next-token logits after the last run. */
    int lastLogitsOffset(int i, int length) {
        return (i * promptSlots + length - 1) * vocab;
    }

    /** Returns the logits of the last run. */
    FloatBuffer logits() {
        return logits;
    }

    /**
     * Runs the prompts.
     *
     * @return nanoseconds spent inside ONNX Runtime
     */
    long run(List<int[]> prompts) throws OrtException {
        int k = prompts.size();
        int p = 0;
        for (int[] prompt : prompts) {
            p = Math.max(p, prompt.length);
        }
        promptSlots = p;
        int tokens = k * p;
        int kv = tokens * heads * headDim;
        if (ids.capacity() < tokens || logits.capacity() < tokens * vocab || present[0].capacity() < kv) {
            closeTensors();
            int t = (int) Math.min(maxTokens, Math.max(tokens, 2L * ids.capacity()));
            ids = Buffers.longs(t);
            positions = Buffers.longs(t);
            mask = Buffers.longs(t);
            logits = Buffers.floats((long) t * vocab);
            for (int i = 0; i < cacheTensors; i++) {
                present[i] = Buffers.floats((long) t * heads * headDim);
            }
        }
        for (int r = 0; r < k; r++) {
            int[] prompt = prompts.get(r);
            for (int j = 0; j < p; j++) {
                boolean real = j < prompt.length;
                ids.put(r * p + j, real ? prompt[j] : pad);
                positions.put(r * p + j, j);
                mask.put(r * p + j, real ? 1L : 0L);
            }
        }
        Tensors t = tensors.get(k * 65_536 + p);
        if (t == null) {
            t = new Tensors(k, p);
            tensors.put(k * 65_536 + p, t);
        }
        long t0 = System.nanoTime();
        model.session().run(t.inputs, t.outputs).close();
        return System.nanoTime() - t0;
    }

    private void closeTensors() {
        for (Tensors t : tensors.values()) {
            t.close();
        }
        tensors.clear();
    }

    /** Closes the cached tensors. */
    @Override
    public void close() {
        closeTensors();
    }

    /** The tensors of a prefill of {@code k} prompts padded to {@code p}, over the current buffers. */
    private final class Tensors implements AutoCloseable {
        final Map<String, OnnxTensor> inputs = new HashMap<>();
        final Map<String, OnnxValue> outputs = new HashMap<>();
        private final List<OnnxTensor> all = new ArrayList<>();

        Tensors(int k, int p) throws OrtException {
            var env = model.env();
            int tokens = k * p;
            int kv = tokens * heads * headDim;
            try {
                inputs.put(OrtModel.INPUT_IDS, keep(all, OnnxTensor.createTensor(env, Buffers.head(ids, tokens),
                        new long[] {k, p})));
                if (model.hasPositionIds()) {
                    inputs.put(OrtModel.POSITION_IDS, keep(all, OnnxTensor.createTensor(env,
                            Buffers.head(positions, tokens), new long[] {k, p})));
                }
                inputs.put(OrtModel.ATTENTION_MASK, keep(all, OnnxTensor.createTensor(env,
                        Buffers.head(mask, tokens), new long[] {k, p})));
                OnnxTensor emptyPast = keep(all, OnnxTensor.createTensor(env, empty.duplicate(),
                        new long[] {k, heads, 0, headDim}));
                for (int i = 0; i < cacheTensors; i++) {
                    inputs.put(model.pastName(i), emptyPast);
                    outputs.put(model.presentName(i), keep(all, OnnxTensor.createTensor(env,
                            Buffers.head(present[i], kv), new long[] {k, heads, p, headDim})));
                }
                outputs.put(OrtModel.LOGITS, keep(all, OnnxTensor.createTensor(env,
                        Buffers.head(logits, tokens * vocab), new long[] {k, p, vocab})));
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            for (OnnxTensor t : all) {
                t.close();
            }
            all.clear();
        }
    }

    private static OnnxTensor keep(List<OnnxTensor> all, OnnxTensor t) {
        all.add(t);
        return t;
    }
}

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
 * The batch's key/value cache and one decoding step over it.
 *
 * <p>Layout: for each of the {@code 2 * layers} cache tensors, a direct buffer holds {@code [rows, heads, window,
 * headDim]} floats, row-major, for the live rows {@code 0..rows-1}. A sequence's token at position {@code j} lives in
 * slot {@code j}; slots at or beyond the sequence's length are masked out by {@code attention_mask}. The window is the
 * same for every row and changes in steps of {@code windowStep} positions (each change copies the live cache once
 * into the other buffer set). The buffers never move, so the ONNX tensors over them are created once per batch size,
 * window and buffer set, and reused for the engine's life.
 *
 * <p>A step feeds each row's pending token at its position; ONNX Runtime writes {@code present} ({@code window + 1}
 * slots) straight into the second buffer set, and the engine copies only the one new slot of each row back into the
 * cache ({@code rows * 2 * layers * heads * headDim} floats). Not thread-safe: only the decode loop's thread uses it.
 */
final class DecodeBatch implements AutoCloseable {

    private final OrtModel model;
    private final int cacheTensors;
    private final int heads;
    private final int headDim;
    private final int vocab;
    private final int maxWindow;
    private final int windowStep;
    private final FloatBuffer[] first;
    private final FloatBuffer[] second;
    private boolean firstIsPast = true;
    private int window;
    private final LongBuffer ids;
    private final LongBuffer positions;
    private final LongBuffer mask;
    private final FloatBuffer logits;
    private final Map<Integer, StepTensors> tensors = new HashMap<>();

    /** Nanoseconds spent copying cache data (new slots, row moves, window changes); read by the decode loop. */
    long copyNanos;
    /** How many times the window changed. */
    long windowChanges;

    DecodeBatch(OrtModel model, int maxRows, int contextLength, int windowStep) {
        this.model = model;
        this.cacheTensors = 2 * model.config().numLayers();
        this.heads = model.config().numHeads();
        this.headDim = model.config().headDim();
        this.vocab = model.config().vocabSize();
        this.maxWindow = contextLength - 1;
        this.windowStep = windowStep;
        long capacity = (long) maxRows * heads * contextLength * headDim;
        this.first = new FloatBuffer[cacheTensors];
        this.second = new FloatBuffer[cacheTensors];
        for (int i = 0; i < cacheTensors; i++) {
            first[i] = Buffers.floats(capacity);
            second[i] = Buffers.floats(capacity);
        }
        this.ids = Buffers.longs(maxRows);
        this.positions = Buffers.longs(maxRows);
        this.mask = Buffers.longs((long) maxRows * contextLength);
        this.logits = Buffers.floats((long) maxRows * vocab);
        this.window = Math.min(windowStep, maxWindow);
    }

    private FloatBuffer[] past() {
        return firstIsPast ? first : second;
    }

    private FloatBuffer[] present() {
        return firstIsPast ? second : first;
    }

    /** Returns the current window (past slots per row). */
    int window() {
        return window;
    }

    /** Returns the logits of the last step, {@code [rows, vocab]}. */
    FloatBuffer logits() {
        return logits;
    }

    /** Returns the window for rows whose longest holds {@code longest} positions before a step. */
    int windowFor(int longest) {
        int need = Math.max(1, longest + 1);
        int w = ((need + windowStep - 1) / windowStep) * windowStep;
        return Math.min(w, maxWindow);
    }

    /**
     * Changes the window, copying each live row's cached positions into the other buffer set.
     *
     * @param newWindow the new window, at least every row's length
     * @param rows live rows
     * @param lengths cached positions of each live row
     */
    void resize(int newWindow, int rows, int[] lengths) {
        if (newWindow == window) {
            return;
        }
        long t0 = System.nanoTime();
        FloatBuffer[] from = past();
        FloatBuffer[] to = present();
        for (int i = 0; i < cacheTensors; i++) {
            FloatBuffer src = from[i];
            FloatBuffer dst = to[i];
            for (int r = 0; r < rows; r++) {
                int len = lengths[r] * headDim;
                for (int h = 0; h < heads; h++) {
                    int rh = r * heads + h;
                    dst.put(rh * newWindow * headDim, src, rh * window * headDim, len);
                }
            }
        }
        firstIsPast = !firstIsPast;
        window = newWindow;
        windowChanges++;
        copyNanos += System.nanoTime() - t0;
    }

    /** Copies row {@code from}'s cache into row {@code to} (to fill the place of a removed row, or to fork a row). */
    void copyRow(int from, int to) {
        long t0 = System.nanoTime();
        int block = heads * window * headDim;
        for (FloatBuffer b : past()) {
            b.put(to * block, b.duplicate(), from * block, block);
        }
        copyNanos += System.nanoTime() - t0;
    }

    /**
     * Copies a prefilled prompt's cache into a row.
     *
     * @param row the destination row
     * @param prefill the prefill's present buffers, {@code [prompts, heads, promptSlots, headDim]}
     * @param prompt the prompt's index in the prefill
     * @param promptSlots the prefill's padded length
     * @param length the prompt's length, at most the window
     */
    void placePrompt(int row, FloatBuffer[] prefill, int prompt, int promptSlots, int length) {
        long t0 = System.nanoTime();
        FloatBuffer[] past = past();
        for (int i = 0; i < cacheTensors; i++) {
            for (int h = 0; h < heads; h++) {
                past[i].put((row * heads + h) * window * headDim, prefill[i],
                        (prompt * heads + h) * promptSlots * headDim, length * headDim);
            }
        }
        copyNanos += System.nanoTime() - t0;
    }

    /**
     * Runs one decoding step: row {@code r} feeds {@code tokens[r]} at position {@code lengths[r]}; afterwards the
     * new key/value slot is in the cache and {@link #logits()} holds each row's next-token logits. The caller
     * increments the lengths.
     *
     * @return nanoseconds spent inside ONNX Runtime
     */
    long step(int rows, int[] tokens, int[] lengths) throws OrtException {
        int w = window;
        int stride = w + 1;
        for (int r = 0; r < rows; r++) {
            ids.put(r, tokens[r]);
            positions.put(r, lengths[r]);
            int base = r * stride;
            int len = lengths[r];
            for (int j = 0; j < w; j++) {
                mask.put(base + j, j < len ? 1L : 0L);
            }
            mask.put(base + w, 1L);
        }
        int key = ((rows * (maxWindow + 1)) + w) * 2 + (firstIsPast ? 0 : 1);
        StepTensors t = tensors.get(key);
        if (t == null) {
            t = new StepTensors(rows);
            tensors.put(key, t);
        }
        long t0 = System.nanoTime();
        model.session().run(t.inputs, t.outputs).close();
        long ort = System.nanoTime() - t0;
        long c0 = System.nanoTime();
        FloatBuffer[] past = past();
        FloatBuffer[] present = present();
        for (int i = 0; i < cacheTensors; i++) {
            FloatBuffer src = present[i];
            FloatBuffer dst = past[i];
            for (int r = 0; r < rows; r++) {
                int slot = lengths[r];
                for (int h = 0; h < heads; h++) {
                    int rh = r * heads + h;
                    dst.put((rh * w + slot) * headDim, src, (rh * stride + w) * headDim, headDim);
                }
            }
        }
        copyNanos += System.nanoTime() - c0;
        return ort;
    }

    private void closeTensors() {
        for (StepTensors t : tensors.values()) {
            t.close();
        }
        tensors.clear();
    }

    @Override
    public void close() {
        closeTensors();
    }

    /** The input and output tensors of a step with a given number of rows, over the current window and buffers. */
    private final class StepTensors implements AutoCloseable {
        final Map<String, OnnxTensor> inputs = new HashMap<>();
        final Map<String, OnnxValue> outputs = new HashMap<>();
        private final List<OnnxTensor> all = new ArrayList<>();

        StepTensors(int rows) throws OrtException {
            try {
                var env = model.env();
                int w = window;
                inputs.put(OrtModel.INPUT_IDS, keep(OnnxTensor.createTensor(env, Buffers.head(ids, rows),
                        new long[] {rows, 1})));
                if (model.hasPositionIds()) {
                    inputs.put(OrtModel.POSITION_IDS, keep(OnnxTensor.createTensor(env,
                            Buffers.head(positions, rows), new long[] {rows, 1})));
                }
                inputs.put(OrtModel.ATTENTION_MASK, keep(OnnxTensor.createTensor(env,
                        Buffers.head(mask, rows * (w + 1)), new long[] {rows, w + 1})));
                FloatBuffer[] past = past();
                FloatBuffer[] present = present();
                for (int i = 0; i < cacheTensors; i++) {
                    inputs.put(model.pastName(i), keep(OnnxTensor.createTensor(env,
                            Buffers.head(past[i], rows * heads * w * headDim),
                            new long[] {rows, heads, w, headDim})));
                    outputs.put(model.presentName(i), keep(OnnxTensor.createTensor(env,
                            Buffers.head(present[i], rows * heads * (w + 1) * headDim),
                            new long[] {rows, heads, w + 1, headDim})));
                }
                outputs.put(OrtModel.LOGITS, keep(OnnxTensor.createTensor(env, Buffers.head(logits, rows * vocab),
                        new long[] {rows, 1, vocab})));
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }

        private OnnxTensor keep(OnnxTensor t) {
            all.add(t);
            return t;
        }

        @Override
        public void close() {
            for (OnnxTensor t : all) {
                t.close();
            }
            all.clear();
        }
    }
}

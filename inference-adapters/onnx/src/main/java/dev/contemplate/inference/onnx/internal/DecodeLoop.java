package dev.contemplate.inference.onnx.internal;

import ai.onnxruntime.OrtException;
import dev.contemplate.inference.EngineClosedException;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.onnx.EngineStats;
import dev.contemplate.inference.onnx.StepListener;
import dev.contemplate.inference.onnx.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The continuous-batching loop, on one daemon thread that owns every ONNX Runtime call.
 *
 * <p>Each iteration: removes cancelled sequences and the rows they leave empty; admits waiting sequences (one
 * prefill pass per distinct prompt, shared by every sample of it and by identical prompts of other requests, the
 * prompt's cache copied into the new rows); runs one batched decoding step over every live row; samples each
 * sequence's next token; and removes the rows whose sequences all finished.
 *
 * <p>Sequences whose tokens so far are identical share a row ({@link Row}): the samples of one prompt start in one
 * row and fork into rows of their own, each with a copy of the cache, at the first token on which they differ. A
 * row's logits do not depend on how many sequences share it, and each sequence samples with its own generator, so
 * sharing changes no result; it only saves the rows' compute while samples agree (all of it for greedy samples).
 *
 * <p>The parts: {@link Admission} (the bounded queue and the choice of sequences to admit), {@link RowTable} (the
 * live rows beside the cache), {@link RowSampler} (each row's next tokens, and forks) and {@link Counters}.
 */
public final class DecodeLoop {

    private final String engineName;
    private final OrtModel model;
    private final int prefillBatch;
    private final @Nullable StepListener stepListener;
    private final Counters counters = new Counters();
    private final Admission admission;
    private final DecodeBatch batch;
    private final Prefill prefill;
    private final RowSampler rowSampler;
    private final RowTable table;
    private final Thread thread;
    private final Runnable onStopped;
    private volatile boolean closing;

    /**
     * Creates the loop and starts its thread.
     *
     * @param engineName the engine's name, for errors and the thread name
     * @param loopName the thread's name
     * @param model the model, which other loops may share; the loop does not close it
     * @param tokenizer decodes generated tokens
     * @param contextLength the most positions of a sequence
     * @param maxRows the most sequences in a step
     * @param queueCapacity the most requests waiting
     * @param windowStep the key/value window granularity
     * @param prefillBatch the most distinct prompts in one prefill pass
     * @param stepListener called after each step, or null
     * @param onStopped run once on the loop's thread after it stopped and released its buffers
     */
    public DecodeLoop(String engineName, String loopName, OrtModel model, Tokenizer tokenizer, int contextLength,
            int maxRows, int queueCapacity, int windowStep, int prefillBatch, @Nullable StepListener stepListener,
            Runnable onStopped) {
        this.engineName = engineName;
        this.model = model;
        this.prefillBatch = prefillBatch;
        this.stepListener = stepListener;
        this.onStopped = onStopped;
        this.admission = new Admission(queueCapacity, tokenizer, contextLength, counters);
        this.batch = new DecodeBatch(model, maxRows, contextLength, windowStep);
        this.prefill = new Prefill(model, prefillBatch * contextLength);
        this.rowSampler = new RowSampler(model.config().vocabSize(), counters);
        this.table = new RowTable(batch, maxRows, counters);
        this.thread = new Thread(this::run, loopName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a job without blocking.
     *
     * @return false if the queue is full or the loop is closing (the caller reports it)
     */
    public boolean submit(Job job) {
        if (closing || !admission.offer(job)) {
            return false;
        }
        if (closing && admission.withdraw(job)) {
            return false;
        }
        return true;
    }

    /** Returns whether the loop stopped or is stopping. */
    public boolean isClosing() {
        return closing;
    }

    /** Returns the sequences running and the requests waiting: what a new request would share the loop with. */
    public int load() {
        return counters.liveSequences + admission.queued();
    }

    /** Returns the counters. */
    public EngineStats stats() {
        return counters.snapshot(admission, batch);
    }

    /**
     * Stops the thread and fails every waiting and running request with a {@link PermanentInferenceException}.
     * Waits for the thread unless called on it. Idempotent.
     */
    public void close() {
        closing = true;
        if (Thread.currentThread() == thread) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!closing) {
                if (table.live() == 0 && !admission.hasHead()
                        && !admission.awaitHead(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                iterate();
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            closing = true;
            shutdown();
        }
    }

    private void iterate() {
        try {
            table.removeEnded();
            admit();
            if (table.live() > 0) {
                decode();
            }
        } catch (OrtException | RuntimeException e) {
            failRunning(new PermanentInferenceException(engineName, "generation failed: " + e.getMessage(), e));
        }
    }

    private void admit() throws OrtException {
        List<Admission.PromptGroup> groups = admission.take(table.free());
        if (groups.isEmpty()) {
            return;
        }
        for (int from = 0; from < groups.size(); from += prefillBatch) {
            prefillChunk(groups.subList(from, Math.min(groups.size(), from + prefillBatch)));
        }
        admission.admitted();
        table.publish();
    }

    /** Prefills a chunk of prompts, samples each one's first tokens and places the resulting rows in the batch. */
    private void prefillChunk(List<Admission.PromptGroup> chunk) throws OrtException {
        List<int[]> prompts = new ArrayList<>(chunk.size());
        for (Admission.PromptGroup g : chunk) {
            prompts.add(g.prompt());
        }
        long t0 = System.nanoTime();
        long ort = prefill.run(prompts);
        counters.prefillNanos += ort;
        counters.prefills++;
        long h0 = System.nanoTime();
        List<Row> placed = new ArrayList<>();
        List<Integer> promptOf = new ArrayList<>();
        int longest = table.longest();
        rowSampler.reset();
        for (int i = 0; i < chunk.size(); i++) {
            int length = prompts.get(i).length;
            List<Sequence> members = admission.stillWanted(chunk.get(i));
            int before = placed.size();
            rowSampler.sample(members, prefill.logits(), prefill.lastLogitsOffset(i, length), length, null, placed);
            for (int j = before; j < placed.size(); j++) {
                promptOf.add(i);
                longest = Math.max(longest, length);
            }
        }
        long c0 = System.nanoTime();
        table.resizeWindow(longest, false);
        for (int j = 0; j < placed.size(); j++) {
            Row row = placed.get(j);
            int r = table.add(row);
            batch.placePrompt(r, prefill.present(), promptOf.get(j), prefill.promptSlots(), row.length);
        }
        table.publish();
        long c1 = System.nanoTime();
        rowSampler.completeFinished();
        counters.hostNanos += (c0 - h0) + (h0 - t0 - ort) + (System.nanoTime() - c1);
    }

    private void decode() throws OrtException {
        long t0 = System.nanoTime();
        long copy0 = batch.copyNanos;
        table.resizeWindow(table.longest(), true);
        int n = table.live();
        long ort = table.step(n);
        rowSampler.reset();
        boolean anyEmpty = rowSampler.sampleStep(table, n, batch.logits(), model.config().vocabSize());
        counters.rowSteps += n;
        table.finished(rowSampler.finishedCount());
        if (anyEmpty) {
            table.removeEmpty();
        }
        table.publish();
        // counted before the step's finished generations are delivered, so a caller that has its result sees the step
        long step = ++counters.steps;
        rowSampler.completeFinished();
        long stepNanos = System.nanoTime() - t0;
        counters.decodeNanos += ort;
        counters.hostNanos += stepNanos - ort - (batch.copyNanos - copy0);
        if (stepListener != null) {
            try {
                stepListener.onStep(step, n, stepNanos);
            } catch (RuntimeException e) {
                // a metrics listener's failure must not fail the generations
            }
        }
    }

    /** Fails every request with rows or being admitted, and empties the batch. */
    private void failRunning(InferenceException e) {
        table.clear(s -> fail(s.job, e));
        admission.failAdmitting(job -> fail(job, e));
        table.publish();
    }

    private void fail(Job job, InferenceException e) {
        if (!job.ended()) {
            counters.failed += job.n - job.finished;
        }
        job.fail(e);
    }

    private void shutdown() {
        PermanentInferenceException closed = new EngineClosedException(engineName, null);
        try {
            failRunning(closed);
            admission.failWaiting(job -> fail(job, closed));
        } finally {
            batch.close();
            prefill.close();
            onStopped.run();
        }
    }
}

package dev.contemplate.inference.onnx.internal;

import ai.onnxruntime.OrtException;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.onnx.EngineStats;
import dev.contemplate.inference.onnx.StepListener;
import dev.contemplate.inference.onnx.Tokenizer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
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
 * Every admitted sequence counts against {@code maxRows}, so a fork always finds a free row. Requests wait in a
 * bounded queue; a request of more samples than there are free rows is admitted in parts as rows free up.
 */
public final class Scheduler {

    private final String engineName;
    private final OrtModel model;
    private final Tokenizer tokenizer;
    private final int contextLength;
    private final int maxRows;
    private final int prefillBatch;
    private final @Nullable StepListener stepListener;
    private final ArrayBlockingQueue<Job> queue;
    private final DecodeBatch batch;
    private final Prefill prefill;
    private final Sampler sampler;
    private final Row[] rows;
    private final int[] tokens;
    private final int[] lengths;
    private final Thread thread;
    private final List<Sequence> admitting = new ArrayList<>();
    private final List<Sequence> finished = new ArrayList<>();
    private final List<Row> forks = new ArrayList<>();
    private int[] picked = new int[8];
    private @Nullable Job head;
    private int live;
    private int liveSequences;
    private volatile boolean closing;

    private volatile int liveRows;
    private volatile int liveSequencesPublished;
    private volatile long forked;
    private volatile long steps;
    private volatile long prefills;
    private volatile long admitted;
    private volatile long completed;
    private volatile long cancelled;
    private volatile long failed;
    private volatile long generatedTokens;
    private volatile long rowSteps;
    private volatile long decodeNanos;
    private volatile long prefillNanos;
    private volatile long hostNanos;

    /**
     * Creates the scheduler and starts its thread.
     *
     * @param engineName the engine's name, for errors and the thread name
     * @param model the model; the scheduler closes it when it stops
     * @param tokenizer decodes generated tokens
     * @param contextLength the most positions of a sequence
     * @param maxRows the most sequences in a step
     * @param queueCapacity the most requests waiting
     * @param windowStep the key/value window granularity
     * @param prefillBatch the most distinct prompts in one prefill pass
     * @param stepListener called after each step, or null
     */
    public Scheduler(String engineName, OrtModel model, Tokenizer tokenizer, int contextLength, int maxRows,
            int queueCapacity, int windowStep, int prefillBatch, @Nullable StepListener stepListener) {
        this.engineName = engineName;
        this.model = model;
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.maxRows = maxRows;
        this.prefillBatch = prefillBatch;
        this.stepListener = stepListener;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.batch = new DecodeBatch(model, maxRows, contextLength, windowStep);
        this.prefill = new Prefill(model, prefillBatch * contextLength);
        this.sampler = new Sampler(model.config().vocabSize());
        this.rows = new Row[maxRows];
        this.tokens = new int[maxRows];
        this.lengths = new int[maxRows];
        this.thread = new Thread(this::run, "contemplate-onnx-" + engineName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a job without blocking.
     *
     * @return false if the queue is full or the scheduler is closing (the caller reports it)
     */
    public boolean submit(Job job) {
        if (closing || !queue.offer(job)) {
            return false;
        }
        if (closing && queue.remove(job)) {
            return false;
        }
        return true;
    }

    /** Returns whether the scheduler stopped or is stopping. */
    public boolean isClosing() {
        return closing;
    }

    /** Returns the counters. */
    public EngineStats stats() {
        return new EngineStats(liveRows, liveSequencesPublished, queue.size(), steps, prefills, admitted, completed,
                cancelled, failed, forked, generatedTokens, rowSteps, decodeNanos, prefillNanos, batch.copyNanos,
                hostNanos, batch.windowChanges);
    }

    /**
     * Stops the thread, fails every waiting and running request with a {@link PermanentInferenceException}, and
     * closes the model. Waits for the thread unless called on it. Idempotent.
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
                if (live == 0 && head == null) {
                    head = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (head == null) {
                        continue;
                    }
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
            removeEnded();
            admit();
            if (live > 0) {
                decode();
            }
        } catch (OrtException | RuntimeException e) {
            failRunning(new PermanentInferenceException(engineName, "generation failed: " + e.getMessage(), e));
        }
    }

    /** Removes the members of cancelled (or otherwise ended) requests, and rows left empty; runs before each step. */
    private void removeEnded() {
        for (int r = live - 1; r >= 0; r--) {
            Row row = rows[r];
            for (int m = row.members.size() - 1; m >= 0; m--) {
                Sequence s = row.members.get(m);
                if (s.job.ended()) {
                    if (s.job.isCancelled()) {
                        cancelled++;
                    }
                    row.members.remove(m);
                    liveSequences--;
                }
            }
            if (row.members.isEmpty()) {
                removeRow(r);
            }
        }
        publishLive();
    }

    private void publishLive() {
        liveRows = live;
        liveSequencesPublished = liveSequences;
    }

    private void removeRow(int r) {
        int last = live - 1;
        if (r != last) {
            batch.copyRow(last, r);
            rows[r] = rows[last];
        }
        rows[last] = null;
        live--;
    }

    private void admit() throws OrtException {
        int free = maxRows - liveSequences;
        admitting.clear();
        while (free > 0) {
            if (head == null) {
                head = queue.poll();
                if (head == null) {
                    break;
                }
            }
            Job job = head;
            if (job.ended()) {
                if (job.isCancelled()) {
                    cancelled += job.n - job.admitted;
                }
                head = null;
                continue;
            }
            int k = Math.min(free, job.n - job.admitted);
            for (int i = 0; i < k; i++) {
                admitting.add(new Sequence(job, job.admitted + i, tokenizer, contextLength));
            }
            job.admitted += k;
            free -= k;
            admitted += k;
            if (job.admitted == job.n) {
                head = null;
            }
        }
        if (admitting.isEmpty()) {
            return;
        }
        Map<PromptKey, List<Sequence>> byPrompt = new LinkedHashMap<>();
        for (Sequence s : admitting) {
            byPrompt.computeIfAbsent(new PromptKey(s.job.prompt), p -> new ArrayList<>()).add(s);
        }
        List<Map.Entry<PromptKey, List<Sequence>>> groups = new ArrayList<>(byPrompt.entrySet());
        for (int from = 0; from < groups.size(); from += prefillBatch) {
            prefillChunk(groups.subList(from, Math.min(groups.size(), from + prefillBatch)));
        }
        admitting.clear();
        publishLive();
    }

    private void prefillChunk(List<Map.Entry<PromptKey, List<Sequence>>> chunk) throws OrtException {
        List<int[]> prompts = new ArrayList<>(chunk.size());
        for (var e : chunk) {
            prompts.add(e.getKey().ids);
        }
        long t0 = System.nanoTime();
        long ort = prefill.run(prompts);
        prefillNanos += ort;
        prefills++;
        long h0 = System.nanoTime();
        List<Row> placed = new ArrayList<>();
        List<Integer> promptOf = new ArrayList<>();
        int longest = longestLive();
        finished.clear();
        for (int i = 0; i < chunk.size(); i++) {
            int length = prompts.get(i).length;
            List<Sequence> members = new ArrayList<>();
            for (Sequence s : chunk.get(i).getValue()) {
                if (!s.job.ended()) {
                    members.add(s);
                } else if (s.job.isCancelled()) {
                    cancelled++;
                }
            }
            int before = placed.size();
            sampleMembers(members, prefill.logits(), prefill.lastLogitsOffset(i, length), length, null, placed);
            for (int j = before; j < placed.size(); j++) {
                promptOf.add(i);
                longest = Math.max(longest, length);
            }
        }
        long c0 = System.nanoTime();
        resizeWindow(longest, false);
        for (int j = 0; j < placed.size(); j++) {
            Row row = placed.get(j);
            int r = live++;
            rows[r] = row;
            liveSequences += row.members.size();
            batch.placePrompt(r, prefill.present(), promptOf.get(j), prefill.promptSlots(), row.length);
        }
        publishLive();
        long c1 = System.nanoTime();
        completeFinished();
        hostNanos += (c0 - h0) + (h0 - t0 - ort) + (System.nanoTime() - c1);
    }

    /**
     * Samples the next token of every member of a row (or of the sequences sharing a prompt) from the same logits,
     * each with its own generator, and records each token's log-probability in its sequence (the row's normaliser
     * is computed once for all members). Members that finish go to {@link #finished}; the others are grouped by the
     * token they picked. The first group stays in {@code row} (when given); every other group becomes a new row,
     * added to {@code forks}.
     */
    private void sampleMembers(List<Sequence> members, FloatBuffer logits, int offset, int length, @Nullable Row row,
            List<Row> forks) {
        double logSumExp = sampler.logSumExp(logits, offset);
        if (members.size() == 1) {
            Sequence s = members.get(0);
            int token = pick(logits, offset, s);
            generatedTokens++;
            if (s.accept(token, Sampler.logprob(logits.get(offset + token), logSumExp))) {
                finished.add(s);
                members.clear();
            } else if (row != null) {
                row.pending = token;
            } else {
                List<Sequence> one = Row.list();
                one.add(s);
                forks.add(new Row(one, length, token));
            }
            return;
        }
        int n = members.size();
        if (picked.length < n) {
            picked = new int[Math.max(n, 2 * picked.length)];
        }
        boolean split = false;
        for (int m = 0; m < n; m++) {
            Sequence s = members.get(m);
            int token = pick(logits, offset, s);
            generatedTokens++;
            if (s.accept(token, Sampler.logprob(logits.get(offset + token), logSumExp))) {
                finished.add(s);
                picked[m] = -1;
                split = true;
            } else {
                picked[m] = token;
                split |= token != picked[0];
            }
        }
        if (!split && row != null) {
            row.pending = picked[0];
            return;
        }
        Map<Integer, List<Sequence>> byToken = new LinkedHashMap<>();
        for (int m = 0; m < n; m++) {
            if (picked[m] >= 0) {
                byToken.computeIfAbsent(picked[m], t -> Row.list()).add(members.get(m));
            }
        }
        members.clear();
        boolean first = row != null;
        for (Map.Entry<Integer, List<Sequence>> e : byToken.entrySet()) {
            if (first && row != null) {
                members.addAll(e.getValue());
                row.pending = e.getKey();
                first = false;
            } else {
                forks.add(new Row(e.getValue(), length, e.getKey()));
            }
        }
    }

    private int longestLive() {
        int longest = 0;
        for (int r = 0; r < live; r++) {
            longest = Math.max(longest, rows[r].length);
        }
        return longest;
    }

    private void resizeWindow(int longest, boolean allowShrink) {
        int target = batch.windowFor(longest);
        if (target > batch.window() || (allowShrink && target < batch.window())) {
            for (int r = 0; r < live; r++) {
                lengths[r] = rows[r].length;
            }
            batch.resize(target, live, lengths);
        }
    }

    private void decode() throws OrtException {
        long t0 = System.nanoTime();
        long copy0 = batch.copyNanos;
        resizeWindow(longestLive(), true);
        int n = live;
        for (int r = 0; r < n; r++) {
            tokens[r] = rows[r].pending;
            lengths[r] = rows[r].length;
        }
        long ort = batch.step(n, tokens, lengths);
        int vocab = model.config().vocabSize();
        finished.clear();
        forks.clear();
        boolean anyEmpty = false;
        for (int r = 0; r < n; r++) {
            Row row = rows[r];
            row.length++;
            sampleMembers(row.members, batch.logits(), r * vocab, row.length, row, forks);
            for (Row fork : forks) {
                int f = live++;
                rows[f] = fork;
                batch.copyRow(r, f);
                forked++;
            }
            forks.clear();
            anyEmpty |= row.members.isEmpty();
        }
        rowSteps += n;
        liveSequences -= finished.size();
        if (anyEmpty) {
            for (int r = live - 1; r >= 0; r--) {
                if (rows[r].members.isEmpty()) {
                    removeRow(r);
                }
            }
        }
        publishLive();
        completeFinished();
        long stepNanos = System.nanoTime() - t0;
        decodeNanos += ort;
        hostNanos += stepNanos - ort - (batch.copyNanos - copy0);
        long step = ++steps;
        if (stepListener != null) {
            try {
                stepListener.onStep(step, n, stepNanos);
            } catch (RuntimeException e) {
                // a metrics listener's failure must not fail the generations
            }
        }
    }

    private int pick(FloatBuffer logits, int offset, Sequence s) {
        var p = s.job.sampling;
        return sampler.pick(logits, offset, p.temperature(), p.topK(), p.topP(), s.random);
    }

    private void completeFinished() {
        for (Sequence s : finished) {
            completed++;
            s.job.finish(s.generation());
        }
        finished.clear();
    }

    /** Fails every request with rows or being admitted, and empties the batch. */
    private void failRunning(InferenceException e) {
        for (int r = 0; r < live; r++) {
            for (Sequence s : rows[r].members) {
                fail(s.job, e);
            }
            rows[r] = null;
        }
        for (Sequence s : admitting) {
            fail(s.job, e);
        }
        admitting.clear();
        live = 0;
        liveSequences = 0;
        publishLive();
    }

    private void fail(Job job, InferenceException e) {
        if (!job.ended()) {
            failed += job.n - job.finished;
        }
        job.fail(e);
    }

    private void shutdown() {
        PermanentInferenceException closed =
                new PermanentInferenceException(engineName, "the engine was closed", null);
        try {
            failRunning(closed);
            if (head != null) {
                fail(head, closed);
                head = null;
            }
            for (Job j; (j = queue.poll()) != null; ) {
                fail(j, closed);
            }
        } finally {
            batch.close();
            prefill.close();
            model.close();
        }
    }

    /** A prompt compared by content. */
    private static final class PromptKey {
        final int[] ids;
        private final int hash;

        PromptKey(int[] ids) {
            this.ids = ids;
            this.hash = Arrays.hashCode(ids);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PromptKey k && Arrays.equals(ids, k.ids);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}

package dev.contemplate.inference.onnx.internal;

import dev.contemplate.inference.Generation;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TokenUsage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request of {@code n} sequences that share a prompt, as submitted to the decode loop. The loop reports to
 * the {@link Listener} from its own thread; the listener must not block.
 */
public final class Job {

    /** Receives a job's results on the decode loop's thread. Implementations hand them on without blocking. */
    public interface Listener {
        /**
         * Text of sequence {@code index} became final; {@code usage} counts its prompt and every token it sampled so
         * far. Only called for streaming jobs.
         */
        void onDelta(int index, String text, TokenUsage usage);

        /** Sequence {@code index} finished. */
        void onGeneration(Generation generation);

        /** Every sequence finished. */
        void onComplete();

        /** The job failed; no further calls follow. */
        void onError(InferenceException error);
    }

    final int[] prompt;
    final int n;
    final SamplingParameters sampling;
    final long[] seeds;
    final boolean streaming;
    final Listener listener;
    private volatile boolean cancelled;
    private final AtomicBoolean terminated = new AtomicBoolean();
    /** Decode loop's thread only: sequences admitted so far. */
    int admitted;
    /** Decode loop's thread only: sequences finished so far. */
    int finished;

    /**
     * Creates a job.
     *
     * @param prompt the prompt's token ids
     * @param n how many sequences
     * @param sampling the sampling parameters
     * @param seeds the seed of each sequence
     * @param streaming whether to report deltas
     * @param listener where results go
     */
    public Job(int[] prompt, int n, SamplingParameters sampling, long[] seeds, boolean streaming,
            Listener listener) {
        this.prompt = prompt;
        this.n = n;
        this.sampling = sampling;
        this.seeds = seeds;
        this.streaming = streaming;
        this.listener = listener;
    }

    /** Marks the job cancelled: its rows are removed before the next step, and it reports nothing more. */
    public void cancel() {
        cancelled = true;
        terminated.set(true);
    }

    /** Returns whether the job was cancelled. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Returns the number of sequences. */
    public int size() {
        return n;
    }

    /** Fails the job once, unless it already ended or was cancelled. */
    void fail(InferenceException e) {
        if (terminated.compareAndSet(false, true)) {
            listener.onError(e);
        }
    }

    /** Reports a finished sequence, and completes the job after the last. */
    void finish(Generation g) {
        if (terminated.get()) {
            return;
        }
        listener.onGeneration(g);
        finished++;
        if (finished == n && terminated.compareAndSet(false, true)) {
            listener.onComplete();
        }
    }

    /** Returns whether the job has ended (completed, failed or cancelled). */
    boolean ended() {
        return terminated.get();
    }

    void delta(int index, String text, TokenUsage usage) {
        if (!text.isEmpty() && !terminated.get()) {
            listener.onDelta(index, text, usage);
        }
    }
}

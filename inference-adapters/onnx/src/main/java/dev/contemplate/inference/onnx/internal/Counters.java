package dev.contemplate.inference.onnx.internal;

import dev.contemplate.inference.onnx.EngineStats;

/**
 * The engine's counters: written by the decode loop's thread only, read by any thread through {@link #snapshot}.
 * Each field is volatile so that a reader sees current values; a single writer makes the increments safe.
 */
final class Counters {

    /** Rows in the batch, as last published. */
    volatile int liveRows;
    /** Sequences being generated, as last published. */
    volatile int liveSequences;
    volatile long forked;
    volatile long steps;
    volatile long prefills;
    volatile long admitted;
    volatile long completed;
    volatile long cancelled;
    volatile long failed;
    volatile long generatedTokens;
    volatile long rowSteps;
    volatile long decodeNanos;
    volatile long prefillNanos;
    volatile long hostNanos;

    /**
     * Reads the counters, with the queue length and the batch's copy counters, into an {@link EngineStats}.
     *
     * @param admission the admission queue, for the requests waiting
     * @param batch the decoding batch, for the cache copy time and window changes
     * @return the counters now
     */
    EngineStats snapshot(Admission admission, DecodeBatch batch) {
        return new EngineStats(liveRows, liveSequences, admission.queued(), steps, prefills, admitted, completed,
                cancelled, failed, forked, generatedTokens, rowSteps, decodeNanos, prefillNanos, batch.copyNanos,
                hostNanos, batch.windowChanges);
    }
}

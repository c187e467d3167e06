package dev.contemplate.inference.onnx;

/**
 * Counters of an {@link OnnxEngine}, read without stopping it: each value is current, but values read together may be
 * a step apart.
 *
 * @param liveRows rows in the batch now (sequences whose tokens so far are identical share a row)
 * @param liveSequences sequences being generated now
 * @param queuedRequests requests waiting for admission (not counting a request admitted in part)
 * @param steps batched decoding steps so far
 * @param prefills prompt prefill passes so far (one pass may serve several prompts and every sample of each)
 * @param admitted sequences admitted so far
 * @param completed sequences finished normally so far
 * @param cancelled sequences removed because their subscriber cancelled
 * @param failed sequences that ended in an error
 * @param forks how often sequences sharing a row picked different tokens and a new row was split off
 * @param generatedTokens tokens sampled so far
 * @param rowSteps the sum over steps of the rows each computed (divide by {@code steps} for the mean batch size)
 * @param decodeNanos time inside ONNX Runtime for decoding steps
 * @param prefillNanos time inside ONNX Runtime for prefill passes
 * @param cacheCopyNanos time copying key/value data on the engine's side: each step's new slots, rows moved into
 *     freed places, prompts placed into rows, window changes
 * @param hostNanos the rest of the engine's time in steps: preparing inputs, sampling, decoding text, handing results
 *     on
 * @param windowChanges how often the key/value window was resized
 */
public record EngineStats(int liveRows, int liveSequences, int queuedRequests, long steps, long prefills,
        long admitted, long completed, long cancelled, long failed, long forks, long generatedTokens, long rowSteps, long decodeNanos,
        long prefillNanos, long cacheCopyNanos, long hostNanos, long windowChanges) {

    /** Returns the counters of two decoding loops of one engine added together, field by field. */
    EngineStats plus(EngineStats s) {
        return new EngineStats(liveRows + s.liveRows, liveSequences + s.liveSequences,
                queuedRequests + s.queuedRequests, steps + s.steps, prefills + s.prefills, admitted + s.admitted,
                completed + s.completed, cancelled + s.cancelled, failed + s.failed, forks + s.forks,
                generatedTokens + s.generatedTokens, rowSteps + s.rowSteps, decodeNanos + s.decodeNanos,
                prefillNanos + s.prefillNanos, cacheCopyNanos + s.cacheCopyNanos, hostNanos + s.hostNanos,
                windowChanges + s.windowChanges);
    }
}

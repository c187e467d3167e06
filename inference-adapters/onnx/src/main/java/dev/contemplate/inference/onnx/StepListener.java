package dev.contemplate.inference.onnx;

/**
 * Observes the engine's decoding steps, for metrics. It is called on the engine's scheduler thread after every
 * batched forward pass, so it must return quickly: while it runs, no sequence advances.
 */
@FunctionalInterface
public interface StepListener {

    /**
     * Called after a decoding step.
     *
     * @param step the step's number, from 1
     * @param rows how many sequences the step advanced
     * @param stepNanos the step's wall time, ONNX Runtime and the engine's own work together
     */
    void onStep(long step, int rows, long stepNanos);
}

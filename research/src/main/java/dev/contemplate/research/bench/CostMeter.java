package dev.contemplate.research.bench;

import java.util.Map;

/**
 * Reads costs that a bench cannot see in a verdict, such as an embedded engine's time inside its runtime or the
 * batch rows it decoded. The bench reads the meter just before and just after each contemplation and reports, per
 * cell, the mean difference per question under each name (see {@link BenchCell#costs()}).
 *
 * <p>Readings must be cumulative (counters that only grow while the engine runs), and the engine must run nothing
 * but the bench's contemplation between two readings, which holds because a bench runs one contemplation at a time.
 */
@FunctionalInterface
public interface CostMeter {

    /** A meter that reads nothing. */
    CostMeter NONE = Map::of;

    /**
     * Returns the meter's cumulative readings now, by name, e.g. {@code forwardMs} or {@code rowSteps}.
     *
     * @return the readings; the same names on every call
     */
    Map<String, Double> read();
}

package dev.contemplate.research.bench;

import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one contemplation ended: a verdict or a contemplation error, and its latency on the clock it ran on.
 *
 * @param verdict the verdict, or null when it failed
 * @param failure the failure, or null when there is a verdict
 * @param latency time from start to verdict or failure
 * @param aggregationCalls the engine calls the aggregation made (a judge, a synthesis, a verifier's ratings)
 */
public record RunOutcome(@Nullable Verdict verdict, @Nullable ContemplationException failure, Duration latency,
        int aggregationCalls) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException unless exactly one of {@code verdict} and {@code failure} is given, or if
     *     {@code latency} is negative
     * @throws NullPointerException if {@code latency} is null
     */
    public RunOutcome {
        Objects.requireNonNull(latency, "latency");
        if ((verdict == null) == (failure == null)) {
            throw new IllegalArgumentException("exactly one of verdict and failure must be given but "
                    + (verdict == null ? "neither was" : "both were"));
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must be >= 0 but was " + latency);
        }
        if (aggregationCalls < 0) {
            throw new IllegalArgumentException("aggregationCalls must be >= 0 but was " + aggregationCalls);
        }
    }

    /**
     * Returns an outcome without aggregation calls.
     *
     * @throws IllegalArgumentException unless exactly one of {@code verdict} and {@code failure} is given, or if
     *     {@code latency} is negative
     */
    public RunOutcome(@Nullable Verdict verdict, @Nullable ContemplationException failure, Duration latency) {
        this(verdict, failure, latency, 0);
    }
}

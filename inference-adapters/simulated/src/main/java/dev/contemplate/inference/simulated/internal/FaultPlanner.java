package dev.contemplate.inference.simulated.internal;

import dev.contemplate.inference.simulated.FaultInjectingEngine.Fault;
import java.time.Duration;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * The fault-injecting engine's draws, a pure function of its seed, its rates and a generation's number: which fault
 * generation {@code n} gets and the fault's parameters, by the rule of {@code FaultInjectingEngine}'s class comment.
 */
public final class FaultPlanner {

    /** The most deltas let through before an error or a stall. */
    public static final int MAX_DELTAS_BEFORE_FAULT = 8;

    /** The most deltas a truncated generation keeps. */
    public static final int MAX_KEPT_DELTAS = 8;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /**
     * What one generation drew.
     *
     * @param generation the generation's number
     * @param fault the fault, {@link Fault#NONE} for none
     * @param deltas the deltas let through before an error or a stall, or the most a truncation keeps; else 0
     * @param retryAfter a rate limit's retry-after hint, or null
     * @param random the generation's source, positioned after the draw (the garbage fault's junk comes next)
     */
    public record Plan(long generation, Fault fault, int deltas, @Nullable Duration retryAfter,
            SplittableRandom random) {
    }

    private final long seed;
    private final double[] rates;
    private final Fault[] order;

    /**
     * Creates the planner.
     *
     * @param seed the seed the faults are drawn from
     * @param rates each fault's rate, indexed by ordinal; not modified afterwards
     * @param order the injectable faults, in drawing order
     */
    public FaultPlanner(long seed, double[] rates, Fault[] order) {
        this.seed = seed;
        this.rates = rates;
        this.order = order;
    }

    /** Returns the seed of generation {@code n}: the n-th {@code nextLong()} of {@code new SplittableRandom(seed)}. */
    public static long generationSeed(long seed, long n) {
        long z = seed + (n + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Returns what generation {@code n} draws; the same {@code n} always draws the same. */
    public Plan plan(long n) {
        SplittableRandom random = new SplittableRandom(generationSeed(seed, n));
        double u = random.nextDouble();
        Fault fault = Fault.NONE;
        double cumulative = 0;
        for (Fault f : order) {
            cumulative += rates[f.ordinal()];
            if (u < cumulative) {
                fault = f;
                break;
            }
        }
        int deltas = 0;
        Duration retryAfter = null;
        switch (fault) {
            case TRANSIENT_ERROR, PERMANENT_ERROR, RATE_LIMIT, STALL ->
                deltas = random.nextBoolean() ? 0 : 1 + random.nextInt(MAX_DELTAS_BEFORE_FAULT);
            case TRUNCATED -> deltas = random.nextInt(MAX_KEPT_DELTAS + 1);
            default -> { }
        }
        if (fault == Fault.RATE_LIMIT) {
            int k = random.nextInt(21);
            retryAfter = k == 0 ? null : Duration.ofMillis(100L * k);
        }
        return new Plan(n, fault, deltas, retryAfter, random);
    }
}

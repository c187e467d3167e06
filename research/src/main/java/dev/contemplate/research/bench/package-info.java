/**
 * Benches from Java: {@link dev.contemplate.research.bench.Bench} runs a
 * {@link dev.contemplate.research.dataset.Dataset} with several agent counts under several stopping rules over any
 * engine, through a {@link dev.contemplate.research.bench.ContemplatorFactory}, on a
 * {@link dev.contemplate.research.bench.BenchClock} (real time, or virtual time for a simulated engine), and returns a
 * {@link dev.contemplate.research.bench.BenchResult}: per cell the accuracy with its Wilson interval, latency
 * percentiles, samples, tokens, cancellations and every question's outcome. Statistics are computed by Commons
 * Statistics. It runs from a JUnit test or a {@code main} method alike.
 */
@NullMarked
package dev.contemplate.research.bench;

import org.jspecify.annotations.NullMarked;

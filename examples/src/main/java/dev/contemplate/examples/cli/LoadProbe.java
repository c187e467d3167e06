package dev.contemplate.examples.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code load} measures of the JVM while it runs: live threads and heap in use, sampled every
 * {@value #SAMPLE_MS} ms on a daemon thread, with the JVM's own peak thread count; and the heap in use after forced
 * garbage collections. Also the latency percentiles of a run.
 */
final class LoadProbe implements AutoCloseable {

    /** How often threads and heap are sampled. */
    static final long SAMPLE_MS = 10;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peakThreads = new AtomicLong();
    private final AtomicLong peakHeap = new AtomicLong();
    private final int startThreads;
    private final Thread sampler;
    private volatile boolean running = true;

    /** Starts sampling, after resetting the JVM's peak thread count. */
    LoadProbe() {
        threads.resetPeakThreadCount();
        startThreads = threads.getThreadCount();
        sampler = new Thread(this::sample, "contemplate-load-probe");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        while (running) {
            peakThreads.accumulateAndGet(threads.getThreadCount(), Math::max);
            peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            try {
                Thread.sleep(SAMPLE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Returns the live threads when sampling started. */
    int startThreads() {
        return startThreads;
    }

    /** Returns the most live threads seen: the larger of the samples and the JVM's peak since the start. */
    long peakThreads() {
        return Math.max(peakThreads.get(), threads.getPeakThreadCount());
    }

    /** Returns the most heap in use seen by a sample, in bytes. */
    long peakHeap() {
        return peakHeap.get();
    }

    /** Stops sampling. */
    @Override
    public void close() {
        running = false;
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Returns the heap in use after {@code System.gc()} has been called a few times, a short pause after each, until
     * two readings agree within 1 % (at most 5 collections): the live heap, as closely as the JVM lets one see it.
     */
    static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long used = memory.getHeapMemoryUsage().getUsed();
            if (i >= 2 && Math.abs(used - last) <= last / 100) {
                return Math.min(used, last);
            }
            last = Math.min(used, last);
        }
        return last;
    }

    /** Returns the {@code q} quantile (0..1, nearest rank) of {@code sorted}, or 0 when it is empty. */
    static long quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /** Returns a sorted copy of {@code values}. */
    static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}

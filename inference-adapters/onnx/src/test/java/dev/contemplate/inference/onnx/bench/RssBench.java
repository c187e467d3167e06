package dev.contemplate.inference.onnx.bench;

import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.onnx.OnnxEngine;
import java.util.Map;

/**
 * Native memory over 10,000 generations: prints the process's resident set size (VmRSS from /proc/self/status) after
 * a warm-up, every 2,000 generations, and at the end. The generations mix {@code sample(q, 8)}, {@code generate},
 * fully read streams and streams cancelled after their first delta, so every path that creates and releases ONNX
 * Runtime values and batch rows runs. The JVM runs with a fixed, pre-touched heap (see the module's pom), so growth
 * of the RSS would be native memory. Options: {@code --model=PATH}, {@code --generations=N} (default 10000).
 */
public final class RssBench {

    private RssBench() {
    }

    /**
     * Runs the measurement.
     *
     * @param args options, see the class description
     * @throws Exception if the engine cannot be built
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchSupport.options(args);
        int target = BenchSupport.intOption(o, "generations", 10_000);
        try (OnnxEngine engine = BenchSupport.engine(o).build()) {
            run(engine, 400);
            System.gc();
            long start = BenchSupport.rssKb();
            System.out.printf("VmRSS after warm-up: %,d kB%n", start);
            long t0 = System.nanoTime();
            long done = 0;
            long next = 2_000;
            while (done < target) {
                done += run(engine, 1);
                if (done >= next) {
                    System.out.printf("VmRSS after %,6d generations: %,d kB%n", done, BenchSupport.rssKb());
                    next += 2_000;
                }
            }
            System.gc();
            long end = BenchSupport.rssKb();
            System.out.printf("VmRSS at start: %,d kB, at end: %,d kB (%+,d kB) over %,d generations in %.1f s%n",
                    start, end, end - start, done, (System.nanoTime() - t0) / 1e9);
            System.out.printf("engine stats: %s%n", engine.stats());
        }
    }

    /** Runs {@code cycles} cycles of 11 generations each; returns how many generations ran. */
    private static long run(OnnxEngine engine, int cycles) {
        long n = 0;
        for (int c = 0; c < cycles; c++) {
            String q = BenchSupport.QUESTIONS.get((int) (System.nanoTime() % BenchSupport.QUESTIONS.size()));
            long seed = System.nanoTime();
            engine.sample(BenchSupport.request(q, 0.7, seed), 8).collectList().block();
            engine.generate(BenchSupport.request(q, 0.7, seed + 100)).block();
            engine.stream(BenchSupport.request(q, 0.7, seed + 200)).blockLast();
            engine.stream(BenchSupport.request(q, 0.7, seed + 300))
                    .filter(GenerationEvent.TextDelta.class::isInstance).next().block();
            n += 11;
        }
        return n;
    }
}

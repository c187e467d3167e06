package dev.contemplate.inference.onnx.bench;

import dev.contemplate.inference.Generation;
import dev.contemplate.inference.onnx.EngineStats;
import dev.contemplate.inference.onnx.OnnxEngine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;

/**
 * The headline benchmark: wall time per question for one sample, for 8 samples batched through
 * {@code sample(request, 8)}, and for the same 8 samples generated one after another; throughput at batch 1, 8 and
 * 16 and under 4 concurrent questions; and where a decoding step's time goes.
 *
 * <p>Each round runs every mode once on the same question (rotating through 16), so that drifts of the machine hit
 * all modes alike; the report gives medians over the rounds. Options: {@code --model=PATH}, {@code --rounds=N}
 * (default 150), {@code --warmup=N} (default 100), {@code --threads=N}, {@code --window-step=N}, {@code --rows=N}.
 */
public final class BatchingBench {

    private static final double TEMPERATURE = 0.7;

    private BatchingBench() {
    }

    /**
     * Runs the benchmark and prints the report.
     *
     * @param args options, see the class description
     * @throws Exception if the engine cannot be built
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchSupport.options(args);
        int rounds = BenchSupport.intOption(o, "rounds", 150);
        int warmup = BenchSupport.intOption(o, "warmup", 100);
        try (OnnxEngine engine = BenchSupport.engine(o).build()) {
            System.out.printf("engine: %s, %d available processors, java %s%n", engine,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            for (int i = 0; i < warmup; i++) {
                String q = BenchSupport.QUESTIONS.get(i % BenchSupport.QUESTIONS.size());
                engine.generate(BenchSupport.request(q, TEMPERATURE, i)).block();
                engine.sample(BenchSupport.request(q, TEMPERATURE, i), 8).collectList().block();
            }
            List<Double> one = BenchSupport.list();
            List<Double> batched = BenchSupport.list();
            List<Double> sequential = BenchSupport.list();
            int mismatches = 0;
            long samples = 0;
            Breakdown b1 = new Breakdown();
            Breakdown b8 = new Breakdown();
            for (int r = 0; r < rounds; r++) {
                String q = BenchSupport.QUESTIONS.get(r % BenchSupport.QUESTIONS.size());
                long seed = 1000L * r;
                EngineStats s0 = engine.stats();
                long t0 = System.nanoTime();
                engine.generate(BenchSupport.request(q, TEMPERATURE, seed)).block();
                long t1 = System.nanoTime();
                b1.add(s0, engine.stats());
                EngineStats s1 = engine.stats();
                List<Generation> batch = engine.sample(BenchSupport.request(q, TEMPERATURE, seed), 8)
                        .collectList().block();
                long t2 = System.nanoTime();
                b8.add(s1, engine.stats());
                List<String> alone = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    alone.add(engine.generate(BenchSupport.request(q, TEMPERATURE, seed + i)).block().text());
                }
                long t3 = System.nanoTime();
                one.add((t1 - t0) / 1e6);
                batched.add((t2 - t1) / 1e6);
                sequential.add((t3 - t2) / 1e6);
                batch.sort(Comparator.comparingInt(Generation::index));
                for (int i = 0; i < 8; i++) {
                    samples++;
                    if (!batch.get(i).text().equals(alone.get(i))) {
                        mismatches++;
                    }
                }
            }
            double m1 = BenchSupport.median(one);
            double m8 = BenchSupport.median(batched);
            double ms = BenchSupport.median(sequential);
            System.out.printf("%nwall time per question (median of %d rounds, temperature %.1f, strategy L):%n",
                    rounds, TEMPERATURE);
            System.out.printf("  N=1              %7.2f ms  (p10 %.2f, p90 %.2f)%n", m1,
                    BenchSupport.percentile(one, 0.1), BenchSupport.percentile(one, 0.9));
            System.out.printf("  N=8 batched      %7.2f ms  (p10 %.2f, p90 %.2f)%n", m8,
                    BenchSupport.percentile(batched, 0.1), BenchSupport.percentile(batched, 0.9));
            System.out.printf("  N=8 sequential   %7.2f ms  (p10 %.2f, p90 %.2f)%n", ms,
                    BenchSupport.percentile(sequential, 0.1), BenchSupport.percentile(sequential, 0.9));
            System.out.printf("  ratio batched/N=1     %.2f%n", m8 / m1);
            System.out.printf("  ratio sequential/N=1  %.2f%n", ms / m1);
            System.out.printf("  batched samples identical to the same seed alone: %d of %d%n", samples - mismatches,
                    samples);
            System.out.printf("%nstep breakdown (mean per decoding step):%n");
            b1.print("  batch 1");
            b8.print("  batch 8");

            System.out.printf("%nthroughput (generated tokens per second, median of %d runs):%n", rounds / 3);
            for (int n : new int[] {1, 8, 16}) {
                System.out.printf("  batch %-2d             %8.0f tokens/s%n", n, throughput(engine, n, 1, rounds / 3));
            }
            System.out.printf("  4 questions x 8     %8.0f tokens/s%n", throughput(engine, 8, 4, rounds / 3));
            System.out.printf("%nengine stats: %s%n", engine.stats());
        }
    }

    /** Runs {@code questions} concurrent {@code sample(q, n)} calls; returns the median tokens per second. */
    private static double throughput(OnnxEngine engine, int n, int questions, int runs) {
        List<Double> rates = BenchSupport.list();
        for (int r = 0; r < runs; r++) {
            List<Flux<Generation>> all = new ArrayList<>();
            for (int q = 0; q < questions; q++) {
                String question = BenchSupport.QUESTIONS.get((r * questions + q) % BenchSupport.QUESTIONS.size());
                all.add(engine.sample(BenchSupport.request(question, TEMPERATURE, 7L * r + q), n));
            }
            long t0 = System.nanoTime();
            List<Generation> gens = Flux.merge(all).collectList().block();
            long t1 = System.nanoTime();
            long tokens = gens.stream().mapToLong(g -> g.usage().outputTokens()).sum();
            rates.add(tokens / ((t1 - t0) / 1e9));
        }
        return BenchSupport.median(rates);
    }

    /** Accumulates the engine's time split over measured calls. */
    private static final class Breakdown {
        long steps;
        long rows;
        long decode;
        long copy;
        long host;
        long prefill;
        long prefills;

        void add(EngineStats a, EngineStats b) {
            steps += b.steps() - a.steps();
            rows += b.rowSteps() - a.rowSteps();
            decode += b.decodeNanos() - a.decodeNanos();
            copy += b.cacheCopyNanos() - a.cacheCopyNanos();
            host += b.hostNanos() - a.hostNanos();
            prefill += b.prefillNanos() - a.prefillNanos();
            prefills += b.prefills() - a.prefills();
        }

        void print(String label) {
            double s = Math.max(1, steps);
            double total = (decode + copy + host) / s / 1e3;
            System.out.printf("%s (mean rows %.2f): %.1f us/step = ONNX Runtime %.1f us (%.0f%%) + cache copies"
                            + " %.1f us (%.0f%%) + inputs/sampling/delivery %.1f us (%.0f%%); prefill %.0f us per"
                            + " question%n",
                    label, rows / s, total, decode / s / 1e3, 100.0 * decode / (decode + copy + host),
                    copy / s / 1e3, 100.0 * copy / (decode + copy + host), host / s / 1e3,
                    100.0 * host / (decode + copy + host), prefill / Math.max(1.0, prefills) / 1e3);
        }
    }
}

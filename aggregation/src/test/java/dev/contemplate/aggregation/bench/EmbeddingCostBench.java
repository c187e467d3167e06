package dev.contemplate.aggregation.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.contemplate.aggregation.SemanticOptions;
import dev.contemplate.aggregation.internal.AnswerMatcher;
import dev.contemplate.aggregation.internal.DefaultEmbeddingModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * What the semantic vote costs per candidate on this machine, on one calling thread: the one-time load of the default
 * model, then {@link AnswerMatcher#prepare} (analysis and the one embedding a cast makes, off the caller's thread) and,
 * for reference, a raw embedding of the whole text, for short answers and paragraph-long ones (the texts of
 * {@code semantic/pairs.jsonl}, and paragraphs of 4 to 7 of its explanation sentences). Median and p90 after warm-up.
 *
 * <pre>
 * mvn -B -q -o -pl aggregation test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-cp %classpath dev.contemplate.aggregation.bench.EmbeddingCostBench 500"
 * </pre>
 *
 * Argument: the number of candidate texts of each length (default 500).
 */
public final class EmbeddingCostBench {

    private EmbeddingCostBench() {
    }

    /**
     * Runs the measurement and prints it.
     *
     * @param args optionally the number of texts of each length
     * @throws Exception if the calibration pairs cannot be read
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        List<String> shortTexts = new ArrayList<>();
        List<String> sentences = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        Set<String> seen = new LinkedHashSet<>();
        try (InputStream in = Objects.requireNonNull(
                EmbeddingCostBench.class.getResourceAsStream("/semantic/pairs.jsonl"), "semantic/pairs.jsonl");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode p = json.readTree(line);
                for (String k : List.of("a", "b")) {
                    String t = p.get(k).asText();
                    if (seen.add(t)) {
                        (t.length() <= 60 ? shortTexts : sentences).add(t);
                    }
                }
            }
        }
        Random random = new Random(42);
        List<String> shorts = new ArrayList<>(n);
        List<String> longs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            shorts.add(shortTexts.get(i % shortTexts.size()));
            StringBuilder b = new StringBuilder();
            int count = 4 + random.nextInt(4);
            for (int s = 0; s < count; s++) {
                b.append(s == 0 ? "" : " ").append(sentences.get(random.nextInt(sentences.size())));
            }
            longs.add(b.toString());
        }

        long t0 = System.nanoTime();
        EmbeddingModel model = DefaultEmbeddingModel.get();
        model.embed("load");
        double loadMs = (System.nanoTime() - t0) / 1e6;
        AnswerMatcher matcher = new AnswerMatcher("Explain your answer.", () -> model, SemanticOptions.defaults());

        // warm-up: JIT and the ONNX Runtime session
        for (int i = 0; i < 200; i++) {
            matcher.prepare(shorts.get(i % n));
            matcher.prepare(longs.get(i % n));
        }
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; default model loaded in %.0f ms%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), loadMs);
        System.out.printf(Locale.ROOT, "texts: %d short (mean %.0f chars), %d paragraphs (mean %.0f chars)%n", n,
                shorts.stream().mapToInt(String::length).average().orElse(0), n,
                longs.stream().mapToInt(String::length).average().orElse(0));
        report("short, prepare (what a cast costs)", time(shorts, matcher::prepare));
        report("short, raw embed of the whole text", time(shorts, model::embed));
        report("paragraph, prepare (what a cast costs)", time(longs, matcher::prepare));
        report("paragraph, raw embed of the whole text", time(longs, model::embed));
    }

    private static double[] time(List<String> texts, java.util.function.Function<String, ?> work) {
        double[] ms = new double[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            long t = System.nanoTime();
            work.apply(texts.get(i));
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static void report(String what, double[] sortedMs) {
        System.out.printf(Locale.ROOT, "%-42s median %6.2f ms   p90 %6.2f ms   max %6.2f ms%n", what,
                sortedMs[sortedMs.length / 2], sortedMs[(int) Math.ceil(0.9 * sortedMs.length) - 1],
                sortedMs[sortedMs.length - 1]);
    }
}

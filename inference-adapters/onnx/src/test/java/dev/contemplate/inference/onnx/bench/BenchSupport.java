package dev.contemplate.inference.onnx.bench;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.onnx.CharTokenizer;
import dev.contemplate.inference.onnx.OnnxEngine;
import dev.contemplate.inference.onnx.PromptTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared set-up of the benchmarks: the demo model from the sibling module, questions, options, statistics. */
final class BenchSupport {

    /** The demo model's location relative to this module. */
    static final String DEFAULT_MODEL =
            "../onnx-arithmetic/src/main/resources/dev/contemplate/inference/onnx/arithmetic/model.onnx";

    /** Questions of the demo model's family. */
    static final List<String> QUESTIONS = List.of("54+39-25+73", "33+40-68-2", "12+7+30-9", "88-41+17-20",
            "5+92-47+11", "61-15-20+36", "27+27+27-50", "99-98+45+3", "14+66-33+21", "70-35+8-40", "43+12-19+64",
            "9+9+9+9", "76-22-31+58", "38+51-47-30", "20+45-60+71", "95-80+13+29");

    private BenchSupport() {
    }

    /** Parses {@code --key=value} arguments. */
    static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (String a : args) {
            if (a == null || a.isBlank()) {
                continue;
            }
            for (String part : a.trim().split("\\s+")) {
                if (!part.startsWith("--") || !part.contains("=")) {
                    throw new IllegalArgumentException("arguments are --key=value, got '" + part + "'");
                }
                int eq = part.indexOf('=');
                out.put(part.substring(2, eq), part.substring(eq + 1));
            }
        }
        return out;
    }

    static int intOption(Map<String, String> o, String key, int fallback) {
        return o.containsKey(key) ? Integer.parseInt(o.get(key)) : fallback;
    }

    /** Builds an engine over the model given by {@code --model} (default: the demo model). */
    static OnnxEngine.Builder engine(Map<String, String> o) throws IOException {
        Path model = Path.of(o.getOrDefault("model", DEFAULT_MODEL));
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("model " + model.toAbsolutePath() + " not found; pass --model=PATH");
        }
        return OnnxEngine.builder()
                .name("bench")
                .model(model)
                .tokenizer(CharTokenizer.read(model.resolveSibling("vocab.json")))
                .promptTemplate(PromptTemplate.fromFormat("Q:{user}=?\n{system}:"))
                .intraOpThreads(intOption(o, "threads", 1))
                .kvWindowStep(intOption(o, "window-step", 16))
                .maxBatchRows(intOption(o, "rows", 32));
    }

    static GenerationRequest request(String question, double temperature, long seed) {
        return new GenerationRequest(List.of(Message.system("L"), Message.user(question)),
                SamplingParameters.builder().temperature(temperature).seed(seed).maxTokens(64).build());
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double percentile(List<Double> values, double p) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN : v[Math.min(v.length - 1, (int) Math.floor(p * v.length))];
    }

    static List<Double> list() {
        return new ArrayList<>();
    }

    /** Returns this process's resident set size in kB, from /proc/self/status, or -1 where there is none. */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

package dev.contemplate.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.contemplate.inference.onnx.arithmetic.ArithmeticModel;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Load on {@code contemplate serve} over the embedded demo model: rounds of N concurrent {@code contemplate-5}
 * requests against rounds of N concurrent {@code arithmetic} pass-through requests (one generation each), alternated
 * in one run, with the JDK's {@link HttpClient} as the load client. Prints a table: throughput, latency percentiles,
 * refusals, accuracy, generations and tokens per request. Arguments: {@code [N=100] [rounds=3]}; one unmeasured
 * warm-up round of each comes first.
 *
 * <pre>
 * mvn -B -q -o -pl examples test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-cp %classpath dev.contemplate.examples.cli.ServerLoadBench 100 3"
 * </pre>
 */
public final class ServerLoadBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome of one request. */
    private record Sample(long nanos, int status, boolean correct, long tokens, int generations) {
    }

    private ServerLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> questions = questions(n, new Random(7));
        List<String> models = List.of("contemplate-5", ServeCommand.EMBEDDED_MODEL);
        ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "load-client");
            t.setDaemon(true);
            return t;
        });
        HttpClient client = HttpClient.newBuilder().executor(pool).version(HttpClient.Version.HTTP_1_1).build();
        try (Serving serving = new Serving("--agents", "5", "--max-agents", "5", "--max-concurrent",
                Integer.toString(n), "--max-queued", Integer.toString(n))) {
            for (String model : models) {
                round(client, serving.baseUrl(), model, questions, 0);
            }
            List<List<Sample>> samples = List.of(new ArrayList<>(), new ArrayList<>());
            long[] wall = new long[models.size()];
            for (int r = 0; r < rounds; r++) {
                for (int m = 0; m < models.size(); m++) {
                    long start = System.nanoTime();
                    samples.get(m).addAll(round(client, serving.baseUrl(), models.get(m), questions, r + 1));
                    wall[m] += System.nanoTime() - start;
                }
            }
            System.out.printf(Locale.ROOT, "%d rounds of %d concurrent requests per workload, alternated; %d cores, "
                    + "load average %.1f%n%n", rounds, n, Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("| workload | requests | throughput | p50 | p90 | p99 | max | not 200 | correct "
                    + "| generations / request | tokens / request |");
            System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            for (int m = 0; m < models.size(); m++) {
                System.out.println(row(models.get(m), samples.get(m), wall[m]));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sends every question at once and waits for every answer. */
    private static List<Sample> round(HttpClient client, String baseUrl, String model, List<String> questions,
            int round) {
        List<CompletableFuture<Sample>> futures = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            String q = questions.get(i);
            String body = "{\"model\":\"" + model + "\",\"seed\":" + (1000 * round + i) + ",\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"What is " + q + "?\"}]}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                    .header("Content-Type", "application/json").timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long start = System.nanoTime();
            futures.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> sample(r, System.nanoTime() - start, q)));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private static Sample sample(HttpResponse<String> r, long nanos, String question) {
        if (r.statusCode() != 200) {
            return new Sample(nanos, r.statusCode(), false, 0, 0);
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            String text = body.path("choices").get(0).path("message").path("content").asText();
            boolean correct = ArithmeticModel.parseAnswer(text).equals(ArithmeticModel.solve(question));
            JsonNode agents = body.path("contemplate").path("agents");
            int generations = agents.isMissingNode() ? 1 : agents.path("started").asInt();
            return new Sample(nanos, 200, correct, body.path("usage").path("total_tokens").asLong(), generations);
        } catch (java.io.IOException e) {
            return new Sample(nanos, -1, false, 0, 0);
        }
    }

    private static String row(String model, List<Sample> samples, long wallNanos) {
        long[] ms = samples.stream().mapToLong(s -> s.nanos() / 1_000_000).sorted().toArray();
        long ok = samples.stream().filter(s -> s.status() == 200).count();
        long correct = samples.stream().filter(Sample::correct).count();
        return String.format(Locale.ROOT, "| %s | %d | %.1f req/s | %d ms | %d ms | %d ms | %d ms | %d | %.0f%% | %.1f "
                + "| %.0f |", model, samples.size(), samples.size() / (wallNanos / 1e9), pct(ms, 0.50), pct(ms, 0.90),
                pct(ms, 0.99), ms[ms.length - 1], samples.size() - ok, 100.0 * correct / samples.size(),
                samples.stream().mapToInt(Sample::generations).average().orElse(0),
                samples.stream().mapToLong(Sample::tokens).average().orElse(0));
    }

    /** Returns the nearest-rank percentile. */
    private static long pct(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Returns questions of the model's family whose running value never goes negative, as in its training data. */
    private static List<String> questions(int n, Random random) {
        List<String> out = new ArrayList<>(n);
        while (out.size() < n) {
            int value = 1 + random.nextInt(99);
            StringBuilder q = new StringBuilder(Integer.toString(value));
            boolean ok = true;
            for (int step = 0; step < 3 && ok; step++) {
                int term = 1 + random.nextInt(99);
                boolean plus = random.nextBoolean();
                value += plus ? term : -term;
                ok = value >= 0;
                q.append(plus ? '+' : '-').append(term);
            }
            if (ok) {
                out.add(q.toString());
            }
        }
        return out;
    }
}

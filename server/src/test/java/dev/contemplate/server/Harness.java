package dev.contemplate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** A server on a free port over a scripted engine, and the clients the tests use against it. */
final class Harness implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final ContemplateServer server;

    Harness(ContemplateServer server) {
        this.server = server;
    }

    /** A server of a team of {@code size} seeded agents over {@code engine}, voting on numbers, stopping at fixed. */
    static Harness start(InferenceEngine engine, int size, UnaryOperator<ContemplateServer.Builder> more) {
        return new Harness(more.apply(ContemplateServer.builder().port(0)
                .contemplators(contemplators(engine, size, b -> b))).start());
    }

    /** The contemplators of a team of {@code size} over {@code engine}, with the request's sampling applied. */
    static Function<SamplingOverrides, Contemplator> contemplators(InferenceEngine engine, int size,
            UnaryOperator<Contemplator.Builder> more) {
        Team team = Team.builder().size(size).seed(1).build();
        return o -> more.apply(Contemplator.builder().engine(engine).team(o.applyTo(team))
                .extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed())
                .budget(Budget.builder().deadline(Duration.ofSeconds(30)).build())).build();
    }

    /** An engine whose every generation says {@code text} over {@code latency}. */
    static ScriptedEngine answering(String text, Duration latency) {
        return ScriptedEngine.constant(ScriptedEngine.Script.text(text, latency));
    }

    static String chat(String model, String question) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    HttpResponse<String> post(String body, String... headers) {
        return send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** Asserts an OpenAI error object with {@code status}, {@code type} and {@code code}; returns its error. */
    static JsonNode assertError(HttpResponse<String> r, int status, String type, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode error = json(r.body()).path("error");
        assertThat(error.path("type").asText()).as(r.body()).isEqualTo(type);
        assertThat(error.path("code").isNull() ? null : error.path("code").asText()).as(r.body()).isEqualTo(code);
        assertThat(error.has("message") && error.has("param")).as(r.body()).isTrue();
        return error;
    }

    /** Waits up to 20 s for {@code condition}; a poll, not a timing assertion. */
    static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * A raw HTTP/1.1 connection ({@code Connection: close}, so the response ends with the stream): the one client that
     * can be cut at an exact point of a response.
     */
    static final class RawConnection implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        final List<String> lines = new ArrayList<>();

        RawConnection(int port, String body, String... extraHeaders) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(20_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                    + "\r\n");
            for (String h : extraHeaders) {
                head.append(h).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Reads lines until one matches; returns it. */
        String readUntil(Predicate<String> match) throws IOException {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (match.test(line)) {
                    return line;
                }
            }
            throw new AssertionError("the connection ended before a matching line; read " + lines);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}

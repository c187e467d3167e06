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
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /**
     * A raw HTTP/1.1 connection that sends exactly the bytes a test writes (a bad URL, a chunked body, half a body,
     * several requests on one kept-alive connection) and reads what comes back. Reads wait at most 20 s.
     */
    static final class RawSocket implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        RawSocket(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(20_000);
            in = new BufferedInputStream(socket.getInputStream());
        }

        RawSocket write(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return this;
        }

        /** Writes a POST of {@code body} to the chat route, kept alive (HTTP/1.1's default). */
        RawSocket post(String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            return write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n" + body);
        }

        /** Reads one response with a Content-Length body; fails if the connection ends first. */
        Response response() throws IOException {
            String status = line();
            if (status == null) {
                throw new AssertionError("the server closed the connection without a response");
            }
            Map<String, String> headers = new HashMap<>();
            for (String h = line(); h != null && !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            return new Response(Integer.parseInt(status.split(" ")[1]), headers,
                    new String(body, StandardCharsets.UTF_8));
        }

        /**
         * Reads until the server closes the connection and returns what came, waiting at most 20 s: a bounded wait
         * for the close, not a timing assertion. A reset counts as a close.
         */
        String untilClosed() throws IOException {
            StringBuilder got = new StringBuilder();
            byte[] buffer = new byte[4096];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    got.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept the connection open for 20 s; got: " + got, e);
            } catch (SocketException e) {
                // reset by the server: closed too
            }
            return got.toString();
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0; c = in.read()) {
                if (c == '\n') {
                    int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1
                            : line.length();
                    return line.substring(0, end);
                }
                line.append((char) c);
            }
            return line.length() == 0 ? null : line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A response read from a {@link RawSocket}: its status, headers (lower-case names) and body. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    @Override
    public void close() {
        server.close();
    }
}

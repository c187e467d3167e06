package dev.contemplate.inference.langchain4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A small OpenAI-compatible chat completions server for tests, on 127.0.0.1 and a free port, at
 * {@link #baseUrl()}{@code /chat/completions}. It answers a request streamed (server-sent events: {@code data:
 * {chunk}} lines, a last chunk with {@code usage}, then {@code data: [DONE]}) when its body says {@code "stream":
 * true}, and as one JSON completion otherwise.
 *
 * <p>{@link #OpenAiTestServer()} plays a script picked by the last message of a request:
 * <ul>
 *   <li>{@code question} (and anything unknown): "The answer is 42." in five tokens, or the seed instead of 42 when
 *       the request has one, with usage and {@code finish_reason=stop};</li>
 *   <li>{@code long}: {@value #LONG_TOKENS} tokens, {@value #PAUSE_MS} ms apart when streamed; a non-streamed
 *       answer comes after {@value #LONG_TRICKLE} whitespace keep-alive bytes, {@value #PAUSE_MS} ms apart;</li>
 *   <li>{@code hang}: like {@code long} but ten times longer, and a non-streamed answer a hundred times later, so
 *       that only a cancellation ends it early;</li>
 *   <li>{@code gated <script>}: waits until the test calls {@link #openGate()}, then plays the script named after
 *       the word {@code gated} ({@code question} if none);</li>
 *   <li>{@code nousage}: answers without {@code usage} and with {@code finish_reason=length};</li>
 *   <li>{@code filtered}: answers with {@code finish_reason=content_filter};</li>
 *   <li>{@code fail<status>}, e.g. {@code fail500}: an HTTP error with an OpenAI-style error body whose message is
 *       {@code scripted failure <status>}.</li>
 * </ul>
 * A request with {@code "logprobs": true} gets, with every token, the log-probability {@link #logprob(int)} of its
 * position (in the answer's {@code logprobs.content}, or in each chunk's when streamed).
 * {@link #replying(Function)} answers every request with a text of the test's choosing instead, and
 * {@link #failing(int, Function)} fails every request.
 *
 * <p>The server records every request and, per exchange, how many writes it made and whether the client closed the
 * connection before the answer was complete (a write to the response body failed). Tests wait for these with the
 * bounded polls of this class.
 */
public final class OpenAiTestServer implements AutoCloseable {

    /** How many tokens the {@code long} script streams. */
    public static final int LONG_TOKENS = 300;
    /** How many keep-alive bytes precede a non-streamed {@code long} answer. */
    public static final int LONG_TRICKLE = 20;
    /** The pause between two streamed tokens, or two keep-alive bytes, of the slow scripts, in milliseconds. */
    public static final long PAUSE_MS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Splits a reply into tokens: words with their leading whitespace, runs of punctuation, trailing whitespace. */
    private static final Pattern WORD = Pattern.compile("\\s*\\w+|\\s*[^\\w\\s]+|\\s+");

    /** Returns the log-probability reported for the token at {@code position}: {@code -(position + 1) / 8}. */
    public static double logprob(int position) {
        return -(position + 1) / 8.0;
    }

    /** One request and what the server did with it; the counters change while the exchange is open. */
    public static final class Exchange {
        private final int index;
        private final long arrivalNanos;
        private final JsonNode body;
        private final String prompt;
        private final @Nullable String authorization;
        private volatile int plannedWrites;
        private volatile int writes;
        private volatile long firstTokenNanos;
        private volatile boolean clientClosedEarly;
        private volatile boolean finished;

        private Exchange(int index, long arrivalNanos, JsonNode body, String prompt, @Nullable String authorization) {
            this.index = index;
            this.arrivalNanos = arrivalNanos;
            this.body = body;
            this.prompt = prompt;
            this.authorization = authorization;
        }

        /** Returns the exchange's position in arrival order, from 0. */
        public int index() {
            return index;
        }

        /** Returns when the request arrived, in {@link System#nanoTime()}. */
        public long arrivalNanos() {
            return arrivalNanos;
        }

        /** Returns the request body. */
        public JsonNode body() {
            return body;
        }

        /** Returns the content of the request's last message, or the empty string. */
        public String prompt() {
            return prompt;
        }

        /** Returns the request's {@code Authorization} header, or null if it had none. */
        public @Nullable String authorization() {
            return authorization;
        }

        /** Returns whether the request asked for a streamed answer. */
        public boolean streamed() {
            return body.path("stream").asBoolean(false);
        }

        /** Returns whether the request asked for log-probabilities. */
        public boolean logprobs() {
            return body.path("logprobs").asBoolean(false);
        }

        /** Returns how many writes (tokens, or keep-alive bytes) the answer was to take; 0 until it began. */
        public int plannedWrites() {
            return plannedWrites;
        }

        /** Returns how many of those writes succeeded so far. */
        public int writes() {
            return writes;
        }

        /**
         * Returns when the first token was written ({@link System#nanoTime()}, before the client can have had it),
         * or 0 while none was.
         */
        public long firstTokenNanos() {
            return firstTokenNanos;
        }

        /** Returns whether a write failed because the client had closed the connection. */
        public boolean clientClosedEarly() {
            return clientClosedEarly;
        }

        /** Returns whether the whole answer was written. */
        public boolean finished() {
            return finished;
        }
    }

    /** Writes the answer to one exchange. */
    @FunctionalInterface
    private interface Responder {
        void respond(OpenAiTestServer server, HttpExchange http, Exchange exchange)
                throws IOException, InterruptedException;
    }

    private final Responder responder;
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final CountDownLatch gate = new CountDownLatch(1);

    /**
     * Starts a server that plays the scripts of the class comment.
     *
     * @throws IOException if the server cannot bind
     */
    public OpenAiTestServer() throws IOException {
        this(OpenAiTestServer::script);
    }

    private OpenAiTestServer(Responder responder) throws IOException {
        this.responder = responder;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-server-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    /**
     * Starts a server that answers every request with {@code replies.apply(body)}, split into word tokens, with usage
     * and {@code finish_reason=stop}.
     *
     * @param replies the answer to each request body
     * @return the started server
     * @throws IOException if the server cannot bind
     */
    public static OpenAiTestServer replying(Function<JsonNode, String> replies) throws IOException {
        Objects.requireNonNull(replies, "replies");
        return new OpenAiTestServer((server, http, ex) -> server.play(http, ex, words(replies.apply(ex.body)), 0, 0,
                "stop", promptTokens(ex)));
    }

    /**
     * Starts a server that fails every request with HTTP {@code status} and an OpenAI-style error body whose message
     * is {@code message.apply(exchange)}.
     *
     * @param status the HTTP status
     * @param message the error message for each exchange (it may repeat what the request sent, such as its
     *     {@link Exchange#authorization()})
     * @return the started server
     * @throws IOException if the server cannot bind
     */
    public static OpenAiTestServer failing(int status, Function<Exchange, String> message) throws IOException {
        Objects.requireNonNull(message, "message");
        return new OpenAiTestServer((server, http, ex) -> error(http, status, message.apply(ex)));
    }

    /** Returns the base URL for LangChain4j's OpenAI models, ending in {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Returns every exchange so far, in arrival order. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Returns the request bodies so far, in arrival order. */
    public List<JsonNode> bodies() {
        List<JsonNode> out = new ArrayList<>();
        for (Exchange e : exchanges) {
            out.add(e.body);
        }
        return out;
    }

    /** Returns how many exchanges are open now. */
    public int open() {
        return open.get();
    }

    /** Returns the most exchanges that were open at once. */
    public int maxOpen() {
        return maxOpen.get();
    }

    /** Lets {@code gated} answers proceed. */
    public void openGate() {
        gate.countDown();
    }

    /** Waits until at least {@code n} requests arrived. */
    public void awaitRequests(int n) {
        await(() -> exchanges.size() >= n, "at least " + n + " requests (got " + exchanges.size() + ")");
    }

    /** Waits until an exchange saw its client close the connection early, and returns it. */
    public Exchange awaitClientClosedEarly() {
        await(() -> exchanges.stream().anyMatch(e -> e.clientClosedEarly), "a client closing its connection early");
        return exchanges.stream().filter(e -> e.clientClosedEarly).findFirst().orElseThrow();
    }

    /** Waits until no exchange is open. */
    public void awaitIdle() {
        await(() -> open.get() == 0, "no open exchange (open: " + open.get() + ")");
    }

    /**
     * Polls {@code condition} every few milliseconds for up to ten seconds; fails if it never holds. A bound against
     * a hang, not a timing assertion.
     *
     * @param condition what to wait for
     * @param what the condition in words, for the failure message
     */
    public static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Opens the gate, stops the server and ends its threads. */
    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange http) throws IOException {
        long arrival = System.nanoTime();
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        Exchange ex = null;
        try {
            JsonNode body = JSON.readTree(http.getRequestBody());
            JsonNode messages = body.path("messages");
            String prompt = messages.size() == 0 ? "" : messages.get(messages.size() - 1).path("content").asText("");
            String authorization = http.getRequestHeaders().getFirst("Authorization");
            synchronized (exchanges) {
                ex = new Exchange(exchanges.size(), arrival, body, prompt, authorization);
                exchanges.add(ex);
            }
            responder.respond(this, http, ex);
            ex.finished = true;
        } catch (IOException e) {
            if (ex != null) {
                ex.clientClosedEarly = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.decrementAndGet();
            http.close();
        }
    }

    /** Plays the script that the exchange's prompt names (see the class comment). */
    private void script(HttpExchange http, Exchange ex) throws IOException, InterruptedException {
        String prompt = ex.prompt;
        if (prompt.startsWith("fail")) {
            int status = Integer.parseInt(prompt.substring(4));
            error(http, status, "scripted failure " + status);
            return;
        }
        if (prompt.startsWith("gated")) {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
            prompt = prompt.substring("gated".length()).trim();
        }
        List<String> tokens;
        long pause = 0;
        int trickle = 0;
        switch (prompt) {
            case "long" -> {
                tokens = repeat(LONG_TOKENS);
                pause = PAUSE_MS;
                trickle = LONG_TRICKLE;
            }
            case "hang" -> {
                tokens = repeat(LONG_TOKENS * 10);
                pause = PAUSE_MS;
                trickle = LONG_TRICKLE * 100;
            }
            default -> {
                JsonNode seed = ex.body.get("seed");
                String number = seed == null ? "42" : seed.asText();
                tokens = List.of("The", " answer", " is", " " + number, ".");
            }
        }
        String finish = switch (prompt) {
            case "nousage" -> "length";
            case "filtered" -> "content_filter";
            default -> "stop";
        };
        play(http, ex, tokens, pause, trickle, finish, prompt.equals("nousage") ? -1 : promptTokens(ex));
    }

    /** Writes {@code tokens} streamed or as one completion, as the request asked; no usage if promptTokens < 0. */
    private void play(HttpExchange http, Exchange ex, List<String> tokens, long pause, int trickle, String finish,
            int promptTokens) throws IOException, InterruptedException {
        if (ex.streamed()) {
            stream(http, ex, tokens, pause, finish, promptTokens);
        } else {
            complete(http, ex, tokens, trickle, finish, promptTokens);
        }
    }

    private static int promptTokens(Exchange ex) {
        return ex.body.path("messages").size() * 3 + 1;
    }

    private static void error(HttpExchange http, int status, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", "test");
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().add("Content-Type", "application/json");
        http.sendResponseHeaders(status, bytes.length);
        http.getResponseBody().write(bytes);
    }

    private void stream(HttpExchange http, Exchange ex, List<String> tokens, long pause, String finish,
            int promptTokens) throws IOException, InterruptedException {
        http.getResponseHeaders().add("Content-Type", "text/event-stream");
        http.sendResponseHeaders(200, 0);
        OutputStream out = http.getResponseBody();
        ex.plannedWrites = tokens.size();
        for (int i = 0; i < tokens.size(); i++) {
            if (i > 0 && pause > 0) {
                Thread.sleep(pause);
            }
            ObjectNode delta = JSON.createObjectNode();
            if (i == 0) {
                delta.put("role", "assistant");
            }
            delta.put("content", tokens.get(i));
            if (i == 0) {
                ex.firstTokenNanos = System.nanoTime(); // before the client can possibly have it
            }
            event(out, chunk(delta, null, ex.logprobs() ? logprobs(tokens.subList(i, i + 1), i) : null));
            ex.writes = i + 1;
        }
        event(out, chunk(JSON.createObjectNode(), finish, null));
        if (promptTokens >= 0) {
            ObjectNode usageChunk = JSON.createObjectNode();
            usageChunk.put("id", "chatcmpl-test").put("object", "chat.completion.chunk").put("created", 1)
                    .put("model", "test-model");
            usageChunk.putArray("choices");
            usageChunk.set("usage", usage(promptTokens, tokens.size()));
            event(out, usageChunk.toString());
        }
        event(out, "[DONE]");
    }

    private void complete(HttpExchange http, Exchange ex, List<String> tokens, int trickle, String finish,
            int promptTokens) throws IOException, InterruptedException {
        String text = String.join("", tokens);
        ObjectNode response = JSON.createObjectNode();
        response.put("id", "chatcmpl-test").put("object", "chat.completion").put("created", 1)
                .put("model", "test-model");
        ObjectNode choice = response.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", finish);
        if (ex.logprobs()) {
            choice.set("logprobs", logprobs(tokens, 0));
        }
        if (promptTokens >= 0) {
            response.set("usage", usage(promptTokens, tokens.size()));
        }
        byte[] bytes = response.toString().getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().add("Content-Type", "application/json");
        if (trickle == 0) {
            ex.firstTokenNanos = System.nanoTime();
            http.sendResponseHeaders(200, bytes.length);
            http.getResponseBody().write(bytes);
            return;
        }
        // a slow answer: keep-alive whitespace (valid before JSON) until the body is ready, so that a client
        // that gives up and closes the connection makes a write fail here
        http.sendResponseHeaders(200, 0);
        OutputStream out = http.getResponseBody();
        ex.plannedWrites = trickle;
        for (int i = 0; i < trickle; i++) {
            out.write(' ');
            out.flush();
            ex.writes = i + 1;
            Thread.sleep(PAUSE_MS);
        }
        ex.firstTokenNanos = System.nanoTime();
        out.write(bytes);
        out.flush();
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Returns a {@code logprobs} object for {@code tokens}, the first at {@code position}. */
    private static ObjectNode logprobs(List<String> tokens, int position) {
        ObjectNode logprobs = JSON.createObjectNode();
        ArrayNode content = logprobs.putArray("content");
        for (int i = 0; i < tokens.size(); i++) {
            ObjectNode token = content.addObject();
            token.put("token", tokens.get(i)).put("logprob", logprob(position + i));
            ArrayNode bytes = token.putArray("bytes");
            for (byte b : tokens.get(i).getBytes(StandardCharsets.UTF_8)) {
                bytes.add(b & 0xFF);
            }
            token.putArray("top_logprobs");
        }
        return logprobs;
    }

    private static String chunk(ObjectNode delta, @Nullable String finish, @Nullable ObjectNode logprobs) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", "chatcmpl-test").put("object", "chat.completion.chunk").put("created", 1)
                .put("model", "test-model");
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (logprobs != null) {
            choice.set("logprobs", logprobs);
        }
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return chunk.toString();
    }

    private static ObjectNode usage(int promptTokens, int completionTokens) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return usage;
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static List<String> repeat(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(" tok");
        }
        return out;
    }
}

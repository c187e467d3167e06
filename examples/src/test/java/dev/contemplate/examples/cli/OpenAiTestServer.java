package dev.contemplate.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny OpenAI-compatible chat completions server for tests, on 127.0.0.1 and a free port. It streams a reply (by
 * default "The answer is 42.", or what its reply function makes of the request body) as server-sent events with
 * usage, word by word, unless the last message contains {@code fail}: then it answers HTTP 500 with an OpenAI-style
 * error body. It records every request body.
 */
final class OpenAiTestServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("\\s*\\w+|\\s*[^\\w\\s]+|\\s+");

    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final java.util.function.Function<JsonNode, String> replies;

    OpenAiTestServer() throws IOException {
        this(body -> "The answer is 42.");
    }

    /** Creates a server that answers each request body with {@code replies.apply(body)}. */
    OpenAiTestServer(java.util.function.Function<JsonNode, String> replies) throws IOException {
        this.replies = replies;
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

    /** Returns the base URL for LangChain4j's OpenAI models. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Returns the request bodies so far, in arrival order. */
    List<JsonNode> bodies() {
        return List.copyOf(bodies);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange http) throws IOException {
        try {
            JsonNode body = JSON.readTree(http.getRequestBody());
            bodies.add(body);
            JsonNode messages = body.path("messages");
            String prompt = messages.size() == 0 ? "" : messages.get(messages.size() - 1).path("content").asText("");
            if (prompt.contains("fail")) {
                byte[] error = "{\"error\":{\"message\":\"scripted failure\",\"type\":\"test\"}}"
                        .getBytes(StandardCharsets.UTF_8);
                http.getResponseHeaders().add("Content-Type", "application/json");
                http.sendResponseHeaders(500, error.length);
                http.getResponseBody().write(error);
                return;
            }
            List<String> tokens = new java.util.ArrayList<>();
            java.util.regex.Matcher words = WORD.matcher(replies.apply(body));
            while (words.find()) {
                tokens.add(words.group());
            }
            http.getResponseHeaders().add("Content-Type", "text/event-stream");
            http.sendResponseHeaders(200, 0);
            OutputStream out = http.getResponseBody();
            for (int i = 0; i < tokens.size(); i++) {
                ObjectNode delta = JSON.createObjectNode();
                if (i == 0) {
                    delta.put("role", "assistant");
                }
                delta.put("content", tokens.get(i));
                event(out, chunk(delta, null));
            }
            event(out, chunk(JSON.createObjectNode(), "stop"));
            ObjectNode usage = chunkBase();
            usage.putArray("choices");
            usage.putObject("usage").put("prompt_tokens", 12).put("completion_tokens", tokens.size())
                    .put("total_tokens", 12 + tokens.size());
            event(out, usage.toString());
            event(out, "[DONE]");
        } finally {
            http.close();
        }
    }

    private static ObjectNode chunkBase() {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", "chatcmpl-test").put("object", "chat.completion.chunk").put("created", 1)
                .put("model", "test-model");
        return chunk;
    }

    private static String chunk(ObjectNode delta, String finish) {
        ObjectNode chunk = chunkBase();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return chunk.toString();
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}

package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * API keys never show: not in {@code ask}'s errors, progress lines or output when the OpenAI-compatible server refuses
 * the key or fails (even a server that echoes the key in its error body), and not in {@code serve}'s 401 answer or
 * output. Each key is a distinctive sentinel, so any leak, whole or in part, is found.
 */
class SecretsTest {

    private static final String ASK_KEY = "SECRET-ask-key-7f3a9c1e5b";
    private static final String SERVE_KEY = "SECRET-serve-key-2d8e4b6a0c";
    private static final String WRONG_KEY = "SECRET-wrong-key-9b1c7e3f5a";

    /** The keys, and a fragment of each that a partial echo would still show. */
    private static void assertNoSecret(String text) {
        for (String key : List.of(ASK_KEY, SERVE_KEY, WRONG_KEY)) {
            assertThat(text).doesNotContain(key).doesNotContain(key.substring(key.length() - 10));
        }
    }

    /**
     * A server in the worst manner: it answers every chat completion with {@code status} and an OpenAI-style error
     * body that repeats the Authorization header it got; the server records that header.
     */
    private static OpenAiTestServer echoingServer(int status) throws IOException {
        return OpenAiTestServer.failing(status, exchange -> "Incorrect API key provided: " + exchange.authorization());
    }

    /** Returns the Authorization headers that {@code server} received. */
    private static List<String> authorizations(OpenAiTestServer server) {
        return server.exchanges().stream().map(e -> String.valueOf(e.authorization())).toList();
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 500})
    void askNeverShowsItsKeyWhenTheServerRefusesItOrFails(int status) throws IOException {
        try (OpenAiTestServer server = echoingServer(status)) {
            for (boolean json : new boolean[] {false, true}) {
                Cli.Result r = json
                        ? Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--api-key", ASK_KEY,
                                "--model", "m", "-n", "2", "--budget", "20s", "--json", "What is 2+2?")
                        : Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--api-key", ASK_KEY,
                                "--model", "m", "-n", "2", "--budget", "20s", "What is 2+2?");
                // the key did reach the server, which echoed it back
                assertThat(authorizations(server)).contains("Bearer " + ASK_KEY);
                assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.NO_ANSWER);
                assertThat(r.errLines()).last().asString().startsWith("contemplate ask: no answer: every agent failed");
                // the server's message is still told, the key in it redacted
                assertThat(r.errLines()).last().asString().contains("Incorrect API key provided: Bearer [redacted]");
                assertNoSecret(r.out());
                assertNoSecret(r.err());
            }
        }
    }

    @Test
    void askNeverShowsAKeyFromTheEnvironmentEither() throws IOException {
        try (OpenAiTestServer server = echoingServer(401)) {
            Cli.Result r = Cli.run(Map.of(EngineOptions.ENV_API_KEY, ASK_KEY, EngineOptions.ENV_BASE_URL,
                    server.baseUrl(), EngineOptions.ENV_MODEL, "m"), "ask", "-n", "1", "What is 2+2?");
            assertThat(authorizations(server)).contains("Bearer " + ASK_KEY);
            assertThat(r.exitCode()).isEqualTo(ExitCodes.NO_ANSWER);
            assertNoSecret(r.out() + r.err());
        }
    }

    @Test
    void askAgainstTheTestServersScriptedFailureShowsNoKey() throws IOException {
        try (OpenAiTestServer server = OpenAiTestServer.failing(500, exchange -> "scripted failure")) {
            Cli.Result r = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--api-key", ASK_KEY,
                    "--model", "m", "-n", "3", "please fail");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.NO_ANSWER);
            assertThat(r.errLines()).last().asString().contains("scripted failure");
            assertNoSecret(r.out() + r.err());
        }
    }

    @Test
    void serveAnswersAWrongKey401WithoutEitherKeyAndNeverPrintsThem() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(Integer.MIN_VALUE);
        Thread serve = new Thread(() -> exit.set(ContemplateCli.execute(new String[] {"serve", "--port", "0",
            "--agents", "1", "--max-agents", "2", "--api-key-env", "SERVE_SECRET"}, Map.of("SERVE_SECRET", SERVE_KEY),
                false, new PrintWriter(out, true), new PrintWriter(err, true))), "serve-secrets");
        serve.start();
        try {
            String baseUrl = awaitBaseUrl(out, serve);
            HttpClient client = HttpClient.newHttpClient();
            String request = "{\"model\":\"contemplate\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"What is 54+39-25+73?\"}]}";
            for (String authorization : List.of("Bearer " + WRONG_KEY, WRONG_KEY, "Basic " + WRONG_KEY)) {
                HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(baseUrl
                        + "/chat/completions")).header("Authorization", authorization)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(request)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(401);
                assertNoSecret(refused.body());
                assertNoSecret(refused.headers().map().toString());
            }
            HttpResponse<String> models = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/models"))
                    .header("Authorization", "Bearer " + WRONG_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(models.statusCode()).isEqualTo(401);
            assertNoSecret(models.body());
            // the right key still works, and its answer does not carry it either
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/models"))
                    .header("Authorization", "Bearer " + SERVE_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertNoSecret(ok.body());
        } finally {
            serve.interrupt();
            serve.join(Duration.ofSeconds(30).toMillis());
        }
        assertThat(serve.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        assertThat(out.toString()).contains("API key from $SERVE_SECRET");
        assertNoSecret(out.toString());
        assertNoSecret(err.toString());
    }

    private static String awaitBaseUrl(StringWriter out, Thread serve) throws InterruptedException {
        Matcher m = Pattern.compile("on (http://\\S+/v1)").matcher("");
        long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!m.reset(out.toString()).find()) {
            if (!serve.isAlive() || System.nanoTime() > end) {
                throw new AssertionError("serve did not start: " + out);
            }
            Thread.sleep(10);
        }
        return m.group(1);
    }
}

package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.contemplate.inference.onnx.arithmetic.ArithmeticModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code contemplate serve} over the embedded demo model, used by real clients and by {@code ask} itself. */
class ServeCommandTest {

    private static final String QUESTION = "What is 54+39-25+73?";
    private static Serving serving;

    @BeforeAll
    static void serve() {
        serving = new Serving("--agents", "3", "--max-agents", "8");
    }

    @AfterAll
    static void stop() {
        assertThat(serving.stop()).isZero();
    }

    @Test
    void itSaysWhereAndWhatItServes() throws Exception {
        assertThat(serving.baseUrl()).startsWith("http://127.0.0.1:");
        assertThat(serving.out()).contains("embedded").contains("contemplate-N (N <= 8)").contains("arithmetic");
        HttpResponse<String> models = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(serving.baseUrl() + "/models")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode ids = new ObjectMapper().readTree(models.body()).path("data");
        assertThat(ids.findValuesAsText("id")).contains("contemplate", "contemplate-8", "arithmetic")
                .doesNotContain("contemplate-9");
    }

    @Test
    void langChain4jsOpenAiModelsContemplateOnTheEmbeddedModel() throws Exception {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(serving.baseUrl()).apiKey("none")
                .modelName("contemplate-5").seed(3).maxRetries(0).build();
        ChatResponse plain = model.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from(QUESTION)).build());
        assertThat(ArithmeticModel.parseAnswer(plain.aiMessage().text())).isPresent();
        assertThat(plain.metadata().finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(plain.metadata().tokenUsage().totalTokenCount()).isPositive();

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(serving.baseUrl())
                .apiKey("none").modelName("contemplate-3").seed(3).build();
        List<String> partials = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(QUESTION, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse streamed = done.get(60, TimeUnit.SECONDS);
        assertThat(String.join("", partials)).isEqualTo(streamed.aiMessage().text());
        assertThat(ArithmeticModel.parseAnswer(streamed.aiMessage().text())).isPresent();
    }

    @Test
    void askWithTheOpenAiEngineContemplatesOverServesPassThroughModel() {
        Cli.Result r = Cli.run("ask", "--engine", "openai", "--base-url", serving.baseUrl(), "--model",
                ServeCommand.EMBEDDED_MODEL, "-n", "5", "--seed", "3", "--stop", "fixed", "--json", QUESTION);
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("engine").asText()).contains("openai").contains(ServeCommand.EMBEDDED_MODEL)
                .contains(serving.baseUrl());
        assertThat(json.path("agents").path("finished").asInt()).isEqualTo(5);
        assertThat(json.path("answer").asText()).isEqualTo("141");
        for (JsonNode agent : json.path("agentOutcomes")) {
            // each agent is one remote generation of the embedded model: its chain of thought, then #answer
            assertThat(agent.path("text").asText()).matches("[+\\-0-9=;]+#-?\\d+");
        }
    }

    @Test
    void anApiKeyIsReadFromTheNamedEnvironmentVariable() throws Exception {
        try (Serving keyed = new Serving(Map.of("SERVE_KEY", "k-123"), "--api-key-env", "SERVE_KEY")) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest.Builder models = HttpRequest.newBuilder(URI.create(keyed.baseUrl() + "/models"));
            assertThat(client.send(models.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(client.send(models.header("Authorization", "Bearer k-123").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(keyed.out()).contains("API key from $SERVE_KEY").doesNotContain("k-123");
            assertThat(keyed.stop()).isZero();
        }
    }

    @Test
    void everyCompletionDebatesWhenServeIsGivenAProtocol() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        try (dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer upstream =
                dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer.replying(body ->
                        calls.incrementAndGet() == 2 ? "The answer is 8." : "The answer is 7.")) {
            Serving debating = new Serving("--base-url", upstream.baseUrl(), "--model", "m", "--agents", "3",
                    "--stop", "fixed", "--vote", "majority", "--protocol", "debate:1");
            try {
                assertThat(debating.out()).contains("protocol debate:1");
                HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(debating.baseUrl() + "/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"contemplate\", \"messages\": "
                                + "[{\"role\": \"user\", \"content\": \"What is 3+4?\"}]}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
                assertThat(new ObjectMapper().readTree(reply.body()).path("contemplate").path("answer").asText())
                        .isEqualTo("7");
                // three first answers (7, 8, 7), then a debate round in which each agent read the others'
                assertThat(upstream.exchanges()).hasSize(6);
                assertThat(upstream.exchanges().get(5).prompt()).contains("<candidate id=\"1\" nonce=\"");
            } finally {
                assertThat(debating.stop()).isZero();
            }
        }
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        assertUsage(Cli.run("serve", "--engine", "simulated"), "virtual clock");
        assertUsage(Cli.run("serve", "--api-key-env", "NO_SUCH_VARIABLE_123"), "NO_SUCH_VARIABLE_123");
        assertUsage(Cli.run("serve", "--agents", "9", "--max-agents", "8"), "--agents");
        assertUsage(Cli.run("serve", "--port", "70000"), "70000");
        assertUsage(Cli.run("serve", "--stop", "never"), "never");
        assertUsage(Cli.run("serve", "--protocol", "debate:2"), "--protocol debate:2 needs a chat model");
        assertUsage(Cli.run("serve", "--protocol", "parley"), "unknown protocol 'parley'");
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertUsage(Cli.run("serve", "--port", Integer.toString(taken.getLocalPort())),
                    "127.0.0.1:" + taken.getLocalPort());
        }
    }

    private static void assertUsage(Cli.Result r, String mentioned) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(mentioned);
        assertThat(r.err().lines().count()).isEqualTo(1);
    }
}

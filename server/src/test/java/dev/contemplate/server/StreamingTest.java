package dev.contemplate.server;

import static dev.contemplate.server.Harness.answering;
import static dev.contemplate.server.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.aggregation.Aggregators;
import dev.contemplate.aggregation.internal.Synthesis;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** {@code "stream": true}: server-sent events as OpenAI clients read them, progress comments, cancellation. */
class StreamingTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static String streamed(String model, boolean includeUsage) {
        return "{\"model\":\"" + model + "\",\"stream\":true" + (includeUsage
                ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is 6*7?\"}]}";
    }

    private static HttpResponse<Stream<String>> open(Harness h, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofLines());
    }

    private static List<JsonNode> data(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("data: {")).map(l -> json(l.substring(6))).toList();
    }

    private static String content(List<JsonNode> chunks) {
        return chunks.stream().filter(c -> c.path("choices").size() > 0)
                .map(c -> c.path("choices").get(0).path("delta").path("content").asText(""))
                .collect(Collectors.joining());
    }

    @Test
    void aStreamIsChunksWithProgressCommentsAFinishChunkAUsageChunkThenDone() throws Exception {
        try (Harness h = Harness.start(answering("The answer is 42.", Duration.ofMillis(5)), 3, b -> b)) {
            HttpResponse<Stream<String>> r = open(h, streamed("contemplate-3", true));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("text/event-stream"));
            List<String> lines = r.body().toList();
            List<JsonNode> chunks = data(lines);
            JsonNode first = chunks.get(0);
            assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(first.path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
            assertThat(lines).anyMatch(l -> l.equals(": agent-1 started"))
                    .anyMatch(l -> l.startsWith(": agent-2 finished: 42"))
                    .anyMatch(l -> l.startsWith(": stopped: all_agents_done"));
            assertThat(content(chunks)).isEqualTo("The answer is 42.");
            JsonNode finish = chunks.get(chunks.size() - 2);
            assertThat(finish.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
            assertThat(finish.path("contemplate").path("votes").get(0).path("count").asInt()).isEqualTo(3);
            JsonNode usage = chunks.get(chunks.size() - 1);
            assertThat(usage.path("choices")).isEmpty();
            assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(12);
            assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c ->
                    assertThat(c.get("usage").isNull()).isTrue());
            assertThat(chunks.stream().map(c -> c.path("id").asText()).distinct()).hasSize(1);
            assertThat(lines.stream().filter(l -> !l.isEmpty()).reduce((a, b) -> b)).hasValue("data: [DONE]");

            List<JsonNode> plain = data(open(h, streamed("contemplate-2", false)).body().toList());
            assertThat(plain).noneMatch(c -> c.has("usage"));
            assertThat(plain.get(plain.size() - 1).path("choices").get(0).path("finish_reason").asText())
                    .isEqualTo("stop");
        }
    }

    @Test
    void theStreamStartsAtOnceAndTheAnswerFollowsWhenTheAgentsHaveDone() throws Exception {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(clock)
                .script(r -> Script.text("The answer is 42.", Duration.ofSeconds(5))).build();
        try (Harness h = Harness.start(engine, 3, b -> b)) {
            Iterator<String> lines = open(h, streamed("contemplate-3", false)).body().iterator();
            List<String> before = new ArrayList<>();
            while (before.stream().filter(l -> l.endsWith(" started")).count() < 3) {
                before.add(lines.next());
            }
            assertThat(before.get(0)).startsWith("data: {").contains("\"role\":\"assistant\"");
            assertThat(engine.active()).isEqualTo(3);
            assertThat(content(data(before))).isEmpty();

            clock.advanceTimeBy(Duration.ofSeconds(5));
            List<String> after = new ArrayList<>();
            lines.forEachRemaining(after::add);
            assertThat(content(data(after))).isEqualTo("The answer is 42.");
            assertThat(after).contains("data: [DONE]");
        } finally {
            clock.dispose();
        }
    }

    @Test
    void aSynthesisStreamsTokenByToken() throws Exception {
        ScriptedEngine engine = ScriptedEngine.builder().script(r -> r.messages().get(0).text()
                .equals(Synthesis.SYSTEM_PROMPT)
                        ? Script.text("Sources: 1, 2\nSix times seven is 42, as both said.", Duration.ofMillis(50))
                        : Script.text("The answer is 42.", Duration.ofMillis(5))).build();
        try (Harness h = Harness.start(engine, 2, b -> b.contemplators(Harness.contemplators(engine, 2,
                c -> c.aggregator(Aggregators.synthesis()))))) {
            List<String> lines = open(h, streamed("contemplate-2", false)).body().toList();
            List<JsonNode> chunks = data(lines);
            long deltas = chunks.stream().filter(c -> !c.path("choices").get(0).path("delta")
                    .path("content").asText("").isEmpty()).count();
            assertThat(deltas).isGreaterThanOrEqualTo(5);
            assertThat(content(chunks)).isEqualTo("Six times seven is 42, as both said.");
            JsonNode ext = chunks.get(chunks.size() - 1).path("contemplate");
            assertThat(ext.path("decided_by").path("method").asText()).isEqualTo("synthesis");
            assertThat(ext.has("text")).isFalse();
            assertThat(lines).anyMatch(l -> l.startsWith(": synthesis started"));
        }
    }

    @Test
    void closingTheConnectionMidStreamCancelsTheAgentsInTheEngine() throws Exception {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(clock)
                .script(r -> Script.text("The answer is 42.", Duration.ofMinutes(5))).build();
        try (Harness h = Harness.start(engine, 3, b -> b)) {
            try (Harness.RawConnection c = new Harness.RawConnection(h.server.port(),
                    streamed("contemplate-3", true))) {
                c.readUntil(l -> l.equals(": agent-3 started"));
                assertThat(engine.active()).isEqualTo(3);
            }
            Harness.await(() -> engine.active() == 0, "the engine's generations are cancelled");
            assertThat(engine.cancelled()).isEqualTo(3);
            assertThat(engine.completed()).isZero();
        } finally {
            clock.dispose();
        }
    }

    @Test
    void closingTheConnectionBeforeAPlainAnswerCancelsTheAgentsToo() throws Exception {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(clock)
                .script(r -> Script.text("The answer is 42.", Duration.ofMinutes(5))).build();
        try (Harness h = Harness.start(engine, 4, b -> b)) {
            Harness.RawConnection c = new Harness.RawConnection(h.server.port(),
                    Harness.chat("contemplate-4", "What is 6*7?"));
            Harness.await(() -> engine.active() == 4, "the agents run");
            c.close();
            Harness.await(() -> engine.active() == 0, "the engine's generations are cancelled");
            assertThat(engine.cancelled()).isEqualTo(4);
        } finally {
            clock.dispose();
        }
    }

    @Test
    void closingAKeptAliveConnectionCancelsTheWorkOfItsCurrentRequest() throws Exception {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(clock)
                .script(r -> Script.text("The answer is 42.", Duration.ofSeconds(5))).build();
        try (Harness h = Harness.start(engine, 2, b -> b)) {
            Harness.RawSocket c = new Harness.RawSocket(h.server.port());
            // a first request answered in full on the connection, which stays open
            c.post(Harness.chat("contemplate-1", "What is 6*7?"));
            Harness.await(() -> engine.active() == 1, "the first request runs");
            clock.advanceTimeBy(Duration.ofSeconds(5));
            Harness.Response first = c.response();
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            assertThat(first.headers().get("connection")).isNotEqualToIgnoringCase("close");
            // a second on the same connection, cut by the client while its agents run
            c.post(Harness.chat("contemplate-2", "What is 6*7?"));
            Harness.await(() -> engine.active() == 2, "the second request runs");
            c.close();
            Harness.await(() -> engine.active() == 0, "the second request's generations are cancelled");
            assertThat(engine.cancelled()).isEqualTo(2);
            assertThat(engine.completed()).isEqualTo(1);
        } finally {
            clock.dispose();
        }
    }

    @Test
    void aPassThroughStreamsTheEnginesTokensAndAnEarlyRefusalKeepsItsStatus() throws Exception {
        ScriptedEngine upstream = ScriptedEngine.builder().script(r -> r.messages().get(0).text().equals("bad")
                ? Script.failure(new PermanentInferenceException("up", "bad prompt: no",
                        new IllegalArgumentException("no")), Duration.ZERO)
                : Script.text("one two three", Duration.ofMillis(3))).build();
        try (Harness h = Harness.start(upstream, 1, b -> b.upstream("up", upstream,
                SamplingParameters.defaults()))) {
            List<JsonNode> chunks = data(open(h, streamed("up", false)).body().toList());
            assertThat(chunks.stream().map(c -> c.path("choices").get(0).path("delta").path("content").asText(""))
                    .filter(s -> !s.isEmpty())).containsExactly("one", " two", " three");
            assertThat(chunks.get(chunks.size() - 1).has("contemplate")).isFalse();
            assertThat(chunks.get(chunks.size() - 1).path("choices").get(0).path("finish_reason").asText())
                    .isEqualTo("stop");

            HttpResponse<String> refused = h.post("{\"model\":\"up\",\"stream\":true,\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"bad\"}]}");
            Harness.assertError(refused, 400, "invalid_request_error", "engine_refused");
        }
    }

    @Test
    void anErrorAfterTheStreamStartedEndsItWithAnErrorEvent() throws IOException, InterruptedException, Exception {
        ScriptedEngine failing = ScriptedEngine.constant(Script.failure(new PermanentInferenceException("scripted",
                "bad prompt: nope", new IllegalArgumentException("nope")), Duration.ofMillis(20)));
        try (Harness h = Harness.start(failing, 2, b -> b)) {
            HttpResponse<Stream<String>> r = open(h, streamed("contemplate-2", false));
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> lines = r.body().filter(l -> !l.isEmpty()).toList();
            JsonNode last = json(lines.get(lines.size() - 1).substring("data: ".length()));
            assertThat(last.path("error").path("code").asText()).isEqualTo("engine_refused");
            assertThat(lines).doesNotContain("data: [DONE]");
        }
    }
}

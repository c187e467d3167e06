package dev.contemplate.server;

import static dev.contemplate.server.Harness.answering;
import static dev.contemplate.server.Harness.chat;
import static dev.contemplate.server.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.inference.EngineCapabilities;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.UnsupportedCapabilityException;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import dev.contemplate.orchestrator.Budget;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** {@code POST /v1/chat/completions} without streaming, and {@code GET /v1/models}, over a scripted engine. */
class ChatCompletionsTest {

    @Test
    void aContemplationAnswersAsAnOpenAiChatCompletionWithTheVerdictInAnExtension() {
        ScriptedEngine engine = answering("The answer is 42.", Duration.ofMillis(5));
        try (Harness h = Harness.start(engine, 5, b -> b)) {
            HttpResponse<String> r = h.post(chat("contemplate-3", "What is 6*7?"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode body = json(r.body());
            assertThat(body.path("id").asText()).startsWith("chatcmpl-");
            assertThat(body.path("object").asText()).isEqualTo("chat.completion");
            assertThat(body.path("model").asText()).isEqualTo("contemplate-3");
            JsonNode choice = body.path("choices").get(0);
            assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
            assertThat(choice.path("message").path("content").asText()).isEqualTo("The answer is 42.");
            assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
            // three agents, each writing 4 words
            JsonNode usage = body.path("usage");
            assertThat(usage.path("prompt_tokens").asLong()).isPositive();
            assertThat(usage.path("completion_tokens").asLong()).isEqualTo(12);
            assertThat(usage.path("total_tokens").asLong()).isEqualTo(usage.path("prompt_tokens").asLong() + 12);
            JsonNode ext = body.path("contemplate");
            assertThat(ext.path("votes").get(0).path("answer").asText()).isEqualTo("42");
            assertThat(ext.path("votes").get(0).path("count").asInt()).isEqualTo(3);
            assertThat(ext.path("stop_reason").asText()).isEqualTo("all_agents_done");
            assertThat(ext.path("complete").asBoolean()).isTrue();
            assertThat(ext.path("agents").path("planned").asInt()).isEqualTo(3);
            assertThat(ext.path("agents").path("finished").asInt()).isEqualTo(3);
            assertThat(ext.path("decided_by").path("method").asText()).isEqualTo("majority");
            assertThat(ext.path("decided_by").path("basis")).hasSize(3);
            assertThat(engine.started()).isEqualTo(3);
        }
    }

    @Test
    void modelNamesChooseTheModeAndBareContemplateUsesTheContemplatorsBudget() {
        ScriptedEngine engine = answering("The answer is 42.", Duration.ofMillis(1));
        try (Harness h = Harness.start(engine, 6, b -> b.contemplators(Harness.contemplators(engine, 6,
                c -> c.budget(Budget.builder().maxAgents(4).build()))))) {
            assertThat(agents(h, "contemplate")).isEqualTo(4);
            assertThat(agents(h, "contemplate-fast")).isEqualTo(1);
            assertThat(agents(h, "Contemplate-6")).isEqualTo(6);
            assertThat(json(h.post(chat("contemplate-auto", "q?")).body()).path("contemplate").path("mode").asText())
                    .isEqualTo("auto");
        }
    }

    @Test
    void contemplateNAboveTheTeamIsCappedAtTheTeamNotRefused() {
        ScriptedEngine engine = answering("The answer is 42.", Duration.ofMillis(1));
        try (Harness h = Harness.start(engine, 4, b -> b)) {
            HttpResponse<String> r = h.post(chat("contemplate-9", "What is 6*7?"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r.body()).path("contemplate").path("agents").path("planned").asInt()).isEqualTo(4);
            assertThat(engine.started()).isEqualTo(4);
            // still not listed: the list stops at the team's size
            Harness.assertError(h.get("/v1/models/contemplate-9"), 404, "invalid_request_error", "model_not_found");
        }
    }

    private static int agents(Harness h, String model) {
        HttpResponse<String> r = h.post(chat(model, "What is 6*7?"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body()).path("contemplate").path("agents").path("started").asInt();
    }

    @Test
    void requestFieldsReachEveryAgentAndUnknownFieldsAreIgnored() {
        ScriptedEngine engine = answering("The answer is 42.", Duration.ofMillis(1));
        try (Harness h = Harness.start(engine, 3, b -> b)) {
            HttpResponse<String> r = h.post("{\"model\":\"contemplate-3\",\"temperature\":0.25,\"top_p\":0.9,"
                    + "\"max_tokens\":9,\"max_completion_tokens\":7,\"seed\":100,\"stop\":[\"STOP\"],\"n\":1,"
                    + "\"user\":\"u\",\"frobnicate\":{\"a\":1},\"presence_penalty\":null,"
                    + "\"messages\":[{\"role\":\"developer\",\"content\":\"Be brief.\"},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is \"},"
                    + "{\"type\":\"text\",\"text\":\"6*7?\"}]}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(engine.requests()).hasSize(3).allSatisfy(req -> {
                SamplingParameters s = req.sampling();
                assertThat(s.temperature()).isEqualTo(0.25);
                assertThat(s.topP()).isEqualTo(0.9);
                assertThat(s.maxTokens()).isEqualTo(7);
                assertThat(s.stop()).containsExactly("STOP");
                assertThat(req.messages().get(0)).isEqualTo(Message.system("Be brief."));
                assertThat(req.messages().get(req.messages().size() - 1).text()).startsWith("What is 6*7?");
            });
            assertThat(engine.requests().stream().map(req -> req.sampling().seed()).toList())
                    .containsExactlyInAnyOrder(OptionalLong.of(100), OptionalLong.of(101), OptionalLong.of(102));
        }
    }

    @Test
    void theUpstreamModelsNamePassesStraightThroughAsOneGeneration() {
        ScriptedEngine engine = ScriptedEngine.constant(Script.text("plain reply", Duration.ofMillis(1))
                .finishing(dev.contemplate.inference.FinishReason.LENGTH));
        try (Harness h = Harness.start(engine, 3, b -> b.upstream("upstream-1", engine,
                SamplingParameters.builder().temperature(0.5).maxTokens(16).build()))) {
            HttpResponse<String> r = h.post("{\"model\":\"upstream-1\",\"seed\":5,\"messages\":["
                    + "{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"hi\"},"
                    + "{\"role\":\"assistant\",\"content\":\"hello\"},{\"role\":\"user\",\"content\":\"again\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = json(r.body());
            assertThat(body.path("choices").get(0).path("message").path("content").asText()).isEqualTo("plain reply");
            assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
            assertThat(body.has("contemplate")).isFalse();
            assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
            GenerationRequest sent = engine.requests().get(0);
            assertThat(engine.requests()).hasSize(1);
            assertThat(sent.messages()).containsExactly(Message.system("S"), Message.user("hi"),
                    Message.assistant("hello"), Message.user("again"));
            assertThat(sent.sampling().temperature()).isEqualTo(0.5);
            assertThat(sent.sampling().maxTokens()).isEqualTo(16);
            assertThat(sent.sampling().seed()).hasValue(5);
        }
    }

    @Test
    void modelsListsTheContemplateNamesAndTheUpstreamModel() {
        ScriptedEngine engine = answering("x", Duration.ZERO);
        try (Harness h = Harness.start(engine, 3, b -> b.upstream("up", engine, SamplingParameters.defaults()))) {
            HttpResponse<String> r = h.get("/v1/models");
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode body = json(r.body());
            assertThat(body.path("object").asText()).isEqualTo("list");
            assertThat(body.path("data").findValuesAsText("id")).containsExactly("contemplate", "contemplate-auto",
                    "contemplate-fast", "contemplate-1", "contemplate-2", "contemplate-3", "up");
            assertThat(body.path("data").get(0).path("object").asText()).isEqualTo("model");
            assertThat(json(h.get("/v1/models/contemplate-2").body()).path("id").asText()).isEqualTo("contemplate-2");
            assertThat(json(h.get("/v1/models/up/").body()).path("owned_by").asText()).isEqualTo("scripted");
            Harness.assertError(h.get("/v1/models/contemplate-9"), 404, "invalid_request_error", "model_not_found");
        }
    }

    @Test
    void aDeadlineCutGivesStopWithAnIncompleteVerdictAndATokenBudgetCutGivesLength() {
        ScriptedEngine engine = ScriptedEngine.builder().script(r -> r.sampling().seed().orElse(0) == 1
                ? Script.text("The answer is 42.", Duration.ofMillis(1))
                : Script.text("The answer is 41.", Duration.ofSeconds(60))).build();
        long fastAgentTokens;
        try (Harness h = Harness.start(engine, 3, b -> b.contemplators(Harness.contemplators(engine, 3,
                c -> c.budget(Budget.builder().deadline(Duration.ofMillis(500)).build()))))) {
            JsonNode body = json(h.post(chat("contemplate-3", "q?")).body());
            assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
            assertThat(body.path("contemplate").path("complete").asBoolean()).isFalse();
            assertThat(body.path("contemplate").path("stop_reason").asText()).isEqualTo("deadline");
            // the stragglers had streamed nothing when they were cut: the usage is the fast agent's alone
            fastAgentTokens = body.path("usage").path("total_tokens").asLong();
            assertThat(fastAgentTokens).isPositive();
            Harness.await(() -> engine.active() == 0, "the stragglers are cancelled");
        }
        ScriptedEngine wordy = ScriptedEngine.builder().script(r -> r.sampling().seed().orElse(0) == 1
                ? Script.text("The answer is 42.", Duration.ofMillis(1))
                : Script.text("The answer is 41.", Duration.ofSeconds(60))).build();
        try (Harness h = Harness.start(wordy, 3, b -> b.contemplators(Harness.contemplators(wordy, 3,
                c -> c.budget(Budget.builder().maxTotalTokens(fastAgentTokens).build()))))) {
            JsonNode body = json(h.post(chat("contemplate-3", "q?")).body());
            assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
            assertThat(body.path("contemplate").path("stop_reason").asText()).isEqualTo("token_budget");
        }
    }

    @Test
    void aContemplationWithoutAnAnswerIsAnErrorWithTheRightStatus() {
        // the engine flags the request as unreadable (its template rejected the question): the client's fault
        ScriptedEngine refusing = ScriptedEngine.constant(Script.failure(new PermanentInferenceException("scripted",
                "bad prompt: nope", new IllegalArgumentException("nope")), Duration.ofMillis(1)));
        try (Harness h = Harness.start(refusing, 2, b -> b)) {
            JsonNode error = Harness.assertError(h.post(chat("contemplate-2", "q?")), 400, "invalid_request_error",
                    "engine_refused");
            assertThat(error.path("message").asText()).contains("bad prompt: nope");
        }
        ScriptedEngine unsupported = ScriptedEngine.constant(Script.failure(new UnsupportedCapabilityException(
                "scripted", "seed", "this engine has no seeds"), Duration.ofMillis(1)));
        try (Harness h = Harness.start(unsupported, 2, b -> b)) {
            JsonNode error = Harness.assertError(h.post(chat("contemplate-2", "q?")), 400, "invalid_request_error",
                    "engine_refused");
            assertThat(error.path("message").asText()).contains("no seeds");
        }
        ScriptedEngine slow = answering("The answer is 1.", Duration.ofSeconds(60));
        try (Harness h = Harness.start(slow, 2, b -> b.contemplators(Harness.contemplators(slow, 2,
                c -> c.budget(Budget.builder().deadline(Duration.ofMillis(200)).build()))))) {
            Harness.assertError(h.post(chat("contemplate-2", "q?")), 504, "server_error", "contemplation_timeout");
            Harness.await(() -> slow.active() == 0, "the agents are cancelled");
        }
    }

    @Test
    void aPermanentUpstreamFailureIs502WithoutEchoingTheUpstreamsMessage() {
        // the upstream refuses the server's own key: not the client's fault, and not for the client to read
        ScriptedEngine engine = ScriptedEngine.constant(Script.failure(new PermanentInferenceException("openai",
                "HTTP 401: Incorrect API key provided: sk-upstream-secret", null), Duration.ofMillis(1)));
        try (Harness h = Harness.start(engine, 2, b -> b.upstream("up", engine, SamplingParameters.defaults()))) {
            HttpResponse<String> contemplated = h.post(chat("contemplate-2", "q?"));
            JsonNode error = Harness.assertError(contemplated, 502, "server_error", "all_agents_failed");
            assertThat(error.path("message").asText()).contains("2 failed");
            assertThat(contemplated.body()).doesNotContain("sk-upstream-secret");
            assertThat(contemplated.headers().firstValue("Retry-After")).isEmpty();

            HttpResponse<String> passed = h.post(chat("up", "q?"));
            error = Harness.assertError(passed, 502, "server_error", "upstream_error");
            assertThat(error.path("message").asText()).contains("'openai'");
            assertThat(passed.body()).doesNotContain("sk-upstream-secret");
        }
    }

    @Test
    void anUnexpectedFailureIs500WithAGenericMessage() {
        // an engine that breaks its contract with an exception of no inference kind
        ScriptedEngine scripted = answering("x", Duration.ZERO);
        InferenceEngine broken = new InferenceEngine() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public EngineCapabilities capabilities() {
                return scripted.capabilities();
            }

            @Override
            public Flux<GenerationEvent> stream(GenerationRequest request) {
                return Flux.error(new IllegalArgumentException("internal detail: index 7 out of bounds"));
            }
        };
        try (Harness h = Harness.start(scripted, 1, b -> b.upstream("broken", broken,
                SamplingParameters.defaults()))) {
            HttpResponse<String> r = h.post(chat("broken", "q?"));
            JsonNode error = Harness.assertError(r, 500, "server_error", null);
            assertThat(error.path("message").asText()).isEqualTo("The server had an error while processing your "
                    + "request.");
            assertThat(r.body()).doesNotContain("internal detail");
        }
    }

    @Test
    void aPassThroughPastTheDeadlineIs504AndItsUpstreamCallIsCancelled() {
        ScriptedEngine slow = answering("plain reply", Duration.ofSeconds(60));
        try (Harness h = Harness.start(slow, 1, b -> b.contemplators(Harness.contemplators(slow, 1,
                c -> c.budget(Budget.builder().deadline(Duration.ofMillis(200)).build())))
                .upstream("up", slow, SamplingParameters.defaults()))) {
            JsonNode error = Harness.assertError(h.post(chat("up", "q?")), 504, "server_error", "upstream_timeout");
            assertThat(error.path("message").asText()).contains("'up'").contains("200 ms");
            Harness.await(() -> slow.active() == 0, "the upstream call is cancelled");
            assertThat(slow.cancelled()).isEqualTo(1);
            assertThat(slow.completed()).isZero();
        }
    }

    @Test
    void everyMessageFormOpenAiSendsIsReadOrRefusedByName() {
        ScriptedEngine engine = answering("The answer is 42.", Duration.ZERO);
        try (Harness h = Harness.start(engine, 2, b -> b)) {
            for (String content : List.of("null", "[]")) {
                HttpResponse<String> r = h.post("{\"model\":\"contemplate-1\",\"messages\":[{\"role\":\"assistant\","
                        + "\"content\":" + content + "},{\"role\":\"user\",\"content\":\"q?\"}]}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
        }
    }
}

package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code contemplate ask}, run in-process over the simulated engine and a local OpenAI-compatible server. */
class AskCommandTest {

    private static void assertRequiredFields(JsonNode json) {
        assertThat(json.isObject()).isTrue();
        for (String field : List.of("question", "answer", "confidence", "complete", "stopReason", "agents", "votes",
                "latencyMs", "tokens", "engine", "simulated", "mode", "stoppingRule", "agentOutcomes")) {
            assertThat(json.has(field)).as("field %s in %s", field, json).isTrue();
        }
        for (String field : List.of("started", "finished", "cancelled", "failed")) {
            assertThat(json.path("agents").path(field).isIntegralNumber()).as("agents.%s", field).isTrue();
        }
        for (String field : List.of("input", "output", "total")) {
            assertThat(json.path("tokens").path(field).isIntegralNumber()).as("tokens.%s", field).isTrue();
        }
        assertThat(json.path("tokens").path("total").asLong())
                .isEqualTo(json.path("tokens").path("input").asLong() + json.path("tokens").path("output").asLong());
        for (JsonNode agent : json.path("agentOutcomes")) {
            for (String field : List.of("id", "status", "answer", "tokens", "latencyMs", "error")) {
                assertThat(agent.has(field)).as("agentOutcomes[].%s in %s", field, agent).isTrue();
            }
        }
    }

    @Test
    void askJsonOverTheSimulatedEngineIsOneObjectWithEveryFieldAndSaysSimulated() {
        Cli.Result r = Cli.run("ask", "--engine", "simulated", "--agents", "8", "--seed", "11", "--json",
                "What is 2+2?");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode json = r.json();
        assertRequiredFields(json);
        assertThat(json.path("engine").asText()).startsWith("simulated");
        assertThat(json.path("simulated").asBoolean()).isTrue();
        assertThat(json.path("question").asText()).isEqualTo("What is 2+2?");
        assertThat(json.path("mode").asText()).isEqualTo("contemplate");
        assertThat(json.path("stoppingRule").asText()).isEqualTo("beta:0.95");
        assertThat(json.path("seed").asLong()).isEqualTo(11);
        assertThat(json.path("agentOutcomes")).hasSize(8);
        JsonNode agents = json.path("agents");
        assertThat(agents.path("started").asInt()).isEqualTo(8);
        assertThat(agents.path("finished").asInt() + agents.path("cancelled").asInt() + agents.path("failed").asInt())
                .isEqualTo(8);
        int votes = 0;
        for (JsonNode v : json.path("votes")) {
            votes += v.asInt();
        }
        assertThat(votes).isEqualTo(agents.path("finished").asInt());
        assertThat(json.path("votes").has(json.path("answer").asText())).isTrue();
        assertThat(json.path("confidence").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.path("agentOutcomes").get(0).path("id").asText()).isEqualTo("agent-1");
    }

    @Test
    void theSameSeedRepeatsTheSimulatedRunExactly() {
        Cli.Result a = Cli.run("ask", "--engine", "simulated", "--seed", "5", "--json", "What is 17*3?");
        Cli.Result b = Cli.run("ask", "--engine", "simulated", "--seed", "5", "--json", "What is 17*3?");
        assertThat(a.exitCode()).isZero();
        assertThat(b.out()).isEqualTo(a.out());
        Cli.Result c = Cli.run("ask", "--engine", "simulated", "--seed", "6", "--json", "What is 17*3?");
        assertThat(c.out()).isNotEqualTo(a.out());
    }

    @Test
    void theStoppingRuleAndModesShapeTheRun() {
        JsonNode fast = Cli.run("ask", "--engine", "simulated", "--mode", "fast", "--seed", "1", "--json",
                "What is 2+2?").json();
        assertThat(fast.path("mode").asText()).isEqualTo("fast");
        assertThat(fast.path("agents").path("started").asInt()).isEqualTo(1);

        JsonNode fixed = Cli.run("ask", "--engine", "simulated", "--stop", "fixed:3", "--agents", "10", "--seed", "1",
                "--json", "What is 2+2?").json();
        assertThat(fixed.path("stoppingRule").asText()).isEqualTo("fixed:3");
        assertThat(fixed.path("stopReason").asText()).isEqualTo("RULE_SATISFIED");
        assertThat(fixed.path("agents").path("finished").asInt() + fixed.path("agents").path("failed").asInt())
                .isEqualTo(3);
        assertThat(fixed.path("agents").path("cancelled").asInt()).isEqualTo(7);

        JsonNode waves = Cli.run("ask", "--engine", "simulated", "--stop", "fixed:2", "--waves", "2", "--agents",
                "10", "--seed", "1", "--json", "What is 2+2?").json();
        assertThat(waves.path("agents").path("started").asInt()).isEqualTo(2);
        assertThat(waves.path("agents").path("notStarted").asInt()).isEqualTo(8);
    }

    @Test
    void atTheDeadlineTheBestAnswerSoFarIsMarkedIncomplete() {
        // simulated texts take about 0.6 s to 2.5 s on the virtual clock: a 1.2 s budget cuts the slow ones
        JsonNode json = Cli.run("ask", "--engine", "simulated", "--stop", "fixed", "--agents", "12", "--seed", "3",
                "--budget", "1.2s", "--json", "What is 2+2?").json();
        assertThat(json.path("complete").asBoolean()).isFalse();
        assertThat(json.path("stopReason").asText()).isEqualTo("DEADLINE");
        assertThat(json.path("latencyMs").asLong()).isEqualTo(1200);
        assertThat(json.path("agents").path("cancelled").asInt()).isPositive();
    }

    @Test
    void theHumanSummaryNamesTheAnswerTheAgentsAndTheSimulatedEngine() {
        Cli.Result r = Cli.run("ask", "--engine", "simulated", "--seed", "2", "What", "is", "2+2?");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Question    What is 2+2?", "Answer ", "[simulated]", "Confidence", "Status",
                "Agents      8 started", "Votes", "Latency", "Tokens", "Engine      simulated", "Seed        2");
    }

    @Test
    void askJsonOverAnOpenAiCompatibleServerSendsSeededStreamingRequests() throws IOException {
        try (OpenAiTestServer server = OpenAiTestServer.replying(body -> "The answer is 42.")) {
            Cli.Result r = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model",
                    "test-model", "--agents", "4", "--stop", "fixed", "--seed", "100", "--json", "What is 6*7?");
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode json = r.json();
            assertRequiredFields(json);
            assertThat(json.path("answer").asText()).isEqualTo("42");
            assertThat(json.path("confidence").asDouble()).isEqualTo(1.0);
            assertThat(json.path("engine").asText()).startsWith("openai").contains("test-model");
            assertThat(json.path("simulated").asBoolean()).isFalse();
            assertThat(json.path("agents").path("finished").asInt()).isEqualTo(4);
            assertThat(json.path("votes").path("42").asInt()).isEqualTo(4);
            assertThat(json.path("tokens").path("output").asLong()).isEqualTo(4 * 5);
            assertThat(server.bodies()).hasSize(4);
            List<Long> seeds = new ArrayList<>();
            for (JsonNode body : server.bodies()) {
                assertThat(body.path("stream").asBoolean()).isTrue();
                assertThat(body.path("model").asText()).isEqualTo("test-model");
                seeds.add(body.path("seed").asLong());
            }
            assertThat(seeds).containsExactlyInAnyOrder(100L, 101L, 102L, 103L);
        }
    }

    /** Agents with seeds 100-102 paraphrase Canberra, 103 says Sydney; judge and synthesis calls are recognised. */
    private static String freeForm(JsonNode body) {
        JsonNode messages = body.path("messages");
        String system = messages.path(0).path("content").asText("");
        if (system.contains("judge of a self-consistency vote")) {
            return "Candidate 2";
        }
        if (system.contains("merging several candidate responses")) {
            return "Sources: 1, 2, 3\nCanberra is the capital of Australia.";
        }
        if (system.contains("strict verifier")) {
            String data = messages.path(messages.size() - 1).path("content").asText("");
            return data.contains("Sydney") ? "Score: 2/10" : data.contains("It's Canberra") ? "Score: 9/10"
                    : "Score: 7/10";
        }
        return switch ((int) body.path("seed").asLong()) {
            case 100 -> "The capital of Australia is Canberra.";
            case 101 -> "It's Canberra.";
            case 102 -> "Canberra.";
            default -> "The capital of Australia is Sydney.";
        };
    }

    @Test
    void freeFormQuestionsAreClusteredByMeaningWithoutAnAnswerFormatInstruction() throws IOException {
        try (OpenAiTestServer server = OpenAiTestServer.replying(AskCommandTest::freeForm)) {
            Cli.Result r = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "4", "--stop", "fixed", "--seed", "100", "--vote", "semantic", "--json",
                    "What is the capital of Australia?");
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode json = r.json();
            assertThat(json.path("vote").asText()).isEqualTo("semantic");
            assertThat(json.path("text").asText()).contains("Canberra");
            assertThat(json.path("confidence").asDouble()).isEqualTo(0.75);
            assertThat(json.path("decidedBy").path("method").asText()).isEqualTo("semantic");
            assertThat(json.path("decidedBy").path("basis")).hasSize(3);
            assertThat(server.bodies()).allSatisfy(b -> assertThat(b.toString()).doesNotContain("The answer is"));
        }
    }

    @Test
    void theSimulatedEngineAnswersFreeFormQuestionsInPhrasingsThatTheSemanticVoteClusters() {
        Cli.Result r = Cli.run("ask", "--engine", "simulated", "--vote", "semantic", "--agents", "8", "--stop",
                "fixed", "--seed", "4", "--json", "What is the capital of Australia?");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("simulated").asBoolean()).isTrue();
        assertThat(json.path("decidedBy").path("method").asText()).isEqualTo("semantic");
        assertThat(json.path("agents").path("finished").asInt()).isEqualTo(8);
        // several phrasings of fewer answers: the clusters are fewer than the distinct texts
        java.util.Set<String> texts = new java.util.HashSet<>();
        json.path("agentOutcomes").forEach(a -> texts.add(a.path("text").asText()));
        assertThat(json.path("votes").size()).isLessThan(texts.size());
        assertThat(Cli.run("ask", "--engine", "simulated", "--vote", "semantic", "--agents", "8", "--stop", "fixed",
                "--seed", "4", "--json", "What is the capital of Australia?").json().path("text"))
                .isEqualTo(json.path("text"));
    }

    @Test
    void judgesAndVerifiersDecideFreeFormQuestionsAndReportTheirCalls() throws IOException {
        try (OpenAiTestServer server = OpenAiTestServer.replying(AskCommandTest::freeForm)) {
            JsonNode usc = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "4", "--stop", "fixed", "--seed", "100", "--vote", "semantic", "--judge", "usc",
                    "--json", "What is the capital of Australia?").json();
            assertThat(usc.path("text").asText()).isEqualTo("It's Canberra.");
            assertThat(usc.path("decidedBy").path("method").asText()).isEqualTo("usc");
            assertThat(usc.path("decidedBy").path("basis").get(0).asText()).isEqualTo("agent-2");
            assertThat(usc.path("decidedBy").path("tokens").path("output").asLong()).isPositive();

            JsonNode synthesis = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "4", "--stop", "fixed", "--seed", "100", "--vote", "semantic", "--judge",
                    "synthesis", "--json", "What is the capital of Australia?").json();
            assertThat(synthesis.path("text").asText()).isEqualTo("Canberra is the capital of Australia.");
            assertThat(synthesis.path("decidedBy").path("basis")).hasSize(3);

            JsonNode verifier = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "4", "--stop", "fixed", "--seed", "100", "--vote", "semantic", "--verifier", "llm",
                    "--json", "What is the capital of Australia?").json();
            assertThat(verifier.path("text").asText()).isEqualTo("It's Canberra.");
            assertThat(verifier.path("decidedBy").path("method").asText()).isEqualTo("best-of-n");
        }
    }

    @Test
    void theBaseUrlFromTheEnvironmentSelectsTheOpenAiEngine() throws IOException {
        try (OpenAiTestServer server = OpenAiTestServer.replying(body -> "The answer is 42.")) {
            Map<String, String> env = Map.of(EngineOptions.ENV_BASE_URL, server.baseUrl(),
                    EngineOptions.ENV_MODEL, "env-model", EngineOptions.ENV_API_KEY, "secret");
            Cli.Result r = Cli.run(env, "ask", "--agents", "2", "--json", "What is 6*7?");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.json().path("engine").asText()).startsWith("openai (model env-model");
            assertThat(server.bodies()).allSatisfy(b -> assertThat(b.path("model").asText()).isEqualTo("env-model"));
        }
    }

    @Test
    void whenEveryAgentFailsOneLineNamesTheCauseWithExitCode1() throws IOException {
        try (OpenAiTestServer server = OpenAiTestServer.failing(500, exchange -> "scripted failure")) {
            Cli.Result r = Cli.run("ask", "--base-url", server.baseUrl(), "--model", "m", "--agents", "3",
                    "please fail");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.NO_ANSWER);
            assertThat(r.out()).isEmpty();
            // the live view's plain lines come first (three agents started and failed), then one line of error
            assertThat(r.progressLines()).filteredOn(l -> l.contains(" failed after ")).hasSize(3);
            assertThat(r.progressLines()).last().asString().endsWith("stopped: every agent ended");
            assertThat(r.messageLines()).hasSize(1);
            assertThat(r.messageLines().get(0)).startsWith(
                    "contemplate ask: no answer: every agent failed: 3 agents failed:");
            assertThat(r.errLines()).last().isEqualTo(r.messageLines().get(0));
        }
    }

    @Test
    void aTimeoutWithoutAnyAnswerIsOneLineWithExitCode1() {
        Cli.Result r = Cli.run("ask", "--engine", "simulated", "--budget", "100ms", "What is 2+2?");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NO_ANSWER);
        // the live view's plain lines come first, then one line of error
        assertThat(r.progressLines()).last().asString().endsWith("stopped: the budget's deadline passed");
        assertThat(r.messageLines()).singleElement().asString()
                .contains("no agent answered within the budget of 100 ms");
        assertThat(r.errLines()).last().isEqualTo(r.messageLines().get(0));
    }

    @Test
    void anUnreachableServerIsOneLineWithExitCode3() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli.Result r = Cli.run("ask", "--base-url", "http://127.0.0.1:" + port + "/v1", "--model", "m", "q");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.ENGINE_UNAVAILABLE);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("contemplate ask: cannot reach the engine at http://127.0.0.1:" + port + "/v1");
    }

    static List<Arguments> badInputs() {
        return List.of(
                Arguments.of(List.of("ask"), "Missing required parameter"),
                Arguments.of(List.of("ask", ""), "the question is empty"),
                Arguments.of(List.of("ask", "  ", " "), "the question is empty"),
                Arguments.of(List.of("ask", "--agents", "0", "q"), "between 1 and"),
                Arguments.of(List.of("ask", "--agents", "-3", "q"), "between 1 and"),
                Arguments.of(List.of("ask", "--agents", "many", "q"), "'many' is not an int"),
                Arguments.of(List.of("ask", "--budget", "3", "q"), "cannot read budget '3'"),
                Arguments.of(List.of("ask", "--budget", "soon", "q"), "cannot read budget 'soon'"),
                Arguments.of(List.of("ask", "--budget", "0s", "q"), "budget must be positive"),
                Arguments.of(List.of("ask", "--stop", "maybe", "q"), "unknown stopping rule 'maybe'"),
                Arguments.of(List.of("ask", "--stop", "beta:2", "q"), "threshold"),
                Arguments.of(List.of("ask", "--mode", "slow", "q"), "unknown mode 'slow'"),
                Arguments.of(List.of("ask", "--extract", "vibes", "q"), "unknown answer extractor 'vibes'"),
                Arguments.of(List.of("ask", "--engine", "gpu", "q"), "unknown engine 'gpu'"),
                Arguments.of(List.of("ask", "--vote", "plurality", "q"), "unknown vote 'plurality'"),
                Arguments.of(List.of("ask", "--judge", "oracle", "q"), "oracle"),
                Arguments.of(List.of("ask", "--verifier", "magic", "q"), "unknown verifier 'magic'; valid: llm"),
                Arguments.of(List.of("ask", "--judge", "usc", "--verifier", "llm", "q"), "give one of them"),
                Arguments.of(List.of("ask", "--waves", "0", "q"), "--waves must be at least 1"),
                Arguments.of(List.of("ask", "--temperature", "-1", "q"), "--temperature"),
                Arguments.of(List.of("ask", "--bogus", "q"), "Unknown option: '--bogus'"),
                Arguments.of(List.of("ask", "--engine", "simulated", "--model", "m", "q"),
                        "options of --engine openai"),
                Arguments.of(List.of("ask", "--engine", "openai", "q"), "needs an API key"),
                Arguments.of(List.of("ask", "--engine", "openai", "--base-url", "http://localhost:1/v1", "q"),
                        "needs a model name"),
                Arguments.of(List.of("ask", "--base-url", "localhost:8000", "--model", "m", "q"), "invalid base URL"),
                Arguments.of(List.of("ask", "Tell me a joke"), "the embedded arithmetic model cannot read"),
                Arguments.of(List.of(), "missing command"),
                Arguments.of(List.of("frobnicate"), "Unmatched argument"));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void badInputGetsOneLineOnStandardErrorAndExitCode2(List<String> args, String message) {
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).as(r.err()).singleElement().asString().contains(message).startsWith("contemplate");
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void helpDocumentsTheEnvironmentAndExitCodes() {
        Cli.Result r = Cli.run("ask", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("CONTEMPLATE_BASE_URL", "CONTEMPLATE_API_KEY", "CONTEMPLATE_MODEL", "--engine",
                "--budget", "--stop", "--extract", "--seed", "--waves", "--temperature", "--json", "Exit codes");
        Cli.Result root = Cli.run("--help");
        assertThat(root.out()).contains("ask", "bench", "CONTEMPLATE_BASE_URL");
        assertThat(Cli.run("--version").out()).startsWith("contemplate ");
    }

    /** Five agents answer 7, 7, 8, 9 and 10: the leading answer has 2 of 5 votes. */
    private static OpenAiTestServer disagreeing() throws IOException {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        int[] answers = {7, 7, 8, 9, 10};
        return OpenAiTestServer.replying(body -> "The answer is " + answers[calls.getAndIncrement() % 5] + ".");
    }

    @Test
    void aLeaderWithLessThanHalfOfTheVotesIsMarkedLowAgreementInBothOutputs() throws IOException {
        try (OpenAiTestServer server = disagreeing()) {
            Cli.Result json = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "5", "--stop", "fixed", "--seed", "1", "--json", "What is 3+4?");
            assertThat(json.exitCode()).as(json.err()).isZero();
            assertThat(json.json().path("answer").asText()).isEqualTo("7");
            assertThat(json.json().path("confidence").asDouble()).isEqualTo(0.4);
            assertThat(json.json().path("agreement").asText()).isEqualTo("low");
            assertThat(json.json().path("abstained").asBoolean()).isFalse();
        }
        try (OpenAiTestServer server = disagreeing()) {
            Cli.Result human = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "5", "--stop", "fixed", "--seed", "1", "What is 3+4?");
            assertThat(human.exitCode()).as(human.err()).isZero();
            assertThat(human.out()).contains("Answer      7  (low agreement)")
                    .contains("low agreement: the agents disagree; the leading answer 7 has 2 of 5 votes (40%)");
        }
        try (OpenAiTestServer server = OpenAiTestServer.replying(body -> "The answer is 42.")) {
            JsonNode unanimous = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "3", "--stop", "fixed", "--seed", "1", "--json", "What is 6*7?").json();
            assertThat(unanimous.path("agreement").asText()).isEqualTo("normal");
        }
    }

    @Test
    void belowTheMinimumAgreementAskAbstainsWithExitOneAndNoAnswer() throws IOException {
        try (OpenAiTestServer server = disagreeing()) {
            Cli.Result json = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "5", "--stop", "fixed", "--seed", "1", "--min-agreement", "0.5", "--json",
                    "What is 3+4?");
            assertThat(json.exitCode()).isEqualTo(1);
            JsonNode o = json.json();
            assertThat(o.path("answer").isNull()).as(o.toString()).isTrue();
            assertThat(o.path("leadingAnswer").asText()).isEqualTo("7");
            assertThat(o.path("abstained").asBoolean()).isTrue();
            assertThat(o.path("minAgreement").asDouble()).isEqualTo(0.5);
        }
        try (OpenAiTestServer server = disagreeing()) {
            Cli.Result human = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "5", "--stop", "fixed", "--seed", "1", "--min-agreement", "0.5", "What is 3+4?");
            assertThat(human.exitCode()).isEqualTo(1);
            assertThat(human.out()).contains("Answer      none (abstained: the agents disagree; the leading answer "
                    + "7 has 2 of 5 votes (40%), below the minimum agreement of 50%)");
        }
        try (OpenAiTestServer server = disagreeing()) {
            Cli.Result enough = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "5", "--stop", "fixed", "--seed", "1", "--min-agreement", "0.4", "--json",
                    "What is 3+4?");
            assertThat(enough.exitCode()).as("2 of 5 meets a minimum of 0.4").isZero();
            assertThat(enough.json().path("answer").asText()).isEqualTo("7");
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"0", "-0.2", "1.5", "NaN"})
    void aMinimumAgreementOutsideZeroToOneIsBadInput(String share) {
        Cli.Result r = Cli.run("ask", "--engine", "simulated", "--min-agreement", share, "What is 2+2?");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--min-agreement must be a share in (0, 1]").contains(share);
    }

    @Test
    void decodeLoopsAreAnOptionOfTheEmbeddedEngineWithinOneToEight() {
        Cli.Result zero = Cli.run("ask", "--decode-loops", "0", "What is 54+39-25+73?");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--decode-loops must be in [1, 8] but was 0");
        Cli.Result simulated = Cli.run("ask", "--engine", "simulated", "--decode-loops", "2", "What is 2+2?");
        assertThat(simulated.exitCode()).isEqualTo(2);
        assertThat(simulated.err()).contains("--decode-loops is an option of the embedded engine");
        Cli.Result two = Cli.run("ask", "--decode-loops", "2", "--seed", "1", "--json", "What is 54+39-25+73?");
        assertThat(two.exitCode()).as(two.err()).isZero();
        assertThat(two.json().path("answer").asText()).isEqualTo("141");
    }

    @Test
    void aProtocolIsCheckedAndNeedsAChatModel() {
        Cli.Result embedded = Cli.run("ask", "--protocol", "debate:2", "What is 54+39-25+73?");
        assertThat(embedded.exitCode()).isEqualTo(2);
        assertThat(embedded.err()).contains("--protocol debate:2 needs a chat model", "--engine simulated");
        Cli.Result two = Cli.run("ask", "--engine", "simulated", "--protocol", "debate:2,refine:1", "What is 2+2?");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("ask takes one --protocol but got 2 (debate:2, refine:1)");
        Cli.Result unknown = Cli.run("ask", "--engine", "simulated", "--protocol", "vote", "What is 2+2?");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown protocol 'vote'", "independent, debate:R, refine:R, moa:L");
        Cli.Result fast = Cli.run("ask", "--engine", "simulated", "--mode", "fast", "--protocol", "refine:1",
                "What is 2+2?");
        assertThat(fast.exitCode()).isEqualTo(2);
        assertThat(fast.err()).contains("--mode fast asks one agent once: it takes no --protocol but independent");
        Cli.Result count = Cli.run("ask", "--engine", "simulated", "--protocol", "moa:0", "What is 2+2?");
        assertThat(count.exitCode()).isEqualTo(2);
        assertThat(count.err()).contains("protocol 'moa:0' needs a count from 1 to 10");
    }

    @Test
    void aDebateOverAnOpenAiCompatibleServerShowsEachAgentTheOthersAnswersAndReportsItsRounds() throws IOException {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        // the first round disagrees (7, 7, 8); shown the others' answers, every agent settles on 7
        try (OpenAiTestServer server = OpenAiTestServer.replying(body -> calls.getAndIncrement() < 3
                ? "The answer is " + (calls.get() == 3 ? 8 : 7) + "." : "Checking the others: the answer is 7.")) {
            Cli.Result r = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                    "--agents", "3", "--stop", "fixed", "--seed", "1", "--protocol", "debate:2", "--json",
                    "What is 3+4?");
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode json = r.json();
            assertThat(json.path("protocol").asText()).isEqualTo("debate:2");
            assertThat(json.path("answer").asText()).isEqualTo("7");
            assertThat(json.path("confidence").asDouble()).isEqualTo(1.0);
            // the second round was unanimous: the debate ended there
            assertThat(json.path("rounds")).hasSize(2);
            assertThat(json.path("rounds").get(0).path("step").asText()).isEqualTo("answer");
            assertThat(json.path("rounds").get(1).path("step").asText()).isEqualTo("debate");
            for (JsonNode run : json.path("rounds").get(1).path("runs")) {
                assertThat(run.path("model").asText()).isEqualTo("m");
                assertThat(run.path("answer").asText()).isEqualTo("7");
            }
            assertThat(server.exchanges()).hasSize(6);
            String debate = server.exchanges().get(3).prompt();
            assertThat(debate).contains("<candidate id=\"1\" nonce=\"", "<candidate id=\"2\" nonce=\"")
                    .doesNotContain("<candidate id=\"3\"");
            JsonNode tokens = json.path("tokens");
            assertThat(tokens.path("byEngine").path("openai").path("total").asLong())
                    .isEqualTo(tokens.path("total").asLong()).isPositive();
        }
    }
}

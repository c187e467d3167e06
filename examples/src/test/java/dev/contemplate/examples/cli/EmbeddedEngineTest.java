package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default engine without any configuration: the embedded ONNX engine with the demo arithmetic model. Only the
 * wiring is checked (a mixed team of strategies, the canonical question, the model's token limit), not the model's
 * accuracy.
 */
class EmbeddedEngineTest {

    @TempDir
    Path dir;

    @Test
    void withoutAConfiguredEngineTheEmbeddedModelAnswersWithAMixedTeamOfStrategies() {
        Cli.Result r = Cli.run("ask", "-n", "4", "--seed", "3", "--json", "What is 54 + 39 - 25 + 73?");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("engine").asText()).startsWith("embedded");
        assertThat(json.path("simulated").asBoolean()).isFalse();
        assertThat(json.path("contemplated").asText()).isEqualTo("54+39-25+73");
        assertThat(json.path("maxTokens").asInt()).isEqualTo(EmbeddedEngines.MAX_TOKENS);
        assertThat(json.path("temperature").asDouble()).isEqualTo(EmbeddedEngines.recommendedTemperature());
        List<String> personas = new ArrayList<>();
        for (JsonNode a : json.path("agentOutcomes")) {
            personas.add(a.path("persona").asText());
            assertThat(a.path("tokens").path("output").asInt()).isBetween(1, EmbeddedEngines.MAX_TOKENS);
        }
        List<String> strategies = EmbeddedEngines.personas().stream().map(p -> p.name()).toList();
        assertThat(personas).hasSize(4);
        for (int i = 0; i < personas.size(); i++) {
            assertThat(personas.get(i)).isEqualTo(strategies.get(i % strategies.size()));
        }
    }

    @Test
    void theWeightedVoteCountsTheSameSamplesAsTheMajorityAndWeighsThemByTheModelsConfidence() {
        JsonNode plain = Cli.run("ask", "-n", "9", "--seed", "3", "--stop", "fixed", "--json", "1+1+1+1").json();
        JsonNode weighted = Cli.run("ask", "-n", "9", "--seed", "3", "--stop", "fixed", "--vote", "weighted",
                "--json", "1+1+1+1").json();
        assertThat(weighted.path("votes")).isEqualTo(plain.path("votes"));
        assertThat(plain.path("decidedBy").path("method").asText()).isEqualTo("majority");
        assertThat(weighted.path("decidedBy").path("method").asText()).isEqualTo("weighted");
        assertThat(weighted.path("vote").asText()).isEqualTo("weighted");
        // the model's probabilities are below 1, so the weighted share of a split vote is not the count share
        int leader = plain.path("votes").path(plain.path("answer").asText()).asInt();
        if (leader < 9) {
            assertThat(weighted.path("confidence").asDouble()).isNotEqualTo(plain.path("confidence").asDouble());
        }
    }

    @Test
    void benchOverTheEmbeddedModelSkipsQuestionsItCannotRead() throws IOException {
        Path file = dir.resolve("arith.jsonl");
        Files.write(file, List.of(
                "{\"question\": \"42+51+10+47\", \"answer\": \"150\"}",
                "{\"question\": \"What is the capital of France?\", \"answer\": \"Paris\"}",
                "{\"question\": \"What is 54+31+71-8?\", \"answer\": 148}"));
        Cli.Result r = Cli.run("bench", "--dataset", file.toString(), "--agents", "3", "--seed", "1", "--extract",
                "numeric", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("questions").asInt()).isEqualTo(2);
        assertThat(json.path("skipped").get(0).path("line").asInt()).isEqualTo(2);
        assertThat(json.path("baseline").asText()).isEqualTo("1 agent: the team's first persona ("
                + EmbeddedEngines.personas().get(0).name() + ")");
        assertThat(json.path("results")).hasSize(2);
        assertThat(r.errLines()).singleElement().asString().contains("line 2 skipped");
    }

    @Test
    void aStrategyTeamIsClonesOfOnePersonaAndTemperatureZeroIsGreedy() throws IOException {
        Path file = dir.resolve("arith.jsonl");
        Files.write(file, List.of(
                "{\"question\": \"What is 54+31+71-8?\", \"answer\": 148}",
                "{\"question\": \"What is 12+30-5+7?\", \"answer\": 44}",
                "{\"question\": \"What is 90-45+5-10?\", \"answer\": 40}"));
        String second = EmbeddedEngines.personas().get(1).name();
        String tag = EmbeddedEngines.personas().get(1).systemPrompt();
        Cli.Result r = Cli.run("bench", "--dataset", file.toString(), "--agents", "1,3", "--stop", "fixed",
                "--team", tag, "--temperature", "0", "--seed", "5", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("team").asText()).isEqualTo(second);
        assertThat(json.path("personas")).extracting(JsonNode::asText).containsExactly(second);
        assertThat(json.path("engine").asText()).contains("every agent uses strategy " + second);
        assertThat(json.path("baseline").asText()).isEqualTo("1 agent: the team's first persona (" + second + ")");
        assertThat(json.path("temperature").asDouble()).isZero();
        // greedy clones all give the same answer, so three vote exactly as one
        JsonNode results = json.path("results");
        assertThat(results.get(1).path("accuracy").asDouble()).isEqualTo(results.get(0).path("accuracy").asDouble());

        Cli.Result ask = Cli.run("ask", "-n", "6", "--stop", "fixed", "--temperature", "0", "--seed", "2", "--json",
                "What is 12+30-5+7?");
        assertThat(ask.exitCode()).as(ask.err()).isZero();
        JsonNode agents = ask.json().path("agentOutcomes");
        int strategies = EmbeddedEngines.personas().size();
        for (int i = strategies; i < agents.size(); i++) {
            // greedy: agents of the same strategy answer alike, whatever their seeds
            assertThat(agents.get(i).path("persona").asText()).isEqualTo(agents.get(i - strategies).path("persona")
                    .asText());
            assertThat(agents.get(i).path("answer")).isEqualTo(agents.get(i - strategies).path("answer"));
        }
    }

    @Test
    void anUnknownTeamIsOneLineWithExitCode2() {
        Cli.Result r = Cli.run("ask", "--team", "sideways", "What is 12+30-5+7?");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("unknown team 'sideways'", "mixed",
                EmbeddedEngines.personas().get(0).name());
        assertThat(r.out()).isEmpty();
    }
}

package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.aggregation.AnswerExtractors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code contemplate bench} over small data sets, with the simulated engine and a local OpenAI-compatible server. */
class BenchCommandTest {

    private static final String GSM8K_ANSWER = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\\n"
            + "Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\\n#### 72";

    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines));
        return file;
    }

    private Path arithmetic() throws IOException {
        return write("arith.jsonl",
                "{\"question\": \"What is 54+39-25+73?\", \"answer\": \"141\"}",
                "{\"question\": \"What is 12+7+30-9?\", \"answer\": 40}",
                "",
                "{\"question\": \"Natalia sold clips to 48 of her friends in April, and then she sold half as many "
                        + "clips in May. How many clips did Natalia sell altogether in April and May?\", "
                        + "\"answer\": \"" + GSM8K_ANSWER + "\"}",
                "{\"question\": \"What is 3*4?\", \"answer\": \"12.0\"}",
                "{\"question\": \"What is 90-45+5-10?\", \"answer\": \"$40\"}");
    }

    @Test
    void benchJsonReportsEveryFieldForEachAgentCountWithTheSingleAgentBaseline() throws IOException {
        Cli.Result r = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--agents",
                "1,5,8", "--seed", "9", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode json = r.json();
        assertThat(json.path("questions").asInt()).isEqualTo(5);
        assertThat(json.path("skippedLines").asInt()).isZero();
        assertThat(json.path("engine").asText()).startsWith("simulated");
        assertThat(json.path("simulated").asBoolean()).isTrue();
        assertThat(json.path("stoppingRule").asText()).isEqualTo("beta:0.95");
        assertThat(json.path("baseline").asText()).isEqualTo("1 agent: the team's first persona (plain)");
        JsonNode results = json.path("results");
        assertThat(results).hasSize(3);
        int[] counts = {1, 5, 8};
        for (int i = 0; i < counts.length; i++) {
            JsonNode row = results.get(i);
            assertThat(row.path("agents").asInt()).isEqualTo(counts[i]);
            for (String field : List.of("accuracy", "accuracyGain", "meanLatencyMs", "p95LatencyMs", "latencyRatio",
                    "meanSamples", "tokens", "cancellations", "questions", "correct", "noAnswer")) {
                assertThat(row.has(field)).as("results[%d].%s", i, field).isTrue();
            }
            assertThat(row.path("questions").asInt()).isEqualTo(5);
            assertThat(row.path("accuracy").asDouble()).isEqualTo(row.path("correct").asInt() / 5.0);
            assertThat(row.path("meanSamples").asDouble()).isBetween(1.0, (double) counts[i]);
            assertThat(row.path("p95LatencyMs").asDouble()).isGreaterThanOrEqualTo(row.path("meanLatencyMs")
                    .asDouble() - 1e-9);
            assertThat(row.path("tokens").path("total").asLong()).isPositive();
        }
        JsonNode base = results.get(0);
        assertThat(base.path("meanSamples").asDouble()).isEqualTo(1.0);
        assertThat(base.path("latencyRatio").asDouble()).isEqualTo(1.0);
        assertThat(base.path("accuracyGain").asDouble()).isZero();
        assertThat(results.get(2).path("accuracyGain").asDouble())
                .isCloseTo(results.get(2).path("accuracy").asDouble() - base.path("accuracy").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theBaselineIsRunEvenWhenNotListedAndTheHumanTableSaysSo() throws IOException {
        Cli.Result r = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--agents",
                "4", "--seed", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("5 questions", "SIMULATED", "Baseline 1 agent: the team's first persona (plain)",
                "accuracy", "p95 ms");
        assertThat(r.out().lines().filter(l -> l.matches("\\s+[14] .*"))).hasSize(2);
    }

    @Test
    void gsm8kAnswersAndNumbersAreReadAfterNumericNormalisation() throws IOException {
        Dataset data = Dataset.read(arithmetic(), AnswerExtractors.numeric(), true);
        assertThat(data.problems()).isEmpty();
        assertThat(data.items()).extracting(Dataset.Item::answerKey).containsExactly("141", "40", "72", "12", "40");
        assertThat(data.items()).extracting(Dataset.Item::line).containsExactly(1, 2, 4, 5, 6);
        assertThat(data.items().get(2).answerText()).endsWith("#### 72");
    }

    @Test
    void malformedLinesAreReportedWithTheirLineNumbersAndSkippedOrFatalWithStrict() throws IOException {
        Path file = write("mixed.jsonl",
                "{\"question\": \"What is 1+2?\", \"answer\": \"3\"}",
                "not json at all",
                "{\"question\": \"What is 2+2?\"}",
                "[1, 2]",
                "{\"question\": \"What is 2+3?\", \"answer\": \"five\"}",
                "{\"question\": \"What is 3+3?\", \"answer\": \"6\"}");
        Cli.Result r = Cli.run("bench", "--engine", "simulated", "--dataset", file.toString(), "--agents", "3",
                "--seed", "2", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.errLines()).hasSize(4);
        assertThat(r.errLines().get(0)).contains("line 2 skipped: not valid JSON");
        assertThat(r.errLines().get(1)).contains("line 3 skipped: missing or empty \"answer\"");
        assertThat(r.errLines().get(2)).contains("line 4 skipped: not a JSON object");
        assertThat(r.errLines().get(3)).contains("line 5 skipped: the numeric extractor reads no answer");
        JsonNode json = r.json();
        assertThat(json.path("questions").asInt()).isEqualTo(2);
        assertThat(json.path("skippedLines").asInt()).isEqualTo(4);
        assertThat(json.path("skipped").get(0).path("line").asInt()).isEqualTo(2);

        Cli.Result strict = Cli.run("bench", "--engine", "simulated", "--dataset", file.toString(), "--strict");
        assertThat(strict.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(strict.out()).isEmpty();
        assertThat(strict.errLines()).singleElement().asString().contains("line 2: not valid JSON");
    }

    @Test
    void limitTakesTheFirstQuestions() throws IOException {
        JsonNode json = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--limit", "2",
                "--agents", "2", "--json").json();
        assertThat(json.path("questions").asInt()).isEqualTo(2);
        assertThat(json.path("results").get(1).path("questions").asInt()).isEqualTo(2);
    }

    @Test
    void benchOverAnOpenAiCompatibleServerScoresItsAnswers() throws IOException {
        Path file = write("answers.jsonl",
                "{\"question\": \"What is 6*7?\", \"answer\": \"42\"}",
                "{\"question\": \"What is 6*8?\", \"answer\": \"48\"}");
        try (OpenAiTestServer server = new OpenAiTestServer()) {
            Cli.Result r = Cli.run("bench", "--base-url", server.baseUrl(), "--model", "m", "--dataset",
                    file.toString(), "--agents", "1,3", "--stop", "fixed", "--json");
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode json = r.json();
            assertThat(json.path("simulated").asBoolean()).isFalse();
            assertThat(json.path("clock").asText()).isEqualTo("real");
            for (JsonNode row : json.path("results")) {
                assertThat(row.path("accuracy").asDouble()).isEqualTo(0.5); // the server always says 42
            }
            assertThat(json.path("results").get(1).path("meanSamples").asDouble()).isEqualTo(3.0);
            assertThat(server.bodies()).hasSize(2 * (1 + 3));
        }
    }

    @Test
    void badBenchInputIsOneLineWithExitCode2() throws IOException {
        Path empty = write("empty.jsonl", "", "   ");
        for (List<String> args : List.of(
                List.of("bench"),
                List.of("bench", "--dataset", dir.resolve("missing.jsonl").toString()),
                List.of("bench", "--engine", "simulated", "--dataset", empty.toString()),
                List.of("bench", "--engine", "simulated", "--dataset", empty.toString(), "--agents", "1,0"),
                List.of("bench", "--engine", "simulated", "--dataset", empty.toString(), "--agents", "1,x"),
                List.of("bench", "--engine", "simulated", "--dataset", empty.toString(), "--limit", "0"))) {
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as("%s: %s", args, r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.errLines()).as("%s", args).hasSize(1);
            assertThat(r.out()).isEmpty();
        }
    }
}

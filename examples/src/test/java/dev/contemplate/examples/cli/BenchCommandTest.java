package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import dev.contemplate.research.dataset.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        Dataset data = Dataset.read(arithmetic(), AnswerExtractors.numeric());
        assertThat(data.skipped()).isEmpty();
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
    void aSemanticVoteIsScoredByTheAnswerItsReplyStates() throws IOException {
        JsonNode majority = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--agents",
                "1,5", "--stop", "fixed", "--seed", "9", "--json").json();
        JsonNode semantic = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--agents",
                "1,5", "--stop", "fixed", "--seed", "9", "--vote", "semantic", "--json").json();
        assertThat(semantic.path("vote").asText()).isEqualTo("semantic");
        // one agent: the same sample, scored by the number its reply states, as the majority scores its key
        assertThat(semantic.path("results").get(0).path("correct").asInt())
                .isEqualTo(majority.path("results").get(0).path("correct").asInt());
        assertThat(semantic.path("results").get(1).path("questions").asInt()).isEqualTo(5);
        assertThat(semantic.path("results").get(1).path("noAnswer").asInt()).isZero();
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
        try (OpenAiTestServer server = OpenAiTestServer.replying(body -> "The answer is 42.")) {
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

    @Test
    void everyAgentCountIsRunUnderEveryRuleWithTheBaselineRunOnceAndShared() throws IOException {
        Cli.Result r = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--agents",
                "3,5", "--stop", "beta:0.95", "--stop", "esc:2,fixed", "--stop", "beta", "--seed", "4", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("stoppingRule").asText()).isEqualTo("beta:0.95");
        assertThat(json.path("stoppingRules")).extracting(JsonNode::asText)
                .containsExactly("beta:0.95", "esc:2", "fixed"); // beta and beta:0.95 are one rule
        assertThat(json.path("baselineShared").asBoolean()).isTrue();
        assertThat(json.path("team").asText()).isEqualTo("mixed");
        JsonNode results = json.path("results");
        assertThat(results).hasSize(3 * 3);
        List<String> rules = List.of("beta:0.95", "esc:2", "fixed");
        int[] counts = {1, 3, 5};
        JsonNode base = results.get(0);
        for (int i = 0; i < results.size(); i++) {
            JsonNode row = results.get(i);
            assertThat(row.path("stoppingRule").asText()).isEqualTo(rules.get(i / 3));
            assertThat(row.path("agents").asInt()).isEqualTo(counts[i % 3]);
            assertThat(row.path("accuracyStdErr").asDouble()).isBetween(0.0, 0.5);
            assertThat(row.path("accuracyLow95").asDouble()).isLessThanOrEqualTo(row.path("accuracy").asDouble());
            assertThat(row.path("accuracyHigh95").asDouble()).isGreaterThanOrEqualTo(row.path("accuracy").asDouble())
                    .isLessThanOrEqualTo(1.0);
            assertThat(row.path("meanSamplesCompleted").asDouble())
                    .isLessThanOrEqualTo(row.path("meanSamples").asDouble());
            if (counts[i % 3] == 1) {
                // one agent's only sample ends its run under any rule: one run, the same numbers for every rule
                for (String field : List.of("accuracy", "meanLatencyMs", "meanSamples", "cancellations")) {
                    assertThat(row.path(field)).as(field).isEqualTo(base.path(field));
                }
            }
            assertThat(row.path("accuracyGain").asDouble()).isCloseTo(row.path("accuracy").asDouble()
                    - base.path("accuracy").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        }
        // the fixed rule never stops early: every agent completes
        JsonNode fixed5 = results.get(8);
        assertThat(fixed5.path("meanSamplesCompleted").asDouble()).isEqualTo(5.0);
        assertThat(fixed5.path("cancellations").asInt()).isZero();

        Cli.Result human = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--agents",
                "3", "--stop", "beta:0.95", "--stop", "esc:2", "--seed", "4");
        assertThat(human.exitCode()).as(human.err()).isZero();
        assertThat(human.out()).contains("rules beta:0.95, esc:2", "Rule beta:0.95", "Rule esc:2",
                "run once and shared by every rule");
        assertThat(human.out().lines().filter(l -> l.matches("\\s+[13] .*"))).hasSize(4);
    }

    @Test
    void outWritesTheCsvAndASelfContainedHtmlReport() throws IOException {
        Path out = dir.resolve("reports/run1");
        Cli.Result r = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--agents",
                "1,3,5", "--stop", "beta:0.95", "--stop", "esc:3", "--seed", "8", "--out", out.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode json = r.json();
        assertThat(json.path("report").path("csv").asText()).isEqualTo(out.resolve("bench.csv").toString());
        assertThat(json.path("report").path("html").asText()).isEqualTo(out.resolve("report.html").toString());

        List<String> csv = Files.readAllLines(out.resolve("bench.csv"));
        assertThat(csv).hasSize(1 + 2 * 3);
        assertThat(csv.get(0)).startsWith("stoppingRule,agents,questions,correct,accuracy,");
        assertThat(csv.get(1)).startsWith("beta:0.95,1,5,");
        assertThat(csv.get(6)).startsWith("esc:3,5,5,");
        assertThat(csv.get(6)).endsWith(",true");
        String accuracy = csv.get(6).split(",")[4];
        assertThat(Double.parseDouble(accuracy)).isEqualTo(json.path("results").get(5).path("accuracy").asDouble(),
                org.assertj.core.data.Offset.offset(1e-6));

        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("SIMULATED", "beta:0.95", "esc:3", "seed", "8");
        assertThat(html.split("<svg ", -1)).hasSize(1 + 5);
        assertThat(json.path("report").path("frontier").asText()).isEqualTo(out.resolve("frontier.svg").toString());
        assertThat(Files.readString(out.resolve("frontier.svg"))).contains("Accuracy vs latency ratio (SIMULATED)");

        Cli.Result text = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--agents",
                "3", "--seed", "8", "--out", out.toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("Report   " + out.resolve("report.html"));
        assertThat(Files.readAllLines(out.resolve("bench.csv"))).hasSize(1 + 2); // replaced, not appended
    }

    @Test
    void anOutThatIsAFileFailsBeforeTheBenchRuns() throws IOException {
        Path file = write("taken", "x");
        Cli.Result r = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--out",
                file.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("--out", "not a directory");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aStrategyTeamNeedsTheEmbeddedEngine() throws IOException {
        Cli.Result r = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--team",
                "forward");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("--team forward", "--engine simulated");
        assertThat(r.out()).isEmpty();

        Cli.Result mixed = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--team",
                "mixed", "--agents", "2", "--json");
        assertThat(mixed.exitCode()).as(mixed.err()).isZero();
        assertThat(mixed.json().path("team").asText()).isEqualTo("mixed");
    }

    @Test
    void temperatureZeroIsGreedyOnTheSimulatedEngine() throws IOException {
        JsonNode json = Cli.run("bench", "--engine", "simulated", "--dataset", arithmetic().toString(), "--agents",
                "1,4", "--stop", "fixed", "--temperature", "0", "--json").json();
        assertThat(json.path("temperature").asDouble()).isZero();
        // every agent gives the most probable answer, the truth: all right whatever the count
        for (JsonNode row : json.path("results")) {
            assertThat(row.path("accuracy").asDouble()).as("N=%d", row.path("agents").asInt()).isEqualTo(1.0);
        }
    }

    @Test
    void askTakesOneRule() {
        Cli.Result r = Cli.run("ask", "--engine", "simulated", "--stop", "beta", "--stop", "esc", "What is 2+2?");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("one --stop rule", "bench");
        Cli.Result bad = Cli.run("bench", "--engine", "simulated", "--dataset", "x.jsonl", "--stop", "beta,nope");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.errLines()).singleElement().asString().contains("unknown stopping rule 'nope'");
    }

    @Test
    void onATerminalAProgressLineShowsTheFirstRulesAccuracyAndIsClearedAtTheEnd() throws IOException {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = ContemplateCli.execute(new String[] {"bench", "--engine", "simulated", "--dataset",
            arithmetic().toString(), "--agents", "3", "--stop", "beta:0.95,esc:3", "--seed", "1", "--json"},
                java.util.Map.of(), true, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("\rbench: 1/5 questions | accuracy N=1 ", " N=3 ",
                "(beta:0.95; 1 more rule) | ETA ", "\rbench: 5/5 questions");
        assertThat(err.toString()).endsWith("\r"); // cleared
        assertThat(new Cli.Result(code, out.toString(), "").json().path("results")).hasSize(4);
    }

    @Test
    void helpDescribesTheNewOptionsWithoutFormattingWarnings() {
        Cli.Result r = Cli.run("bench", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("--team=TEAM", "--out=DIR", "--stop=RULE[,RULE...]", "95% Wilson interval",
                "run once for all rules");
        Cli.Result ask = Cli.run("ask", "--help");
        assertThat(ask.exitCode()).isZero();
        assertThat(ask.err()).isEmpty();
        assertThat(ask.out()).contains("--team=TEAM");
    }

    @Test
    void everyQuestionHasSeedsOfItsOwnThatNoOtherQuestionShares() {
        assertThat(BenchCommand.questionSeed(42, 0)).isEqualTo(42);
        long last = BenchCommand.questionSeed(42, 1) - 1;   // the highest seed question 0's agents may use
        assertThat(last).isEqualTo(42 + ContemplateCli.MAX_AGENTS - 1);
        assertThat(BenchCommand.questionSeed(42, 7) - BenchCommand.questionSeed(42, 6))
                .isEqualTo(ContemplateCli.MAX_AGENTS);
    }

    @Test
    void onTheEmbeddedEngineEachCellReportsTheEnginesOwnTimeBesideTheWallTime() throws IOException {
        Path data = write("embedded.jsonl",
                "{\"question\": \"What is 54+39-25+73?\", \"answer\": \"141\"}",
                "{\"question\": \"What is 12+7+30-9?\", \"answer\": 40}");
        Cli.Result r = Cli.run("bench", "--dataset", data.toString(), "--agents", "1,3", "--stop", "fixed",
                "--seed", "1", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode base = r.json().path("results").get(0).path("engine");
        JsonNode team = r.json().path("results").get(1).path("engine");
        assertThat(base.path("forwardRatio").asDouble()).isEqualTo(1.0);
        assertThat(base.path("meanRowsPerStep").asDouble()).isEqualTo(1.0);
        assertThat(base.path("prefillsPerQuestion").asDouble()).isEqualTo(1.0);
        assertThat(base.path("stepsPerQuestion").asDouble()).isGreaterThan(10);
        assertThat(base.path("forwardMs").asDouble()).isPositive().isLessThan(base.path("engineMs").asDouble());
        // three strategies: three prompts decoded together, up to three rows a step; the engine starts on the first
        // agent's prompt at once, so on a cold JVM the others may join a few steps later (2.2 to 2.9 when warm)
        assertThat(team.path("meanRowsPerStep").asDouble()).isGreaterThan(1.5).isLessThanOrEqualTo(3.0);
        assertThat(team.path("prefillsPerQuestion").asDouble()).isLessThanOrEqualTo(3.0);
        assertThat(team.path("forwardRatio").asDouble()).isPositive();
        Cli.Result text = Cli.run("bench", "--dataset", data.toString(), "--agents", "1,3", "--stop", "fixed",
                "--seed", "1");
        assertThat(text.out()).contains("Engine time per question").contains("rows/step");
        Cli.Result simulated = Cli.run("bench", "--engine", "simulated", "--dataset", data.toString(), "--json");
        assertThat(simulated.json().path("results").get(0).has("engine")).isFalse();
    }

    @Test
    void benchComparesProtocolsOnTheSameSeedsWithCallsAndTokensPerQuestion(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("arith.jsonl");
        Files.writeString(data, "{\"question\": \"What is 2+3?\", \"answer\": 5}\n"
                + "{\"question\": \"What is 4+4?\", \"answer\": 8}\n{\"question\": \"What is 9-2?\", \"answer\": 7}\n");
        Cli.Result r = Cli.run("bench", "--engine", "simulated", "--dataset", data.toString(), "--agents", "1,3",
                "--stop", "fixed", "--seed", "2", "--protocol", "independent,debate:1,refine:1,moa:2", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("protocols").toString())
                .isEqualTo("[\"independent\",\"debate:1\",\"refine:1\",\"moa:2\"]");
        assertThat(json.path("aggregator").asText()).isEqualTo("vote, synthesis");
        Map<String, JsonNode> teams = new java.util.LinkedHashMap<>();
        for (JsonNode cell : json.path("results")) {
            assertThat(cell.path("stoppingRule").asText()).isEqualTo("fixed");
            if (cell.path("agents").asInt() == 3) {
                teams.put(cell.path("protocol").asText(), cell);
            } else {
                // one agent answering once: the baseline of every row
                assertThat(cell.path("protocol").asText()).isEqualTo("independent");
                assertThat(cell.path("meanCalls").asDouble()).isEqualTo(1.0);
            }
        }
        assertThat(teams.keySet()).containsExactly("independent", "debate:1", "refine:1", "moa:2");
        assertThat(teams.get("independent").path("meanCalls").asDouble()).isEqualTo(3.0);
        assertThat(teams.get("debate:1").path("meanCalls").asDouble()).isBetween(3.0, 6.0);
        assertThat(teams.get("refine:1").path("meanCalls").asDouble()).isBetween(4.0, 5.0);
        assertThat(teams.get("moa:2").path("meanCalls").asDouble()).isEqualTo(7.0);
        assertThat(teams.get("moa:2").path("tokens").path("meanPerQuestion").asDouble())
                .isGreaterThan(teams.get("independent").path("tokens").path("meanPerQuestion").asDouble());
        Cli.Result text = Cli.run("bench", "--engine", "simulated", "--dataset", data.toString(), "--agents", "1,3",
                "--stop", "fixed", "--seed", "2", "--protocol", "independent,debate:1");
        assertThat(text.out()).contains("protocols independent, debate:1", "Protocol and rule independent fixed",
                "Protocol and rule debate:1 fixed", "calls");
    }
}

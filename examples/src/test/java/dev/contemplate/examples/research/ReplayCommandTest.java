package dev.contemplate.examples.research;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReplayCommandTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    /** What one in-process run printed and returned. */
    record Run(int exitCode, String out, String err) {
        JsonNode json() throws IOException {
            return MAPPER.readTree(out);
        }

        JsonNode rule(String name) throws IOException {
            for (JsonNode r : json().get("rules")) {
                if (r.get("rule").asText().equals(name)) {
                    return r;
                }
            }
            throw new AssertionError("no rule " + name + " in " + out);
        }
    }

    /** The hand-made ESC file: three questions, four samples each, keyed by the letters extractor. */
    static Path smallFile() throws URISyntaxException {
        return Path.of(ReplayCommandTest.class.getResource("/research/small-esc.jsonl").toURI());
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ReplayCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** 100 questions whose samples are half right: a, b, a, b with gold a (adaptive format). */
    private Path halfRight() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            b.append("{\"answers\": [\"a\", \"b\", \"a\", \"b\"], \"target\": \"a\"}\n");
        }
        return write("half.jsonl", b.toString());
    }

    @Test
    void printsAnAlignedTableWithTheDefaultRulesCappedAtMax() throws Exception {
        Run r = run("--file", smallFile().toString(), "--max", "4", "--shuffles", "3", "--seed", "5");

        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(1)).isEqualTo("format esc, 3 questions counted, 0 malformed line(s) skipped");
        assertThat(lines.get(2)).isEqualTo("12 samples (3 without an answer), at most 4 per question; extract auto"
                + " (letters: 3); 3 shuffle(s), seed 5");
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("rule ")).findFirst().orElseThrow());
        List<String> rows = lines.subList(header + 1, lines.size());
        // fixed:5, 10, 20 and 40 are capped at --max 4 and collapse into one fixed:4
        assertThat(rows).extracting(l -> l.split("\\s+")[0])
                .containsExactly("fixed:1", "fixed:3", "fixed:4", "beta:0.95", "esc:5", "unassailable");
        // every row as wide as the header
        assertThat(rows).allSatisfy(l -> assertThat(l).hasSameSizeAs(lines.get(header)));
        // unassailable: 2/3 correct with 11/3 samples (see ReplayerTest)
        assertThat(rows.get(5)).contains(" 66.67%", "3.67");
    }

    @Test
    void printsOneJsonObjectWithTheSameFigures() throws Exception {
        Run r = run("--file", smallFile().toString(), "--stop", "esc:2", "--stop", "unassailable,fixed:1",
                "--shuffles", "2", "--seed", "5", "--json");

        assertThat(r.exitCode()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("format").asText()).isEqualTo("esc");
        assertThat(j.get("extract").asText()).isEqualTo("auto");
        assertThat(j.get("extractors").get("letters").asInt()).isEqualTo(3);
        assertThat(j.get("questions").asInt()).isEqualTo(3);
        assertThat(j.get("samples").asInt()).isEqualTo(12);
        assertThat(j.get("unansweredSamples").asInt()).isEqualTo(3);
        assertThat(j.get("skippedLines").asInt()).isZero();
        assertThat(j.get("max").asInt()).isEqualTo(40);
        assertThat(j.get("shuffles").asInt()).isEqualTo(2);
        assertThat(j.get("seed").asLong()).isEqualTo(5);
        List<String> names = new ArrayList<>();
        j.get("rules").forEach(n -> names.add(n.get("rule").asText()));
        assertThat(names).containsExactly("esc:2", "unassailable", "fixed:1");
        JsonNode esc = r.rule("esc:2");
        assertThat(esc.get("accuracy").get("mean").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(esc.get("accuracy").get("sd").asDouble()).isZero();
        assertThat(esc.get("samples").get("mean").asDouble()).isCloseTo(10.0 / 3, within(1e-12));
        assertThat(esc.get("samples").get("min").asDouble()).isCloseTo(10.0 / 3, within(1e-12));
        assertThat(esc.get("accuracyPerShuffle")).hasSize(2);
        assertThat(esc.get("samplesPerShuffle")).hasSize(2);
    }

    @Test
    void theSameSeedGivesIdenticalJsonAndAnotherSeedMayNot() throws Exception {
        Path f = halfRight();
        Run a = run("--file", f.toString(), "--seed", "17", "--json");
        Run b = run("--file", f.toString(), "--seed", "17", "--json");
        Run c = run("--file", f.toString(), "--seed", "18", "--json");

        assertThat(a.exitCode()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
        // fixed:1 is right when an a arrives first: about half of 100 questions, differently for another seed
        assertThat(c.out()).isNotEqualTo(a.out());
        assertThat(c.rule("fixed:1").get("accuracyPerShuffle"))
                .isNotEqualTo(a.rule("fixed:1").get("accuracyPerShuffle"));
        assertThat(a.rule("fixed:1").get("accuracy").get("mean").asDouble()).isBetween(0.4, 0.6);
        // with all four samples (fixed:40) it is a 2:2 tie, broken for the answer that arrived first: the same
        // verdict as fixed:1 in every shuffle
        assertThat(a.rule("fixed:40").get("accuracyPerShuffle"))
                .isEqualTo(a.rule("fixed:1").get("accuracyPerShuffle"));
        assertThat(a.rule("fixed:40").get("samples").get("mean").asDouble()).isEqualTo(4.0);
    }

    @Test
    void reportsAndSkipsMalformedLines() throws Exception {
        Path f = write("mixed.jsonl", ""
                + "{\"answer\": \"a\", \"generated_answer\": [\"The answer is a.\"]}\n"
                + "{\"answer\": \"a\", \"generated_answer\": [\n"
                + "{\"answer\": \"a\"}\n"
                + "{\"answer\": \"a\", \"generated_answer\": [\"The answer is a.\", 7]}\n"
                + "{\"answer\": \"b\", \"generated_answer\": [\"The answer is b.\"]}\n");

        Run r = run("--file", f.toString(), "--stop", "fixed:1", "--json");

        assertThat(r.exitCode()).isZero();
        assertThat(r.err().lines()).hasSize(3);
        assertThat(r.err()).contains(f + ": line 2: bad JSON",
                f + ": line 3: missing field 'generated_answer' (skipped)",
                f + ": line 4: generated_answer[1] must be a string but was a number (skipped)");
        JsonNode j = r.json();
        assertThat(j.get("questions").asInt()).isEqualTo(2);
        assertThat(j.get("skippedLines").asInt()).isEqualTo(3);
        assertThat(j.get("skipped").get(1).get("line").asInt()).isEqualTo(3);
        assertThat(j.get("skipped").get(1).get("reason").asText()).isEqualTo("missing field 'generated_answer'");
        assertThat(r.rule("fixed:1").get("accuracy").get("mean").asDouble()).isEqualTo(1.0);

        Run table = run("--file", f.toString(), "--stop", "fixed:1");
        assertThat(table.out()).contains("2 questions counted, 3 malformed line(s) skipped");
    }

    @Test
    void strictFailsOnAMalformedLine() throws Exception {
        Path f = write("bad.jsonl", ""
                + "{\"answer\": \"a\", \"generated_answer\": [\"The answer is a.\"]}\n"
                + "{\"answer\": \"a\", \"generated_answer\": []}\n");

        Run r = run("--file", f.toString(), "--strict");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(f + ": line 2: field 'generated_answer' is an empty list",
                "1 malformed line(s)", "--strict");
        // the same file without --strict replays the valid line
        assertThat(run("--file", f.toString()).exitCode()).isZero();
    }

    @Test
    void aForcedFormatAndExtractorAreUsed() throws Exception {
        Path f = write("choice.jsonl", ""
                + "{\"answer\": \"C\", \"generated_answer\": [\"The answer is (C).\", \"The answer is (C).\","
                + " \"The answer is (B).\"]}\n");

        Run r = run("--file", f.toString(), "--format", "ESC", "--extract", "choice", "--stop", "fixed", "--json");

        assertThat(r.exitCode()).isZero();
        assertThat(r.json().get("extract").asText()).isEqualTo("choice:ABCDE");
        assertThat(r.rule("fixed").get("accuracy").get("mean").asDouble()).isEqualTo(1.0);

        Run wrongFormat = run("--file", f.toString(), "--format", "adaptive");
        assertThat(wrongFormat.exitCode()).isEqualTo(2);
        assertThat(wrongFormat.err()).contains("line 1: missing field 'target'", "no valid question");
    }

    @Test
    void replaysCompactCounts() throws Exception {
        // a 3:1 majority for the gold and a 1:3 minority: fixed (all samples) gets one of two right
        Path f = write("compact.jsonl", ""
                + "{\"gold\": \"7\", \"counts\": {\"7\": 3, \"8\": 1}}\n"
                + "{\"gold\": \"7\", \"counts\": {\"7\": 1, \"8.0\": 3}}\n");

        Run r = run("--file", f.toString(), "--stop", "fixed", "--shuffles", "4", "--json");

        assertThat(r.exitCode()).isZero();
        assertThat(r.json().get("format").asText()).isEqualTo("compact");
        assertThat(r.rule("fixed").get("accuracy").get("mean").asDouble()).isEqualTo(0.5);
        assertThat(r.rule("fixed").get("samples").get("mean").asDouble()).isEqualTo(4.0);
    }

    @Test
    void failsCleanlyOnBadInputAndOptions() throws Exception {
        Run missing = run("--file", dir.resolve("nope.jsonl").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");

        Path f = write("none.jsonl", "{\"foo\": 1}\n");
        Run unknown = run("--file", f.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("line 1: no known format", "format not recognised");

        Run badRule = run("--file", f.toString(), "--stop", "sometimes");
        assertThat(badRule.exitCode()).isEqualTo(2);
        assertThat(badRule.err()).contains("unknown stopping rule 'sometimes'");

        Run badExtract = run("--file", f.toString(), "--extract", "guess");
        assertThat(badExtract.exitCode()).isEqualTo(2);
        assertThat(badExtract.err()).contains("unknown answer extractor 'guess'");

        Run badMax = run("--file", f.toString(), "--max", "0");
        assertThat(badMax.exitCode()).isEqualTo(2);
        assertThat(badMax.err()).contains("--max must be >= 1");

        Run badShuffles = run("--file", f.toString(), "--shuffles", "0");
        assertThat(badShuffles.exitCode()).isEqualTo(2);

        Run noFile = run();
        assertThat(noFile.exitCode()).isEqualTo(2);
        assertThat(noFile.err()).contains("--file");
    }

    @Test
    void helpDescribesTheFormatsAndTheDerivation() {
        Run r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: replay", "--stop=RULE", "generated_answer", "SplitMix64");
    }
}

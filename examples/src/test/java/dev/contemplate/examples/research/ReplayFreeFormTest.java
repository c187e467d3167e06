package dev.contemplate.examples.research;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code replay} on labelled free-form samples and with the votes that read texts. */
class ReplayFreeFormTest {

    /** Compares doubles equal within 1e-9. */
    private static final java.util.Comparator<Double> CLOSE =
            (a, b) -> Math.abs(a - b) < 1e-9 ? 0 : Double.compare(a, b);

    /** The shipped sample file: 20 questions, 122 labelled texts (paraphrases, near misses, unrelated answers). */
    static Path sampleFile() throws URISyntaxException {
        return Path.of(ReplayFreeFormTest.class.getResource("/replay/freeform-sample.jsonl").toURI());
    }

    @Test
    void theCommandReportsMalformedFreeFormLinesAndTheVote() throws Exception {
        Path f = java.nio.file.Files.writeString(java.nio.file.Files.createTempFile("freeform", ".jsonl"), ""
                + "{\"question\": \"q\", \"samples\": [{\"text\": \"Canberra.\", \"correct\": true},"
                + " {\"text\": \"Sydney.\", \"correct\": false}, {\"text\": \"canberra\", \"correct\": true}]}\n"
                + "{\"question\": \"q\", \"samples\": [{\"text\": \"a\"}]}\n");
        try {
            ReplayCommandTest.Run r = ReplayCommandTest.run("--file", f.toString(), "--stop", "fixed", "--json");
            assertThat(r.exitCode()).isZero();
            assertThat(r.err()).isEqualTo(f + ": line 2: samples[0]: missing field 'correct' (skipped)"
                    + System.lineSeparator());
            JsonNode j = r.json();
            assertThat(j.get("format").asText()).isEqualTo("freeform");
            assertThat(j.get("vote").asText()).isEqualTo("majority");
            assertThat(j.get("judgedBy").asText()).isEqualTo("labelled");
            assertThat(j.get("extractors").get("exact").asInt()).isEqualTo(1);
            assertThat(r.rule("fixed").get("accuracy").get("mean").asDouble()).isEqualTo(1.0);

            ReplayCommandTest.Run table = ReplayCommandTest.run("--file", f.toString(), "--stop", "fixed", "--vote",
                    "Weighted");
            assertThat(table.out()).contains("vote weighted; a question is right when the sample that represents"
                    + " the voted answer is labelled correct");

            ReplayCommandTest.Run bad = ReplayCommandTest.run("--file", f.toString(), "--vote", "plurality");
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("unknown vote 'plurality'; valid: majority, weighted, semantic");
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    @Test
    void onTheShippedFileTheSemanticVoteBeatsAPlainMajorityOfExactTexts() throws Exception {
        // measured on the shipped file (seed 0, 5 shuffles): a regression check. An exact majority mostly picks the
        // wrong answer that is repeated word for word over the right one said in several ways; the recorded
        // log-probabilities lift the weighted vote a little; the semantic vote merges the paraphrases. The first
        // sample is the same whatever the vote.
        String[] args = {"--file", sampleFile().toString(), "--extract", "exact", "--stop",
            "fixed:1,fixed:3,fixed,esc:2", "--shuffles", "5", "--json", "--vote"};
        ReplayCommandTest.Run majority = ReplayCommandTest.run(with(args, "majority"));
        ReplayCommandTest.Run weighted = ReplayCommandTest.run(with(args, "weighted"));
        ReplayCommandTest.Run semantic = ReplayCommandTest.run(with(args, "semantic"));

        assertThat(semantic.exitCode()).as(semantic.err()).isZero();
        assertThat(semantic.json().get("vote").asText()).isEqualTo("semantic");
        assertThat(accuracies(majority)).usingElementComparator(CLOSE).containsExactly(0.53, 0.50, 0.21, 0.21);
        assertThat(accuracies(weighted)).usingElementComparator(CLOSE).containsExactly(0.53, 0.57, 0.26, 0.24);
        assertThat(accuracies(semantic)).usingElementComparator(CLOSE).containsExactly(0.53, 0.65, 0.80, 0.76);
        List<Double> perShuffle = new ArrayList<>();
        semantic.rule("fixed").get("accuracyPerShuffle").forEach(n -> perShuffle.add(n.asDouble()));
        assertThat(perShuffle).usingElementComparator(CLOSE).containsExactly(0.85, 0.70, 0.80, 0.85, 0.80);
        // every sample is used by fixed; esc:2 stops earlier when the semantic vote sees two alike in a row
        assertThat(majority.rule("fixed").get("samples").get("mean").asDouble()).isCloseTo(6.1, within(1e-9));
        assertThat(majority.rule("esc:2").get("samples").get("mean").asDouble()).isCloseTo(5.66, within(1e-9));
        assertThat(semantic.rule("esc:2").get("samples").get("mean").asDouble()).isCloseTo(4.32, within(1e-9));
    }

    @Test
    void theSemanticVoteIsWellDefinedOnGoldAnswerFilesToo() throws Exception {
        // the hand-made ESC file (see ReplayerTest): the representative's key is compared with the gold. Q1's four
        // texts all say abc, Q2's four different letters never say the gold e, and Q3's only answer, x, is right
        // when its cluster wins; with every sample the semantic vote gets the majority's 2/3
        ReplayCommandTest.Run r = ReplayCommandTest.run("--file", ReplayCommandTest.smallFile().toString(), "--vote",
                "semantic", "--stop", "fixed:1,esc:2,unassailable,fixed", "--shuffles", "5", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().get("judgedBy").asText()).isEqualTo("gold key of the representative");
        assertThat(accuracies(r)).usingElementComparator(CLOSE).containsExactly(8.0 / 15, 2.0 / 3, 2.0 / 3,
                2.0 / 3);
        assertThat(r.rule("fixed").get("samples").get("mean").asDouble()).isCloseTo(4, within(1e-9));
    }

    /** The accuracy (mean over shuffles) of each rule of {@code --stop fixed:1,fixed:3,fixed,esc:2}. */
    private static List<Double> accuracies(ReplayCommandTest.Run run) throws IOException {
        List<Double> out = new ArrayList<>();
        run.json().get("rules").forEach(r -> out.add(r.get("accuracy").get("mean").asDouble()));
        return out;
    }

    private static String[] with(String[] args, String last) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = last;
        return out;
    }
}

package dev.contemplate.research.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.research.dataset.SkippedLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bad input that the properties of {@link ReplayReaderPropertiesTest} found, each with its defined outcome. */
class ReplayReaderBadInputTest {

    private static ReplayData read(String text) throws IOException {
        return new ReplayReader(Optional.empty(), Optional.empty()).read(new BufferedReader(new StringReader(text)));
    }

    @Test
    void aNumberTooLargeForADoubleIsASkippedLineNotAnError() throws IOException {
        // Jackson reads 1e999 as infinity, which has no decimal form: this used to escape as NumberFormatException
        ReplayData data = read("{\"answer\": 1e999, \"generated_answer\": [\"1\"]}\n"
                + "{\"answer\": \"1\", \"generated_answer\": [\"1\"]}\n");
        assertThat(data.skipped()).extracting(SkippedLine::toString)
                .containsExactly("line 1: field 'answer' must be a finite number but was Infinity");
        assertThat(data.questions()).hasSize(1);

        data = read("{\"target\": \"1\", \"answers\": [1, -1e400]}\n");
        assertThat(data.skipped()).extracting(SkippedLine::toString)
                .containsExactly("line 1: answers[1] must be a finite number but was -Infinity");
    }

    @Test
    void aByteOrderMarkAtTheStartOfTheFileIsIgnored(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bom.jsonl");
        Files.writeString(file, "\ufeff{\"gold\": \"7\", \"counts\": {\"7\": 2, \"8\": 1}}\n", StandardCharsets.UTF_8);
        ReplayData data = new ReplayReader(Optional.empty(), Optional.empty()).read(file);
        assertThat(data.skipped()).isEmpty();
        assertThat(data.format()).contains(ReplayFormat.COMPACT);
        assertThat(data.questions()).singleElement().extracting(ReplayQuestion::goldKey).isEqualTo("7");
    }

    @Test
    void echoedInputIsCutAndReasonsArePrintableSingleLines() throws IOException {
        String key = "k".repeat(20_000);
        ReplayData data = read("{\"gold\": \"1\", \"counts\": {\"" + key + "\": -1}}\n"
                + "{\"gold\": \"1\", \"counts\": {\"1\": -" + "9".repeat(900) + "}}\n"
                + "\ud800\u001b[2J\u2028\n"
                + "\u2028{}\n");
        assertThat(data.skipped()).hasSize(4);
        assertThat(data.skipped().get(0).reason())
                .startsWith("counts['" + "k".repeat(60) + "... (20000 characters)'] must be a non-negative integer");
        assertThat(data.skipped().get(1).reason()).contains("... (901 characters)");
        // Jackson's messages quote the unexpected character: escaped, as every control character would be
        assertThat(data.skipped().get(2).reason()).startsWith("bad JSON: Unexpected character ('\\ud800'")
                .doesNotContain("\ud800");
        assertThat(data.skipped().get(3).reason()).startsWith("bad JSON: Unexpected character ('\\u2028'")
                .doesNotContain("\u2028");
        assertThat(data.skipped()).allSatisfy(m -> assertThat(m.reason()).hasSizeLessThanOrEqualTo(310));
    }

    @Test
    void aWordWithCombiningMarksIsReadWithTheLettersExtractor() throws IOException {
        // "café" written with a combining acute accent: letters, so the default extractor is letters, not numeric
        String gold = "cafe\u0301";
        assertThat(ReplayReader.defaultExtractor(gold)).isEqualTo(AnswerExtractors.lastLetters());
        ReplayData data = read("{\"answer\": \"" + gold + "\", \"generated_answer\": [\"The answer is Cafe\u0301.\","
                + " \"The answer is cafe.\"]}\n");
        assertThat(data.questions().get(0).texts()).extracting(ReplaySample::correct).containsExactly(true, false);
    }
}

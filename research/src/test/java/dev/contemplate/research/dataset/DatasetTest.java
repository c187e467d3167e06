package dev.contemplate.research.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.research.replay.ReplayReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a bench's data set: answers keyed once, every skipped line reported with its number and reason. */
class DatasetTest {

    private static final String GSM8K_ANSWER = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\\n"
            + "Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\\n#### 72";

    @TempDir
    Path dir;

    private static Dataset read(String text) throws IOException {
        return Dataset.read(new BufferedReader(new StringReader(text)), "test", AnswerExtractors.numeric());
    }

    @Test
    void gsm8kAnswersAndNumbersAreReadAfterNumericNormalisation() throws IOException {
        Path file = Files.write(dir.resolve("arith.jsonl"), List.of(
                "{\"question\": \"What is 54+39-25+73?\", \"answer\": \"141\"}",
                "{\"question\": \"What is 12+7+30-9?\", \"answer\": 40}",
                "",
                "{\"question\": \"How many clips did Natalia sell?\", \"answer\": \"" + GSM8K_ANSWER + "\"}",
                "{\"question\": \"  What is 3*4?  \", \"answer\": \"12.0\"}",
                "{\"question\": \"What is 90-45+5-10?\", \"answer\": \"$40\"}"));
        Dataset data = Dataset.read(file, AnswerExtractors.numeric());
        assertThat(data.source()).isEqualTo(file.toString());
        assertThat(data.skipped()).isEmpty();
        assertThat(data.items()).extracting(Dataset.Item::answerKey).containsExactly("141", "40", "72", "12", "40");
        assertThat(data.items()).extracting(Dataset.Item::line).containsExactly(1, 2, 4, 5, 6);
        assertThat(data.items().get(2).answerText()).endsWith("#### 72");
        assertThat(data.items().get(3).question()).isEqualTo("What is 3*4?");
    }

    @Test
    void everyUnreadableLineIsSkippedWithItsNumberAndReason() throws IOException {
        Dataset data = read("\ufeff{\"question\": \"What is 1+2?\", \"answer\": \"3\"}\n"
                + "not json at all\n"
                + "{\"question\": \"What is 2+2?\"}\n"
                + "[1, 2]\n"
                + "{\"question\": \"What is 2+3?\", \"answer\": \"five\"}\n"
                + "{\"question\": \" \", \"answer\": \"6\"}\n"
                + "{\"question\": \"What is 3+3?\", \"answer\": \"6\"} {\"more\": 1}\n"
                + "{\"question\": \"What is 3+4?\", \"answer\": \"\\u0007\"}\n"
                + "{\"question\": \"What is 3+3?\", \"answer\": true}\n");
        assertThat(data.items()).extracting(Dataset.Item::line).containsExactly(1); // a byte order mark is ignored
        assertThat(data.skipped()).extracting(SkippedLine::line).containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(data.skipped().get(0).reason()).startsWith("not valid JSON (Unrecognized token 'not'");
        assertThat(data.skipped().get(1).reason()).isEqualTo("missing or empty \"answer\" (a string or a number)");
        assertThat(data.skipped().get(2).reason()).isEqualTo("not a JSON object");
        assertThat(data.skipped().get(3).reason())
                .isEqualTo("the numeric extractor reads no answer in \"answer\": five");
        assertThat(data.skipped().get(4).reason()).isEqualTo("missing or empty \"question\" string");
        assertThat(data.skipped().get(5).reason()).startsWith("not valid JSON (Trailing token");
        assertThat(data.skipped().get(6).reason()).isEqualTo("the numeric extractor reads no answer in \"answer\": "
                + "\\u0007"); // control characters are escaped
        assertThat(data.skipped().get(7).reason()).startsWith("missing or empty \"answer\"");
        assertThat(data.skipped().get(0)).hasToString("line 2: " + data.skipped().get(0).reason());
    }

    @Test
    void oneReaderReadsBothFormats() throws IOException {
        // an Early-Stopping Self-Consistency line carries a question and a gold answer: a data set's line too
        String esc = "{\"question\": \"What is 6*7?\", \"answer\": \"42\", \"generated_answer\": [\"It is 42.\"]}\n"
                + "{\"answer\": \"42\", \"generated_answer\": [\"It is 42.\"]}\n";
        Dataset data = read(esc);
        assertThat(data.items()).singleElement().extracting(Dataset.Item::answerKey).isEqualTo("42");
        assertThat(data.skipped()).containsExactly(new SkippedLine(2, "missing or empty \"question\" string"));
        assertThat(ReplayReader.detecting().read(new BufferedReader(new StringReader(esc))).questions()).hasSize(2);
    }

    @Test
    void keepAndFirstMakeCopies() throws IOException {
        Dataset data = read("{\"question\": \"a\", \"answer\": 1}\nbad\n{\"question\": \"b\", \"answer\": 2}\n"
                + "{\"question\": \"c\", \"answer\": 3}\n");
        Dataset kept = data.keep(item -> !item.question().equals("b"), "cannot read b");
        assertThat(kept.items()).extracting(Dataset.Item::question).containsExactly("a", "c");
        assertThat(kept.skipped()).extracting(SkippedLine::line, SkippedLine::reason)
                .containsExactly(tuple(2, data.skipped().get(0).reason()), tuple(3, "cannot read b"));
        assertThat(data.first(2).items()).extracting(Dataset.Item::question).containsExactly("a", "b");
        assertThat(data.first(2).skipped()).isEqualTo(data.skipped());
        assertThat(data.first(9)).isSameAs(data);
        assertThatThrownBy(() -> data.first(0)).hasMessage("n must be >= 1 but was 0");
    }

    @Test
    void aDataSetInMemoryIsKeyedAndValidated() {
        Dataset data = Dataset.builder(AnswerExtractors.numeric()).question("What is 2+2?", "4")
                .question(" What is 6*7? ", "#### 42").build();
        assertThat(data.source()).isEqualTo("memory");
        assertThat(data.items()).extracting(Dataset.Item::line, Dataset.Item::question, Dataset.Item::answerKey)
                .containsExactly(tuple(1, "What is 2+2?", "4"), tuple(2, "What is 6*7?", "42"));
        assertThatThrownBy(() -> Dataset.builder(AnswerExtractors.numeric()).question("q", "four"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the numeric extractor reads no answer in 'four'");
        assertThatThrownBy(() -> Dataset.builder(AnswerExtractors.numeric()).question(" ", "4"))
                .hasMessage("question 1 is blank");
        assertThatThrownBy(() -> Dataset.builder(AnswerExtractors.numeric()).build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SkippedLine(0, "x")).hasMessage("line must be >= 1 but was 0");
    }

    @Test
    void aMissingFileOrOneThatIsNotUtf8FailsToRead() throws IOException {
        assertThatThrownBy(() -> Dataset.read(dir.resolve("none.jsonl"), AnswerExtractors.numeric()))
                .isInstanceOf(NoSuchFileException.class);
        Path latin1 = Files.write(dir.resolve("latin1.jsonl"),
                new byte[] {'{', '"', 'q', '"', ':', ' ', '"', (byte) 0xE9, '"', '}', '\n'});
        assertThatThrownBy(() -> Dataset.read(latin1, AnswerExtractors.numeric()))
                .isInstanceOf(MalformedInputException.class);
    }
}

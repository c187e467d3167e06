package dev.contemplate.research.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.research.dataset.SkippedLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReplayReaderTest {

    private static ReplayData read(String text) throws IOException {
        return new ReplayReader(Optional.empty(), Optional.empty()).read(new BufferedReader(new StringReader(text)));
    }

    /** The sample keys of a question, "-" for a sample without an answer. */
    private static List<String> keys(ReplayQuestion q) {
        return q.samples().stream().map(a -> a.map(Answer::key).orElse("-")).collect(Collectors.toList());
    }

    @Test
    void readsEscLinesAndExtractsEverySampleWithTheDefaultExtractor() throws IOException {
        ReplayData data = read(""
                + "{\"question\": \"q1\", \"answer\": \"Yajo\", \"generated_answer\": [\"So the answer is yajo.\","
                + " \"The answer is \\\"YAJO\\\".\", \"The answer is: 'yaj'\", \"no idea\", null]}\n"
                + "{\"question\": \"q2\", \"answer\": \"1,000\", \"generated_answer\": [\"5 + 995 = 1000. The answer is"
                + " 1000.\", \"The answer is $1,000.00\", \"I think 999\", \"nothing\"]}\n");

        assertThat(data.format()).contains(ReplayFormat.ESC);
        assertThat(data.skipped()).isEmpty();
        assertThat(data.questions()).hasSize(2);

        ReplayQuestion letters = data.questions().get(0);
        // gold "Yajo" is all letters -> letters extractor; the gold has no "answer is", so it is stripped+lower-cased
        assertThat(letters.extractor()).isEqualTo("letters");
        assertThat(letters.goldKey()).isEqualTo("yajo");
        assertThat(letters.line()).isEqualTo(1);
        assertThat(letters.ordered()).isTrue();
        // raw texts without an extractable answer are "no answer", never the lower-cased text
        assertThat(keys(letters)).containsExactly("yajo", "yajo", "yaj", "-", "-");
        assertThat(letters.unanswered()).isEqualTo(2);

        ReplayQuestion numeric = data.questions().get(1);
        // gold "1,000" is not all letters -> numeric extractor, which keys both gold and samples as 1000
        assertThat(numeric.extractor()).isEqualTo("numeric");
        assertThat(numeric.goldKey()).isEqualTo("1000");
        assertThat(keys(numeric)).containsExactly("1000", "1000", "999", "-");
        assertThat(data.extractors()).containsExactly(entry("letters", 1), entry("numeric", 1));
        assertThat(data.samples()).isEqualTo(9);
        assertThat(data.unanswered()).isEqualTo(3);
    }

    @Test
    void readsAdaptiveConsistencyLinesOfAlreadyExtractedAnswers() throws IOException {
        ReplayData data = read(""
                + "{\"answers\": [\"18\", 18, 18.0, \"$18\", \"17\", null, \"  \"], \"target\": 18}\n"
                + "{\"answers\": [\"Yes\", \" no \", true], \"target\": \"yes\"}\n");

        assertThat(data.format()).contains(ReplayFormat.ADAPTIVE);
        assertThat(data.skipped()).isEmpty();
        ReplayQuestion q = data.questions().get(0);
        assertThat(q.extractor()).isEqualTo("numeric");
        assertThat(q.goldKey()).isEqualTo("18");
        // numbers and strings alike go through the extractor; null and blank answers are "no answer"
        assertThat(keys(q)).containsExactly("18", "18", "18", "18", "17", "-", "-");
        ReplayQuestion yes = data.questions().get(1);
        // letters finds no "answer is" in an extracted answer: keyed stripped and lower-cased
        assertThat(yes.extractor()).isEqualTo("letters");
        assertThat(keys(yes)).containsExactly("yes", "no", "true");
        assertThat(yes.goldKey()).isEqualTo("yes");
    }

    @Test
    void readsCompactCountsAsAnUnorderedSampleList() throws IOException {
        ReplayData data = read("{\"gold\": \"A\", \"counts\": {\"B\": 2, \" a \": 1, \"\": 1, \"c\": 0}}\n");

        assertThat(data.format()).contains(ReplayFormat.COMPACT);
        ReplayQuestion q = data.questions().get(0);
        assertThat(q.goldKey()).isEqualTo("a");
        assertThat(q.ordered()).isFalse();
        // expanded in the order of the object; a blank answer is a sample without an answer; count 0 adds nothing
        assertThat(keys(q)).containsExactly("b", "b", "a", "-");
    }

    @Test
    void aForcedExtractorKeysGoldAndSamples() throws IOException {
        ReplayData data = new ReplayReader(Optional.empty(), Optional.of(AnswerExtractors.choice("ABCD")))
                .read(new BufferedReader(new StringReader("{\"answer\": \"(c)\", \"generated_answer\":"
                        + " [\"The answer is (C).\", \"The answer is (B).\", \"so D.\"]}\n")));

        ReplayQuestion q = data.questions().get(0);
        assertThat(q.extractor()).isEqualTo("choice:ABCD");
        assertThat(q.goldKey()).isEqualTo("C");
        assertThat(keys(q)).containsExactly("C", "B", "D");
    }

    @Test
    void detectsTheFormatFromTheFirstValidLineAndHoldsEveryLaterLineToIt() throws IOException {
        ReplayData data = read(""
                + "{not json\n"                                                     // 1: bad JSON, before detection
                + "{\"target\": \"a\"}\n"                                           // 2: an object of no known format
                + "{\"answers\": [\"a\", \"b\"], \"target\": \"a\"}\n"              // 3: adaptive -> detected here
                + "{\"answer\": \"a\", \"generated_answer\": [\"The answer is a\"]}\n" // 4: ESC, but adaptive wanted
                + "{\"answers\": [\"a\"], \"target\": \"a\"}\n");                   // 5: adaptive

        assertThat(data.format()).contains(ReplayFormat.ADAPTIVE);
        assertThat(data.questions()).extracting(ReplayQuestion::line).containsExactly(3, 5);
        assertThat(data.skipped()).extracting(SkippedLine::line).containsExactly(1, 2, 4);
        assertThat(data.skipped().get(0).reason()).startsWith("bad JSON");
        assertThat(data.skipped().get(1).reason()).startsWith("no known format");
        // the gold is checked first: an ESC line lacks adaptive's 'target'
        assertThat(data.skipped().get(2).reason()).isEqualTo("missing field 'target'");
    }

    @Test
    void aForcedFormatRejectsLinesOfAnotherFormat() throws IOException {
        ReplayData data = new ReplayReader(Optional.of(ReplayFormat.COMPACT), Optional.empty())
                .read(new BufferedReader(new StringReader("{\"answer\": \"a\", \"generated_answer\": [\"x\"]}\n")));

        assertThat(data.format()).contains(ReplayFormat.COMPACT);
        assertThat(data.questions()).isEmpty();
        assertThat(data.skipped()).extracting(SkippedLine::line, SkippedLine::reason)
                .containsExactly(tuple(1, "missing field 'gold'"));
    }

    @Test
    void reportsEverySkippedLineWithItsLineNumberAndReason() throws IOException {
        ReplayData data = read(""
                + "{\"answer\": \"a\", \"generated_answer\": [\"The answer is a.\"]}\n"           // 1 valid
                + "{\"answer\": \"a\", \"generated_answer\": [\"The answer is a.\"\n"             // 2 bad JSON
                + "{\"question\": \"q\", \"generated_answer\": [\"The answer is a.\"]}\n"         // 3 no gold
                + "{\"answer\": \"a\", \"generated_answer\": \"The answer is a.\"}\n"             // 4 not a list
                + "\n"                                                                          // 5 blank: not a record
                + "{\"answer\": \"a\", \"generated_answer\": []}\n"                               // 6 empty list
                + "{\"answer\": \"a\", \"generated_answer\": [\"The answer is a.\", 3]}\n"        // 7 wrong element
                + "{\"answer\": [\"a\"], \"generated_answer\": [\"The answer is a.\"]}\n"         // 8 gold a list
                + "{\"answer\": \" \", \"generated_answer\": [\"The answer is a.\"]}\n"           // 9 blank gold
                + "[1, 2]\n"                                                                    // 10 not an object
                + "{\"answer\": \"a\", \"generated_answer\": [\"x\"]} trailing\n"                 // 11 trailing text
                + "{\"answer\": \"b\", \"generated_answer\": [\"The answer is b.\"]}\n");         // 12 valid

        assertThat(data.questions()).extracting(ReplayQuestion::line).containsExactly(1, 12);
        assertThat(data.skipped()).extracting(SkippedLine::line, SkippedLine::reason).containsExactly(
                tuple(2, data.skipped().get(0).reason()),
                tuple(3, "missing field 'answer'"),
                tuple(4, "field 'generated_answer' must be a list but was a string"),
                tuple(6, "field 'generated_answer' is an empty list"),
                tuple(7, "generated_answer[1] must be a string but was a number"),
                tuple(8, "field 'answer' must be a string, number or boolean but was a list"),
                tuple(9, "field 'answer' is blank"),
                tuple(10, "expected a JSON object but was a list"),
                tuple(11, data.skipped().get(8).reason()));
        assertThat(data.skipped().get(0).reason()).startsWith("bad JSON: ");
        assertThat(data.skipped().get(8).reason()).startsWith("bad JSON: ");
        assertThat(data.skipped().get(0)).hasToString("line 2: " + data.skipped().get(0).reason());
    }

    @Test
    void rejectsBadCompactCountsAndBadAdaptiveAnswers() throws IOException {
        ReplayData data = read(""
                + "{\"gold\": \"a\", \"counts\": {\"a\": 2}}\n"                  // 1 valid, detects compact
                + "{\"gold\": \"a\", \"counts\": {\"a\": -1}}\n"                 // 2 negative
                + "{\"gold\": \"a\", \"counts\": {\"a\": 1.5}}\n"                // 3 fractional
                + "{\"gold\": \"a\", \"counts\": {\"a\": \"2\"}}\n"              // 4 a string
                + "{\"gold\": \"a\", \"counts\": {\"a\": 0}}\n"                  // 5 no samples
                + "{\"gold\": \"a\", \"counts\": [\"a\"]}\n"                     // 6 not an object
                + "{\"gold\": \"a\", \"counts\": {\"a\": 2000000}}\n");          // 7 too many

        assertThat(data.questions()).extracting(ReplayQuestion::line).containsExactly(1);
        assertThat(data.skipped()).extracting(SkippedLine::line, SkippedLine::reason).containsExactly(
                tuple(2, "counts['a'] must be a non-negative integer but was -1"),
                tuple(3, "counts['a'] must be a non-negative integer but was 1.5"),
                tuple(4, "counts['a'] must be a non-negative integer but was a string"),
                tuple(5, "field 'counts' holds no samples"),
                tuple(6, "field 'counts' must be an object of answer to count but was a list"),
                tuple(7, "field 'counts' holds more than 1000000 samples"));

        ReplayData adaptive = read(""
                + "{\"answers\": [\"a\", {\"x\": 1}], \"target\": \"a\"}\n"
                + "{\"answers\": [\"a\"], \"target\": null}\n");
        assertThat(adaptive.skipped()).extracting(SkippedLine::line, SkippedLine::reason).containsExactly(
                tuple(1, "answers[1] must be a string, number or boolean but was an object"),
                tuple(2, "field 'target' must be a string, number or boolean but was null"));
    }

    @Test
    void aFileWithoutAnyRecognisableLineHasNoFormat() throws IOException {
        ReplayData data = read("{\"foo\": 1}\n\"text\"\n");

        assertThat(data.format()).isEmpty();
        assertThat(data.questions()).isEmpty();
        assertThat(data.skipped()).extracting(SkippedLine::line).containsExactly(1, 2);
        assertThat(data.skipped().get(1).reason()).isEqualTo("expected a JSON object but was a string");
    }

    @Test
    void theDefaultExtractorDependsOnTheGold() {
        assertThat(ReplayReader.defaultExtractor(" ayo ")).hasToString("letters");
        assertThat(ReplayReader.defaultExtractor("méyl")).hasToString("letters");
        assertThat(ReplayReader.defaultExtractor("42")).hasToString("numeric");
        assertThat(ReplayReader.defaultExtractor("a b")).hasToString("numeric");
    }
}

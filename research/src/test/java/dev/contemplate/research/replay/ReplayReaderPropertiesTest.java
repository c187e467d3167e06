package dev.contemplate.research.replay;

import static dev.contemplate.inference.testkit.PropertyCheck.forAll;
import static dev.contemplate.inference.testkit.PropertyCheck.forAllStrings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.contemplate.inference.testkit.PropertyCheck;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.research.dataset.SkippedLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link ReplayReader} over all its formats, checked on generated input (see {@link PropertyCheck} for
 * seeds and try counts):
 * <ul>
 *   <li><b>total</b>: any text, read with a detected or forced format and with or without a forced extractor,
 *       gives {@link ReplayData} and never an exception: every non-blank line is a question or a malformed line,
 *       and a malformed line's reason is one short line of printable text (no control characters, no line breaks;
 *       echoed input is cut);</li>
 *   <li><b>valid records</b>: generated records of every format read back without a malformed line, one question
 *       each with one sample per recorded sample, the same whether the format is detected or forced;</li>
 *   <li><b>idempotent</b>: {@link ReplayReader#normalise} of a key gives the key back, for the default extractors and
 *       forced ones; and a recorded answer equal to the gold is a correct sample, whatever the gold.</li>
 * </ul>
 */
class ReplayReaderPropertiesTest {

    private static final int TRIES = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Field names the formats look for, and a few they do not. */
    private static final List<String> FIELDS = List.of("answer", "generated_answer", "question", "target", "answers",
            "gold", "counts", "samples", "text", "correct", "logprobs", "other", "");

    /** JSON tokens, garbage and values that stress number and string reading. */
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", ":", ",", "\"", "null", "true", "false",
            "0", "-0", "1", "-1", "18.0", "1e999", "-1e999", "1e-999", "1E308", "0.1e1", "NaN", "Infinity",
            "123456789012345678901234567890", "9".repeat(1200), "-9223372036854775809", "01", ".5", "+1", "1.",
            "\"\\u0000\"",
            "\"\\ud800\"", "\"\\udc00x\"", "\"\\u00a0\"", "\"\\n\"", "\"   \"", "\"The answer is 42.\"", "\"yajo\"",
            "\"\u2028\"", "\"\u0085\"", "\"\u001b[31m\"", "//", "/*", "'", "\\", " ", "\t", "\u00a0", "\ufeff",
            "\u0000", "\u001b", "\ud800", "\udfff", "\ud83d\ude00", "\u00e9");

    private static ReplayData read(String text, Optional<ReplayFormat> format, Optional<AnswerExtractor> extractor) {
        try {
            return new ReplayReader(format, extractor).read(new BufferedReader(new StringReader(text)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final List<Optional<ReplayFormat>> FORMATS = List.of(Optional.empty(),
            Optional.of(ReplayFormat.ESC), Optional.of(ReplayFormat.ADAPTIVE), Optional.of(ReplayFormat.COMPACT),
            Optional.of(ReplayFormat.FREEFORM));

    private static final List<Optional<AnswerExtractor>> EXTRACTORS = List.of(Optional.empty(),
            Optional.of(AnswerExtractors.numeric()), Optional.of(AnswerExtractors.lastLetters()),
            Optional.of(AnswerExtractors.choice("ABCDE")), Optional.of(AnswerExtractors.yesNo()),
            Optional.of(AnswerExtractors.exactText()), Optional.of(AnswerExtractors.parse("regex:(?s).+")));

    /** Reads {@code text} every way and checks the total properties. */
    private static void readsEveryWay(String text) {
        long records = text.lines().filter(l -> !l.isBlank()).count();
        for (Optional<ReplayFormat> format : FORMATS) {
            for (Optional<AnswerExtractor> extractor : EXTRACTORS) {
                ReplayData data = read(text, format, extractor);
                assertThat(data.questions().size() + data.skipped().size()).as("every non-blank line counted")
                        .isEqualTo(records);
                int previous = 0;
                for (SkippedLine m : data.skipped()) {
                    assertThat(m.line()).isGreaterThan(previous);
                    previous = m.line();
                    assertThat(m.reason()).isNotBlank().hasSizeLessThanOrEqualTo(400);
                    assertThat(m.reason().codePoints().noneMatch(ReplayReaderPropertiesTest::unprintable))
                            .as("printable reason %s", PropertyCheck.show(m.reason())).isTrue();
                }
                for (ReplayQuestion q : data.questions()) {
                    assertThat(q.samples()).isNotEmpty().hasSameSizeAs(q.texts());
                    assertThat(q.labelled() || !q.goldKey().isEmpty()).isTrue();
                }
            }
        }
    }

    private static boolean unprintable(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE;
    }

    /** Lines of arbitrary characters, JSON token soup, and valid records with a few characters changed. */
    private static final PropertyCheck.Gen<String> GARBAGE = r -> {
        StringBuilder b = new StringBuilder();
        int lines = 1 + r.nextInt(4);
        for (int i = 0; i < lines; i++) {
            int kind = r.nextInt(3);
            if (kind == 0) {
                b.append(anyText(r, 60));
            } else if (kind == 1) {
                b.append(soup(r));
            } else {
                b.append(mutate(r, record(r).toString()));
            }
            b.append(r.nextInt(5) == 0 ? "\r\n" : "\n");
        }
        return b.toString();
    };

    private static String anyText(SplittableRandom r, int max) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            b.append(r.nextInt(3) == 0 ? (char) r.nextInt(0x10000) : (char) (0x20 + r.nextInt(0x5f)));
        }
        return b.toString();
    }

    private static String soup(SplittableRandom r) {
        StringBuilder b = new StringBuilder("{");
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(3) == 0) {
                b.append('"').append(FIELDS.get(r.nextInt(FIELDS.size()))).append("\":");
            }
            b.append(TOKENS.get(r.nextInt(TOKENS.size())));
        }
        return b.toString();
    }

    private static String mutate(SplittableRandom r, String json) {
        StringBuilder b = new StringBuilder(json);
        int edits = r.nextInt(4);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(3)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, TOKENS.get(r.nextInt(TOKENS.size())));
                default -> b.setCharAt(at, (char) r.nextInt(0x10000));
            }
        }
        return b.toString();
    }

    /** A scalar as a recorded file might hold it: a string (often a number or a word), a number or a boolean. */
    private static void putScalar(SplittableRandom r, ObjectNode o, String field) {
        switch (r.nextInt(6)) {
            case 0 -> o.put(field, r.nextInt(-1000, 1000));
            case 1 -> o.put(field, r.nextInt(-100000, 100000) / 100.0);
            case 2 -> o.put(field, r.nextBoolean());
            case 3 -> o.put(field, Long.toString(r.nextLong()));
            case 4 -> o.put(field, word(r));
            default -> o.put(field, anyText(r, 20) + "x");
        }
    }

    private static void addScalar(SplittableRandom r, ArrayNode a) {
        switch (r.nextInt(7)) {
            case 0 -> a.add(r.nextInt(-1000, 1000));
            case 1 -> a.add(r.nextInt(-100000, 100000) / 100.0);
            case 2 -> a.add(r.nextBoolean());
            case 3 -> a.addNull();
            case 4 -> a.add(word(r));
            case 5 -> a.add("The answer is " + r.nextInt(100) + ".");
            default -> a.add(anyText(r, 30));
        }
    }

    private static String word(SplittableRandom r) {
        String letters = "abcxyzABCé\u00df\u03a3\u0130";
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            b.append(letters.charAt(r.nextInt(letters.length())));
        }
        return b.toString();
    }

    /** A valid record of a random format, with at least one sample. */
    private static ObjectNode record(SplittableRandom r) {
        return record(r, ReplayFormat.values()[r.nextInt(ReplayFormat.values().length)]);
    }

    private static ObjectNode record(SplittableRandom r, ReplayFormat format) {
        ObjectNode o = JSON.createObjectNode();
        int n = 1 + r.nextInt(6);
        switch (format) {
            case ESC -> {
                o.put("question", anyText(r, 30));
                putScalar(r, o, "answer");
                ArrayNode a = o.putArray("generated_answer");
                for (int i = 0; i < n; i++) {
                    if (r.nextInt(6) == 0) {
                        a.addNull();
                    } else {
                        a.add(r.nextBoolean() ? "The answer is " + word(r) + " or " + r.nextInt(50) : anyText(r, 40));
                    }
                }
            }
            case ADAPTIVE -> {
                putScalar(r, o, "target");
                ArrayNode a = o.putArray("answers");
                for (int i = 0; i < n; i++) {
                    addScalar(r, a);
                }
            }
            case COMPACT -> {
                putScalar(r, o, "gold");
                ObjectNode counts = o.putObject("counts");
                counts.put(anyText(r, 10), 1 + r.nextInt(5));
                for (int i = 1; i < n; i++) {
                    counts.put(r.nextBoolean() ? word(r) : anyText(r, 10), r.nextInt(5));
                }
            }
            default -> {
                o.put("question", "Q " + anyText(r, 30));
                ArrayNode a = o.putArray("samples");
                for (int i = 0; i < n; i++) {
                    ObjectNode s = a.addObject();
                    if (r.nextInt(6) == 0) {
                        s.putNull("text");
                    } else {
                        s.put("text", anyText(r, 40));
                    }
                    s.put("correct", r.nextBoolean());
                    if (r.nextBoolean()) {
                        ArrayNode l = s.putArray("logprobs");
                        for (int k = r.nextInt(5); k > 0; k--) {
                            l.add(-r.nextDouble() * 10);
                        }
                    }
                }
            }
        }
        return o;
    }

    private static int samplesOf(ObjectNode record) {
        if (record.has("counts")) {
            int total = 0;
            for (var c : record.get("counts")) {
                total += c.asInt();
            }
            return total;
        }
        for (String list : List.of("generated_answer", "answers", "samples")) {
            if (record.has(list)) {
                return record.get(list).size();
            }
        }
        throw new AssertionError("no sample list in " + record);
    }

    @Test
    void anyTextIsReadWithoutAnExceptionEveryWay() {
        forAllStrings(TRIES, GARBAGE, ReplayReaderPropertiesTest::readsEveryWay);
    }

    @Test
    void hugeAndDeeplyNestedLinesAreSkippedLinesOrQuestionsNotErrors() {
        int n = 100_000;
        List<String> texts = List.of("[".repeat(n), "{\"a\":".repeat(n / 5), "\"" + "x".repeat(n),
                "{\"gold\": \"1\", \"counts\": {\"" + "k".repeat(n) + "\": -1}}",
                "{\"gold\": \"1\", \"counts\": {\"1\": " + "9".repeat(n) + "}}",
                "{\"target\": \"" + "1".repeat(n) + "\", \"answers\": [\"" + "1".repeat(n) + "\"]}",
                "{\"answer\": \"7\", \"generated_answer\": [\"" + "answer is ".repeat(n / 10) + "\"]}",
                "{\"question\": \"q\", \"samples\": [" + "{\"text\": \"a\", \"correct\": true},".repeat(n / 32)
                        + "{\"text\": \"b\", \"correct\": false}]}",
                "\ud800".repeat(n), "\u0000".repeat(n) + "\n" + "\u001b[2J".repeat(n / 4));
        for (String text : texts) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> readsEveryWay(text),
                    () -> PropertyCheck.show(text));
        }
    }

    @Test
    void validRecordsOfEveryFormatReadBackWhetherDetectedOrForced() {
        forAll(TRIES, r -> {
            ReplayFormat format = ReplayFormat.values()[r.nextInt(ReplayFormat.values().length)];
            List<ObjectNode> records = new ArrayList<>();
            for (int i = 1 + r.nextInt(3); i > 0; i--) {
                records.add(record(r, format));
            }
            return records;
        }, records -> {
            StringBuilder text = new StringBuilder();
            records.forEach(rec -> text.append(rec).append('\n'));
            ReplayFormat format = ReplayFormat.detect(records.get(0)).orElseThrow();
            ReplayData detected = read(text.toString(), Optional.empty(), Optional.empty());
            ReplayData forced = read(text.toString(), Optional.of(format), Optional.empty());
            assertThat(detected.skipped()).as(text.toString()).isEmpty();
            assertThat(detected.format()).contains(format);
            assertThat(detected.questions()).hasSize(records.size());
            for (int i = 0; i < records.size(); i++) {
                assertThat(detected.questions().get(i).samples()).hasSize(samplesOf(records.get(i)));
                assertThat(detected.questions().get(i).line()).isEqualTo(i + 1);
            }
            assertThat(forced).isEqualTo(detected);
        });
    }

    /** Idempotent: normalising a key gives the key back. */
    @Test
    void normalisingAKeyGivesTheKey() {
        forAll(TRIES, r -> r.nextInt(3) == 0 ? word(r) : anyText(r, 40), text -> {
            List<AnswerExtractor> extractors = new ArrayList<>(List.of(ReplayReader.defaultExtractor(text + "x"),
                    ReplayReader.defaultExtractor("abc"), ReplayReader.defaultExtractor("1")));
            EXTRACTORS.forEach(e -> e.ifPresent(extractors::add));
            for (AnswerExtractor ex : extractors) {
                ReplayReader.normalise(text, ex).ifPresent(a -> assertThat(ReplayReader.normalise(a.key(), ex)
                        .map(Answer::key)).as("%s on %s", ex, PropertyCheck.show(a.key())).contains(a.key()));
            }
        });
    }

    @Test
    void aRecordedAnswerEqualToTheGoldIsCorrect() {
        forAll(TRIES, r -> new String[] {r.nextInt(3) == 0 ? word(r) : anyText(r, 30) + "x", anyText(r, 20)}, g -> {
            ObjectNode adaptive = JSON.createObjectNode().put("target", g[0]);
            adaptive.putArray("answers").add(g[0]).add(g[1] + "y");
            ObjectNode compact = JSON.createObjectNode().put("gold", g[0]);
            compact.putObject("counts").put(g[0], 2);
            ReplayData data = read(adaptive + "\n", Optional.empty(), Optional.empty());
            assertThat(data.skipped()).isEmpty();
            assertThat(data.questions().get(0).texts().get(0).correct()).as("adaptive").isTrue();
            assertThat(data.questions().get(0).samples().get(0).map(Answer::key))
                    .contains(data.questions().get(0).goldKey());
            data = read(compact + "\n", Optional.empty(), Optional.empty());
            assertThat(data.skipped()).isEmpty();
            assertThat(data.questions().get(0).texts()).allMatch(ReplaySample::correct);
        });
    }

    @Test
    void anEscSampleStatingTheGoldIsCorrect() {
        forAll(TRIES, r -> r.nextBoolean() ? word(r).toLowerCase(java.util.Locale.ROOT)
                : Long.toString(r.nextLong(-1_000_000, 1_000_000)), gold -> {
                    ObjectNode esc = JSON.createObjectNode().put("answer", gold);
                    esc.putArray("generated_answer").add("Let me think. The answer is " + gold + ".");
                    ReplayData data = read(esc + "\n", Optional.empty(), Optional.empty());
                    assertThat(data.questions()).hasSize(1);
                    assertThat(data.questions().get(0).texts().get(0).correct()).as(gold).isTrue();
                });
    }
}

package dev.contemplate.research.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.research.internal.JsonLines;
import dev.contemplate.research.internal.JsonLines.Rejected;
import dev.contemplate.research.internal.Reasons;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Questions with known answers, for a bench: JSON lines {@code {"question": ..., "answer": ...}}, read by the same
 * line reader as recorded samples (so the files of Early-Stopping Self-Consistency, which carry both fields, are data
 * sets too). The answer may be a string or a number; GSM8K's answer text, a worked solution ending in {@code #### 72},
 * is read as it is: the extractor finds the number after {@code ####}. Blank lines and a byte order mark at the start
 * are ignored; a line that is not one JSON object, lacks a non-blank {@code question} string or a non-blank
 * {@code answer} string or number, or whose answer the extractor cannot read, is a {@link SkippedLine}. Reading never
 * fails on a line.
 *
 * @param source where the questions came from: the file as named, or a caller's label
 * @param extractor the extractor that keyed the answers; a bench compares verdicts under it
 * @param items the readable questions, in file order
 * @param skipped the lines that were skipped and why, in line order
 */
public record Dataset(String source, AnswerExtractor extractor, List<Item> items, List<SkippedLine> skipped) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if a component is null
     */
    public Dataset {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(extractor, "extractor");
        items = List.copyOf(items);
        skipped = List.copyOf(skipped);
    }

    /**
     * One question.
     *
     * @param line its line number, from 1
     * @param question the question, stripped
     * @param answerText the answer as written in the file
     * @param answerKey the answer's key under the data set's extractor, compared with a verdict's key
     */
    public record Item(int line, String question, String answerText, String answerKey) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a component is null
         */
        public Item {
            Objects.requireNonNull(question, "question");
            Objects.requireNonNull(answerText, "answerText");
            Objects.requireNonNull(answerKey, "answerKey");
        }
    }

    /**
     * Reads {@code file} as UTF-8, keying every answer with {@code extractor}; its {@link #source()} is the path as
     * given.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws java.nio.charset.MalformedInputException if the file is not UTF-8 text
     * @throws IOException if the file cannot be read otherwise
     */
    public static Dataset read(Path file, AnswerExtractor extractor) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString(), extractor);
        }
    }

    /**
     * Reads every line of {@code in}, keying every answer with {@code extractor}.
     *
     * @param source what to call the questions' origin in reports
     * @throws IOException if {@code in} cannot be read
     */
    public static Dataset read(BufferedReader in, String source, AnswerExtractor extractor) throws IOException {
        Objects.requireNonNull(extractor, "extractor");
        JsonLines.Lines<Item> lines = JsonLines.read(in,
                message -> "not valid JSON (" + Reasons.abbreviate(Reasons.oneLine(message), 120) + ")",
                (node, line) -> item(node, line, extractor));
        return new Dataset(source, extractor, lines.records(), lines.skipped());
    }

    /**
     * Returns a builder of a data set held in memory, keyed with {@code extractor}; its questions are numbered as
     * lines from 1 in the order added.
     */
    public static Builder builder(AnswerExtractor extractor) {
        return new Builder(Objects.requireNonNull(extractor, "extractor"));
    }

    private static Item item(JsonNode node, int line, AnswerExtractor extractor) {
        if (node == null || !node.isObject()) {
            throw new Rejected("not a JSON object");
        }
        JsonNode q = node.get("question");
        if (q == null || !q.isTextual() || q.asText().isBlank()) {
            throw new Rejected("missing or empty \"question\" string");
        }
        JsonNode a = node.get("answer");
        if (a == null || !(a.isTextual() || a.isNumber()) || a.asText().isBlank()) {
            throw new Rejected("missing or empty \"answer\" (a string or a number)");
        }
        String answer = a.asText();
        Answer key = extractor.extract(answer).orElseThrow(() -> new Rejected("the " + extractor
                + " extractor reads no answer in \"answer\": " + Reasons.abbreviate(Reasons.oneLine(answer), 60)));
        return new Item(line, q.asText().strip(), answer, key.key());
    }

    /**
     * Returns a copy without the items that {@code keep} rejects; each becomes a skipped line with {@code reason}, in
     * line order with the others.
     */
    public Dataset keep(Predicate<? super Item> keep, String reason) {
        Objects.requireNonNull(keep, "keep");
        Objects.requireNonNull(reason, "reason");
        List<Item> kept = new ArrayList<>();
        List<SkippedLine> more = new ArrayList<>(skipped);
        for (Item item : items) {
            if (keep.test(item)) {
                kept.add(item);
            } else {
                more.add(new SkippedLine(item.line(), reason));
            }
        }
        more.sort(Comparator.comparingInt(SkippedLine::line));
        return new Dataset(source, extractor, kept, more);
    }

    /**
     * Returns a copy with only the first {@code n} items (all of them when there are fewer); the skipped lines stay.
     *
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public Dataset first(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1 but was " + n);
        }
        return items.size() <= n ? this : new Dataset(source, extractor, items.subList(0, n), skipped);
    }

    /** Builds a {@link Dataset} in memory. Not thread-safe. */
    public static final class Builder {
        private final AnswerExtractor extractor;
        private final List<Item> items = new ArrayList<>();
        private String source = "memory";

        private Builder(AnswerExtractor extractor) {
            this.extractor = extractor;
        }

        /** Sets the name of the questions' origin in reports (default {@code memory}). */
        public Builder source(String value) {
            this.source = Objects.requireNonNull(value, "source");
            return this;
        }

        /**
         * Adds a question and its answer, keyed by the extractor.
         *
         * @throws IllegalArgumentException if the question is blank or the extractor reads no answer in
         *     {@code answer}, naming it
         */
        public Builder question(String question, String answer) {
            Objects.requireNonNull(question, "question");
            Objects.requireNonNull(answer, "answer");
            if (question.isBlank()) {
                throw new IllegalArgumentException("question " + (items.size() + 1) + " is blank");
            }
            Answer key = extractor.extract(answer).orElseThrow(() -> new IllegalArgumentException("the "
                    + extractor + " extractor reads no answer in '" + Reasons.abbreviate(answer, 60) + "'"));
            items.add(new Item(items.size() + 1, question.strip(), answer, key.key()));
            return this;
        }

        /**
         * Returns the data set.
         *
         * @throws IllegalStateException if no question was added
         */
        public Dataset build() {
            if (items.isEmpty()) {
                throw new IllegalStateException("a data set needs at least one question: call question(...)");
            }
            return new Dataset(source, extractor, items, List.of());
        }
    }
}

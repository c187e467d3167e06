package dev.contemplate.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bench data set: JSON lines {@code {"question": ..., "answer": ...}}. The answer may be a string or a number;
 * GSM8K's answer text, a worked solution ending in {@code #### 72}, is read as it is: the extractor finds the
 * number after {@code ####}. Blank lines are ignored; other unreadable lines are kept as {@link Problem}s with
 * their line numbers.
 *
 * @param path where it was read from
 * @param items the readable questions, in file order
 * @param problems the lines that were skipped and why
 */
record Dataset(Path path, List<Item> items, List<Problem> problems) {

    /**
     * One question.
     *
     * @param line its line number, from 1
     * @param question the question
     * @param answerText the answer as written in the file
     * @param answerKey the answer's key under the run's extractor, compared with the verdict's key
     */
    record Item(int line, String question, String answerText, String answerKey) {
    }

    /**
     * A skipped line.
     *
     * @param line its line number, from 1
     * @param reason why it was skipped
     */
    record Problem(int line, String reason) {
    }

    /**
     * Reads {@code path}, keying every answer with {@code extractor}.
     *
     * @param strict fail on the first unreadable line instead of skipping it
     * @throws CliException a usage error when the file cannot be read, or in strict mode names the first bad line
     */
    static Dataset read(Path path, AnswerExtractor extractor, boolean strict) {
        List<Item> items = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    items.add(parse(line, text, extractor));
                } catch (BadLine e) {
                    if (strict) {
                        throw CliException.usage(path + " line " + line + ": " + e.getMessage());
                    }
                    problems.add(new Problem(line, e.getMessage()));
                }
            }
        } catch (NoSuchFileException e) {
            throw CliException.usage("cannot read data set " + path + ": no such file", e);
        } catch (MalformedInputException e) {
            throw CliException.usage("cannot read data set " + path + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw CliException.usage("cannot read data set " + path + ": " + e.getMessage(), e);
        }
        return new Dataset(path, List.copyOf(items), List.copyOf(problems));
    }

    /** An unreadable line; the message says why. */
    private static final class BadLine extends Exception {
        private static final long serialVersionUID = 1L;

        BadLine(String reason) {
            super(reason, null, false, false);
        }
    }

    private static Item parse(int line, String text, AnswerExtractor extractor) throws BadLine {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadLine("not valid JSON (" + abbreviate(CliException.oneLine(e.getOriginalMessage()), 120) + ")");
        }
        if (node == null || !node.isObject()) {
            throw new BadLine("not a JSON object");
        }
        JsonNode q = node.get("question");
        if (q == null || !q.isTextual() || q.asText().isBlank()) {
            throw new BadLine("missing or empty \"question\" string");
        }
        JsonNode a = node.get("answer");
        if (a == null || !(a.isTextual() || a.isNumber()) || a.asText().isBlank()) {
            throw new BadLine("missing or empty \"answer\" (a string or a number)");
        }
        String answer = a.asText();
        Answer key = extractor.extract(answer).orElseThrow(() -> new BadLine("the " + extractor
                + " extractor reads no answer in \"answer\": " + abbreviate(CliException.oneLine(answer), 60)));
        return new Item(line, q.asText().strip(), answer, key.key());
    }

    private static String abbreviate(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }

    /**
     * Returns a copy without the items whose question {@code readable} rejects; they become problems with
     * {@code reason}.
     */
    Dataset keep(java.util.function.Predicate<Item> readable, String reason) {
        List<Item> kept = new ArrayList<>();
        List<Problem> more = new ArrayList<>(problems);
        for (Item item : items) {
            if (readable.test(item)) {
                kept.add(item);
            } else {
                more.add(new Problem(item.line(), reason));
            }
        }
        more.sort(java.util.Comparator.comparingInt(Problem::line));
        return new Dataset(path, List.copyOf(kept), List.copyOf(more));
    }
}

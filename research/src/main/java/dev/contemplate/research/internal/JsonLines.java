package dev.contemplate.research.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.contemplate.research.dataset.SkippedLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one reader of JSON-lines files behind {@code Dataset} and {@code ReplayReader}: numbers the lines from 1,
 * ignores a byte order mark at the start and blank lines, parses each other line as one JSON value (trailing content
 * after it makes the line bad JSON) and hands it to a record parser. A line the parser rejects, or that is not JSON,
 * becomes a {@link SkippedLine} whose reason is {@linkplain Reasons#printable printable}; no line makes reading fail.
 */
public final class JsonLines {

    private static final ObjectReader JSON = new ObjectMapper().readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonLines() {
    }

    /** Turns one parsed line into a record, or throws {@link Rejected} with the reason. */
    @FunctionalInterface
    public interface RecordParser<T> {
        /**
         * Returns the record of {@code node}, read from line {@code line}.
         *
         * @throws Rejected naming why the line is skipped
         */
        T parse(JsonNode node, int line);
    }

    /**
     * What was read: the records and the skipped lines, each in file order.
     *
     * @param records the accepted records
     * @param skipped the rejected lines
     */
    public record Lines<T>(List<T> records, List<SkippedLine> skipped) {

        /** Copies the lists. */
        public Lines {
            records = List.copyOf(records);
            skipped = List.copyOf(skipped);
        }
    }

    /** A line's rejection; cheap, without a stack trace. */
    public static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param reason why the line is skipped, for a {@link SkippedLine} */
        public Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Reads every line of {@code in}.
     *
     * @param badJson phrases the reason of a line that is not JSON, from the parser's original message (which may be
     *     null)
     * @param parser turns each JSON value into a record
     * @throws IOException when {@code in} cannot be read (for a file: not UTF-8, gone)
     */
    public static <T> Lines<T> read(BufferedReader in, Function<@Nullable String, String> badJson, RecordParser<T> parser)
            throws IOException {
        List<T> records = new ArrayList<>();
        List<SkippedLine> skipped = new ArrayList<>();
        int lineNo = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\ufeff")) {
                // a byte order mark that an editor wrote at the start of the file
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new Rejected(badJson.apply(e.getOriginalMessage()));
                }
                records.add(parser.parse(node, lineNo));
            } catch (Rejected e) {
                skipped.add(new SkippedLine(lineNo, Reasons.printable(e.getMessage())));
            }
        }
        return new Lines<>(records, skipped);
    }
}

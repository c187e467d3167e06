package dev.contemplate.research.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/** The recorded-sample formats {@link ReplayReader} reads, one JSON object a line. */
public enum ReplayFormat {

    /**
     * Early-Stopping Self-Consistency's files: {@code question} (optional, not used), {@code answer} (the gold
     * answer) and {@code generated_answer}, the list of sampled raw texts; each text goes through the answer
     * extractor. Recognised by its {@code generated_answer} field.
     */
    ESC("esc", "generated_answer"),

    /**
     * Adaptive-Consistency's files: {@code answers}, the list of already extracted answers, and {@code target},
     * the gold answer. Recognised by its {@code answers} field.
     */
    ADAPTIVE("adaptive", "answers"),

    /**
     * A compact count form: {@code {"gold": "...", "counts": {"answer": count, ...}}}, expanded to a list of
     * samples. Recognised by its {@code counts} field.
     */
    COMPACT("compact", "counts"),

    /**
     * Labelled free-form samples: {@code question} (the question's text), {@code samples}, the list of sampled
     * texts, each an object {@code {"text": "...", "correct": true}} with an optional {@code logprobs} list of
     * per-token log-probabilities (for the weighted vote). A question is right when the sample that represents the
     * voted answer is labelled correct; there is no gold answer. Recognised by its {@code samples} field.
     */
    FREEFORM("freeform", "samples");

    private final String id;
    private final String signature;

    ReplayFormat(String id, String signature) {
        this.id = id;
        this.signature = signature;
    }

    /**
     * Returns the name used in reports and by {@link #parse}: {@code esc}, {@code adaptive}, {@code compact} or
     * {@code freeform}.
     */
    public String id() {
        return id;
    }

    /** Returns the field whose presence identifies the format. */
    public String signature() {
        return signature;
    }

    /**
     * Returns the format of a record, judged by which signature field it has ({@code generated_answer}, then
     * {@code answers}, then {@code counts}, then {@code samples}), or empty when it is not an object or has none of
     * them.
     */
    public static Optional<ReplayFormat> detect(JsonNode record) {
        if (record == null || !record.isObject()) {
            return Optional.empty();
        }
        for (ReplayFormat f : values()) {
            if (record.has(f.signature)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the format named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the valid names if there is no such format
     */
    public static ReplayFormat parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (ReplayFormat f : values()) {
            if (f.id.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + name + "'; valid: esc, adaptive, compact, freeform");
    }

    @Override
    public String toString() {
        return id;
    }
}

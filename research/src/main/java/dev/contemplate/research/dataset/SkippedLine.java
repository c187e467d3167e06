package dev.contemplate.research.dataset;

import java.util.Objects;

/**
 * A line of a data set or of a recorded file that was not read, and why: the one description of a skipped line
 * that every reader here returns.
 *
 * @param line the 1-based line number
 * @param reason why it was skipped, one line of printable text, e.g. {@code missing field 'answer'}
 */
public record SkippedLine(int line, String reason) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code line} is below 1
     * @throws NullPointerException if {@code reason} is null
     */
    public SkippedLine {
        Objects.requireNonNull(reason, "reason");
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1 but was " + line);
        }
    }

    /** Returns {@code line N: reason}. */
    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}

package dev.contemplate.examples.research;

import java.util.Objects;

/**
 * A line of a recorded file that was not replayed.
 *
 * @param line the 1-based line number
 * @param reason why it was rejected, e.g. {@code missing field 'answer'}
 */
public record MalformedLine(int line, String reason) {

    /** @throws NullPointerException if {@code reason} is null */
    public MalformedLine {
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}

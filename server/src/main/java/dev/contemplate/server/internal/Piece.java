package dev.contemplate.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.inference.TokenUsage;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a completion produces, in order: for a contemplation {@link Started} first, then progress and text as they
 * come, then one {@link Finished}.
 */
sealed interface Piece {

    /**
     * The completion has its turn and has started: a stream answers with its headers and the role chunk now, before
     * the first progress or text. A contemplation starts with it; a pass-through does not, so that an upstream that
     * refuses the request at once is still answered with its HTTP status.
     */
    record Started() implements Piece {
    }

    /**
     * Progress, sent to a streaming client as an SSE comment line (standard clients ignore it).
     *
     * @param text one line
     */
    record Progress(String text) implements Piece {
        public Progress {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A piece of the reply, in order.
     *
     * @param text the new text
     */
    record Delta(String text) implements Piece {
        public Delta {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * The end of a completion.
     *
     * @param text the whole reply, authoritative
     * @param finishReason the OpenAI finish reason: {@code stop}, {@code length} or {@code content_filter}
     * @param usage the tokens spent
     * @param extension the {@code contemplate} object of a contemplation, or null for a pass-through
     * @param streamedOther whether the deltas sent before differ from {@code text} (a synthesis that failed after
     *     part of it streamed, so the vote decided); the extension then carries the text
     */
    record Finished(String text, String finishReason, TokenUsage usage, @Nullable ObjectNode extension,
            boolean streamedOther) implements Piece {
        public Finished {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(finishReason, "finishReason");
            Objects.requireNonNull(usage, "usage");
        }
    }
}

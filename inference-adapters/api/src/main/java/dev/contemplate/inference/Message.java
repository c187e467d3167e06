package dev.contemplate.inference;

import java.util.Objects;

/**
 * One message of a chat-style prompt.
 *
 * @param role who speaks
 * @param text what is said; may be empty but not null
 */
public record Message(Role role, String text) {

    /** The speaker of a {@link Message}. */
    public enum Role {
        /** Instructions that frame the conversation (persona, format). */
        SYSTEM,
        /** The question or a follow-up from the user. */
        USER,
        /** An earlier answer of a model. */
        ASSISTANT
    }

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
    }

    /** Returns a system message. */
    public static Message system(String text) {
        return new Message(Role.SYSTEM, text);
    }

    /** Returns a user message. */
    public static Message user(String text) {
        return new Message(Role.USER, text);
    }

    /** Returns an assistant message. */
    public static Message assistant(String text) {
        return new Message(Role.ASSISTANT, text);
    }
}

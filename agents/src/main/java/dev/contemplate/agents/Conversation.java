package dev.contemplate.agents;

import dev.contemplate.inference.Message;
import java.util.List;

/**
 * What a user asks: a chat conversation whose last message is the user's question, with the app's system messages and
 * earlier turns before it. Every agent receives all of it, with its own persona layered on top
 * ({@link Agent#request(Conversation, List, String)}).
 *
 * @param messages the messages in order; the last is a user message with text
 */
public record Conversation(List<Message> messages) {

    /**
     * Validates and copies the messages.
     *
     * @throws IllegalArgumentException if there are no messages, or the last is not a user message with non-blank text
     * @throws NullPointerException if the list or a message is null
     */
    public Conversation {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one message");
        }
        Message last = messages.get(messages.size() - 1);
        if (last.role() != Message.Role.USER) {
            throw new IllegalArgumentException("the last message of a conversation must be the user's question but was "
                    + last.role());
        }
        if (last.text().isBlank()) {
            throw new IllegalArgumentException("question must not be blank");
        }
    }

    /**
     * Returns a conversation of one user question.
     *
     * @throws IllegalArgumentException if {@code question} is blank
     */
    public static Conversation of(String question) {
        return new Conversation(List.of(Message.user(question)));
    }

    /** Returns the question: the text of the last (user) message. */
    public String question() {
        return messages.get(messages.size() - 1).text();
    }

    /** Returns every message before the question: the app's system messages and earlier turns. */
    public List<Message> context() {
        return messages.subList(0, messages.size() - 1);
    }
}

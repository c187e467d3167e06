package dev.contemplate.inference.onnx;

import dev.contemplate.inference.Message;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Maps a request's messages to the prompt text that the model continues. Implementations are thread-safe and
 * pure; the engine calls them on the subscribing thread.
 */
@FunctionalInterface
public interface PromptTemplate {

    /**
     * Renders the prompt.
     *
     * @param messages the request's messages, at least one
     * @return the prompt text
     * @throws IllegalArgumentException naming the problem if the messages do not fit the template (the engine
     *     reports it as a permanent failure of the request)
     */
    String render(List<Message> messages);

    /** Returns a template that joins the message texts with a newline, ignoring roles. */
    static PromptTemplate plain() {
        return messages -> messages.stream().map(Message::text).collect(Collectors.joining("\n"));
    }

    /**
     * Returns a template that substitutes {@code {system}} with the last system message and {@code {user}} with the
     * last user message of a request. A request without a user message is rejected; a missing system message
     * substitutes the empty string.
     *
     * @param format the format, for example {@code "Q:{user}=?\n{system}:"}
     * @return the template
     * @throws IllegalArgumentException if the format has no {@code {user}} placeholder
     */
    static PromptTemplate fromFormat(String format) {
        Objects.requireNonNull(format, "format");
        if (!format.contains("{user}")) {
            throw new IllegalArgumentException("format must contain {user} but was '" + format + "'");
        }
        return messages -> {
            String system = "";
            String user = null;
            for (Message m : messages) {
                if (m.role() == Message.Role.SYSTEM) {
                    system = m.text();
                } else if (m.role() == Message.Role.USER) {
                    user = m.text();
                }
            }
            if (user == null) {
                throw new IllegalArgumentException("the request has no user message");
            }
            return substitute(format, system, user);
        };
    }

    private static String substitute(String format, String system, String user) {
        StringBuilder sb = new StringBuilder(format.length() + system.length() + user.length());
        int i = 0;
        while (i < format.length()) {
            if (format.startsWith("{system}", i)) {
                sb.append(system);
                i += "{system}".length();
            } else if (format.startsWith("{user}", i)) {
                sb.append(user);
                i += "{user}".length();
            } else {
                sb.append(format.charAt(i++));
            }
        }
        return sb.toString();
    }
}

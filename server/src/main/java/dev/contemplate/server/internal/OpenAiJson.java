package dev.contemplate.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.inference.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI wire format of one completion: its {@code chat.completion} object, or its stream of server-sent events
 * ({@code chat.completion.chunk}s, SSE comments for progress, then {@code data: [DONE]}). One instance per request.
 */
final class OpenAiJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    private final long created = System.currentTimeMillis() / 1000;
    private final String model;
    private final boolean includeUsage;

    /**
     * @param model the model name the request sent, echoed in every object
     * @param includeUsage whether a stream carries {@code "usage": null} in every chunk and ends with a usage chunk
     *     (empty {@code choices}) before {@code [DONE]}, as OpenAI does for {@code stream_options.include_usage};
     *     without it a stream carries no usage at all, as OpenAI's
     */
    OpenAiJson(String model, boolean includeUsage) {
        this.model = model;
        this.includeUsage = includeUsage;
    }

    /** Returns the {@code chat.completion} object of a finished completion. */
    byte[] completion(Piece.Finished finished) {
        ObjectNode o = head("chat.completion");
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", finished.text());
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finished.finishReason());
        o.set("usage", usage(finished.usage()));
        if (finished.extension() != null) {
            o.set("contemplate", finished.extension());
        }
        return bytes(o);
    }

    /** Returns the first event of a stream: the assistant's role, with empty content. */
    String roleChunk() {
        ObjectNode delta = NODES.objectNode();
        delta.put("role", "assistant");
        delta.put("content", "");
        return data(chunk(delta, null));
    }

    /**
     * Returns the events of one piece of a stream: a comment, a content chunk, or the end of the stream (none for
     * {@link Piece.Started}, which {@link #roleChunk()} answers).
     */
    List<String> events(Piece piece) {
        if (piece instanceof Piece.Started) {
            return List.of();
        }
        if (piece instanceof Piece.Progress p) {
            return List.of(": " + p.text() + "\n\n");
        }
        if (piece instanceof Piece.Delta d) {
            if (d.text().isEmpty()) {
                return List.of();
            }
            ObjectNode delta = NODES.objectNode();
            delta.put("content", d.text());
            return List.of(data(chunk(delta, null)));
        }
        Piece.Finished f = (Piece.Finished) piece;
        List<String> events = new ArrayList<>(3);
        ObjectNode last = chunk(NODES.objectNode(), f.finishReason());
        if (f.extension() != null) {
            last.set("contemplate", f.extension());
        }
        events.add(data(last));
        if (includeUsage) {
            ObjectNode usage = head("chat.completion.chunk");
            usage.putArray("choices");
            usage.set("usage", usage(f.usage()));
            events.add(data(usage));
        }
        events.add("data: [DONE]\n\n");
        return events;
    }

    /** Returns an error inside a stream that has started: {@code data: {"error": ...}}, as OpenAI sends it. */
    String error(ApiError error) {
        return data(error.toJson());
    }

    private ObjectNode chunk(ObjectNode delta, @Nullable String finishReason) {
        ObjectNode o = head("chat.completion.chunk");
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (includeUsage) {
            o.putNull("usage");
        }
        return o;
    }

    private ObjectNode head(String object) {
        ObjectNode o = NODES.objectNode();
        o.put("id", id);
        o.put("object", object);
        o.put("created", created);
        o.put("model", model);
        return o;
    }

    private static ObjectNode usage(TokenUsage usage) {
        ObjectNode u = NODES.objectNode();
        u.put("prompt_tokens", usage.inputTokens());
        u.put("completion_tokens", usage.outputTokens());
        u.put("total_tokens", usage.totalTokens());
        return u;
    }

    private static String data(ObjectNode node) {
        try {
            return "data: " + JSON.writeValueAsString(node) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Returns {@code node} as UTF-8 JSON. */
    static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}

package dev.contemplate.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.inference.TokenUsage;
import java.io.UncheckedIOException;

/** The command line's JSON output: one compact object per command. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code input}, {@code output} and {@code total} into {@code node}. */
    static void tokens(ObjectNode node, TokenUsage usage) {
        node.put("input", usage.inputTokens());
        node.put("output", usage.outputTokens());
        node.put("total", usage.totalTokens());
    }
}

package dev.contemplate.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.TokenAccount;
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
    /** Writes a verdict's token account: the totals, then what counted, what was cut and the aggregation calls. */
    static void tokens(ObjectNode node, TokenAccount account) {
        tokens(node, account.total());
        node.put("counted", account.counted().totalTokens());
        node.put("cut", account.cut().totalTokens());
        node.put("aggregation", account.aggregation().totalTokens());
        node.put("estimated", account.estimated());
        ObjectNode engines = node.putObject("byEngine");
        account.byEngine().forEach((engine, usage) -> tokens(engines.putObject(engine), usage));
    }

    static void tokens(ObjectNode node, TokenUsage usage) {
        node.put("input", usage.inputTokens());
        node.put("output", usage.outputTokens());
        node.put("total", usage.totalTokens());
    }
}

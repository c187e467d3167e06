package dev.contemplate.inference.langchain4j.internal;

import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.TokenUsage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns a LangChain4j {@link ChatResponse} into a {@link Generation}. Token counts come from the provider's
 * {@code TokenUsage}; a count the provider leaves out is estimated with the engine's {@link TokenCountEstimator}
 * (input: the prompt messages; output: the generated text).
 */
public final class ResponseMapper {

    private final TokenCountEstimator estimator;

    /**
     * Creates a mapper.
     *
     * @param estimator estimates the counts that the provider does not report
     */
    public ResponseMapper(TokenCountEstimator estimator) {
        this.estimator = estimator;
    }

    /**
     * Returns the generation.
     *
     * @param response the model's response, or null if it gave none
     * @param text the generated text (for a stream: the concatenated deltas)
     * @param prompt the messages that were sent
     * @return the generation, with index 0
     */
    public Generation toGeneration(@Nullable ChatResponse response, String text, List<ChatMessage> prompt) {
        FinishReason reason = response == null ? FinishReason.OTHER : finishReason(response.finishReason());
        dev.langchain4j.model.output.TokenUsage usage = response == null ? null : response.tokenUsage();
        Integer in = usage == null ? null : usage.inputTokenCount();
        Integer out = usage == null ? null : usage.outputTokenCount();
        long input = in != null ? Math.max(0, in) : Math.max(0, estimator.estimateTokenCountInMessages(prompt));
        long output = out != null ? Math.max(0, out) : Math.max(0, estimator.estimateTokenCountInText(text));
        return new Generation(0, text, reason, new TokenUsage(input, output));
    }

    /** Returns the text of a response's message, or the empty string if it has none (tool calls only). */
    public static String text(@Nullable ChatResponse response) {
        if (response == null || response.aiMessage() == null || response.aiMessage().text() == null) {
            return "";
        }
        return response.aiMessage().text();
    }

    static FinishReason finishReason(dev.langchain4j.model.output.@Nullable FinishReason reason) {
        if (reason == null) {
            return FinishReason.OTHER;
        }
        return switch (reason) {
            case STOP -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case CONTENT_FILTER -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }
}

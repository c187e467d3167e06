package dev.contemplate.inference.langchain4j.internal;

import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.TokenLogprobs;
import dev.contemplate.inference.TokenUsage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.openai.LogProb;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns a LangChain4j {@link ChatResponse} into a {@link Generation}. Token counts come from the provider's
 * {@code TokenUsage}; a count the provider leaves out is estimated with the engine's {@link TokenCountEstimator}
 * (input: the prompt messages; output: the generated text). Per-token log-probabilities come from the one place
 * where LangChain4j 1.19 surfaces them, the metadata of its OpenAI models ({@code OpenAiChatResponseMetadata
 * .logProbs()}, filled when the request asked for them).
 */
public final class ResponseMapper {

    private static final boolean OPENAI = RequestMapper.openAiAvailable();

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
     * @return the generation, with index 0, and with log-probabilities if the response has them
     */
    public Generation toGeneration(@Nullable ChatResponse response, String text, List<ChatMessage> prompt) {
        FinishReason reason = response == null ? FinishReason.OTHER : finishReason(response.finishReason());
        dev.langchain4j.model.output.TokenUsage usage = response == null ? null : response.tokenUsage();
        Integer in = usage == null ? null : usage.inputTokenCount();
        Integer out = usage == null ? null : usage.outputTokenCount();
        long input = in != null ? Math.max(0, in) : Math.max(0, estimator.estimateTokenCountInMessages(prompt));
        long output = out != null ? Math.max(0, out) : Math.max(0, estimator.estimateTokenCountInText(text));
        return new Generation(0, text, reason, new TokenUsage(input, output), logprobs(response));
    }

    /**
     * Returns the estimated token count of a prompt, for what a call has spent before the provider reports its count.
     *
     * @param prompt the messages that are sent
     * @return the estimate, zero or more
     */
    public long estimateInput(List<ChatMessage> prompt) {
        return Math.max(0, estimator.estimateTokenCountInMessages(prompt));
    }

    /**
     * Returns the log-probability of each generated token that a response reports: those of
     * {@code OpenAiChatResponseMetadata.logProbs()}, a value just above 0 (rounding) taken as 0. Empty if the
     * response has none (not an OpenAI model, not asked for, or no token), or if one of them is missing or not a
     * finite number, as a partial list would misstate the text's probability.
     *
     * @param response the model's response, or null
     * @return the log-probabilities, or empty
     */
    static Optional<TokenLogprobs> logprobs(@Nullable ChatResponse response) {
        if (!OPENAI || response == null || response.metadata() == null) {
            return Optional.empty();
        }
        return OpenAiLogprobs.of(response.metadata());
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

    /**
     * Reads OpenAI's log-probabilities. Links against {@code langchain4j-open-ai}, an optional dependency, so it is
     * loaded only when that dependency is on the class path.
     */
    private static final class OpenAiLogprobs {

        private OpenAiLogprobs() {
        }

        static Optional<TokenLogprobs> of(ChatResponseMetadata metadata) {
            if (!(metadata instanceof OpenAiChatResponseMetadata openAi) || openAi.logProbs() == null
                    || openAi.logProbs().isEmpty()) {
                return Optional.empty();
            }
            List<LogProb> tokens = openAi.logProbs();
            double[] values = new double[tokens.size()];
            for (int i = 0; i < values.length; i++) {
                Double v = tokens.get(i) == null ? null : tokens.get(i).logprob();
                if (v == null || v.isNaN() || v.isInfinite()) {
                    return Optional.empty();
                }
                values[i] = Math.min(0.0, v);
            }
            return Optional.of(TokenLogprobs.of(values));
        }
    }
}

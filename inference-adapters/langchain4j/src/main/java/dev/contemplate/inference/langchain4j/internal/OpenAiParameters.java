package dev.contemplate.inference.langchain4j.internal;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Builds LangChain4j's OpenAI request parameters. The only class of the adapter that links against
 * {@code langchain4j-open-ai}, an optional dependency: it is loaded only when an engine sends OpenAI parameters.
 */
final class OpenAiParameters {

    /** The body field that OpenAI-compatible servers (vLLM, SGLang) read top-k from. */
    static final String TOP_K_FIELD = "top_k";

    private OpenAiParameters() {
    }

    static ChatRequestParameters build(double temperature, double topP, int maxTokens, List<String> stop,
            @Nullable Integer seed, @Nullable Integer standardTopK, @Nullable Integer topKField,
            @Nullable ChatRequestParameters modelDefaults) {
        OpenAiChatRequestParameters.Builder b = OpenAiChatRequestParameters.builder()
                .temperature(temperature)
                .topP(topP)
                .maxOutputTokens(maxTokens);
        if (!stop.isEmpty()) {
            b.stopSequences(stop);
        }
        if (seed != null) {
            b.seed(seed);
        }
        if (standardTopK != null) {
            b.topK(standardTopK);
        }
        if (topKField != null) {
            Map<String, Object> custom = new LinkedHashMap<>();
            if (modelDefaults instanceof OpenAiChatRequestParameters openAi && openAi.customParameters() != null) {
                custom.putAll(openAi.customParameters());
            }
            custom.put(TOP_K_FIELD, topKField);
            b.customParameters(custom);
        }
        return b.build();
    }
}

package dev.contemplate.inference.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.TokenLogprobs;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.openai.LogProb;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which OpenAI log-probabilities become a generation's, and which leave it without. */
class ResponseMapperLogprobsTest {

    private static ChatResponse openAi(Double... logprobs) {
        List<LogProb> tokens = Arrays.stream(logprobs).map(v -> LogProb.builder().token("t").logprob(v).build())
                .toList();
        return ChatResponse.builder().aiMessage(AiMessage.from("t".repeat(logprobs.length)))
                .metadata(OpenAiChatResponseMetadata.builder().logProbs(tokens).build()).build();
    }

    @Test
    void mapsTheValuesInOrderAndTakesRoundingAboveZeroAsZero() {
        assertThat(ResponseMapper.logprobs(openAi(-0.5, -2.25, 1e-9, -9999.0)))
                .contains(TokenLogprobs.of(-0.5, -2.25, 0.0, -9999.0));
    }

    @Test
    void aMissingOrNonFiniteValueOrNoneAtAllMeansNoLogprobs() {
        assertThat(ResponseMapper.logprobs(openAi(-0.5, null))).isEmpty();
        assertThat(ResponseMapper.logprobs(openAi(-0.5, Double.NaN))).isEmpty();
        assertThat(ResponseMapper.logprobs(openAi(Double.NEGATIVE_INFINITY))).isEmpty();
        assertThat(ResponseMapper.logprobs(openAi())).isEmpty();
        assertThat(ResponseMapper.logprobs(ChatResponse.builder().aiMessage(AiMessage.from("x"))
                .metadata(OpenAiChatResponseMetadata.builder().build()).build())).isEmpty();
        assertThat(ResponseMapper.logprobs(ChatResponse.builder().aiMessage(AiMessage.from("x"))
                .metadata(ChatResponseMetadata.builder().build()).build())).isEmpty();
        assertThat(ResponseMapper.logprobs(null)).isEmpty();
    }
}

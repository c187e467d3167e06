package dev.contemplate.server;

import static dev.contemplate.server.Harness.answering;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A real OpenAI client, LangChain4j's, against the server: plain and streamed, contemplated and passed through. */
class LangChain4jClientTest {

    private static final String KEY = "sk-lc4j";

    @Test
    void openAiChatModelGetsTheVerdictsTextFinishReasonAndUsage() {
        ScriptedEngine engine = answering("The answer is 42.", Duration.ofMillis(2));
        try (Harness h = Harness.start(engine, 4, b -> b.apiKey(KEY))) {
            OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(h.server.baseUrl().toString()).apiKey(KEY)
                    .modelName("contemplate-4").temperature(0.3).seed(7).maxTokens(64).maxRetries(0).build();
            ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("What is 6*7?"))
                    .build());
            assertThat(response.aiMessage().text()).isEqualTo("The answer is 42.");
            assertThat(response.metadata().finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(response.metadata().tokenUsage().outputTokenCount()).isEqualTo(16);
            assertThat(response.metadata().modelName()).isEqualTo("contemplate-4");
            assertThat(engine.requests()).hasSize(4).allSatisfy(r -> {
                assertThat(r.sampling().temperature()).isEqualTo(0.3);
                assertThat(r.sampling().maxTokens()).isEqualTo(64);
            });
            assertThat(engine.requests().stream().map(r -> r.sampling().seed().orElseThrow()))
                    .containsExactlyInAnyOrder(7L, 8L, 9L, 10L);

            OpenAiChatModel wrongKey = OpenAiChatModel.builder().baseUrl(h.server.baseUrl().toString())
                    .apiKey("nope").modelName("contemplate-4").maxRetries(0).build();
            assertThatThrownBy(() -> wrongKey.chat("What is 6*7?")).hasMessageContaining("Incorrect API key");
        }
    }

    @Test
    void openAiStreamingChatModelGetsTheAnswerInPiecesAndTheCompleteResponse() throws Exception {
        ScriptedEngine engine = answering("The answer is 42.", Duration.ofMillis(2));
        try (Harness h = Harness.start(engine, 3, b -> b.upstream("plain-model", engine,
                SamplingParameters.defaults()))) {
            for (String name : List.of("contemplate-3", "plain-model")) {
                OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
                        .baseUrl(h.server.baseUrl().toString()).apiKey("unused").modelName(name).build();
                List<String> partials = new CopyOnWriteArrayList<>();
                CompletableFuture<ChatResponse> done = new CompletableFuture<>();
                model.chat("What is 6*7?", new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                        partials.add(partial);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
                ChatResponse response = done.get(30, TimeUnit.SECONDS);
                assertThat(String.join("", partials)).as(name).isEqualTo("The answer is 42.");
                assertThat(response.aiMessage().text()).as(name).isEqualTo("The answer is 42.");
                assertThat(response.metadata().finishReason()).as(name).isEqualTo(FinishReason.STOP);
                assertThat(response.metadata().tokenUsage().outputTokenCount()).as(name)
                        .isEqualTo(name.equals("plain-model") ? 4 : 12);
            }
        }
    }
}

package dev.contemplate.orchestrator.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.orchestrator.Mode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Contemplate#wrap(StreamingChatModel)} and its builder over a fake LangChain4j {@link StreamingChatModel}. */
class ContemplateStreamingTest {

    /** A streaming model that records every request and streams {@code text} in two pieces from another thread. */
    static final class FakeStreamingChatModel implements StreamingChatModel {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        private final String text;

        FakeStreamingChatModel(String text) {
            this.text = text;
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            requests.add(request);
            CompletableFuture.runAsync(() -> {
                int half = text.length() / 2;
                handler.onPartialResponse(text.substring(0, half));
                handler.onPartialResponse(text.substring(half));
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(text))
                        .tokenUsage(new TokenUsage(10, 5)).finishReason(FinishReason.STOP).build());
            });
        }
    }

    /** Collects partial responses and the final response or error. */
    static final class Collector implements StreamingChatResponseHandler {
        final List<String> partials = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> response = new CompletableFuture<>();

        @Override
        public void onPartialResponse(String partialResponse) {
            partials.add(partialResponse);
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            response.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            response.completeExceptionally(error);
        }

        ChatResponse await() throws Exception {
            return response.get(30, TimeUnit.SECONDS);
        }
    }

    private static ChatRequest request(ChatMessage... messages) {
        return ChatRequest.builder().messages(List.of(messages)).build();
    }

    @Test
    void wrapRunsTheAgentsOnTheStreamingModelWithTheConversation() throws Exception {
        FakeStreamingChatModel model = new FakeStreamingChatModel("So the answer is 42.");
        ContemplatingStreamingChatModel contemplating = Contemplate.builder(model)
                .agents(4).extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed()).build();
        Collector collector = new Collector();

        contemplating.chat(request(SystemMessage.from("Be brief."), UserMessage.from("What is 6*7?")), collector);
        ChatResponse response = collector.await();

        assertThat(response.aiMessage().text()).isEqualTo("So the answer is 42.");
        assertThat(String.join("", collector.partials)).isEqualTo("So the answer is 42.");
        assertThat(((ContemplationResponseMetadata) response.metadata()).verdict().answer().key()).isEqualTo("42");
        assertThat(model.requests).hasSize(4).allSatisfy(r -> {
            assertThat(r.messages().get(0)).isEqualTo(SystemMessage.from("Be brief."));
            assertThat(((UserMessage) r.messages().get(r.messages().size() - 1)).singleText())
                    .startsWith("What is 6*7?");
        });
    }

    @Test
    void wrapUsesTheDefaultsAndFastPassesThroughWithTheModelsOwnStream() throws Exception {
        FakeStreamingChatModel model = new FakeStreamingChatModel("Hello there");
        ContemplatingStreamingChatModel contemplating = Contemplate.wrap(model);

        Collector fast = new Collector();
        contemplating.withMode(Mode.FAST).chat(request(UserMessage.from("Hi")), fast);
        assertThat(fast.await().aiMessage().text()).isEqualTo("Hello there");
        assertThat(fast.partials).containsExactly("Hello", " there");
        assertThat(model.requests).singleElement()
                .satisfies(r -> assertThat(r.messages()).containsExactly(UserMessage.from("Hi")));

        Collector full = new Collector();
        contemplating.chat(request(UserMessage.from("Say hello")), full);
        ChatResponse response = full.await();
        assertThat(response.metadata().modelName()).isEqualTo("contemplate-5");
        assertThat(((ContemplationResponseMetadata) response.metadata()).verdict().provenance().method())
                .isEqualTo("semantic");
        // beta:0.95 may stop after four unanimous answers, before the fifth agent's call is made
        assertThat(model.requests.size() - 1).isBetween(4, 5);
    }
}

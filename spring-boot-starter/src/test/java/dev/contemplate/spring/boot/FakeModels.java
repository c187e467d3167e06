package dev.contemplate.spring.boot;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/** Fake LangChain4j models that record their calls, for the starter's tests. */
final class FakeModels {

    private FakeModels() {
    }

    /** The text of every message of a request, joined. */
    static String text(ChatRequest request) {
        List<String> texts = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            if (m instanceof SystemMessage s) {
                texts.add(s.text());
            } else if (m instanceof UserMessage u && u.hasSingleText()) {
                texts.add(u.singleText());
            } else if (m instanceof AiMessage a && a.text() != null) {
                texts.add(a.text());
            }
        }
        return String.join("\n", texts);
    }

    /** A response with {@code text}, 10 input and 5 output tokens. */
    static ChatResponse response(String text) {
        return ChatResponse.builder().aiMessage(AiMessage.from(text)).tokenUsage(new TokenUsage(10, 5))
                .finishReason(FinishReason.STOP).build();
    }

    /**
     * A chat model that records every request and answers with what its script returns for the call number (from 1)
     * and the request; when the script returns null, the call blocks until interrupted. Counts the most calls seen
     * running at once.
     */
    static final class FakeChatModel implements ChatModel {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger interrupted = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        private final AtomicInteger calls = new AtomicInteger();
        private final AtomicInteger running = new AtomicInteger();
        private final BiFunction<Integer, ChatRequest, @Nullable String> script;

        FakeChatModel(BiFunction<Integer, ChatRequest, @Nullable String> script) {
            this.script = script;
        }

        static FakeChatModel answering(String text) {
            return new FakeChatModel((call, request) -> text);
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            requests.add(request);
            maxConcurrent.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                String text = script.apply(calls.incrementAndGet(), request);
                if (text == null) {
                    try {
                        new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("blocked call ended");
                }
                sleep(20);
                return response(text);
            } finally {
                running.decrementAndGet();
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

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
                handler.onCompleteResponse(response(text));
            });
        }
    }

    /** Collects a streamed reply. */
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
}

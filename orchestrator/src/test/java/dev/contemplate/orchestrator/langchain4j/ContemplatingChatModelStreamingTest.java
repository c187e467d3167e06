package dev.contemplate.orchestrator.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Ballots;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.Provenance;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import dev.contemplate.orchestrator.AllAgentsFailedException;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The streaming model: what streams, what completes, errors and cancellation. */
class ContemplatingChatModelStreamingTest {

    private static final String SYNTHESISE = "SYNTHESISE";
    private static final String SYNTHESIS = "Merged: every agent finds 12, so the answer is 12.";

    /** A synthesiser: one engine call whose text is the answer, streamed as it is written. */
    private static final Aggregator SYNTHESISER = new Aggregator() {
        @Override
        public String name() {
            return "synthesis";
        }

        @Override
        public Mono<Decision> aggregate(Ballots ballots, AggregationContext context) {
            GenerationRequest request = GenerationRequest.of(SYNTHESISE + " " + ballots.answered().size(),
                    SamplingParameters.builder().temperature(0).build());
            return context.call("synthesis", context.engine(), request, true)
                    .ofType(GenerationEvent.Completed.class)
                    .single()
                    .map(c -> new Decision(Optional.of(new Answer("synthesis", "12")), 1.0, c.generation().text(),
                            Provenance.of("synthesis", ballots.answered().stream().map(Ballot::agentId).toList())));
        }
    };

    /** Agents answer 12 quickly; the synthesis call gets {@code synthesis}. */
    private static ScriptedEngine engine(Script synthesis) {
        return ScriptedEngine.builder().script(r -> {
            String last = r.messages().get(r.messages().size() - 1).text();
            if (last.startsWith(SYNTHESISE)) {
                return synthesis;
            }
            return Script.text("Seed " + r.sampling().seed().orElseThrow() + ": the answer is 12.",
                    Duration.ofMillis(2));
        }).build();
    }

    private static Contemplator.Builder contemplator(ScriptedEngine engine) {
        return Contemplator.builder().engine(engine).team(Team.builder().size(3).seed(0).build())
                .extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed());
    }

    /**
     * Records what a stream delivers. The handler runs on Reactor's and the engine's threads, where a thrown
     * {@link AssertionError} would be swallowed (or taken for the handler failing), so it only counts; the tests assert
     * on the counts, on their own thread.
     */
    static final class Recorder implements StreamingChatResponseHandler {
        final List<String> partials = new CopyOnWriteArrayList<>();
        final List<PartialResponseContext> contexts = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> response = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        final CountDownLatch firstPartial = new CountDownLatch(1);
        /** How many times {@link #onCompleteResponse} was called. */
        final AtomicInteger completions = new AtomicInteger();
        /** How many times {@link #onError} was called. */
        final AtomicInteger errors = new AtomicInteger();
        /** How many partial responses came after the stream had ended (with a response or an error). */
        final AtomicInteger partialsAfterEnd = new AtomicInteger();
        private final BiConsumer<PartialResponse, PartialResponseContext> onPartial;

        Recorder() {
            this((p, c) -> { });
        }

        Recorder(BiConsumer<PartialResponse, PartialResponseContext> onPartial) {
            this.onPartial = onPartial;
        }

        /** Models that call the plain variant (the fast model here) give no handle. */
        @Override
        public void onPartialResponse(String partial) {
            countIfEnded();
            partials.add(partial);
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            countIfEnded();
            partials.add(partial.text());
            contexts.add(context);
            firstPartial.countDown();
            onPartial.accept(partial, context);
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            completions.incrementAndGet();
            response.complete(completeResponse);
        }

        @Override
        public void onError(Throwable e) {
            errors.incrementAndGet();
            error.complete(e);
        }

        private void countIfEnded() {
            if (response.isDone() || error.isDone()) {
                partialsAfterEnd.incrementAndGet();
            }
        }

        /** Waits for the response, then asserts that the stream ended once, with it, and nothing came after. */
        ChatResponse awaitResponse() throws Exception {
            ChatResponse r = response.get(30, TimeUnit.SECONDS);
            assertEndedOnceWith(1, 0);
            return r;
        }

        /** Waits for the error, then asserts that the stream ended once, with it, and nothing came after. */
        Throwable awaitError() throws Exception {
            Throwable e = error.get(30, TimeUnit.SECONDS);
            assertEndedOnceWith(0, 1);
            return e;
        }

        /** Asserts that the handler heard neither a response nor an error. */
        void assertNotEnded() {
            assertEndedOnceWith(0, 0);
        }

        private void assertEndedOnceWith(int expectedCompletions, int expectedErrors) {
            assertThat(completions).as("onCompleteResponse calls").hasValue(expectedCompletions);
            assertThat(errors).as("onError calls").hasValue(expectedErrors);
            assertThat(partialsAfterEnd).as("partial responses after the end").hasValue(0);
        }
    }

    private static ChatRequest ask(String question, @Nullable String modelName) {
        return ChatRequest.builder().messages(UserMessage.from(question)).modelName(modelName).build();
    }

    private static void awaitIdle(ScriptedEngine engine) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (engine.active() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    @Test
    void theRecorderCatchesAStreamThatEndsTwiceOrSendsAfterTheEnd() throws Exception {
        ChatResponse r = ChatResponse.builder().aiMessage(AiMessage.from("x")).build();
        Recorder twice = new Recorder();
        twice.onCompleteResponse(r);
        twice.onCompleteResponse(r);
        assertThatThrownBy(twice::awaitResponse).isInstanceOf(AssertionError.class)
                .hasMessageContaining("onCompleteResponse calls");

        Recorder both = new Recorder();
        both.onCompleteResponse(r);
        both.onError(new IllegalStateException("late"));
        assertThatThrownBy(both::awaitResponse).isInstanceOf(AssertionError.class)
                .hasMessageContaining("onError calls");

        Recorder late = new Recorder();
        late.onError(new IllegalStateException("down"));
        late.onPartialResponse("late text");
        assertThatThrownBy(late::awaitError).isInstanceOf(AssertionError.class)
                .hasMessageContaining("partial responses after the end");
    }

    @Test
    void withoutSynthesiserTheVerdictTextStreamsOnceThenTheSameResponseAsTheBlockingModel() throws Exception {
        ScriptedEngine engine = engine(Script.text("unused", Duration.ZERO));
        Contemplator contemplator = contemplator(engine).build();
        Recorder recorder = new Recorder();
        ContemplatingStreamingChatModel.builder().contemplator(contemplator).build()
                .chat(ask("5+7?", null), recorder);

        ChatResponse response = recorder.awaitResponse();
        assertThat(recorder.partials).containsExactly("Seed 0: the answer is 12.");
        assertThat(response.aiMessage().text()).isEqualTo("Seed 0: the answer is 12.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.modelName()).isEqualTo("contemplate-3");
        Verdict verdict = ((ContemplationResponseMetadata) response.metadata()).verdict();
        assertThat(verdict.stopReason()).isEqualTo(StopReason.ALL_AGENTS_DONE);
        assertThat(response.tokenUsage().totalTokenCount()).isEqualTo((int) verdict.tokens().totalTokens());
        assertThat(recorder.error).isNotDone();
        awaitIdle(engine);
        recorder.awaitResponse();

        ChatResponse blocking = ContemplatingChatModel.builder().contemplator(contemplator).build()
                .chat(ask("5+7?", null));
        assertThat(blocking.aiMessage()).isEqualTo(response.aiMessage());
        assertThat(blocking.finishReason()).isEqualTo(response.finishReason());
        assertThat(blocking.modelName()).isEqualTo(response.modelName());
        assertThat(blocking.tokenUsage()).isEqualTo(response.tokenUsage());
    }

    @Test
    void aSynthesisersTextStreamsTokenByToken() throws Exception {
        ScriptedEngine engine = engine(Script.text(SYNTHESIS, Duration.ofMillis(40)));
        Recorder recorder = new Recorder();
        ContemplatingStreamingChatModel.builder().contemplator(contemplator(engine).aggregator(SYNTHESISER).build())
                .build().chat(ask("5+7?", null), recorder);

        ChatResponse response = recorder.awaitResponse();
        assertThat(recorder.partials).hasSizeGreaterThan(1);
        assertThat(recorder.partials).isEqualTo(List.of(SYNTHESIS.split("(?=\\s)")));
        assertThat(String.join("", recorder.partials)).isEqualTo(SYNTHESIS);
        assertThat(response.aiMessage().text()).isEqualTo(SYNTHESIS);
        Verdict verdict = ((ContemplationResponseMetadata) response.metadata()).verdict();
        assertThat(verdict.provenance().method()).isEqualTo("synthesis");
        assertThat(verdict.provenance().fallback()).isEmpty();
        assertThat(verdict.aggregationTokens().outputTokens()).isPositive();
        assertThat(recorder.contexts).allSatisfy(c -> assertThat(c.streamingHandle().isCancelled()).isFalse());
    }

    @Test
    void answerOnlyStreamsOnlyTheAnswer() throws Exception {
        ScriptedEngine engine = engine(Script.text(SYNTHESIS, Duration.ofMillis(10)));
        Recorder recorder = new Recorder();
        ContemplatingStreamingChatModel.builder().contemplator(contemplator(engine).aggregator(SYNTHESISER).build())
                .answerOnly(true).build().chat(ask("5+7?", null), recorder);
        assertThat(recorder.awaitResponse().aiMessage().text()).isEqualTo("12");
        assertThat(recorder.partials).containsExactly("12");
    }

    @Test
    void cancellingTheStreamCancelsTheContemplationInTheEngine() throws Exception {
        // the synthesis would stream for a minute; the handler cancels at its first token
        String slow = String.join(" ", java.util.Collections.nCopies(60, "word"));
        ScriptedEngine engine = engine(Script.text(slow, Duration.ofSeconds(60)));
        Recorder recorder = new Recorder((p, c) -> c.streamingHandle().cancel());
        ContemplatingStreamingChatModel.builder().contemplator(contemplator(engine).aggregator(SYNTHESISER).build())
                .build().chat(ask("5+7?", null), recorder);

        assertThat(recorder.firstPartial.await(30, TimeUnit.SECONDS)).isTrue();
        awaitIdle(engine);
        assertThat(engine.active()).isZero();
        assertThat(engine.cancelled()).isEqualTo(1);
        assertThat(engine.cancelledRequests()).singleElement().satisfies(r ->
                assertThat(r.messages().get(0).text()).startsWith(SYNTHESISE));
        assertThat(recorder.contexts.get(0).streamingHandle().isCancelled()).isTrue();
        assertThat(recorder.partials).containsExactly("word");
        assertThat(recorder.response).isNotDone();
        assertThat(recorder.error).isNotDone();
        recorder.assertNotEnded();
    }

    @Test
    void aHandlerThatThrowsCancelsTheContemplationAndHearsItsError() throws Exception {
        String slow = String.join(" ", java.util.Collections.nCopies(60, "word"));
        ScriptedEngine engine = engine(Script.text(slow, Duration.ofSeconds(60)));
        IllegalStateException boom = new IllegalStateException("boom");
        Recorder recorder = new Recorder((p, c) -> {
            throw boom;
        });
        ContemplatingStreamingChatModel.builder().contemplator(contemplator(engine).aggregator(SYNTHESISER).build())
                .build().chat(ask("5+7?", null), recorder);

        assertThat(recorder.awaitError()).isSameAs(boom);
        awaitIdle(engine);
        assertThat(engine.active()).isZero();
        assertThat(engine.cancelled()).isEqualTo(1);
        assertThat(recorder.partials).containsExactly("word");
        assertThat(recorder.response).isNotDone();
        recorder.awaitError();
    }

    @Test
    void aContemplationErrorReachesOnError() throws Exception {
        ScriptedEngine engine = ScriptedEngine.builder()
                .script(r -> Script.failure(new RuntimeException("down"), Duration.ofMillis(2))).build();
        Recorder recorder = new Recorder();
        ContemplatingStreamingChatModel.builder().contemplator(contemplator(engine).build()).build()
                .chat(ask("5+7?", null), recorder);
        assertThat(recorder.awaitError()).isInstanceOf(AllAgentsFailedException.class);
        assertThat(recorder.partials).isEmpty();
        assertThat(recorder.response).isNotDone();
        awaitIdle(engine);
        recorder.awaitError();
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingStreams() {
        ScriptedEngine engine = engine(Script.text("unused", Duration.ZERO));
        ContemplatingStreamingChatModel model = ContemplatingStreamingChatModel.builder()
                .contemplator(contemplator(engine).build()).build();
        Recorder recorder = new Recorder();
        assertThatThrownBy(() -> model.chat(ask("5+7?", "contemplate-many"), recorder))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'contemplate-many'");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("q"), AiMessage.from("a"))
                .build(), recorder)).isInstanceOf(IllegalArgumentException.class);
        assertThat(engine.started()).isZero();
        assertThat(recorder.response).isNotDone();
        assertThat(recorder.error).isNotDone();
        recorder.assertNotEnded();
    }

    @Test
    void modelNameSelectsTheAgentsAndFastPassesThroughToTheFastModel() throws Exception {
        ScriptedEngine engine = engine(Script.text("unused", Duration.ZERO));
        List<ChatRequest> fastRequests = new CopyOnWriteArrayList<>();
        StreamingChatModel fastModel = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                fastRequests.add(request);
                handler.onPartialResponse("fast ");
                handler.onPartialResponse("reply");
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("fast reply")).build());
            }
        };
        ContemplatingStreamingChatModel model = ContemplatingStreamingChatModel.builder()
                .contemplator(contemplator(engine).build()).fastModel(fastModel).build();

        Recorder two = new Recorder();
        model.chat(ask("5+7?", "contemplate-2"), two);
        assertThat(two.awaitResponse().modelName()).isEqualTo("contemplate-2");
        assertThat(engine.started()).isEqualTo(2);

        Recorder fast = new Recorder();
        model.chat(ask("5+7?", "contemplate-fast"), fast);
        assertThat(fast.awaitResponse().aiMessage().text()).isEqualTo("fast reply");
        assertThat(fast.partials).containsExactly("fast ", "reply");
        assertThat(fastRequests).singleElement().satisfies(r -> {
            assertThat(r.messages()).containsExactly(UserMessage.from("5+7?"));
            assertThat(r.modelName()).isNull();
        });
        assertThat(engine.started()).isEqualTo(2);

        Recorder own = new Recorder();
        model.withMode(Mode.FAST).chat(ask("5+7?", null), own);
        assertThat(own.awaitResponse().aiMessage().text()).isEqualTo("fast reply");
        assertThat(fastRequests).hasSize(2);
        assertThat(engine.started()).isEqualTo(2);
    }

    interface StreamingTutor {
        TokenStream chat(String message);
    }

    @Test
    void worksThroughAiServicesTokenStreamsWithMemory() throws Exception {
        ScriptedEngine engine = engine(Script.text(SYNTHESIS, Duration.ofMillis(20)));
        StreamingTutor tutor = AiServices.builder(StreamingTutor.class)
                .streamingChatModel(ContemplatingStreamingChatModel.builder()
                        .contemplator(contemplator(engine).aggregator(SYNTHESISER).build()).build())
                .chatMemory(MessageWindowChatMemory.withMaxMessages(10))
                .build();
        for (String question : List.of("5+7?", "Sure?")) {
            List<String> partials = new CopyOnWriteArrayList<>();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            tutor.chat(question).onPartialResponse(partials::add).onCompleteResponse(done::complete)
                    .onError(done::completeExceptionally).start();
            assertThat(done.get(30, TimeUnit.SECONDS).aiMessage().text()).isEqualTo(SYNTHESIS);
            assertThat(String.join("", partials)).isEqualTo(SYNTHESIS);
        }
        // the second turn's agents saw the first turn, its synthesised reply included
        assertThat(engine.requests()).filteredOn(r -> r.messages().size() == 3).hasSize(3).allSatisfy(r ->
                assertThat(r.messages().get(1).text()).isEqualTo(SYNTHESIS));
    }
}

package dev.contemplate.orchestrator.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.agents.Agent;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** {@link Contemplate#wrap} and {@link Contemplate#builder} over a fake LangChain4j {@link ChatModel}. */
class ContemplateTest {

    /**
     * A LangChain4j chat model that records every request and answers call {@code i} (from 1) with the text the
     * script gives, or blocks until interrupted when the script gives null.
     */
    static final class FakeChatModel implements ChatModel {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger interrupted = new AtomicInteger();
        private final AtomicInteger calls = new AtomicInteger();
        private final IntFunction<String> script;

        FakeChatModel(IntFunction<String> script) {
            this.script = script;
        }

        static FakeChatModel answering(String text) {
            return new FakeChatModel(call -> text);
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            requests.add(request);
            String text = script.apply(calls.incrementAndGet());
            if (text == null) {
                try {
                    new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("blocked call ended");
            }
            try {
                Thread.sleep(10); // a model takes time: calls started together overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ChatResponse.builder().aiMessage(AiMessage.from(text)).tokenUsage(new TokenUsage(10, 5))
                    .finishReason(FinishReason.STOP).build();
        }
    }

    private static Verdict verdict(ChatResponse response) {
        assertThat(response.metadata()).isInstanceOf(ContemplationResponseMetadata.class);
        return ((ContemplationResponseMetadata) response.metadata()).verdict();
    }

    private static ChatResponse ask(ChatModel model, ChatMessage... messages) {
        return model.chat(ChatRequest.builder().messages(List.of(messages)).build());
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        try (Contemplate.Wrapped<ContemplatingChatModel> wrapped =
                Contemplate.builder(FakeChatModel.answering("x")).buildWrapped()) {
            assertThat(wrapped.contemplator().agents()).hasSize(Contemplate.DEFAULT_AGENTS).hasSize(5)
                    .allSatisfy(agent -> {
                        assertThat(agent.sampling().temperature()).isEqualTo(0.7);
                        assertThat(agent.sampling().maxTokens()).isEqualTo(1024);
                        assertThat(agent.sampling().seed()).isEmpty();
                    });
            assertThat(wrapped.contemplator().voting().name()).isEqualTo("semantic");
            assertThat(wrapped.contemplator().stoppingRule().name()).isEqualTo("beta:0.95");
            assertThat(wrapped.contemplator().aggregator().name()).isEqualTo("vote");
            assertThat(wrapped.contemplator().budget().deadline()).isEqualTo(Duration.ofSeconds(60));
            assertThat(wrapped.contemplator().budget().maxTotalTokens()).isEqualTo(Long.MAX_VALUE);
        }
    }

    @Test
    void wrapRunsFiveAgentsOnTheModelWithTheConversationAndStopsOnceBetaIsSettled() throws InterruptedException {
        // the first four calls agree; the fifth would never end: beta:0.95 stops after four unanimous answers
        FakeChatModel model = new FakeChatModel(call -> call <= 4 ? "The sky is blue because of Rayleigh scattering."
                : null);
        ContemplatingChatModel contemplating = Contemplate.wrap(model);

        long start = System.nanoTime();
        ChatResponse response = ask(contemplating, SystemMessage.from("You are a physics teacher."),
                UserMessage.from("Why is the sky blue?"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(response.aiMessage().text()).isEqualTo("The sky is blue because of Rayleigh scattering.");
        Verdict verdict = verdict(response);
        assertThat(verdict.agents()).hasSize(5);
        assertThat(verdict.stopReason()).isEqualTo(StopReason.RULE_SATISFIED);
        assertThat(verdict.provenance().method()).isEqualTo("semantic");
        assertThat(response.metadata().modelName()).isEqualTo("contemplate-5");
        assertThat(model.requests).hasSize(5).allSatisfy(request -> {
            assertThat(request.messages().get(0)).isEqualTo(SystemMessage.from("You are a physics teacher."));
            ChatMessage last = request.messages().get(request.messages().size() - 1);
            assertThat(last).isInstanceOf(UserMessage.class);
            assertThat(((UserMessage) last).singleText()).startsWith("Why is the sky blue?");
            assertThat(request.parameters().temperature()).isEqualTo(0.7);
            assertThat(request.parameters().maxOutputTokens()).isEqualTo(1024);
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (model.interrupted.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(model.interrupted).as("the fifth call is cancelled").hasValue(1);
    }

    @Test
    void fastPassesStraightThroughToTheWrappedModel() {
        FakeChatModel model = FakeChatModel.answering("Hello!");
        ContemplatingChatModel contemplating = Contemplate.wrap(model);

        assertThat(contemplating.withMode(Mode.FAST).chat("Hi")).isEqualTo("Hello!");
        assertThat(model.requests).singleElement()
                .satisfies(request -> assertThat(request.messages()).containsExactly(UserMessage.from("Hi")));

        ChatResponse byName = contemplating.chat(ChatRequest.builder().messages(UserMessage.from("Hi again"))
                .modelName("contemplate-fast").build());
        assertThat(byName.aiMessage().text()).isEqualTo("Hello!");
        assertThat(byName.metadata()).isNotInstanceOf(ContemplationResponseMetadata.class);
        assertThat(model.requests).hasSize(2);
        assertThat(model.requests.get(1).messages()).containsExactly(UserMessage.from("Hi again"));

        FakeChatModel other = FakeChatModel.answering("Hey");
        assertThat(Contemplate.builder(other).mode(Mode.FAST).build().chat("Hi")).isEqualTo("Hey");
        assertThat(other.requests).hasSize(1);
    }

    @Test
    void aDebateThroughTheLangChain4jBuilderShowsEachAgentTheOthersAnswersAndKeepsTheSystemMessage() {
        // the first round disagrees; shown the others' answers, every agent settles on 42
        FakeChatModel model = new FakeChatModel(call -> call <= 3 ? (call == 2 ? "I think 41." : "It is 42.")
                : "Having checked the others, 42.");
        ContemplatingChatModel contemplating = Contemplate.builder(model)
                .agents(3).seed(7)
                .extractor(AnswerExtractors.numeric())
                .stoppingRule(StoppingRules.fixed())
                .deliberation(dev.contemplate.agents.Deliberation.debate(2))
                .build();

        Verdict v = verdict(ask(contemplating, SystemMessage.from("You are Acme's assistant."),
                UserMessage.from("What is 6*7?")));

        assertThat(v.answer().key()).isEqualTo("42");
        assertThat(v.rounds()).isEqualTo(2);
        assertThat(model.requests).hasSize(6);
        ChatRequest debate = model.requests.get(5);
        assertThat(debate.messages().get(0)).isEqualTo(SystemMessage.from("You are Acme's assistant."));
        String last = ((UserMessage) debate.messages().get(debate.messages().size() - 1)).singleText();
        assertThat(last).contains("<candidate id=\"1\" nonce=\"", "<candidate id=\"2\" nonce=\"");
    }

    @Test
    void builderOptionsShapeTheTeamTheVoteAndTheRule() {
        FakeChatModel model = new FakeChatModel(call -> call == 2 ? "I think 41." : "So the answer is 42.");
        ContemplatingChatModel contemplating = Contemplate.builder(model)
                .agents(3).temperature(0.3).maxTokensPerAgent(200).seed(7)
                .extractor(AnswerExtractors.numeric())
                .stoppingRule(StoppingRules.fixed())
                .build();

        ChatResponse response = ask(contemplating, UserMessage.from("What is 6*7?"));

        assertThat(model.requests).hasSize(3).allSatisfy(request -> {
            assertThat(request.parameters().temperature()).isEqualTo(0.3);
            assertThat(request.parameters().maxOutputTokens()).isEqualTo(200);
        });
        Verdict verdict = verdict(response);
        assertThat(verdict.answer().key()).isEqualTo("42");
        assertThat(verdict.stopReason()).isEqualTo(StopReason.ALL_AGENTS_DONE);
        assertThat(verdict.provenance().method()).isEqualTo("majority");
        assertThat(verdict.stoppingRule()).isEqualTo("fixed");
        assertThat(response.metadata().modelName()).isEqualTo("contemplate-3");
    }

    @Test
    void theDeadlineCutsTheRunShortWithTheBestAnswerSoFar() {
        FakeChatModel model = new FakeChatModel(call -> call == 1 ? "The answer is 42." : null);
        ContemplatingChatModel contemplating = Contemplate.builder(model)
                .agents(3).extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed())
                .deadline(Duration.ofMillis(400))
                .build();

        long start = System.nanoTime();
        ChatResponse response = ask(contemplating, UserMessage.from("What is 6*7?"));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(350)).isLessThan(Duration.ofSeconds(10));
        assertThat(response.aiMessage().text()).isEqualTo("The answer is 42.");
        assertThat(response.finishReason()).isEqualTo(FinishReason.OTHER);
        assertThat(verdict(response).stopReason()).isEqualTo(StopReason.DEADLINE);
        assertThat(verdict(response).complete()).isFalse();
    }

    @Test
    void optionsRejectBadValuesNamingThem() {
        ContemplateBuilder<ContemplatingChatModel> builder = Contemplate.builder(FakeChatModel.answering("x"));
        assertThatThrownBy(() -> builder.agents(0)).hasMessage("agents must be >= 1 but was 0");
        assertThatThrownBy(() -> builder.temperature(-0.5))
                .hasMessage("temperature must be a finite number >= 0 but was -0.5");
        assertThatThrownBy(() -> builder.temperature(Double.NaN)).hasMessageContaining("but was NaN");
        assertThatThrownBy(() -> builder.maxTokensPerAgent(0)).hasMessage("maxTokensPerAgent must be >= 1 but was 0");
        assertThatThrownBy(() -> builder.maxInFlight(0)).hasMessage("maxInFlight must be >= 1 but was 0");
        assertThatThrownBy(() -> builder.deadline(Duration.ZERO)).hasMessage("deadline must be positive but was PT0S");
        assertThatThrownBy(() -> Contemplate.wrap((ChatModel) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void closingTheWrappedModelReleasesItsEngine() {
        FakeChatModel model = FakeChatModel.answering("The answer is 42.");
        Contemplate.Wrapped<ContemplatingChatModel> wrapped = Contemplate.builder(model).agents(2)
                .extractor(AnswerExtractors.numeric()).buildWrapped();
        assertThat(wrapped.model().chat("What is 6*7?")).isEqualTo("The answer is 42.");

        wrapped.close();
        wrapped.close();

        assertThatThrownBy(() -> wrapped.model().chat("What is 6*7?"))
                .isInstanceOf(ContemplationException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(m -> m.contains("engine is closed")));
        assertThat(model.requests).hasSize(2);
        assertThat(wrapped.contemplator().agents()).extracting(Agent::id).containsExactly("agent-1", "agent-2");
    }

    private static List<String> causes(Throwable e) {
        List<String> messages = new java.util.ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
            for (Throwable s : t.getSuppressed()) {
                messages.add(String.valueOf(s.getMessage()));
            }
        }
        return messages;
    }
}

package dev.contemplate.orchestrator.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ContemplatingChatModelTest {

    interface Assistant {
        String answer(String question);
    }

    /** Agents 0, 2, 3, ... say 12; agent 1 says 13: the vote is 12, and agent 0's text is the reply. */
    private static ScriptedEngine engine() {
        return ScriptedEngine.builder().script(r -> r.sampling().seed().orElseThrow() == 1
                ? Script.text("So 13. The answer is 13.", Duration.ofMillis(2))
                : Script.text("Seed " + r.sampling().seed().orElseThrow() + " thinks: the answer is 12.",
                        Duration.ofMillis(2))).build();
    }

    private static Contemplator contemplator(ScriptedEngine engine, int agents) {
        return Contemplator.builder().engine(engine).team(Team.builder().size(agents).seed(0).build())
                .extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed()).build();
    }

    private static ContemplatingChatModel model(ScriptedEngine engine) {
        return ContemplatingChatModel.builder().contemplator(contemplator(engine, 4)).build();
    }

    private static ChatRequest ask(String question, @Nullable String modelName) {
        return ChatRequest.builder().messages(UserMessage.from(question)).modelName(modelName).build();
    }

    private static Verdict verdictOf(ChatResponse response) {
        assertThat(response.metadata()).isInstanceOf(ContemplationResponseMetadata.class);
        return ((ContemplationResponseMetadata) response.metadata()).verdict();
    }

    /** A plain model that records what it is asked. */
    static final class RecordingChatModel implements ChatModel {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
        private final @Nullable String defaultModelName;

        RecordingChatModel(@Nullable String defaultModelName) {
            this.defaultModelName = defaultModelName;
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return defaultModelName == null ? DefaultChatRequestParameters.EMPTY
                    : ChatRequestParameters.builder().modelName(defaultModelName).build();
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            requests.add(request);
            return ChatResponse.builder().aiMessage(AiMessage.from("fast reply")).modelName("small")
                    .finishReason(FinishReason.STOP).build();
        }
    }

    @Test
    void aiServicesGetTheVerdictText() {
        ScriptedEngine engine = engine();
        Assistant assistant = AiServices.create(Assistant.class, model(engine));
        assertThat(assistant.answer("What is 5+7?")).isEqualTo("Seed 0 thinks: the answer is 12.");
        assertThat(engine.started()).isEqualTo(4);
        assertThat(engine.requests()).allSatisfy(r ->
                assertThat(r.messages().get(r.messages().size() - 1).text()).startsWith("What is 5+7?"));
    }

    @Test
    void systemMessagesAndEarlierTurnsReachEveryAgent() {
        ScriptedEngine engine = engine();
        ChatResponse r = model(engine).chat(ChatRequest.builder().messages(SystemMessage.from("Be brief."),
                UserMessage.from("5+6?"), AiMessage.from("11"), UserMessage.from("5+7?")).build());
        assertThat(r.aiMessage().text()).isEqualTo("Seed 0 thinks: the answer is 12.");
        assertThat(engine.requests()).hasSize(4).allSatisfy(req -> {
            assertThat(req.messages().subList(0, 3)).containsExactly(Message.system("Be brief."),
                    Message.user("5+6?"), Message.assistant("11"));
            assertThat(req.messages()).hasSize(4);
            assertThat(req.messages().get(3).role()).isEqualTo(Message.Role.USER);
            assertThat(req.messages().get(3).text()).startsWith("5+7?");
        });
    }

    @Test
    void reportsTotalTokensAndCanAnswerOnly() {
        ScriptedEngine engine = engine();
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine, 4))
                .answerOnly(true).build();
        ChatResponse r = model.chat(ChatRequest.builder()
                .messages(SystemMessage.from("Be brief."), UserMessage.from("5+7?")).build());
        assertThat(r.aiMessage().text()).isEqualTo("12");
        Verdict verdict = verdictOf(r);
        assertThat(r.tokenUsage().inputTokenCount()).isEqualTo((int) verdict.tokens().inputTokens()).isPositive();
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo((int) verdict.tokens().outputTokens()).isPositive();
        assertThat(r.tokenUsage().totalTokenCount()).isEqualTo((int) verdict.tokens().totalTokens());
    }

    @Test
    void completeVerdictFinishesWithStopAndCarriesTheVerdict() {
        ScriptedEngine engine = engine();
        ChatResponse r = model(engine).chat(ask("5+7?", null));
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.modelName()).isEqualTo("contemplate-4");
        Verdict verdict = verdictOf(r);
        assertThat(verdict.complete()).isTrue();
        assertThat(verdict.stopReason()).isEqualTo(StopReason.ALL_AGENTS_DONE);
        assertThat(verdict.answer().key()).isEqualTo("12");
        assertThat(verdict.agents()).hasSize(4).allSatisfy(o ->
                assertThat(o.status()).isEqualTo(AgentOutcome.Status.FINISHED));
        assertThat(verdict.provenance().basis()).containsExactlyInAnyOrder("agent-1", "agent-3", "agent-4");
        assertThat(verdict.tally().answered()).isEqualTo(4);
        assertThat(r.aiMessage().text()).isEqualTo(verdict.text());
    }

    @Test
    void deadlineCutFinishesWithOther() {
        // agents 0 and 1 answer at once, agents 2 and 3 would take an hour: the deadline cuts the contemplation
        ScriptedEngine engine = ScriptedEngine.builder().script(r -> r.sampling().seed().orElseThrow() < 2
                ? Script.text("Seed " + r.sampling().seed().orElseThrow() + ": the answer is 12.", Duration.ofMillis(5))
                : Script.text("The answer is 12.", Duration.ofHours(1))).build();
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine, 4))
                .budget(Budget.builder().deadline(Duration.ofSeconds(1)).build()).build();
        ChatResponse r = model.chat(ask("5+7?", null));
        assertThat(r.finishReason()).isEqualTo(FinishReason.OTHER);
        assertThat(r.aiMessage().text()).isEqualTo("Seed 0: the answer is 12.");
        Verdict verdict = verdictOf(r);
        assertThat(verdict.complete()).isFalse();
        assertThat(verdict.stopReason()).isEqualTo(StopReason.DEADLINE);
        assertThat(verdict.count(AgentOutcome.Status.FINISHED)).isEqualTo(2);
        assertThat(verdict.count(AgentOutcome.Status.CANCELLED)).isEqualTo(2);
        assertThat(engine.cancelled()).isEqualTo(2);
        assertThat(engine.active()).isZero();
    }

    @Test
    void tokenBudgetCutFinishesWithLength() {
        ScriptedEngine engine = ScriptedEngine.builder().script(r -> r.sampling().seed().orElseThrow() == 0
                ? Script.text("The answer is 12.", Duration.ofMillis(5))
                : Script.text("The answer is 12.", Duration.ofHours(1))).build();
        // a budget of exactly what the fast agent spends: the slow ones have streamed nothing yet when it answers
        long fast = verdictOf(ContemplatingChatModel.builder().contemplator(contemplator(engine, 1)).build()
                .chat(ask("5+7?", null))).tokens().totalTokens();
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine, 3))
                .budget(Budget.builder().maxTotalTokens(fast).build()).build();
        ChatResponse r = model.chat(ask("5+7?", null));
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        Verdict verdict = verdictOf(r);
        assertThat(verdict.stopReason()).isEqualTo(StopReason.TOKEN_BUDGET);
        assertThat(verdict.complete()).isFalse();
        assertThat(verdict.count(AgentOutcome.Status.CANCELLED)).isEqualTo(2);
    }

    @Test
    void modelNameSelectsTheNumberOfAgents() {
        ScriptedEngine engine = engine();
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine, 5)).build();

        ChatResponse three = model.chat(ask("5+7?", "contemplate-3"));
        assertThat(engine.started()).isEqualTo(3);
        assertThat(three.modelName()).isEqualTo("contemplate-3");
        assertThat(verdictOf(three).agents()).hasSize(3);

        ChatResponse two = model.chat(ChatRequest.builder().messages(UserMessage.from("5+7?"))
                .parameters(ChatRequestParameters.builder().modelName("contemplate-2").build()).build());
        assertThat(engine.started()).isEqualTo(3 + 2);
        assertThat(two.modelName()).isEqualTo("contemplate-2");

        // more agents than the team has: the whole team
        model.chat(ask("5+7?", "contemplate-50"));
        assertThat(engine.started()).isEqualTo(5 + 5);

        ChatResponse all = model.chat(ask("5+7?", "contemplate"));
        assertThat(engine.started()).isEqualTo(10 + 5);
        assertThat(all.modelName()).isEqualTo("contemplate-5");
        assertThat(verdictOf(model.chat(ask("5+7?", "Contemplate-Contemplate"))).mode()).isEqualTo(Mode.CONTEMPLATE);
    }

    @Test
    void agentLimitOfTheBudgetStillHolds() {
        ScriptedEngine engine = engine();
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine, 5))
                .budget(Budget.builder().maxAgents(2).build()).build();
        model.chat(ask("5+7?", "contemplate-4"));
        assertThat(engine.started()).isEqualTo(2);
    }

    @Test
    void modelNameSelectsAutoAndFast() {
        ScriptedEngine engine = engine();
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine, 4)).build();

        ChatResponse auto = model.chat(ask("5+7?", "contemplate-auto"));
        assertThat(verdictOf(auto).mode()).isEqualTo(Mode.AUTO);
        assertThat(auto.modelName()).isEqualTo("contemplate-auto");

        int before = engine.started();
        ChatResponse fast = model.chat(ask("5+7?", "contemplate-fast"));
        assertThat(engine.started() - before).isEqualTo(1);
        assertThat(verdictOf(fast).mode()).isEqualTo(Mode.FAST);
        assertThat(fast.modelName()).isEqualTo("contemplate-fast");

        // another model's name, or none: the model's own mode
        before = engine.started();
        assertThat(verdictOf(model.withMode(Mode.FAST).chat(ask("5+7?", "gpt-4o"))).mode()).isEqualTo(Mode.FAST);
        assertThat(model.withMode(Mode.FAST).chat("5+7?")).isEqualTo("Seed 0 thinks: the answer is 12.");
        assertThat(engine.started() - before).isEqualTo(2);
        assertThat(verdictOf(model.withMode(Mode.AUTO).chat(ask("5+7?", null))).mode()).isEqualTo(Mode.AUTO);
        // a request that names a mode gets it whatever the model's own mode
        assertThat(verdictOf(model.withMode(Mode.FAST).chat(ask("5+7?", "contemplate"))).mode())
                .isEqualTo(Mode.CONTEMPLATE);
    }

    @Test
    void fastRequestsPassStraightThroughToTheFastModel() {
        ScriptedEngine engine = engine();
        RecordingChatModel fastModel = new RecordingChatModel(null);
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine, 4))
                .fastModel(fastModel).build();

        ChatRequest request = ChatRequest.builder().messages(SystemMessage.from("Be brief."), UserMessage.from("5+7?"))
                .modelName("contemplate-fast").temperature(0.3).build();
        ChatResponse r = model.chat(request);
        assertThat(r.aiMessage().text()).isEqualTo("fast reply");
        assertThat(r.metadata()).isNotInstanceOf(ContemplationResponseMetadata.class);
        assertThat(engine.started()).isZero();
        assertThat(fastModel.requests).singleElement().satisfies(got -> {
            assertThat(got.messages()).isEqualTo(request.messages());
            assertThat(got.temperature()).isEqualTo(0.3);
            assertThat(got.modelName()).isNull();
        });

        // a FAST model passes any request that names no mode through exactly as it is, other model names included
        ChatRequest named = ChatRequest.builder().messages(UserMessage.from("5+7?")).modelName("gpt-4o-mini")
                .toolSpecifications(ToolSpecification.builder().name("calc").build()).build();
        model.withMode(Mode.FAST).chat(named);
        assertThat(fastModel.requests.get(1)).isEqualTo(named);
        assertThat(engine.started()).isZero();

        // ... but not one that asks for contemplation
        model.withMode(Mode.FAST).chat(ask("5+7?", "contemplate-2"));
        assertThat(fastModel.requests).hasSize(2);
        assertThat(engine.started()).isEqualTo(2);
    }

    @Test
    void fastModelGetsItsOwnModelNameInsteadOfTheRoutingName() {
        RecordingChatModel fastModel = new RecordingChatModel("small-model");
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine(), 4))
                .fastModel(fastModel).build();
        model.chat(ask("5+7?", "contemplate-fast"));
        assertThat(fastModel.requests).singleElement().satisfies(got ->
                assertThat(got.modelName()).isEqualTo("small-model"));
    }

    @Test
    void malformedContemplateNamesAreRejected() {
        ContemplatingChatModel model = model(engine());
        for (String name : List.of("contemplate-x", "contemplate-0", "contemplate-", "contemplate-3x",
                "contemplate-99999999999")) {
            assertThatThrownBy(() -> model.chat(ask("5+7?", name)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + name + "'");
        }
    }

    @Test
    void rejectsWhatItCannotCarry() {
        ContemplatingChatModel model = model(engine());
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(SystemMessage.from("only system")).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user message with text")
                .hasMessageContaining("SYSTEM");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder()
                .messages(UserMessage.from("q"), AiMessage.from("a")).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last message");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("q"))
                .toolSpecifications(ToolSpecification.builder().name("calc").build()).build()))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("calc");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("q"))
                .responseFormat(ResponseFormat.JSON).build()))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("JSON");
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("1").name("calc").arguments("{}").build();
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("q"), AiMessage.from(call),
                ToolExecutionResultMessage.from(call, "12"), UserMessage.from("so?")).build()))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("message 1")
                .hasMessageContaining("calc");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("q"),
                ToolExecutionResultMessage.from(call, "12")).build()))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("result of tool 'calc'");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from(TextContent.from("what is"),
                ImageContent.from("https://example.com/a.png"))).build()))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("IMAGE");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("ann", "5+7?")).build()))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("'ann'");
        assertThatThrownBy(() -> ContemplatingChatModel.builder().build())
                .hasMessageContaining("contemplator is required");
    }

    @Test
    void metadataRoundTripsThroughItsBuilder() {
        ChatResponse r = model(engine()).chat(ask("5+7?", null));
        ContemplationResponseMetadata metadata = (ContemplationResponseMetadata) r.metadata();
        ContemplationResponseMetadata copy = metadata.toBuilder().build();
        assertThat(copy).isEqualTo(metadata).hasSameHashCodeAs(metadata);
        assertThat(copy.verdict()).isSameAs(metadata.verdict());
        assertThat(copy.modelName()).isEqualTo("contemplate-4");
        assertThat(copy.toString()).contains("ALL_AGENTS_DONE");
        assertThatThrownBy(() -> ContemplationResponseMetadata.builder().modelName("x").build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("verdict");
    }
}

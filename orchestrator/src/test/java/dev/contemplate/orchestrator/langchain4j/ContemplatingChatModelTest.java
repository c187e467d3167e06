package dev.contemplate.orchestrator.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ContemplatingChatModelTest {

    interface Assistant {
        String answer(String question);
    }

    private static ScriptedEngine engine() {
        // agents 0, 2, 3 say 12; agent 1 says 13: the vote is 12, and agent-1's text is the winning text
        return ScriptedEngine.builder().script(r -> r.sampling().seed().orElseThrow() == 1
                ? Script.text("So 13. The answer is 13.", Duration.ofMillis(2))
                : Script.text("Seed " + r.sampling().seed().orElseThrow() + " thinks: the answer is 12.",
                        Duration.ofMillis(2))).build();
    }

    private static Contemplator contemplator(ScriptedEngine engine) {
        return Contemplator.builder().engine(engine).team(Team.builder().size(4).seed(0).build())
                .stoppingRule(StoppingRules.fixed()).build();
    }

    @Test
    void aiServicesGetTheVotedAnswer() {
        ScriptedEngine engine = engine();
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine)).build();
        Assistant assistant = AiServices.create(Assistant.class, model);
        assertThat(assistant.answer("What is 5+7?")).isEqualTo("Seed 0 thinks: the answer is 12.");
        assertThat(engine.started()).isEqualTo(4);
        assertThat(engine.requests()).allSatisfy(r ->
                assertThat(r.messages().get(r.messages().size() - 1).text()).startsWith("What is 5+7?"));
    }

    @Test
    void reportsTotalTokensAndCanAnswerOnlyOrFast() {
        ScriptedEngine engine = engine();
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine))
                .answerOnly(true).build();
        ChatResponse r = model.chat(ChatRequest.builder()
                .messages(SystemMessage.from("ignored"), dev.langchain4j.data.message.UserMessage.from("5+7?")).build());
        assertThat(r.aiMessage().text()).isEqualTo("12");
        assertThat(r.tokenUsage().outputTokenCount()).isPositive();
        assertThat(r.tokenUsage().totalTokenCount())
                .isEqualTo(r.tokenUsage().inputTokenCount() + r.tokenUsage().outputTokenCount());

        int before = engine.started();
        assertThat(model.withMode(Mode.FAST).chat("5+7?")).isEqualTo("12");
        assertThat(engine.started() - before).isEqualTo(1);
    }

    @Test
    void rejectsWhatItCannotDo() {
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator(engine())).build();
        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(SystemMessage.from("only system")).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no user message");
        assertThatThrownBy(() -> model.chat(ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from("q"))
                .toolSpecifications(ToolSpecification.builder().name("calc").build()).build()))
                .isInstanceOf(UnsupportedFeatureException.class);
        assertThatThrownBy(() -> ContemplatingChatModel.builder().build()).hasMessageContaining("contemplator is required");
    }
}

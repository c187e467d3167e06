package dev.contemplate.orchestrator.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A free-form question with the contemplator's default vote (semantic, a real in-process embedding model): the reply is
 * an explanation the majority agrees on, not an error about answers that cannot be extracted.
 */
class ContemplatingChatModelFreeFormTest {

    private static final List<String> RAYLEIGH = List.of(
            "Rayleigh scattering: air molecules scatter blue light more than red.",
            "Because of Rayleigh scattering, the molecules of the air scatter blue light much more strongly than red "
                    + "light.",
            "Sunlight is scattered by the molecules in the air, and blue light is scattered far more than red light; "
                    + "this is Rayleigh scattering.");
    private static final String OCEAN = "The sky reflects the ocean.";

    @Test
    void explainsWhyTheSkyIsBlueByTheMajoritysExplanation() {
        ScriptedEngine engine = ScriptedEngine.builder().script(r -> {
            int seed = (int) r.sampling().seed().orElseThrow();
            return Script.text(seed < RAYLEIGH.size() ? RAYLEIGH.get(seed) : OCEAN, Duration.ofMillis(2));
        }).build();
        Contemplator contemplator = Contemplator.builder().engine(engine)
                .team(Team.builder().size(4).seed(0).build())
                .stoppingRule(StoppingRules.fixed())
                .build();
        ContemplatingChatModel model = ContemplatingChatModel.builder().contemplator(contemplator).build();

        String reply = model.chat("Explain why the sky is blue");

        assertThat(reply).isIn(RAYLEIGH);
        assertThat(engine.requests()).hasSize(4).allSatisfy(r -> assertThat(r.messages()).map(Message::text)
                .noneMatch(t -> t.toLowerCase(Locale.ROOT).contains("the answer is")));

        ChatResponse response = model.chat(UserMessage.from("Explain why the sky is blue"));
        Verdict verdict = ((ContemplationResponseMetadata) response.metadata()).verdict();
        assertThat(response.aiMessage().text()).isIn(RAYLEIGH).isEqualTo(verdict.text());
        assertThat(verdict.provenance().basis()).containsExactlyInAnyOrder("agent-1", "agent-2", "agent-3");
        assertThat(verdict.tally().leaderCount()).isEqualTo(3);
    }
}

package dev.contemplate.orchestrator.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.agents.Persona;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import dev.contemplate.orchestrator.Contemplator;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.SystemMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Through AI Services with a system message and chat memory, every agent sees the whole conversation. */
class ContemplatingChatModelMemoryTest {

    private static final String APP_PROMPT = "You are a patient arithmetic tutor.";
    private static final List<Persona> PERSONAS = List.of(
            Persona.of("checker", "You double-check every step."),
            Persona.of("explainer", "You explain simply."));

    interface Tutor {
        @SystemMessage(APP_PROMPT)
        String chat(String message);
    }

    @Test
    void everyAgentOfTheSecondTurnGetsTheAppPromptTheFirstTurnAndItsPersona() {
        ScriptedEngine engine = ScriptedEngine.builder().script(r -> {
            long seed = r.sampling().seed().orElseThrow();
            String question = r.messages().get(r.messages().size() - 1).text();
            return question.startsWith("What is 5+7?")
                    ? Script.text("Seed " + seed + ": 5+7 = 12. The answer is 12.", Duration.ofMillis(2))
                    : Script.text("Seed " + seed + ": doubled, 24. The answer is 24.", Duration.ofMillis(2));
        }).build();
        Contemplator contemplator = Contemplator.builder().engine(engine)
                .team(Team.builder().size(3).seed(0).personas(PERSONAS).build())
                .extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed()).build();
        Tutor tutor = AiServices.builder(Tutor.class)
                .chatModel(ContemplatingChatModel.builder().contemplator(contemplator).build())
                .chatMemory(MessageWindowChatMemory.withMaxMessages(10))
                .build();

        String first = tutor.chat("What is 5+7?");
        assertThat(first).isEqualTo("Seed 0: 5+7 = 12. The answer is 12.");
        int firstTurn = engine.requests().size();
        assertThat(firstTurn).isEqualTo(3);

        assertThat(tutor.chat("And doubled?")).isEqualTo("Seed 0: doubled, 24. The answer is 24.");
        List<GenerationRequest> secondTurn = engine.requests().subList(firstTurn, engine.requests().size());
        assertThat(secondTurn).hasSize(3);
        assertThat(secondTurn).extracting(r -> r.sampling().seed().orElseThrow())
                .containsExactlyInAnyOrder(0L, 1L, 2L);
        assertThat(secondTurn).allSatisfy(r -> {
            Persona persona = PERSONAS.get((int) (r.sampling().seed().orElseThrow() % PERSONAS.size()));
            List<Message> m = r.messages();
            assertThat(m).hasSize(5);
            assertThat(m.subList(0, 4)).containsExactly(
                    Message.system(APP_PROMPT),
                    Message.system(persona.systemPrompt()),
                    Message.user("What is 5+7?"),
                    Message.assistant(first));
            assertThat(m.get(4).role()).isEqualTo(Message.Role.USER);
            assertThat(m.get(4).text()).startsWith("And doubled?");
        });
    }
}

package dev.contemplate.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeamTest {

    @Test
    void builderCyclesPersonasStylesTemperaturesAndOffsetsSeeds() {
        Persona a = Persona.of("a", "You are A.");
        Persona b = Persona.of("b", "You are B.");
        Team team = Team.builder().size(5).personas(List.of(a, b))
                .styles(List.of(PromptStyle.PLAIN, PromptStyle.STEP_BY_STEP, PromptStyle.PLAIN))
                .temperatures(List.of(0.2, 0.9)).seed(100).build();
        assertThat(team.agents()).extracting(Agent::id)
                .containsExactly("agent-1", "agent-2", "agent-3", "agent-4", "agent-5");
        assertThat(team.agents()).extracting(x -> x.persona().name()).containsExactly("a", "b", "a", "b", "a");
        assertThat(team.agents()).extracting(Agent::style).containsExactly(PromptStyle.PLAIN,
                PromptStyle.STEP_BY_STEP, PromptStyle.PLAIN, PromptStyle.PLAIN, PromptStyle.STEP_BY_STEP);
        assertThat(team.agents()).extracting(x -> x.sampling().temperature()).containsExactly(0.2, 0.9, 0.2, 0.9, 0.2);
        assertThat(team.agents()).extracting(x -> x.seed().getAsLong()).containsExactly(100L, 101L, 102L, 103L, 104L);
        assertThat(team.first(2).size()).isEqualTo(2);
    }

    @Test
    void agentRequestCarriesPersonaAndStyledQuestion() {
        Team team = Team.builder().size(1).personas(List.of(Persona.of("p", "Be precise.")))
                .styles(List.of(PromptStyle.STEP_BY_STEP)).noSeed().build();
        Round round = Deliberation.independent().next(new Deliberation.Progress(Conversation.of("What is 2+2?"), "",
                team.agents(), List.of())).orElseThrow();
        assertThat(round.number()).isZero();
        assertThat(round.votes()).isEqualTo(Round.Votes.UPDATE);
        var req = round.turns().get(0).request();
        assertThat(req.messages()).hasSize(2);
        assertThat(req.messages().get(0)).isEqualTo(Message.system("Be precise."));
        assertThat(req.messages().get(1).text()).isEqualTo("What is 2+2?\n\nThink step by step.");
        assertThat(req.sampling().seed()).isEmpty();
    }

    @Test
    void aBareQuestionGetsTheSameMessagesAsTheGeneralPath() {
        Agent plain = Team.builder().size(1).personas(List.of(Persona.of("none", "")))
                .styles(List.of(PromptStyle.STEP_BY_STEP)).build().agents().get(0);
        String format = "End with \"The answer is X.\"";
        assertThat(plain.request(Conversation.of("What is 2+2?"), List.of(), format).messages())
                .containsExactly(Message.user("What is 2+2?\n\nThink step by step. " + format));
        Agent precise = Team.builder().size(1).personas(List.of(Persona.of("p", "Be precise.")))
                .styles(List.of(PromptStyle.STEP_BY_STEP)).build().agents().get(0);
        assertThat(precise.request(Conversation.of("What is 2+2?"), List.of(), "").messages())
                .containsExactly(Message.system("Be precise."), Message.user("What is 2+2?\n\nThink step by step."));
        // the same question with extra context takes the general path, which puts the context before the question
        assertThat(precise.request(Conversation.of("What is 2+2?"), List.of(Message.user("extra")), "").messages())
                .containsExactly(Message.system("Be precise."), Message.user("extra"),
                        Message.user("What is 2+2?\n\nThink step by step."));
    }

    @Test
    void theWholeConversationReachesTheAgentWithThePersonaLayeredAfterTheAppsSystemMessages() {
        Agent agent = Team.builder().size(1).personas(List.of(Persona.of("p", "Be precise.")))
                .styles(List.of(PromptStyle.STEP_BY_STEP)).build().agents().get(0);
        Conversation conversation = new Conversation(List.of(Message.system("You are a pirate."),
                Message.user("Hi, I am Ann."), Message.assistant("Ahoy Ann!"), Message.user("What is my name?")));
        var req = agent.request(conversation, List.of(Message.user("extra")), "End with \"The answer is X.\"");
        assertThat(req.messages()).containsExactly(Message.system("You are a pirate."), Message.system("Be precise."),
                Message.user("Hi, I am Ann."), Message.assistant("Ahoy Ann!"), Message.user("extra"),
                Message.user("What is my name?\n\nThink step by step. End with \"The answer is X.\""));
        assertThat(PromptStyle.PLAIN.apply("54+39", "End with X")).isEqualTo("54+39");
    }

    @Test
    void conversationsMustEndWithAUserQuestion() {
        assertThatThrownBy(() -> new Conversation(List.of())).hasMessageContaining("at least one message");
        assertThatThrownBy(() -> new Conversation(List.of(Message.user("q"), Message.assistant("a"))))
                .hasMessageContaining("must be the user's question but was ASSISTANT");
        assertThatThrownBy(() -> Conversation.of("  ")).hasMessageContaining("blank");
        assertThat(new Conversation(List.of(Message.system("s"), Message.user("q"))).context())
                .containsExactly(Message.system("s"));
    }

    @Test
    void weightsCycleAndAreValidated() {
        Team team = Team.builder().size(3).weights(List.of(2.0, 0.5)).build();
        assertThat(team.agents()).extracting(Agent::weight).containsExactly(2.0, 0.5, 2.0);
        assertThatThrownBy(() -> Team.builder().weights(List.of(0.0)).build())
                .hasMessageContaining("weight must be finite and > 0 but was 0.0");
    }

    @Test
    void invalidTeamsAreRejectedWithTheBadValue() {
        assertThatThrownBy(() -> Team.builder().size(0).build()).hasMessageContaining("team size must be >= 1 but was 0");
        assertThatThrownBy(() -> Team.builder().personas(List.of()).build()).hasMessageContaining("personas");
        assertThatThrownBy(() -> Team.builder().size(2).build().first(3)).hasMessageContaining("was 3");
        assertThatThrownBy(() -> Persona.of(" ", "x")).hasMessageContaining("blank");
    }
}

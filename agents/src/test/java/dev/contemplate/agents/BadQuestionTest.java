package dev.contemplate.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.GenerationRequest;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad questions and team sizes at the agents' level, each with a defined outcome. */
class BadQuestionTest {

    @Test
    void aNullQuestionIsANullPointerException() {
        assertThatThrownBy(() -> Conversation.of(null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n\r", "\u2003\u3000", "\u2028\u2029", "\u001c\u001f"})
    void aBlankQuestionIsAnIllegalArgument(String question) {
        assertThatThrownBy(() -> Conversation.of(question)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("question must not be blank");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void aTeamOfNoAgentsIsAnIllegalArgumentNamingTheSize(int size) {
        assertThatThrownBy(() -> Team.builder().size(size).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("team size must be >= 1 but was " + size);
    }

    /**
     * Any question that is not blank, control characters, unpaired surrogates and all, reaches every agent's request
     * unchanged: the agents neither clean nor reject text, the engine decides what it can read.
     */
    @Test
    void anyQuestionReachesEveryAgentUnchanged() {
        Team team = Team.builder().size(4).personas(List.of(Persona.of("p", "Be precise."), Persona.PLAIN))
                .styles(List.of(PromptStyle.PLAIN, PromptStyle.STEP_BY_STEP)).seed(1).build();
        for (int i = 0; i < 500; i++) {
            SplittableRandom r = new SplittableRandom(i);
            StringBuilder b = new StringBuilder("q");
            for (int n = r.nextInt(r.nextInt(10) == 0 ? 20_000 : 60); n > 0; n--) {
                b.append((char) (r.nextBoolean() ? r.nextInt(0x20) : r.nextInt(0x10000)));
            }
            String question = b.toString();
            for (Agent agent : team.agents()) {
                GenerationRequest request = agent.request(Conversation.of(question), List.of(), "");
                String sent = request.messages().get(request.messages().size() - 1).text();
                assertThat(sent).as("try %d, %s", i, agent.id()).startsWith(question);
                if (agent.style() == PromptStyle.PLAIN) {
                    assertThat(sent).isEqualTo(question);
                }
            }
        }
    }
}

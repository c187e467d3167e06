package dev.contemplate.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeliberationTest {

    private static final Conversation QUESTION = Conversation.of("What is 3+4?");
    private final List<Agent> team = Team.builder().size(3).seed(1).build().agents();

    private static Candidate said(Agent agent, String text) {
        return new Candidate(agent, text, FinishReason.STOP, TokenUsage.ZERO, Duration.ZERO);
    }

    private Deliberation.Progress after(List<RoundResult> rounds) {
        return new Deliberation.Progress(QUESTION, "End with \"The answer is X.\"", team, rounds);
    }

    @Test
    void parsesEachProtocolAndNamesWhatIsWrongWithABadOne() {
        assertThat(Deliberation.parse("independent").name()).isEqualTo("independent");
        assertThat(Deliberation.parse("Debate:2").name()).isEqualTo("debate:2");
        assertThat(Deliberation.parse(" refine:1 ").name()).isEqualTo("refine:1");
        assertThat(Deliberation.parse("moa:3").name()).isEqualTo("moa:3");
        assertThat(Deliberation.parse("moa:3").synthesises()).isTrue();
        assertThat(Deliberation.parse("debate:3").synthesises()).isFalse();
        assertThatThrownBy(() -> Deliberation.parse("vote")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown protocol 'vote'").hasMessageContaining(Deliberation.SPECS);
        assertThatThrownBy(() -> Deliberation.parse("debate")).hasMessageContaining("needs a count from 1 to 10");
        assertThatThrownBy(() -> Deliberation.parse("independent:2"))
                .hasMessageContaining("'independent:2': independent takes no count");
        assertThatThrownBy(() -> Deliberation.parse("debate:0")).hasMessageContaining("'debate:0'");
        assertThatThrownBy(() -> Deliberation.parse("refine:x")).hasMessageContaining("'refine:x'");
        assertThatThrownBy(() -> Deliberation.parse("moa:11")).hasMessageContaining("from 1 to 10");
        assertThatThrownBy(() -> Deliberation.debate(0)).hasMessageContaining("debate rounds must be in [1, 10] but "
                + "was 0");
    }

    @Test
    void everyProtocolStartsWithEachAgentsOwnAnswer() {
        for (Deliberation d : List.of(Deliberation.independent(), Deliberation.debate(1), Deliberation.refine(1),
                Deliberation.mixtureOfAgents(2))) {
            Round first = d.next(after(List.of())).orElseThrow();
            assertThat(first.number()).isZero();
            assertThat(first.step()).isEqualTo("answer");
            assertThat(first.turns()).extracting(t -> t.agent().id()).containsExactly("agent-1", "agent-2",
                    "agent-3");
            assertThat(first.turns().get(0).request()).isEqualTo(team.get(0).request(QUESTION, List.of(),
                    "End with \"The answer is X.\""));
        }
        RoundResult done = new RoundResult(0, "answer", List.of(said(team.get(0), "7")), Optional.empty(), false,
                false);
        assertThat(Deliberation.independent().next(after(List.of(done)))).isEmpty();
    }

    @Test
    void aDebateRoundShowsEachAgentOnlyTheOthersAnswers() {
        RoundResult first = new RoundResult(0, "answer", List.of(said(team.get(0), "It is 7."),
                said(team.get(1), "It is 8."), said(team.get(2), "It is 9.")), Optional.empty(), false, false);
        Round debate = Deliberation.debate(2).next(after(List.of(first))).orElseThrow();
        assertThat(debate.number()).isEqualTo(1);
        assertThat(debate.votes()).isEqualTo(Round.Votes.UPDATE);
        List<Message> m = debate.turns().get(1).request().messages();
        assertThat(m.get(m.size() - 2)).isEqualTo(Message.assistant("It is 8."));
        assertThat(m.get(m.size() - 1).text()).contains("It is 7.", "It is 9.").doesNotContain("It is 8.")
                .endsWith("End with \"The answer is X.\"");
        // unanimity, the rule, the last round, or one text left: no further round
        RoundResult unanimous = new RoundResult(1, "debate", first.candidates(), Optional.empty(), true, false);
        RoundResult ruled = new RoundResult(1, "debate", first.candidates(), Optional.empty(), false, true);
        RoundResult lone = new RoundResult(1, "debate", List.of(said(team.get(0), "7")), Optional.empty(), false,
                false);
        assertThat(Deliberation.debate(2).next(after(List.of(first, unanimous)))).isEmpty();
        assertThat(Deliberation.debate(2).next(after(List.of(first, ruled)))).isEmpty();
        assertThat(Deliberation.debate(2).next(after(List.of(first, lone)))).isEmpty();
        assertThat(Deliberation.debate(1).next(after(List.of(first,
                new RoundResult(1, "debate", first.candidates(), Optional.empty(), false, false))))).isEmpty();
    }

    @Test
    void theCriticIsTheAgentAfterTheLeadersAuthorAndNoIssuesEndsRefinement() {
        Candidate lead = said(team.get(2), "It is 8.");
        RoundResult first = new RoundResult(0, "answer", List.of(lead), Optional.of(lead), false, false);
        Round critique = Deliberation.refine(2).next(after(List.of(first))).orElseThrow();
        assertThat(critique.votes()).isEqualTo(Round.Votes.NONE);
        assertThat(critique.turns()).singleElement().satisfies(t -> assertThat(t.agent().id()).isEqualTo("agent-1"));
        for (String reply : List.of("NO ISSUES", "no issues.", "**No issues**", "> \"NO ISSUES\"")) {
            RoundResult said = new RoundResult(1, "critique", List.of(said(team.get(0), reply)), Optional.of(lead),
                    false, false);
            assertThat(Deliberation.refine(2).next(after(List.of(first, said)))).as(reply).isEmpty();
        }
        RoundResult found = new RoundResult(1, "critique", List.of(said(team.get(0), "3+4 is 7; no issues else.")),
                Optional.of(lead), false, false);
        Round revise = Deliberation.refine(2).next(after(List.of(first, found))).orElseThrow();
        assertThat(revise.votes()).isEqualTo(Round.Votes.REPLACE);
        assertThat(revise.turns()).singleElement().satisfies(t -> assertThat(t.agent().id()).isEqualTo("agent-3"));
    }

    @Test
    void aRoundRejectsTwoTurnsForOneAgentAndAnEmptyRound() {
        Round.Turn t = new Round.Turn(team.get(0), team.get(0).request(QUESTION, List.of(), ""));
        assertThatThrownBy(() -> new Round(1, "debate", List.of(t, t), Round.Votes.UPDATE))
                .hasMessageContaining("two turns for agent 'agent-1'");
        assertThatThrownBy(() -> new Round(1, "debate", List.of(), Round.Votes.UPDATE))
                .hasMessageContaining("round 1 (debate) has no turns");
        assertThatThrownBy(() -> new Round(-1, "debate", List.of(t), Round.Votes.UPDATE))
                .hasMessageContaining("-1");
    }
}

package dev.contemplate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Provenance;
import dev.contemplate.aggregation.Tally;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one decision behind every front end's finish reason, and how a verdict is named. */
class FinishTest {

    @Test
    void eachStopReasonHasOneFinishAndItsOpenAiReason() {
        assertThat(Finish.of(verdict(StopReason.RULE_SATISFIED, true))).isEqualTo(Finish.STOP);
        assertThat(Finish.of(verdict(StopReason.ALL_AGENTS_DONE, true))).isEqualTo(Finish.STOP);
        assertThat(Finish.of(verdict(StopReason.TOKEN_BUDGET, false))).isEqualTo(Finish.LENGTH);
        assertThat(Finish.of(verdict(StopReason.DEADLINE, false))).isEqualTo(Finish.CUT_SHORT);
        assertThat(Finish.of(verdict(StopReason.ALL_AGENTS_DONE, false))).isEqualTo(Finish.CUT_SHORT);
        assertThat(Finish.STOP.openAiFinishReason()).isEqualTo("stop");
        assertThat(Finish.LENGTH.openAiFinishReason()).isEqualTo("length");
        // OpenAI's wire has no deadline reason: stop, with the extension's complete=false
        assertThat(Finish.CUT_SHORT.openAiFinishReason()).isEqualTo("stop");
    }

    @Test
    void aVerdictIsNamedByItsModeAndPlannedAgents() {
        assertThat(ModelName.of(verdict(StopReason.RULE_SATISFIED, true)).canonical()).isEqualTo("contemplate-2");
    }

    private static Verdict verdict(StopReason reason, boolean complete) {
        List<AgentOutcome> agents = List.of(new AgentOutcome.NotStarted("agent-1"),
                new AgentOutcome.NotStarted("agent-2"));
        return new Verdict("q", Mode.CONTEMPLATE, Answer.of("42"), "42", 1, complete, reason, "fixed", agents,
                Tally.empty(), Provenance.of("majority", List.of()), TokenAccount.ZERO, Duration.ZERO);
    }
}

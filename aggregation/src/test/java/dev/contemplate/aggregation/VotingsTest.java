package dev.contemplate.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Conversation;
import dev.contemplate.agents.Team;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.TokenLogprobs;
import dev.contemplate.inference.TokenUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Plain and weighted majority votes through the counter, as the orchestrator drives them. */
class VotingsTest {

    private final List<Agent> agents = Team.builder().size(6).weights(List.of(1.0)).build().agents();

    private record Run(List<Ballot> ballots, Tally tally, Decision decision) {
    }

    /** Casts {@code texts[i]} for agent i (logprobs[i] may be null) in order and decides. */
    private Run run(Voting voting, String[] texts, double[][] logprobs) {
        Voting.Counter counter = voting.open(Conversation.of("q"));
        List<Ballot> ballots = new ArrayList<>();
        Tally tally = Tally.empty();
        for (int i = 0; i < texts.length; i++) {
            Optional<TokenLogprobs> lp = logprobs == null || logprobs[i] == null ? Optional.empty()
                    : Optional.of(TokenLogprobs.of(logprobs[i]));
            Candidate c = new Candidate(agents.get(i), texts[i], FinishReason.STOP, TokenUsage.ZERO, Duration.ZERO, lp);
            Vote v = counter.cast(c).block();
            ballots.add(new Ballot(c, v));
            tally = tally.with(v);
        }
        return new Run(ballots, tally, counter.decide(ballots, tally));
    }

    @Test
    void majorityPicksTheLeaderWithItsShareAndTheFirstVotersFullText() {
        Run r = run(Votings.majority(AnswerExtractors.numeric()), new String[] {"so 3", "it is 4", "no idea",
            "The answer is 3.", "", "3!"}, null);
        assertThat(r.decision().answer()).contains(new Answer("3", "3"));
        assertThat(r.decision().share()).isCloseTo(0.75, within(1e-12));
        assertThat(r.decision().text()).isEqualTo("so 3");
        assertThat(r.decision().provenance()).isEqualTo(Provenance.of("majority", List.of("agent-1", "agent-4",
                "agent-6")));
        assertThat(r.tally().unanswered()).isEqualTo(2);
        assertThat(r.ballots()).extracting(b -> b.vote().weight()).containsOnly(1.0);
    }

    @Test
    void majorityFollowsTheTallysTieBreakAndHasNoAnswerWithoutVotes() {
        Run r = run(Votings.majority(AnswerExtractors.numeric()), new String[] {"x", "9", "8"}, null);
        assertThat(r.decision().answer().map(Answer::key)).contains("9");
        Run none = run(Votings.majority(AnswerExtractors.numeric()), new String[] {"x", ""}, null);
        assertThat(none.decision().answer()).isEmpty();
        assertThat(none.decision().share()).isZero();
    }

    @Test
    void weightedVoteLetsConfidentAgentsOutweighAMoreNumerousUnsureOne() {
        // two unsure agents say 7 (mean log-probability ln 0.2), one sure agent says 8 (ln 0.9)
        double unsure = Math.log(0.2);
        double sure = Math.log(0.9);
        double[][] lp = {{unsure, unsure}, {unsure, unsure}, {sure, sure}};
        String[] texts = {"7", "7", "8"};
        Run plain = run(Votings.majority(AnswerExtractors.numeric()), texts, lp);
        Run weighted = run(Votings.weighted(AnswerExtractors.numeric(), Confidence.MEAN), texts, lp);
        assertThat(plain.decision().answer().map(Answer::key)).contains("7");
        assertThat(weighted.decision().answer().map(Answer::key)).contains("8");
        assertThat(weighted.decision().share()).isCloseTo(0.9 / 1.3, within(1e-9));
        assertThat(weighted.decision().provenance().method()).isEqualTo("weighted");
        // stopping rules still count votes: the weighted tally ranks 7 first by count
        assertThat(weighted.tally().leader().map(Answer::key)).contains("7");
    }

    @Test
    void agentWeightsMultiplyTheConfidenceAndCandidatesWithoutLogprobsWeighOne() {
        Voting weighted = Votings.weighted(AnswerExtractors.numeric(), Confidence.MEAN);
        Agent heavy = agents.get(0).withWeight(3);
        Candidate c = new Candidate(heavy, "5", FinishReason.STOP, TokenUsage.ZERO, Duration.ZERO);
        assertThat(weighted.open(Conversation.of("q")).cast(c).block().weight()).isEqualTo(3.0);
        Candidate lp = new Candidate(heavy, "5", FinishReason.STOP, TokenUsage.ZERO, Duration.ZERO,
                Optional.of(TokenLogprobs.of(Math.log(0.5))));
        assertThat(weighted.open(Conversation.of("q")).cast(lp).block().weight()).isCloseTo(1.5, within(1e-12));
    }

    @Test
    void aConfidenceThatUnderflowsStillCastsAValidVote() {
        double[] lp = new double[1000];
        java.util.Arrays.fill(lp, -0.8);
        Candidate c = new Candidate(agents.get(0).withWeight(0.5), "5", FinishReason.STOP, TokenUsage.ZERO,
                Duration.ZERO, Optional.of(TokenLogprobs.of(lp)));
        Vote v = Votings.weighted(AnswerExtractors.numeric(), Confidence.SEQUENCE).open(Conversation.of("q"))
                .cast(c).block();
        assertThat(v.weight()).isEqualTo(Double.MIN_VALUE);
        assertThat(v.answer().map(Answer::key)).contains("5");
    }

    @Test
    void confidenceMeasures() {
        Candidate c = new Candidate(agents.get(0), "5", FinishReason.STOP, TokenUsage.ZERO, Duration.ZERO,
                Optional.of(TokenLogprobs.of(Math.log(0.5), Math.log(0.5), Math.log(0.125))));
        assertThat(Confidence.MEAN.of(c)).isCloseTo(Math.pow(0.5 * 0.5 * 0.125, 1.0 / 3), within(1e-12));
        assertThat(Confidence.SEQUENCE.of(c)).isCloseTo(0.5 * 0.5 * 0.125, within(1e-12));
        assertThat(Confidence.LOWEST_GROUP.of(c)).isCloseTo(Confidence.MEAN.of(c), within(1e-12));
        assertThat(TokenLogprobs.of(-1, -1, -4, -1).lowestGroupMean(2)).isEqualTo(-2.5);
    }

    @Test
    void parsesVoteNamesAndAsksForTheExtractorsAnswerFormat() {
        assertThat(Votings.parse(" Weighted ", AnswerExtractors.numeric()).name()).isEqualTo("weighted");
        assertThat(Votings.parse("majority", AnswerExtractors.numeric()).answerFormat())
                .contains("The answer is X.");
        assertThat(Votings.majority(AnswerExtractors.exactText()).answerFormat()).isEmpty();
        assertThatThrownBy(() -> Votings.parse("plurality", AnswerExtractors.numeric()))
                .hasMessage("unknown vote 'plurality'; valid: " + Votings.SPECS);
        assertThat(Votings.parse("weighted:lowest-group", AnswerExtractors.numeric()).name())
                .isEqualTo("weighted:lowest-group");
        assertThat(Votings.parse("WEIGHTED:sequence", AnswerExtractors.numeric()).name())
                .isEqualTo("weighted:sequence");
        assertThatThrownBy(() -> new Vote("a", 0, Optional.empty(), 0))
                .hasMessageContaining("vote weight must be finite and > 0 but was 0.0");
    }
}

package dev.contemplate.research.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Conversation;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.Provenance;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.aggregation.Vote;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.TokenLogprobs;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.research.dataset.SkippedLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Labelled free-form samples: the format, the votes that read texts, and the represented-sample rule. */
class ReplayFreeFormTest {

    private static final double EPS = 1e-12;

    /** The shipped sample file: 20 questions, 122 labelled texts (paraphrases, near misses, unrelated answers). */
    static Path sampleFile() throws URISyntaxException {
        return Path.of(ReplayFreeFormTest.class.getResource("/replay/freeform-sample.jsonl").toURI());
    }

    private static ReplayData read(String text) throws IOException {
        return new ReplayReader(Optional.empty(), Optional.empty()).read(new BufferedReader(new StringReader(text)));
    }

    /** A labelled question of the given texts and labels, keyed by the exact extractor, without log-probabilities. */
    private static ReplayQuestion labelled(List<String> texts, List<Boolean> labels) {
        List<Optional<Answer>> answers = new ArrayList<>();
        List<ReplaySample> samples = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            answers.add(AnswerExtractors.exactText().extract(texts.get(i)));
            samples.add(new ReplaySample(texts.get(i), labels.get(i)));
        }
        return new ReplayQuestion(1, "", "", answers, true, "exact", Optional.of("What is the capital of Australia?"),
                samples, true);
    }

    @Test
    void theShippedFileIsDetectedAsFreeFormAndReadWithItsLabelsAndLogprobs() throws Exception {
        ReplayData data = new ReplayReader(Optional.empty(), Optional.empty()).read(sampleFile());

        assertThat(data.format()).contains(ReplayFormat.FREEFORM);
        assertThat(data.skipped()).isEmpty();
        assertThat(data.questions()).hasSize(20);
        assertThat(data.samples()).isEqualTo(122);
        assertThat(data.unanswered()).isZero();
        assertThat(data.extractors()).containsOnlyKeys("exact");
        assertThat(data.questions()).allSatisfy(q -> {
            assertThat(q.labelled()).isTrue();
            assertThat(q.ordered()).isTrue();
            assertThat(q.samples().size()).isBetween(5, 8);
            assertThat(q.texts()).extracting(ReplaySample::correct).contains(true, false);
        });
        ReplayQuestion capital = data.questions().get(0);
        assertThat(capital.question()).contains("What is the capital of Australia?");
        assertThat(capital.gold()).isEmpty();
        assertThat(capital.texts().get(0)).isEqualTo(new ReplaySample("The capital of Australia is Canberra.", true,
                Optional.of(TokenLogprobs.of(-0.05, -0.1, -0.02, -0.3, -0.01, -0.04))));
        assertThat(capital.texts().get(4).text()).isEqualTo("The capital of Australia is Sydney.");
        assertThat(capital.texts().get(4).correct()).isFalse();
        // the exact extractor keys the whole text, folded: the two "Sydney." are one answer
        assertThat(capital.samples().get(5)).isEqualTo(capital.samples().get(6));
        assertThat(capital.samples().get(5).map(Answer::key)).contains("sydney");
        // log-probabilities are optional per sample
        assertThat(data.questions().get(1).texts()).allSatisfy(s -> assertThat(s.logprobs()).isEmpty());
    }

    @Test
    void reportsMalformedFreeFormLinesWithTheirNumbers() throws IOException {
        ReplayData data = read(""
                + "{\"question\": \"q\", \"samples\": [{\"text\": \"a\", \"correct\": true}]}\n"        // 1 valid
                + "{\"question\": \"q\", \"samples\": [{\"text\": \"a\"}]}\n"                            // 2
                + "{\"question\": \"q\", \"samples\": [{\"correct\": true}]}\n"                          // 3
                + "{\"question\": \"q\", \"samples\": [{\"text\": 1, \"correct\": true}]}\n"             // 4
                + "{\"question\": \"q\", \"samples\": [{\"text\": \"a\", \"correct\": \"yes\"}]}\n"      // 5
                + "{\"question\": \"q\", \"samples\": [\"a\"]}\n"                                        // 6
                + "{\"question\": \"q\", \"samples\": []}\n"                                             // 7
                + "{\"samples\": [{\"text\": \"a\", \"correct\": true}]}\n"                              // 8
                + "{\"question\": \" \", \"samples\": [{\"text\": \"a\", \"correct\": true}]}\n"         // 9
                + "{\"question\": \"q\", \"samples\": [{\"text\": \"a\", \"correct\": true,"
                + " \"logprobs\": [-0.1, 0.5]}]}\n"                                                      // 10
                + "{\"question\": \"q\", \"samples\": [{\"text\": \"a\", \"correct\": true,"
                + " \"logprobs\": -0.1}]}\n"                                                             // 11
                + "{\"question\": \"q\", \"samples\": [{\"text\": \"a\", \"correct\": true,"
                + " \"logprobs\": [\"x\"]}]}\n"                                                          // 12
                + "{\"question\": \"q\", \"samples\": {\"text\": \"a\"}}\n"                              // 13
                + "{\"answer\": \"a\", \"generated_answer\": [\"The answer is a.\"]}\n"                  // 14 esc
                + "{\"question\": \"q\", \"samples\": [{\"text\": null, \"correct\": false,"
                + " \"logprobs\": null, \"extra\": 1}, {\"text\": \" \", \"correct\": false}]}\n");       // 15 valid

        assertThat(data.format()).contains(ReplayFormat.FREEFORM);
        assertThat(data.questions()).extracting(ReplayQuestion::line).containsExactly(1, 15);
        assertThat(data.skipped()).extracting(SkippedLine::line, SkippedLine::reason).containsExactly(
                tuple(2, "samples[0]: missing field 'correct'"),
                tuple(3, "samples[0]: missing field 'text'"),
                tuple(4, "samples[0].text must be a string or null but was a number"),
                tuple(5, "samples[0].correct must be a boolean but was a string"),
                tuple(6, "samples[0] must be an object with 'text' and 'correct' but was a string"),
                tuple(7, "field 'samples' is an empty list"),
                tuple(8, "missing field 'question'"),
                tuple(9, "field 'question' is blank"),
                tuple(10, "samples[0].logprobs[1] must be a finite log-probability <= 0 but was 0.5"),
                tuple(11, "samples[0].logprobs must be a list of numbers but was a number"),
                tuple(12, "samples[0].logprobs[0] must be a number but was a string"),
                tuple(13, "field 'samples' must be a list but was an object"),
                tuple(14, "missing field 'question'"));
        // a null or blank text is a sample without an answer
        assertThat(data.questions().get(1).samples()).containsExactly(Optional.empty(), Optional.empty());
        assertThat(data.questions().get(1).texts()).extracting(ReplaySample::text).containsExactly("", " ");
    }


    @Test
    void aQuestionIsRightWhenTheSampleRepresentingTheWinnerIsLabelledCorrect() {
        // two texts of one exact answer ("canberra") against one "Sydney.": the plurality wins in every order, and
        // only its representative's label counts, not a gold key
        List<String> texts = List.of("Canberra.", "canberra", "Sydney.");
        ReplayQuestion right = labelled(texts, List.of(true, true, false));
        ReplayQuestion wrong = labelled(texts, List.of(false, false, true));
        for (ReplayQuestion q : List.of(right, wrong)) {
            RuleResult r = Replayer.replay(List.of(q), List.of(StoppingRules.fixed()), 40, 10, 3).get(0);
            assertThat(r.accuracy().min()).isEqualTo(r.accuracy().max()).isEqualTo(q == right ? 1.0 : 0.0);
            assertThat(r.samples().mean()).isCloseTo(3, within(EPS));
        }

        // the cluster's two texts labelled differently: the representative is the first of them in team (= arrival)
        // order, so each shuffle is right exactly when "Canberra." (sample 0) arrives before "canberra" (sample 1)
        ReplayQuestion mixed = labelled(texts, List.of(true, false, false));
        int shuffles = 16;
        long seed = 5;
        RuleResult r = Replayer.replay(List.of(mixed), List.of(StoppingRules.fixed()), 40, shuffles, seed).get(0);
        int rightShuffles = 0;
        for (int s = 0; s < shuffles; s++) {
            int[] order = Replayer.arrivalOrder(mixed, 40, seed, s, 0);
            int first = 0;
            while (order[first] != 0 && order[first] != 1) {
                first++;
            }
            double expected = order[first] == 0 ? 1 : 0;
            rightShuffles += (int) expected;
            assertThat(r.accuracyPerShuffle().get(s)).as("shuffle " + s).isEqualTo(expected);
        }
        assertThat(rightShuffles).isBetween(1, shuffles - 1);
    }

    @Test
    void theRepresentativeIsTheFirstBallotInTeamOrderWithTheDecisionsText() {
        List<Agent> agents = Team.builder().size(4).noSeed().build().agents();
        List<String> texts = List.of("Sydney.", "It is Canberra.", "Canberra.", "It is Canberra.");
        List<Ballot> ballots = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Candidate c = new Candidate(agents.get(i), texts.get(i), FinishReason.STOP, TokenUsage.ZERO,
                    Duration.ZERO);
            ballots.add(new Ballot(c, new Vote(agents.get(i).id(), i,
                    Optional.of(Answer.of(i == 0 ? "sydney" : "canberra")))));
        }
        int[] samples = {7, 3, 5, 1};
        Decision canberra = new Decision(Optional.of(Answer.of("canberra")), 0.75, "It is Canberra.",
                Provenance.of("semantic", List.of("agent-2", "agent-3", "agent-4")));
        assertThat(Replayer.representative(canberra, ballots, samples)).contains(3);
        Decision synthesised = new Decision(Optional.of(Answer.of("canberra")), 0.75, "Canberra, in the ACT.",
                Provenance.of("synthesis", List.of()));
        assertThat(Replayer.representative(synthesised, ballots, samples)).isEmpty();
        assertThat(Replayer.representative(Decision.none("semantic"), ballots, samples)).isEmpty();
    }

    @Test
    void aVoteThatPicksALaterBallotsTextIsJudgedByThatBallot() {
        // a stand-in for a vote that represents a cluster by another member than its first (as a semantic vote may):
        // it keys by the first word and answers with the text of the cluster's last ballot
        Voting lastOfCluster = new Voting() {
            @Override
            public String name() {
                return "last-of-cluster";
            }

            @Override
            public String answerFormat() {
                return "";
            }

            @Override
            public Counter open(Conversation conversation) {
                return new Counter() {
                    @Override
                    public Mono<Vote> cast(Candidate c) {
                        String word = c.text().split("[ .]")[0].toLowerCase(java.util.Locale.ROOT);
                        return Mono.just(new Vote(c.agent().id(), c.agent().ordinal(), Optional.of(Answer.of(word))));
                    }

                    @Override
                    public Decision decide(List<Ballot> ballots, Tally tally) {
                        Answer leader = tally.leader().orElseThrow();
                        String text = "";
                        for (Ballot b : ballots) {
                            if (b.vote().answer().orElseThrow().key().equals(leader.key())) {
                                text = b.candidate().text();
                            }
                        }
                        return new Decision(Optional.of(leader), 1, text, Provenance.of(name(), List.of()));
                    }
                };
            }
        };
        // "Canberra." and "Canberra is the capital." cluster; only the latter is labelled correct
        ReplayQuestion q = labelled(List.of("Canberra.", "Canberra is the capital.", "Sydney."),
                List.of(false, true, false));
        int shuffles = 12;
        RuleResult r = Replayer.replay(List.of(q), List.of(StoppingRules.fixed()), 40, shuffles, 9,
                x -> lastOfCluster).get(0);
        for (int s = 0; s < shuffles; s++) {
            int[] order = Replayer.arrivalOrder(q, 40, 9, s, 0);
            int last = -1;
            for (int i : order) {
                if (i != 2) {
                    last = i;
                }
            }
            assertThat(r.accuracyPerShuffle().get(s)).isEqualTo(last == 1 ? 1.0 : 0.0);
        }
    }

    @Test
    void theWeightedVoteReadsTheRecordedLogprobs() {
        // two unsure "Sydney." against one sure "Canberra.": the plain majority says Sydney, the weighted vote
        // (exp(mean log-probability): 2 x e^-2 = 0.27 against e^-0.01 = 0.99) says Canberra
        List<Optional<Answer>> answers = new ArrayList<>();
        List<ReplaySample> samples = List.of(
                new ReplaySample("Sydney.", false, Optional.of(TokenLogprobs.of(-2, -2))),
                new ReplaySample("Sydney.", false, Optional.of(TokenLogprobs.of(-2, -2))),
                new ReplaySample("Canberra.", true, Optional.of(TokenLogprobs.of(-0.01, -0.01))));
        for (ReplaySample s : samples) {
            answers.add(AnswerExtractors.exactText().extract(s.text()));
        }
        ReplayQuestion q = new ReplayQuestion(1, "", "", answers, true, "exact", Optional.empty(), samples, true);
        List<RuleResult> majority = Replayer.replay(List.of(q), List.of(StoppingRules.fixed()), 40, 5, 1, "majority");
        List<RuleResult> weighted = Replayer.replay(List.of(q), List.of(StoppingRules.fixed()), 40, 5, 1, "weighted");
        assertThat(majority.get(0).accuracy().max()).isZero();
        assertThat(weighted.get(0).accuracy().min()).isEqualTo(1.0);
    }

    @Test
    void onGoldAnswerFilesTheCounterGivesTheNumbersOfTheTallysLeader() throws Exception {
        // majority cast through the counter (under another name, so that the tally's leader is not used) and the
        // weighted vote without log-probabilities both reproduce the documented majority numbers
        List<ReplayQuestion> qs = ReplayerTest.small();
        List<dev.contemplate.aggregation.StoppingRule> rules = List.of(StoppingRules.fixed(1), StoppingRules.esc(2),
                StoppingRules.unassailable(), StoppingRules.fixed());
        List<RuleResult> keyed = Replayer.replay(qs, rules, 40, 7, 11);
        List<RuleResult> counted = Replayer.replay(qs, rules, 40, 7, 11, q -> renamed(
                Votings.majority(AnswerExtractors.parse(q.extractor()))));
        List<RuleResult> weighted = Replayer.replay(qs, rules, 40, 7, 11, "weighted");
        assertThat(counted).isEqualTo(keyed);
        assertThat(weighted).isEqualTo(keyed);
        assertThat(keyed.get(2).accuracy().mean()).isCloseTo(2.0 / 3, within(EPS));
    }

    /** {@code voting} under another name. */
    private static Voting renamed(Voting voting) {
        return new Voting() {
            @Override
            public String name() {
                return "counted-" + voting.name();
            }

            @Override
            public String answerFormat() {
                return voting.answerFormat();
            }

            @Override
            public Counter open(Conversation conversation) {
                return voting.open(conversation);
            }
        };
    }




}

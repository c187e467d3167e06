package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.simulated.Scenario;
import dev.contemplate.inference.simulated.SimulatedEngine;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The command line's simulated scenarios for free-form questions. */
class SimulatedScenariosTest {

    private static final String CAPITAL = "What is the capital of Australia?";

    @Test
    void aQuestionWithoutArithmeticGetsAFreeFormScenarioWithParaphrasesAndNearMisses() {
        Scenario s = SimulatedScenarios.forQuestions().apply(CAPITAL);

        assertThat(s.answers().keySet()).containsExactly(SimulatedScenarios.RIGHT, SimulatedScenarios.NEAR_MISS,
                SimulatedScenarios.UNRELATED);
        assertThat(s.phrasings(SimulatedScenarios.RIGHT)).containsExactly(
                "The capital of Australia is simulated answer 1.",
                "Simulated answer 1: that is what the capital of Australia is.",
                "After some thought, the capital of Australia is simulated answer number one, I am fairly sure.");
        assertThat(s.phrasings(SimulatedScenarios.NEAR_MISS)).containsExactly(
                "The capital of Australia is simulated answer 2.",
                "Simulated answer 2: that is what the capital of Australia is.");
        assertThat(s.phrasings(SimulatedScenarios.UNRELATED)).containsExactly(
                "Something else entirely: simulated answer 3 is about the weather, not the capital of Australia.");
        // every text says it is simulated
        assertThat(s.answerPhrasings().values()).allSatisfy(l -> assertThat(l)
                .allMatch(t -> t.toLowerCase(java.util.Locale.ROOT).contains("simulated")));

        double right = s.probability(SimulatedScenarios.RIGHT);
        double nearMiss = s.probability(SimulatedScenarios.NEAR_MISS);
        double unrelated = s.probability(SimulatedScenarios.UNRELATED);
        assertThat(right).isBetween(SimulatedScenarios.MIN_CORRECT, SimulatedScenarios.MAX_CORRECT);
        double wrong = 1 - right - SimulatedScenarios.NO_ANSWER;
        assertThat(nearMiss).isCloseTo(wrong * SimulatedScenarios.NEAR_MISS_SHARE, within(1e-12));
        assertThat(right).isGreaterThan(nearMiss).isGreaterThan(unrelated);
        assertThat(s.noAnswerProbability()).isCloseTo(SimulatedScenarios.NO_ANSWER, within(1e-9));
        // derived from the question only: the same scenario every time
        assertThat(SimulatedScenarios.forQuestions().apply(CAPITAL)).isEqualTo(s);
        assertThat(SimulatedScenarios.forDataset(Map.of()).apply(CAPITAL)).isEqualTo(s);
    }

    @Test
    void theRightAnswerIsTheMostProbableWhateverTheDifficulty() {
        for (String q : List.of("Who?", "Explain why the sky is blue", "Name a prime", "What are tides?", "x")) {
            Scenario s = SimulatedScenarios.freeForm(q);
            assertThat(s.probability(SimulatedScenarios.RIGHT)).as(q)
                    .isGreaterThan(s.probability(SimulatedScenarios.NEAR_MISS))
                    .isGreaterThan(s.probability(SimulatedScenarios.UNRELATED));
        }
    }

    @Test
    void theSubjectIsTemplatedOnTheQuestionsWords() {
        assertThat(SimulatedScenarios.subject("What is the capital of Australia?"))
                .containsExactly("the capital of Australia", "is");
        assertThat(SimulatedScenarios.subject("who WERE the Beatles")).containsExactly("the Beatles", "were");
        assertThat(SimulatedScenarios.subject("Explain why the sky is blue."))
                .containsExactly("the explanation of why the sky is blue", "is");
        assertThat(SimulatedScenarios.subject("How do tides work?"))
                .containsExactly("the explanation of how do tides work", "is");
        assertThat(SimulatedScenarios.subject("Name a prime")).containsExactly("the answer to \"Name a prime\"", "is");
        assertThat(SimulatedScenarios.subject(" ?")).containsExactly("the answer to this question", "is");
        assertThat(SimulatedScenarios.freeForm("Explain why the sky is blue").phrasings(SimulatedScenarios.RIGHT))
                .first().isEqualTo("The explanation of why the sky is blue is simulated answer 1.");
    }

    @Test
    void arithmeticQuestionsStillGetKeyedAnswersWithoutPhrasings() {
        Scenario s = SimulatedScenarios.forQuestions().apply("What is 2+2?");
        assertThat(s.answers().keySet()).first().isEqualTo("4");
        assertThat(s.answerPhrasings()).isEmpty();
    }

    @Test
    void theSimulatedEngineWritesTheFreeFormPhrasingsReproducibly() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = SimulatedEngine.builder().scenario(SimulatedScenarios.forQuestions()::apply)
                .scheduler(vts).build();
        Scenario s = SimulatedScenarios.freeForm(CAPITAL);
        List<Long> seeds = new ArrayList<>();
        for (long i = 0; i < 400; i++) {
            seeds.add(i);
        }
        CompletableFuture<List<String>> texts = Flux.fromIterable(seeds)
                .concatMap(seed -> engine.generate(GenerationRequest.of(CAPITAL,
                        SamplingParameters.builder().seed(seed).maxTokens(1000).build())))
                .map(g -> g.text())
                .collectList().toFuture();
        vts.advanceTimeBy(Duration.ofDays(1));
        Map<String, Integer> byAnswer = new HashMap<>();
        for (String t : texts.join()) {
            String answer = s.answerPhrasings().entrySet().stream().filter(e -> e.getValue().contains(t))
                    .map(Map.Entry::getKey).findFirst().orElse("<none>");
            if (answer.equals("<none>")) {
                assertThat(t).endsWith("I cannot settle on a result.");
            }
            byAnswer.merge(answer, 1, Integer::sum);
        }
        assertThat(engine.name()).startsWith("simulated");
        // 400 draws: each answer within 4 sigma of its probability
        for (String a : s.answers().keySet()) {
            double p = s.probability(a);
            double sd = Math.sqrt(400 * p * (1 - p));
            assertThat((double) byAnswer.getOrDefault(a, 0)).as(a).isBetween(400 * p - 4 * sd, 400 * p + 4 * sd);
        }
        // the right answer comes in all three phrasings
        assertThat(texts.join()).containsAll(s.phrasings(SimulatedScenarios.RIGHT));
    }

    @Test
    void theSemanticVoteMergesTheParaphrasesThatAnExactMajoritySplitsAndKeepsTheNearMissApart() {
        // real time with millisecond latencies (the command line's virtual clock is not used here)
        Scenario fast = SimulatedScenarios.freeForm(CAPITAL).toBuilder().firstTokenLatency(Duration.ofMillis(1))
                .medianTokenLatency(Duration.ofMillis(1), 0).build();
        try (SimulatedEngine engine = SimulatedEngine.builder().scenario(fast).build()) {
            Contemplator.Builder b = Contemplator.builder().engine(engine)
                    .team(Team.builder().size(12).seed(3).build()).stoppingRule(StoppingRules.fixed());
            Verdict semantic = b.voting(Votings.semantic()).build().contemplate(CAPITAL).block(Duration.ofMinutes(1));
            Verdict exact = b.voting(Votings.majority(AnswerExtractors.exactText())).build().contemplate(CAPITAL)
                    .block(Duration.ofMinutes(1));

            // 12 samples (seeds 3..14): the right answer 7 times in its three phrasings, the near miss twice in its
            // two, the unrelated answer twice, one text without an answer. The semantic vote has one cluster per
            // answer (and one for the text without an answer); an exact majority splits the right answer three ways.
            assertThat(semantic.provenance().method()).isEqualTo("semantic");
            assertThat(fast.phrasings(SimulatedScenarios.RIGHT)).contains(semantic.text());
            assertThat(semantic.tally().ranking()).extracting(a -> a.count()).containsExactly(7, 2, 2, 1);
            assertThat(exact.tally().leaderCount()).isEqualTo(3);
            assertThat(semantic.confidence()).isCloseTo(7 / 12.0, within(1e-9));
        }
    }
}

package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.simulated.Scenario;
import dev.contemplate.inference.simulated.SimulatedEngine;
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
                "The capital of Australia is the simulated right answer.",
                "The simulated right answer: that is what the capital of Australia is.",
                "After some thought, the capital of Australia is the simulated right answer, I am fairly sure.");
        assertThat(s.phrasings(SimulatedScenarios.NEAR_MISS)).containsExactly(
                "The capital of Australia is the simulated near miss.",
                "The simulated near miss: that is what the capital of Australia is.");
        assertThat(s.phrasings(SimulatedScenarios.UNRELATED)).hasSize(1);
        // every text says it is simulated
        assertThat(s.answerPhrasings().values()).allSatisfy(l -> assertThat(l).allMatch(t -> t.contains("simulated")));

        double right = s.probability(SimulatedScenarios.RIGHT);
        double nearMiss = s.probability(SimulatedScenarios.NEAR_MISS);
        double unrelated = s.probability(SimulatedScenarios.UNRELATED);
        assertThat(right).isBetween(SimulatedScenarios.MIN_CORRECT, SimulatedScenarios.MAX_CORRECT);
        assertThat(nearMiss).isCloseTo((1 - right - SimulatedScenarios.NO_ANSWER) * SimulatedScenarios.NEAR_MISS_SHARE,
                within(1e-12));
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
                .first().isEqualTo("The explanation of why the sky is blue is the simulated right answer.");
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
}

package dev.contemplate.inference.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.SamplingParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Free-form answers: phrasings drawn by the sample's seed, in virtual time. */
class SimulatedPhrasingsTest {

    private static final List<String> RIGHT = List.of("The capital of Australia is Canberra.",
            "Canberra is Australia's capital city.", "It is Canberra, not Sydney.");
    private static final List<String> NEAR_MISS = List.of("The capital of Australia is Sydney.",
            "Sydney is the capital of Australia.");
    private static final List<String> UNRELATED = List.of("Kangaroos can hop at about seventy kilometres an hour.");

    private static final Scenario FREE_FORM = Scenario.builder()
            .answer("Canberra", 0.5, RIGHT)
            .answer("Sydney", 0.3, NEAR_MISS)
            .answer("kangaroos", 0.1, UNRELATED)
            .firstTokenLatency(Duration.ofMillis(100))
            .medianTokenLatency(Duration.ofMillis(20), 0.3)
            .build();

    private record Sample(List<String> deltas, Generation generation) {
        String text() {
            return String.join("", deltas);
        }
    }

    private static Sample sample(SimulatedEngine engine, VirtualTimeScheduler vts, GenerationRequest request) {
        List<String> deltas = new ArrayList<>();
        AtomicReference<Generation> done = new AtomicReference<>();
        engine.stream(request).subscribe(e -> {
            if (e instanceof GenerationEvent.TextDelta d) {
                deltas.add(d.text());
            } else {
                done.set(((GenerationEvent.Completed) e).generation());
            }
        });
        vts.advanceTimeBy(Duration.ofHours(1));
        assertThat(done.get()).as("completed").isNotNull();
        return new Sample(deltas, done.get());
    }

    private static GenerationRequest request(long seed) {
        return GenerationRequest.of("What is the capital of Australia?",
                SamplingParameters.builder().maxTokens(1000).seed(seed).build());
    }

    private static SimulatedEngine engine(VirtualTimeScheduler vts, Scenario scenario) {
        return SimulatedEngine.builder().scenario(scenario).scheduler(vts).build();
    }

    @Test
    void aPhrasedAnswerIsWrittenAsOneOfItsPhrasingsAndNothingElse() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = engine(vts, FREE_FORM);
        List<String> all = new ArrayList<>(RIGHT);
        all.addAll(NEAR_MISS);
        all.addAll(UNRELATED);
        Map<String, Integer> seen = new HashMap<>();
        for (long seed = 0; seed < 600; seed++) {
            Sample s = sample(engine, vts, request(seed));
            String text = s.text();
            assertThat(s.generation().text()).isEqualTo(text);
            if (text.endsWith("I cannot settle on a result.")) {
                // a text without an answer (probability 0.1) is written as in a scenario without phrasings
                assertThat(text).startsWith("Step one:");
                seen.merge("<none>", 1, Integer::sum);
                continue;
            }
            assertThat(all).contains(text);
            seen.merge(text, 1, Integer::sum);
            // the deltas are the phrasing's words, each with the space before it; usage counts them
            assertThat(s.deltas()).hasSize(text.split(" ").length);
            assertThat(s.deltas().get(0)).doesNotStartWith(" ");
            assertThat(s.generation().usage().outputTokens()).isEqualTo(s.deltas().size());
            assertThat(s.generation().finishReason()).isEqualTo(FinishReason.STOP);
        }
        // every phrasing is drawn; the answers follow their probabilities and the phrasings share them evenly:
        // Canberra 0.5 / 3 per phrasing = 100 of 600 expected (sd 9.1), Sydney 0.3 / 2 = 90 (sd 8.7), the unrelated
        // answer 60 (sd 7.3), no answer 60; 4-sigma bounds
        assertThat(seen.keySet()).containsAll(all);
        for (String p : RIGHT) {
            assertThat(seen.get(p)).as(p).isBetween(64, 136);
        }
        for (String p : NEAR_MISS) {
            assertThat(seen.get(p)).as(p).isBetween(56, 124);
        }
        assertThat(seen.get(UNRELATED.get(0))).isBetween(31, 89);
        assertThat(seen.get("<none>")).isBetween(31, 89);
    }

    @Test
    void theSameSeedGivesTheSamePhrasingWithTheSameTimingAndOtherSeedsVary() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        List<String> first = new ArrayList<>();
        List<String> again = new ArrayList<>();
        for (long seed = 0; seed < 30; seed++) {
            first.add(sample(engine(vts, FREE_FORM), vts, request(seed)).text());
            again.add(sample(engine(vts, FREE_FORM), vts, request(seed)).text());
        }
        assertThat(again).isEqualTo(first);
        assertThat(first.stream().distinct().count()).isGreaterThan(3);
    }

    @Test
    void temperatureZeroWritesTheMostProbableAnswerInItsFirstPhrasing() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = engine(vts, FREE_FORM);
        for (long seed = 0; seed < 20; seed++) {
            GenerationRequest greedy = GenerationRequest.of("q",
                    SamplingParameters.builder().temperature(0).maxTokens(1000).seed(seed).build());
            assertThat(sample(engine, vts, greedy).text()).isEqualTo(RIGHT.get(0));
        }
    }

    @Test
    void phrasingsKeepTheirLineBreaksAndObeyTheTokenLimit() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        String essay = "The sky looks blue because air scatters short wavelengths.\n\nThis is Rayleigh scattering.";
        SimulatedEngine engine = engine(vts, Scenario.builder().answer("rayleigh", 1.0, List.of("  " + essay + " "))
                .build());
        Sample whole = sample(engine, vts, request(1));
        assertThat(whole.text()).isEqualTo(essay);
        assertThat(whole.deltas()).hasSize(13).contains("\n\nThis");

        Sample cut = sample(engine, vts, GenerationRequest.of("q",
                SamplingParameters.builder().maxTokens(3).seed(1).build()));
        assertThat(cut.text()).isEqualTo("The sky looks");
        assertThat(cut.generation().finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void plainAnswersBesidePhrasedOnesAreWrittenAsBefore() {
        // the plain answer's texts, seed by seed, are those of a scenario without any phrasings
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Scenario plain = Scenario.builder().answer("42", 0.5).answer("7", 0.5).outputTokens(10, 20).build();
        Scenario mixed = Scenario.builder().answer("42", 0.5).answer("7", 0.5, List.of("Seven.", "It is seven."))
                .outputTokens(10, 20).build();
        int plainSeen = 0;
        for (long seed = 0; seed < 40; seed++) {
            String before = sample(engine(vts, plain), vts, request(seed)).text();
            String after = sample(engine(vts, mixed), vts, request(seed)).text();
            if (before.endsWith("The answer is 42.")) {
                plainSeen++;
                assertThat(after).isEqualTo(before);
            } else {
                assertThat(after).isIn("Seven.", "It is seven.");
            }
        }
        assertThat(plainSeen).isBetween(5, 35);
    }

    @Test
    void phrasingsAreValidatedAndKeptByTheBuilder() {
        assertThat(FREE_FORM.phrasings("Canberra")).isEqualTo(RIGHT);
        assertThat(FREE_FORM.phrasings("Perth")).isEmpty();
        assertThat(FREE_FORM.toBuilder().build()).isEqualTo(FREE_FORM);
        assertThat(FREE_FORM.answerPhrasings()).containsOnlyKeys("Canberra", "Sydney", "kangaroos");
        assertThat(Scenario.answering("42", 0.8).answerPhrasings()).isEmpty();
        assertThat(new Scenario(Map.of("1", 0.5), 0, Duration.ZERO, 1, 0, 1, 1, Map.of()))
                .isEqualTo(new Scenario(Map.of("1", 0.5), 0, Duration.ZERO, 1, 0, 1, 1, Map.of(), Map.of()));

        assertThatThrownBy(() -> Scenario.builder().answer("a", 0.5, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one phrasing");
        assertThatThrownBy(() -> Scenario.builder().answer("a", 0.5, List.of("fine", " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> Scenario.builder().answer("a", 0.5).answer("a", 0.2, List.of("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> Scenario.builder().answer("a", 0.7, List.of("x")).answer("b", 0.4, List.of("y"))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum to at most 1");
        assertThatThrownBy(() -> new Scenario(Map.of("1", 0.5), 0, Duration.ZERO, 1, 0, 1, 1, Map.of(),
                Map.of("2", List.of("two"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not one of the answers");
        assertThatThrownBy(() -> new Scenario(Map.of("1", 0.5), 0, Duration.ZERO, 1, 0, 1, 1, Map.of(),
                Map.of("1", List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one phrasing");
    }
}

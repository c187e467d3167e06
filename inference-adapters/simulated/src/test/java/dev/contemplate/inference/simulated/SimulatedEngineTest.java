package dev.contemplate.inference.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TransientInferenceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Reproducibility, timing, truncation, cancellation and validation of the simulated engine, in virtual time. */
class SimulatedEngineTest {

    /** The deltas of one generation with the virtual time (ns) at which each arrived, and how it ended. */
    private record Trace(List<String> deltas, List<Long> times, Generation generation) {
        String text() {
            return String.join("", deltas);
        }
    }

    private static final Scenario SCENARIO = Scenario.builder()
            .answer("42", 0.5).answer("41", 0.3)
            .firstTokenLatency(Duration.ofMillis(150))
            .medianTokenLatency(Duration.ofMillis(25), 0.5)
            .outputTokens(10, 30)
            .build();

    private static SimulatedEngine engine(VirtualTimeScheduler vts, long engineSeed) {
        return SimulatedEngine.builder().scenario(SCENARIO).scheduler(vts).seed(engineSeed).build();
    }

    private static GenerationRequest request(String question, Long seed) {
        SamplingParameters.Builder p = SamplingParameters.builder().maxTokens(1000);
        if (seed != null) {
            p.seed(seed);
        }
        return GenerationRequest.of(question, p.build());
    }

    private static Trace trace(SimulatedEngine engine, VirtualTimeScheduler vts, GenerationRequest request) {
        List<String> deltas = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        AtomicReference<Generation> done = new AtomicReference<>();
        long start = vts.now(TimeUnit.NANOSECONDS);
        engine.stream(request).subscribe(e -> {
            if (e instanceof GenerationEvent.TextDelta d) {
                deltas.add(d.text());
                times.add(vts.now(TimeUnit.NANOSECONDS) - start);
            } else {
                done.set(((GenerationEvent.Completed) e).generation());
            }
        });
        vts.advanceTimeBy(Duration.ofHours(1));
        assertThat(done.get()).as("completed").isNotNull();
        return new Trace(deltas, times, done.get());
    }

    @Test
    void theSameSeededRequestGivesTheSameTextWithTheSameLatenciesOnAnyEngine() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Trace a = trace(engine(vts, 1), vts, request("What is 6*7?", 99L));
        Trace b = trace(engine(vts, 2), vts, request("What is 6*7?", 99L));
        assertThat(b.deltas()).isEqualTo(a.deltas());
        assertThat(b.times()).isEqualTo(a.times());
        assertThat(a.generation().text()).isEqualTo(a.text());
        assertThat(a.times().get(0)).isEqualTo(Duration.ofMillis(150).toNanos());
        assertThat(a.times()).isSorted();
        assertThat(a.generation().usage().outputTokens()).isEqualTo(a.deltas().size());
        assertThat(a.generation().usage().inputTokens()).isEqualTo(3);
        assertThat(a.deltas().size()).isBetween(10, 30);
    }

    @Test
    void otherSeedsAndOtherQuestionsGiveOtherSamples() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = engine(vts, 1);
        List<String> texts = new ArrayList<>();
        for (long seed = 0; seed < 20; seed++) {
            texts.add(trace(engine, vts, request("q", seed)).text() + "|" + trace(engine, vts, request("q", seed))
                    .times());
        }
        assertThat(texts).doesNotHaveDuplicates();
        Trace q1 = trace(engine, vts, request("q1", 5L));
        Trace q2 = trace(engine, vts, request("q2", 5L));
        assertThat(q1.times()).isNotEqualTo(q2.times());
    }

    @Test
    void unseededRequestsDrawFromTheEngineSeededStream() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine first = engine(vts, 7);
        SimulatedEngine second = engine(vts, 7);
        SimulatedEngine other = engine(vts, 8);
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        List<String> c = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            a.add(trace(first, vts, request("q", null)).toString());
            b.add(trace(second, vts, request("q", null)).toString());
            c.add(trace(other, vts, request("q", null)).toString());
        }
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
        assertThat(a).doesNotHaveDuplicates();
    }

    @Test
    void writesReasoningStepsWithoutDigitsThenTheAnswerSentence() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = SimulatedEngine.builder().scheduler(vts)
                .scenario(Scenario.builder().answer("New York", 1.0).outputTokens(15).build()).build();
        Trace t = trace(engine, vts, request("Which city?", 1L));
        assertThat(t.text()).isEqualTo("Step one: work it out. Step two: work it out. The answer is New York.");
        assertThat(t.deltas()).hasSize(15).startsWith("Step", " one:");

        SimulatedEngine silent = SimulatedEngine.builder().scheduler(vts)
                .scenario(Scenario.builder().outputTokens(8).build()).build();
        Trace none = trace(silent, vts, request("Which city?", 1L));
        assertThat(none.text()).isEqualTo("Step one: I cannot settle on a result.").doesNotContainPattern("\\d");
    }

    @Test
    void answersMayHaveTheirOwnTextLengths() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = SimulatedEngine.builder().scheduler(vts)
                .scenario(Scenario.builder().answer("1", 0.5, 10, 10).answer("2", 0.5).outputTokens(30).build())
                .build();
        int ones = 0;
        for (long seed = 0; seed < 40; seed++) {
            Trace t = trace(engine, vts, request("q", seed));
            if (t.text().endsWith("is 1.")) {
                ones++;
                assertThat(t.deltas()).hasSize(10);
            } else {
                assertThat(t.deltas()).hasSize(30);
            }
        }
        assertThat(ones).isBetween(5, 35);
    }

    @Test
    void theTokenLimitAndStopSequencesCutTheText() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = SimulatedEngine.builder().scheduler(vts)
                .scenario(Scenario.builder().answer("42", 1.0).outputTokens(20).build()).build();
        GenerationRequest limited = GenerationRequest.of("q",
                SamplingParameters.builder().maxTokens(5).seed(3).build());
        Trace cut = trace(engine, vts, limited);
        assertThat(cut.deltas()).hasSize(5);
        assertThat(cut.generation().finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(cut.text()).doesNotContain("answer");

        GenerationRequest stopped = GenerationRequest.of("q",
                SamplingParameters.builder().stop(List.of(" is")).seed(3).build());
        Trace s = trace(engine, vts, stopped);
        assertThat(s.text()).endsWith("The answer");
        assertThat(s.generation().finishReason()).isEqualTo(FinishReason.STOP);

        GenerationRequest mid = GenerationRequest.of("q",
                SamplingParameters.builder().stop(List.of("swer")).seed(3).build());
        assertThat(trace(engine, vts, mid).text()).endsWith("The an");
    }

    @Test
    void temperatureZeroGivesTheMostProbableAnswerEveryTime() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = engine(vts, 1);
        for (long seed = 0; seed < 30; seed++) {
            GenerationRequest greedy = GenerationRequest.of("q",
                    SamplingParameters.builder().temperature(0).maxTokens(1000).seed(seed).build());
            assertThat(trace(engine, vts, greedy).text()).endsWith("The answer is 42.");
        }
    }

    @Test
    void cancellingStopsTheTimerSoNothingMoreIsEmitted() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = SimulatedEngine.builder().scheduler(vts)
                .scenario(Scenario.builder().answer("42", 1.0).firstTokenLatency(Duration.ofMillis(100))
                        .medianTokenLatency(Duration.ofMillis(10), 0).outputTokens(1000).build())
                .build();
        List<GenerationEvent> events = new ArrayList<>();
        Disposable d = engine.stream(request("q", 1L)).subscribe(events::add);
        vts.advanceTimeBy(Duration.ofMillis(100 + 10 * 4));
        assertThat(events).hasSize(5);
        assertThat(engine.active()).isEqualTo(1);
        d.dispose();
        assertThat(engine.cancelled()).isEqualTo(1);
        assertThat(engine.active()).isZero();
        vts.advanceTimeBy(Duration.ofHours(1));
        assertThat(events).hasSize(5);
        assertThat(engine.emittedTokens()).isEqualTo(5);
        assertThat(engine.completed()).isZero();
    }

    @Test
    void failuresAreTransientAndArriveAfterTheFirstTokenLatency() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = SimulatedEngine.builder().scheduler(vts)
                .scenario(Scenario.builder().failureProbability(1).firstTokenLatency(Duration.ofSeconds(2)).build())
                .build();
        AtomicReference<Throwable> error = new AtomicReference<>();
        engine.stream(request("q", 1L)).subscribe(e -> { }, error::set);
        vts.advanceTimeBy(Duration.ofMillis(1999));
        assertThat(error.get()).isNull();
        vts.advanceTimeBy(Duration.ofMillis(1));
        assertThat(error.get()).isInstanceOf(TransientInferenceException.class)
                .hasMessageStartingWith("simulated: ");
        assertThat(engine.failed()).isEqualTo(1);
    }

    @Test
    void aThrowingScenarioFunctionOrAMissingUserMessageFailsPermanently() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = SimulatedEngine.builder().scheduler(vts).scenario(q -> {
            throw new IllegalArgumentException("unknown question " + q);
        }).build();
        AtomicReference<Throwable> error = new AtomicReference<>();
        engine.stream(request("q", 1L)).subscribe(e -> { }, error::set);
        assertThat(error.get()).isInstanceOf(PermanentInferenceException.class)
                .hasMessageContaining("unknown question q");

        AtomicReference<Throwable> noUser = new AtomicReference<>();
        SimulatedEngine.builder().scheduler(vts).build()
                .stream(new GenerationRequest(List.of(Message.system("s")), SamplingParameters.defaults()))
                .subscribe(e -> { }, noUser::set);
        assertThat(noUser.get()).isInstanceOf(PermanentInferenceException.class)
                .hasMessageContaining("no user message");
    }

    @Test
    void closingFailsRunningGenerationsAndRefusesNewOnes() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedEngine engine = engine(vts, 1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        engine.stream(request("q", 1L)).subscribe(e -> { }, error::set);
        vts.advanceTimeBy(Duration.ofMillis(160));
        engine.close();
        assertThat(error.get()).isInstanceOf(PermanentInferenceException.class).hasMessageContaining("closed");
        assertThat(engine.active()).isZero();
        AtomicReference<Throwable> later = new AtomicReference<>();
        engine.stream(request("q", 1L)).subscribe(e -> { }, later::set);
        assertThat(later.get()).isInstanceOf(PermanentInferenceException.class);
        engine.close();
    }

    @Test
    void theBuilderAndScenariosValidate() {
        assertThatThrownBy(() -> SimulatedEngine.builder().name("fake-model"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start with 'simulated'");
        assertThat(SimulatedEngine.builder().name("simulated-hard").build().name()).isEqualTo("simulated-hard");
        assertThatThrownBy(() -> Scenario.builder().answer("1", 0.7).answer("2", 0.4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum to at most 1");
        assertThatThrownBy(() -> Scenario.builder().answer("1", 0.7).failureProbability(0.4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum to at most 1");
        assertThatThrownBy(() -> Scenario.builder().answer("1", -0.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> Scenario.builder().answer(" ", 0.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> Scenario.builder().answer("1", 0.1).answer("1", 0.2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> Scenario.builder().outputTokens(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minOutputTokens");
        assertThatThrownBy(() -> Scenario.builder().outputTokens(5, 4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxOutputTokens");
        assertThatThrownBy(() -> Scenario.builder().answer("1", 0.1, 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new Scenario(Map.of("1", 0.5), 0, Duration.ZERO, 1, 0, 1, 1,
                Map.of("2", new Scenario.TokenRange(1, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not one of the answers");
        assertThatThrownBy(() -> Scenario.builder().perTokenLatency(1, -1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perTokenLogSigma");
        assertThatThrownBy(() -> Scenario.builder().firstTokenLatency(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("firstTokenLatency");
        assertThatThrownBy(() -> Scenario.builder().medianTokenLatency(Duration.ZERO, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");

        Scenario s = Scenario.builder().answers(Map.of("7", 0.25)).failureProbability(0.25)
                .medianTokenLatency(Duration.ofMillis(40), 0.1).build();
        assertThat(s.noAnswerProbability()).isEqualTo(0.5);
        assertThat(s.probability("7")).isEqualTo(0.25);
        assertThat(s.probability("8")).isZero();
        assertThat(s.medianTokenLatency()).isEqualTo(Duration.ofMillis(40));
        assertThat(s.toBuilder().build()).isEqualTo(s);
        assertThat(SimulatedEngine.builder().seed(3).build().describe()).startsWith("simulated (seed 3;");
    }
}

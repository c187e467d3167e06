package dev.contemplate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.Ballots;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.Provenance;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The aggregation step after the agents stop, in virtual time: a judge-like aggregator's calls are reported as events,
 * count in the tokens, stream the answer, and fall back to the vote (saying why) when they fail or the deadline
 * comes; cancelling the contemplation cancels them in the engine.
 */
class AggregationPhaseTest {

    @BeforeAll
    static void guardAgainstHangs() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void resetGuard() {
        StepVerifier.resetDefaultTimeout();
    }

    private static final String JUDGE = "JUDGE";

    /** Agents answer by seed (100: 5, 101: 5, 102: 9); the judge call, recognised by its prompt, gets {@code judge}. */
    private static Function<GenerationRequest, Script> scripts(Script judge) {
        return r -> {
            String last = r.messages().get(r.messages().size() - 1).text();
            if (last.startsWith(JUDGE)) {
                return judge;
            }
            long seed = r.sampling().seed().orElseThrow();
            return Script.text("The answer is " + (seed == 102 ? "9" : "5") + ".", Duration.ofSeconds(seed - 99));
        };
    }

    /** Asks the engine once, streaming as the answer, and decides for the judge's text. */
    private static final Aggregator MERGER = new Aggregator() {
        @Override
        public String name() {
            return "merger";
        }

        @Override
        public Mono<Decision> aggregate(Ballots ballots, AggregationContext context) {
            GenerationRequest request = GenerationRequest.of(JUDGE + " " + ballots.answered().size(),
                    SamplingParameters.builder().temperature(0).build());
            return context.call("synthesis", context.engine(), request, true)
                    .ofType(GenerationEvent.Completed.class)
                    .single()
                    .map(c -> new Decision(Optional.of(new Answer("merged", c.generation().text())), 1.0,
                            c.generation().text(), Provenance.of("merger", List.of("agent-1"))));
        }
    };

    private static Contemplator contemplator(ScriptedEngine engine, VirtualTimeScheduler vts, Duration deadline) {
        return contemplator(engine, vts, Budget.builder().deadline(deadline).build());
    }

    private static Contemplator contemplator(ScriptedEngine engine, VirtualTimeScheduler vts, Budget budget) {
        return Contemplator.builder().engine(engine)
                .team(Team.builder().size(3).seed(100).build())
                .extractor(AnswerExtractors.numeric())
                .stoppingRule(StoppingRules.fixed())
                .aggregator(MERGER)
                .budget(budget)
                .clock(vts).build();
    }

    private static Verdict verdict(Contemplator c, VirtualTimeScheduler vts) {
        Verdict[] out = new Verdict[1];
        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(100))
                .consumeNextWith(v -> out[0] = v)
                .verifyComplete();
        return out[0];
    }

    @Test
    void theJudgeMayNotWriteMoreThanTheTokenBudgetHasLeftAndIsNotCalledOnceItIsSpent() {
        Script judge = Script.text("Both agree on five.", Duration.ofSeconds(2));
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Verdict free = verdict(contemplator(ScriptedEngine.builder().scheduler(vts).script(scripts(judge)).build(), vts,
                Duration.ofSeconds(60)), vts);
        long agentTokens = free.tokens().totalTokens() - free.aggregationTokens().totalTokens();

        VirtualTimeScheduler vts2 = VirtualTimeScheduler.create();
        ScriptedEngine tight = ScriptedEngine.builder().scheduler(vts2).script(scripts(judge)).build();
        Verdict clamped = verdict(contemplator(tight, vts2, Budget.builder().maxTotalTokens(agentTokens + 2).build()),
                vts2);
        assertThat(tight.requests()).hasSize(4);
        assertThat(tight.requests().get(3).sampling().maxTokens()).isEqualTo(2);
        assertThat(clamped.stopReason()).isEqualTo(StopReason.ALL_AGENTS_DONE);

        VirtualTimeScheduler vts3 = VirtualTimeScheduler.create();
        ScriptedEngine spent = ScriptedEngine.builder().scheduler(vts3).script(scripts(judge)).build();
        Verdict none = verdict(contemplator(spent, vts3, Budget.builder().maxTotalTokens(agentTokens).build()), vts3);
        assertThat(spent.requests()).hasSize(3);
        assertThat(none.provenance().fallback()).contains("the token budget was spent before merger could run");
    }

    @Test
    void anAggregatorWithoutAnAnswerFallsBackToTheVoteWithItsReason() {
        Aggregator empty = new Aggregator() {
            @Override
            public String name() {
                return "shy";
            }

            @Override
            public Mono<Decision> aggregate(Ballots ballots, AggregationContext context) {
                return Mono.just(Decision.none("shy").withFallback("nothing convinced me"));
            }
        };
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts)
                .script(scripts(Script.text("unused", Duration.ofSeconds(1)))).build();
        Contemplator c = Contemplator.builder().engine(engine).team(Team.builder().size(3).seed(100).build())
                .extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed()).aggregator(empty)
                .clock(vts).build();
        Verdict v = verdict(c, vts);
        assertThat(v.answer().key()).isEqualTo("5");
        assertThat(v.provenance().fallback()).contains("shy gave no answer: nothing convinced me");
    }

    @Test
    void theAggregatorsCallIsReportedStreamedAndCounted() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts)
                .script(scripts(Script.text("Both agree on five.", Duration.ofSeconds(2)))).build();
        Contemplator c = contemplator(engine, vts, Duration.ofSeconds(60));
        List<ContemplationEvent> events = new ArrayList<>();
        StepVerifier.withVirtualTime(() -> c.events("q", Mode.CONTEMPLATE, c.budget()), () -> vts, Long.MAX_VALUE)
                .recordWith(() -> events)
                .thenAwait(Duration.ofSeconds(100))
                .thenConsumeWhile(e -> true)
                .verifyComplete();
        Verdict v = ((ContemplationEvent.VerdictReady) events.get(events.size() - 1)).verdict();
        assertThat(v.text()).isEqualTo("Both agree on five.");
        assertThat(v.provenance().method()).isEqualTo("merger");
        assertThat(v.provenance().fallback()).isEmpty();
        assertThat(v.elapsed()).isEqualTo(Duration.ofSeconds(5));
        // "Both agree on five." streams as 4 word tokens; each agent's "The answer is N." as 4
        assertThat(v.aggregationTokens().outputTokens()).isEqualTo(4);
        assertThat(v.tokens().outputTokens()).isEqualTo(3 * 4 + 4);
        assertThat(engine.requests().get(3).messages().get(0).text()).isEqualTo(JUDGE + " 3");
        int stopped = indexOf(events, ContemplationEvent.Stopped.class);
        int started = indexOf(events, ContemplationEvent.AggregationCallStarted.class);
        int finished = indexOf(events, ContemplationEvent.AggregationCallFinished.class);
        assertThat(stopped).isLessThan(started);
        assertThat(started).isLessThan(finished);
        assertThat(events.subList(started, finished)).filteredOn(ContemplationEvent.AnswerDelta.class::isInstance)
                .extracting(e -> ((ContemplationEvent.AnswerDelta) e).text())
                .containsExactly("Both", " agree", " on", " five.");
        assertThat(((ContemplationEvent.AggregationCallStarted) events.get(started)).role()).isEqualTo("synthesis");
    }

    @Test
    void aDeadlinePassedBeforeAggregationLeavesTheVoteToDecide() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        // the third agent would answer after the deadline: the run is cut at 2.5 s, with nothing left for the judge
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts)
                .script(scripts(Script.text("unused", Duration.ofSeconds(1)))).build();
        Verdict v = verdict(contemplator(engine, vts, Duration.ofMillis(2500)), vts);
        assertThat(v.stopReason()).isEqualTo(StopReason.DEADLINE);
        assertThat(v.provenance().fallback()).hasValueSatisfying(f -> assertThat(f)
                .isEqualTo("the deadline passed before merger could run"));
        assertThat(v.elapsed()).isEqualTo(Duration.ofMillis(2500));
        assertThat(engine.requests()).hasSize(3);
    }

    @Test
    void aJudgeCutByTheDeadlineFallsBackToTheVoteWithoutOverrunAndIsCancelledInTheEngine() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts)
                .script(scripts(Script.text("Too slow.", Duration.ofSeconds(30)))).build();
        Contemplator c = contemplator(engine, vts, Duration.ofSeconds(10));
        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(10))
                .assertNext(v -> {
                    assertThat(v.answer().key()).isEqualTo("5");
                    assertThat(v.text()).isEqualTo("The answer is 5.");
                    assertThat(v.provenance().method()).isEqualTo("majority");
                    assertThat(v.provenance().fallback()).hasValueSatisfying(
                            f -> assertThat(f).contains("merger was cut at the deadline"));
                    assertThat(v.elapsed()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(v.complete()).isTrue();
                })
                .verifyComplete();
        assertThat(engine.cancelled()).isEqualTo(1);
        assertThat(engine.active()).isZero();
    }

    @Test
    void aFailedJudgeCallFallsBackToTheVoteAndSaysWhy() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts)
                .script(scripts(Script.failure(new IllegalStateException("judge down"), Duration.ofSeconds(1))))
                .build();
        Contemplator c = contemplator(engine, vts, Duration.ofSeconds(60));
        List<ContemplationEvent> events = new ArrayList<>();
        StepVerifier.withVirtualTime(() -> c.events("q", Mode.CONTEMPLATE, c.budget()), () -> vts, Long.MAX_VALUE)
                .recordWith(() -> events)
                .thenAwait(Duration.ofSeconds(100))
                .thenConsumeWhile(e -> true)
                .verifyComplete();
        Verdict v = ((ContemplationEvent.VerdictReady) events.get(events.size() - 1)).verdict();
        assertThat(v.answer().key()).isEqualTo("5");
        assertThat(v.provenance().basis()).containsExactly("agent-1", "agent-2");
        assertThat(v.provenance().fallback()).hasValueSatisfying(f -> assertThat(f).startsWith("merger failed: "));
        assertThat(events).filteredOn(ContemplationEvent.AggregationCallFailed.class::isInstance).hasSize(1);
    }

    @Test
    void cancellingTheContemplationCancelsTheJudgeInTheEngine() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts)
                .script(scripts(Script.text("Slow judge.", Duration.ofSeconds(30)))).build();
        Contemplator c = contemplator(engine, vts, Duration.ofSeconds(60));
        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(5))
                .then(() -> assertThat(engine.active()).isEqualTo(1))
                .thenCancel()
                .verify();
        assertThat(engine.active()).isZero();
        assertThat(engine.cancelled()).isEqualTo(1);
    }

    @Test
    void withOneAnsweredCandidateTheVoteDecidesAndSaysWhy() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts)
                .script(scripts(Script.text("unused", Duration.ofSeconds(1)))).build();
        Contemplator c = Contemplator.builder().engine(engine)
                .team(Team.builder().size(1).seed(100).build())
                .extractor(AnswerExtractors.numeric()).aggregator(MERGER).clock(vts).build();
        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(v -> assertThat(v.provenance().fallback()).hasValueSatisfying(
                        f -> assertThat(f).contains("only one answered candidate")))
                .verifyComplete();
        assertThat(engine.started()).isEqualTo(1);
    }

    @Test
    void aJudgeEngineMakesSynthesisTheDefaultLastStep() {
        ScriptedEngine engine = ScriptedEngine.constant(Script.text("x", Duration.ZERO));
        ScriptedEngine judge = ScriptedEngine.constant(Script.text("y", Duration.ZERO));
        assertThat(Contemplator.builder().engine(engine).build().aggregator().name()).isEqualTo("vote");
        assertThat(Contemplator.builder().engine(engine).judgeEngine(judge).build().aggregator().name())
                .isEqualTo("synthesis");
        assertThat(Contemplator.builder().engine(engine).judgeEngine(judge).aggregator(MERGER).build().aggregator())
                .isSameAs(MERGER);
    }

    private static int indexOf(List<ContemplationEvent> events, Class<?> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + events);
    }
}

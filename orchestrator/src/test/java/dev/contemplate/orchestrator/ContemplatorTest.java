package dev.contemplate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Budgets, deadlines, waves, early stopping and cancellation of the orchestrator, in virtual time, over a
 * scripted engine whose answers and latencies are programmed per agent (agent i has seed 100 + i).
 */
class ContemplatorTest {

    @org.junit.jupiter.api.BeforeAll
    static void guardAgainstHangs() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(30));
    }

    @org.junit.jupiter.api.AfterAll
    static void resetGuard() {
        StepVerifier.resetDefaultTimeout();
    }

    private static final long BASE_SEED = 100;

    /** A script keyed by agent ordinal (seed - BASE_SEED). */
    private static Function<GenerationRequest, Script> perAgent(Map<Integer, Script> scripts) {
        return r -> {
            int ordinal = (int) (r.sampling().seed().orElseThrow() - BASE_SEED);
            Script s = scripts.get(ordinal);
            if (s == null) {
                throw new IllegalStateException("no script for agent " + ordinal);
            }
            return s;
        };
    }

    private static Script answer(String value, long seconds) {
        return Script.text("Let me think. The answer is " + value + ".", Duration.ofSeconds(seconds));
    }

    private static Contemplator.Builder contemplator(ScriptedEngine engine, int agents, StoppingRule rule,
            VirtualTimeScheduler vts) {
        return Contemplator.builder()
                .engine(engine)
                .team(Team.builder().size(agents).seed(BASE_SEED).build())
                .extractor(AnswerExtractors.numeric())
                .stoppingRule(rule)
                .clock(vts);
    }

    @Test
    void stopsAsSoonAsTheBetaRuleIsSatisfiedAndCancelsTheRest() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(perAgent(Map.of(
                0, answer("42", 1), 1, answer("42", 2), 2, answer("42", 3), 3, answer("42", 4),
                4, answer("7", 10), 5, answer("7", 10), 6, answer("7", 10), 7, answer("7", 10)))).build();
        Contemplator c = contemplator(engine, 8, StoppingRules.beta(0.95), vts).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(3999))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(v -> {
                    assertThat(v.answer().key()).isEqualTo("42");
                    assertThat(v.confidence()).isEqualTo(1.0);
                    assertThat(v.complete()).isTrue();
                    assertThat(v.stopReason()).isEqualTo(StopReason.RULE_SATISFIED);
                    assertThat(v.stoppingRule()).isEqualTo("beta:0.95");
                    assertThat(v.elapsed()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(v.count(AgentOutcome.Status.FINISHED)).isEqualTo(4);
                    assertThat(v.count(AgentOutcome.Status.CANCELLED)).isEqualTo(4);
                    assertThat(v.tally().counts()).isEqualTo(Map.of("42", 4));
                    // "Let me think. The answer is 42." streams as 7 word tokens
                    assertThat(v.tokens().counted().outputTokens()).isEqualTo(4L * 7);
                    // the four cut agents had streamed part of "... 7." over 10 s: 4 x 2 tokens by t=4 s
                    assertThat(v.tokens().cut().outputTokens()).isEqualTo(4L * 2);
                    assertThat(v.agents().subList(4, 8)).allSatisfy(o -> assertThat(o.usage().outputTokens())
                            .isEqualTo(2));
                    assertThat(v.agents()).extracting(AgentOutcome::agentId)
                            .containsExactly("agent-1", "agent-2", "agent-3", "agent-4", "agent-5", "agent-6",
                                    "agent-7", "agent-8");
                })
                .verifyComplete();
        assertThat(engine.cancelled()).isEqualTo(4);
        assertThat(engine.active()).isZero();
    }

    @Test
    void agentsWithEnginesOfTheirOwnRunOnThemAndTheRestOnTheContemplatorsEngine() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine shared = ScriptedEngine.builder().name("shared").scheduler(vts)
                .script(r -> answer("42", 1)).build();
        ScriptedEngine fast = ScriptedEngine.builder().name("fast").scheduler(vts).script(r -> answer("42", 1)).build();
        ScriptedEngine large = ScriptedEngine.builder().name("large").scheduler(vts).script(r -> answer("7", 2))
                .build();
        Team team = Team.builder().size(5).seed(BASE_SEED).engines(List.of(fast, fast, large)).build();
        assertThat(team.agents()).extracting(a -> a.engine().orElseThrow().name())
                .containsExactly("fast", "fast", "large", "fast", "fast");
        Contemplator c = Contemplator.builder().engine(shared).team(team).extractor(AnswerExtractors.numeric())
                .stoppingRule(StoppingRules.fixed()).clock(vts).build();

        List<ContemplationEvent> events = new java.util.ArrayList<>();
        StepVerifier.withVirtualTime(() -> c.events("q", Mode.CONTEMPLATE, Budget.unlimited()), () -> vts,
                        Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(2))
                .recordWith(() -> events)
                .thenConsumeWhile(e -> true)
                .verifyComplete();
        assertThat(events).filteredOn(ContemplationEvent.AgentStarted.class::isInstance)
                .extracting(e -> ((ContemplationEvent.AgentStarted) e).engine())
                .containsExactly("fast", "fast", "large", "fast", "fast");
        Verdict v = events.stream().filter(ContemplationEvent.VerdictReady.class::isInstance)
                .map(e -> ((ContemplationEvent.VerdictReady) e).verdict()).findFirst().orElseThrow();
        assertThat(v.tally().counts()).isEqualTo(Map.of("42", 4, "7", 1));
        // tokens per engine, in team order of first use: "Let me think. The answer is N." streams as 7 tokens
        assertThat(v.tokens().byEngine().keySet()).containsExactly("fast", "large");
        assertThat(v.tokens().byEngine().get("fast").outputTokens()).isEqualTo(4 * 7);
        assertThat(v.tokens().byEngine().get("large").outputTokens()).isEqualTo(7);
        assertThat(v.tokens().byEngine().values().stream().mapToLong(u -> u.totalTokens()).sum())
                .isEqualTo(v.tokens().agents().totalTokens()).isPositive();
        assertThat(fast.started()).isEqualTo(4);
        assertThat(large.started()).isEqualTo(1);
        assertThat(shared.started()).isZero();
        assertThatThrownBy(() -> Team.builder().engines(java.util.Arrays.asList(fast, null)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("engine");
    }

    @Test
    void atTheDeadlineReturnsTheBestVerdictSoFarMarkedIncompleteWithoutOverrun() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(perAgent(Map.of(
                0, answer("5", 1), 1, answer("5", 2), 2, answer("9", 3),
                3, answer("5", 60), 4, answer("5", 60)))).build();
        Contemplator c = contemplator(engine, 5, StoppingRules.fixed(), vts)
                .budget(Budget.builder().deadline(Duration.ofSeconds(5)).build()).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(4999))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(v -> {
                    assertThat(v.answer().key()).isEqualTo("5");
                    assertThat(v.confidence()).isEqualTo(2.0 / 3);
                    assertThat(v.complete()).isFalse();
                    assertThat(v.stopReason()).isEqualTo(StopReason.DEADLINE);
                    assertThat(v.elapsed()).as("virtual-time overrun is zero").isEqualTo(Duration.ofSeconds(5));
                    assertThat(v.count(AgentOutcome.Status.CANCELLED)).isEqualTo(2);
                })
                .verifyComplete();
        assertThat(engine.cancelled()).isEqualTo(2);
        assertThat(engine.active()).isZero();
    }

    @Test
    void failsWithATypedTimeoutWhenNoAgentAnsweredByTheDeadline() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts)
                .script(r -> answer("1", 30)).build();
        Contemplator c = contemplator(engine, 3, StoppingRules.fixed(), vts)
                .budget(Budget.builder().deadline(Duration.ofSeconds(2)).build()).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1999))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(ContemplationTimeoutException.class);
                    ContemplationTimeoutException t = (ContemplationTimeoutException) e;
                    assertThat(t.isRetryable()).isTrue();
                    assertThat(t.deadline()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(t.agents()).allMatch(a -> a.status() == AgentOutcome.Status.CANCELLED);
                })
                .verify();
        assertThat(engine.cancelled()).isEqualTo(3);
        assertThat(engine.active()).isZero();
    }

    @Test
    void failedAndUnanswerableAgentsAreReportedAndLeftOut() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(perAgent(Map.of(
                0, Script.failure(new PermanentInferenceException("scripted", "boom", null), Duration.ofSeconds(1)),
                1, Script.text("I do not know.", Duration.ofSeconds(1)),
                2, Script.text("", Duration.ofSeconds(1)),
                3, answer("8", 2),
                4, answer("3", 3)))).build();
        Contemplator c = contemplator(engine, 5, StoppingRules.fixed(), vts).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(3))
                .assertNext(v -> {
                    assertThat(v.stopReason()).isEqualTo(StopReason.ALL_AGENTS_DONE);
                    // 8 and 3 tie with one vote each: the lower team ordinal (agent-4) wins
                    assertThat(v.answer().key()).isEqualTo("8");
                    assertThat(v.tally().answered()).isEqualTo(2);
                    assertThat(v.tally().unanswered()).isEqualTo(2);
                    assertThat(v.count(AgentOutcome.Status.FAILED)).isEqualTo(3);
                    assertThat(v.agents().get(0)).isInstanceOfSatisfying(AgentOutcome.Failed.class,
                            f -> assertThat(f.cause()).isInstanceOf(PermanentInferenceException.class));
                    assertThat(v.agents().get(1)).isInstanceOfSatisfying(AgentOutcome.Failed.class,
                            f -> assertThat(f.cause()).isInstanceOf(NoAnswerException.class)
                                    .hasMessageContaining("no extractable answer"));
                    assertThat(v.agents().get(2)).isInstanceOfSatisfying(AgentOutcome.Failed.class,
                            f -> assertThat(f.cause()).hasMessageContaining("empty"));
                })
                .verifyComplete();
    }

    @Test
    void failsWithEveryCauseAttachedWhenAllAgentsFail() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(perAgent(Map.of(
                0, Script.failure(new TransientInferenceException("scripted", "overloaded", null), Duration.ofSeconds(1)),
                1, Script.text("no idea", Duration.ofSeconds(2))))).build();
        Contemplator c = contemplator(engine, 2, StoppingRules.fixed(), vts).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(2))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(AllAgentsFailedException.class)
                            .hasMessageContaining("agent-1 failed").hasMessageContaining("overloaded");
                    assertThat(((AllAgentsFailedException) e).isRetryable()).isTrue();
                    assertThat(e.getSuppressed()).hasSize(2);
                    assertThat(e.getSuppressed()[0]).isInstanceOf(TransientInferenceException.class);
                    assertThat(e.getSuppressed()[1]).isInstanceOf(NoAnswerException.class);
                })
                .verify();
    }

    @Test
    void wavesStartTheNextWaveOnlyAfterThePreviousEndedAndNotAfterAStop() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(perAgent(Map.of(
                0, answer("1", 1), 1, answer("1", 3),
                2, answer("1", 1), 3, answer("1", 1),
                4, answer("1", 1), 5, answer("1", 1)))).build();
        Contemplator c = contemplator(engine, 6, StoppingRules.unassailable(), vts)
                .scheduling(Scheduling.waves(2)).build();

        StepVerifier.withVirtualTime(() -> c.events("q", Mode.CONTEMPLATE, Budget.unlimited()).collectList(),
                        () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(10))
                .assertNext(events -> {
                    List<ContemplationEvent.AgentStarted> starts = events.stream()
                            .filter(ContemplationEvent.AgentStarted.class::isInstance)
                            .map(ContemplationEvent.AgentStarted.class::cast).toList();
                    // wave 1 at t=0 ends at t=3 with 2:0 and 4 remaining (2 > 0 + 4 fails: not settled); wave 2
                    // starts at t=3 and ends at t=4 with 4:0 and 2 remaining: 4 > 0 + 2, unassailable, so wave 3
                    // never starts
                    assertThat(starts).extracting(s -> s.agentId() + "@" + s.elapsed().toSeconds())
                            .containsExactly("agent-1@0", "agent-2@0", "agent-3@3", "agent-4@3");
                    Verdict v = ((ContemplationEvent.VerdictReady) events.get(events.size() - 1)).verdict();
                    assertThat(v.stopReason()).isEqualTo(StopReason.RULE_SATISFIED);
                    assertThat(v.elapsed()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(v.count(AgentOutcome.Status.NOT_STARTED)).isEqualTo(2);
                    assertThat(v.count(AgentOutcome.Status.CANCELLED)).isZero();
                })
                .verifyComplete();
        assertThat(engine.started()).isEqualTo(4);
        assertThat(engine.cancelled()).isZero();
    }

    @Test
    void staggeredSchedulingStartsTheOthersAtTheLeadersFirstTokenOrAfterTheLead() {
        java.util.function.Function<Duration, List<String>> startsWithLead = lead -> {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            // the leader's first token arrives at 300 ms (1 token of a 1-token text over 300 ms)
            ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(perAgent(Map.of(
                    0, Script.text("#9", Duration.ofMillis(300)), 1, answer("9", 1), 2, answer("9", 1)))).build();
            Contemplator c = contemplator(engine, 3, StoppingRules.fixed(), vts)
                    .scheduling(Scheduling.staggered(lead)).build();
            List<String> starts = new java.util.ArrayList<>();
            StepVerifier.withVirtualTime(() -> c.events("q", Mode.CONTEMPLATE, Budget.unlimited())
                                    .ofType(ContemplationEvent.AgentStarted.class)
                                    .doOnNext(s -> starts.add(s.agentId() + "@" + s.elapsed().toMillis())),
                            () -> vts, Long.MAX_VALUE)
                    .thenAwait(Duration.ofSeconds(5))
                    .expectNextCount(3)
                    .verifyComplete();
            return starts;
        };
        assertThat(startsWithLead.apply(Duration.ofSeconds(1))).containsExactly("agent-1@0", "agent-2@300", "agent-3@300");
        assertThat(startsWithLead.apply(Duration.ofMillis(100))).containsExactly("agent-1@0", "agent-2@100", "agent-3@100");
        assertThatThrownBy(() -> Scheduling.staggered(Duration.ofMillis(-1))).hasMessageContaining("lead must be >= 0");
    }

    @Test
    void autoModeStartsWithOneAgentAndEscalatesOnlyWhileTheRuleIsUnsatisfied() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts)
                .script(r -> answer("12", 1)).build();
        Contemplator c = contemplator(engine, 16, StoppingRules.beta(0.95), vts).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q", Mode.AUTO), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(3))
                .assertNext(v -> {
                    // waves of 1, 1, 2 agents: 4 unanimous answers satisfy beta:0.95 after 3 s
                    assertThat(v.started()).isEqualTo(4);
                    assertThat(v.elapsed()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(v.stopReason()).isEqualTo(StopReason.RULE_SATISFIED);
                    assertThat(v.count(AgentOutcome.Status.NOT_STARTED)).isEqualTo(12);
                    assertThat(v.mode()).isEqualTo(Mode.AUTO);
                })
                .verifyComplete();
    }

    @Test
    void fastModeRunsOnlyTheFirstAgent() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(r -> answer("3", 2)).build();
        Contemplator c = contemplator(engine, 8, StoppingRules.beta(0.95), vts).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q", Mode.FAST), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(v -> {
                    assertThat(v.agents()).hasSize(1);
                    assertThat(v.answer().key()).isEqualTo("3");
                    assertThat(v.complete()).isTrue();
                    assertThat(v.stopReason()).isEqualTo(StopReason.ALL_AGENTS_DONE);
                })
                .verifyComplete();
        assertThat(engine.started()).isEqualTo(1);
    }

    @Test
    void theTokenBudgetIsEnforcedWhileTokensStreamAndCutAgentsCountWhatTheySpent() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(perAgent(Map.of(
                0, answer("4", 1), 1, answer("5", 2), 2, answer("4", 3), 3, answer("4", 9)))).build();
        // each agent's prompt is 21 word tokens and its answer 7 tokens spread evenly over its latency: the 4
        // prompts take 84 tokens, so the budget of 100 is passed when 17 tokens have streamed, at about 1.6 s, after
        // agent-1 answered (28 tokens) and while the three others are mid-answer
        Contemplator c = contemplator(engine, 4, StoppingRules.fixed(), vts)
                .budget(Budget.builder().maxTotalTokens(100).build()).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(2))
                .assertNext(v -> {
                    assertThat(v.stopReason()).isEqualTo(StopReason.TOKEN_BUDGET);
                    assertThat(v.complete()).isFalse();
                    assertThat(v.elapsed()).isLessThan(Duration.ofSeconds(2));
                    assertThat(v.answer().key()).isEqualTo("4");
                    assertThat(v.count(AgentOutcome.Status.FINISHED)).isEqualTo(1);
                    assertThat(v.count(AgentOutcome.Status.CANCELLED)).isEqualTo(3);
                    assertThat(v.tokens().counted()).isEqualTo(new TokenUsage(21, 7));
                    List<AgentOutcome> cut = v.agents().subList(1, 4);
                    assertThat(cut).allSatisfy(o -> {
                        assertThat(o).isInstanceOf(AgentOutcome.Cancelled.class);
                        assertThat(o.usage().inputTokens()).isEqualTo(21);
                        assertThat(o.usage().outputTokens()).isBetween(1L, 6L);
                        assertThat(((AgentOutcome.Cancelled) o).metering()).isEqualTo(Metering.EXACT);
                    });
                    assertThat(v.tokens().cut()).isEqualTo(cut.stream().map(AgentOutcome::usage)
                            .reduce(TokenUsage.ZERO, TokenUsage::plus));
                    assertThat(v.tokens().estimated()).isFalse();
                    // the stop came at the token that went past the budget: nothing streamed after it
                    assertThat(v.tokens().totalTokens()).isEqualTo(101);
                })
                .verifyComplete();
        assertThat(engine.cancelled()).isEqualTo(3);
    }

    @Test
    void aLaterWaveIsCutAtItsFirstTokenOnceTheBudgetIsSpent() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(perAgent(Map.of(
                0, answer("4", 1), 1, answer("5", 2)))).build();
        Contemplator c = contemplator(engine, 2, StoppingRules.fixed(), vts)
                .scheduling(Scheduling.waves(1))
                .budget(Budget.builder().maxTotalTokens(29).build()).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(3))
                .assertNext(v -> {
                    // the first wave's agent completed at 28 tokens (under 29) and counted; the second wave's
                    // first delta (its prompt's 21 tokens and one output token) crossed the budget and was cut
                    assertThat(v.stopReason()).isEqualTo(StopReason.TOKEN_BUDGET);
                    assertThat(v.answer().key()).isEqualTo("4");
                    assertThat(v.tokens().counted().totalTokens()).isEqualTo(28);
                    assertThat(v.tokens().cut()).isEqualTo(new TokenUsage(21, 1));
                })
                .verifyComplete();
    }

    @Test
    void theSameSeedsOnASeededEngineGiveTheSameVerdict() {
        // the answer is a pseudo-random function of the agent's seed, as with a sampling engine that honours seeds
        Function<GenerationRequest, Script> seeded = r -> {
            long seed = r.sampling().seed().orElseThrow();
            java.util.Random rnd = new java.util.Random(seed);
            return answer(String.valueOf(rnd.nextInt(3)), 1 + rnd.nextInt(5));
        };
        Function<Long, Verdict> run = baseSeed -> {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(seeded).build();
            Contemplator c = Contemplator.builder().engine(engine)
                    .team(Team.builder().size(9).seed(baseSeed).build())
                    .extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed()).clock(vts).build();
            Verdict[] out = new Verdict[1];
            StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                    .thenAwait(Duration.ofSeconds(10))
                    .consumeNextWith(v -> out[0] = v)
                    .verifyComplete();
            return out[0];
        };
        Verdict a = run.apply(7L);
        Verdict b = run.apply(7L);
        assertThat(b.answer()).isEqualTo(a.answer());
        assertThat(b.tally().votes()).isEqualTo(a.tally().votes());
        assertThat(b.agents()).isEqualTo(a.agents());
        boolean anyDifferent = false;
        for (long s = 8; s < 20 && !anyDifferent; s++) {
            anyDifferent = !run.apply(s).tally().votes().equals(a.tally().votes());
        }
        assertThat(anyDifferent).as("other seeds give other samples").isTrue();
    }

    @Test
    void seedsAreDroppedForEnginesThatCannotHonourThem() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).seeds(false)
                .script(r -> answer("6", 1)).build();
        Contemplator c = contemplator(engine, 2, StoppingRules.fixed(), vts).build();
        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(v -> assertThat(v.answer().key()).isEqualTo("6"))
                .verifyComplete();
        assertThat(engine.requests()).allMatch(r -> r.sampling().seed().isEmpty());
    }

    @Test
    void cancellingTheCallCancelsEveryRunningAgentInTheEngine() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(r -> answer("1", 100)).build();
        Contemplator c = contemplator(engine, 5, StoppingRules.fixed(), vts).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .thenCancel()
                .verify();
        assertThat(engine.started()).isEqualTo(5);
        assertThat(engine.cancelled()).isEqualTo(5);
        assertThat(engine.active()).isZero();
        vts.advanceTimeBy(Duration.ofSeconds(200));
        assertThat(engine.completed()).as("nothing runs on after the cancel").isZero();
    }

    @Test
    void eventsReportProgressInOrder() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(perAgent(Map.of(
                0, answer("2", 1), 1, answer("2", 2), 2, answer("3", 50)))).build();
        Contemplator c = contemplator(engine, 3, StoppingRules.unassailable(), vts).build();

        StepVerifier.withVirtualTime(() -> c.events("q", Mode.CONTEMPLATE, Budget.unlimited()), () -> vts,
                        Long.MAX_VALUE)
                .expectNextMatches(e -> e instanceof ContemplationEvent.RoundStarted r && r.round() == 0
                        && r.step().equals("answer") && r.agentIds().equals(List.of("agent-1", "agent-2", "agent-3")))
                .expectNextMatches(e -> e instanceof ContemplationEvent.AgentStarted s && s.agentId().equals("agent-1")
                        && s.round() == 0 && s.engine().equals(s.model()))
                .expectNextMatches(e -> e instanceof ContemplationEvent.AgentStarted s && s.agentId().equals("agent-2"))
                .expectNextMatches(e -> e instanceof ContemplationEvent.AgentStarted s && s.agentId().equals("agent-3"))
                .thenAwait(Duration.ofSeconds(1))
                .expectNextMatches(e -> e instanceof ContemplationEvent.CandidateProduced p
                        && p.agentId().equals("agent-1") && p.answer().orElseThrow().key().equals("2"))
                .expectNextMatches(e -> e instanceof ContemplationEvent.TallyUpdated t && t.tally().samples() == 1)
                .thenAwait(Duration.ofSeconds(1))
                .expectNextMatches(e -> e instanceof ContemplationEvent.CandidateProduced p && p.agentId().equals("agent-2"))
                .expectNextMatches(e -> e instanceof ContemplationEvent.TallyUpdated t && t.tally().count("2") == 2)
                .expectNextMatches(e -> e instanceof ContemplationEvent.AgentCancelled a && a.agentId().equals("agent-3"))
                .expectNextMatches(e -> e instanceof ContemplationEvent.Stopped s
                        && s.reason() == StopReason.RULE_SATISFIED && s.elapsed().equals(Duration.ofSeconds(2)))
                .expectNextMatches(e -> e instanceof ContemplationEvent.VerdictReady v
                        && v.verdict().answer().key().equals("2"))
                .verifyComplete();
    }

    @Test
    void retriesTransientFailuresWithResilience4j() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        AtomicInteger calls = new AtomicInteger();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(r -> calls.getAndIncrement() == 0
                ? Script.failure(new TransientInferenceException("scripted", "503", null), Duration.ofSeconds(1))
                : answer("11", 1)).build();
        Retry retry = Retry.of("agents", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(100))
                .retryOnException(e -> e instanceof InferenceException ie && ie.isRetryable()).build());
        Contemplator c = contemplator(engine, 1, StoppingRules.fixed(), vts).retry(retry).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(5))
                .assertNext(v -> assertThat(v.answer().key()).isEqualTo("11"))
                .verifyComplete();
        assertThat(engine.started()).isEqualTo(2);
    }

    @Test
    void rejectsBadInputWithClearMessages() {
        ScriptedEngine engine = ScriptedEngine.constant(answer("1", 1));
        Contemplator c = Contemplator.builder().engine(engine).build();
        assertThatThrownBy(() -> c.contemplate("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("question must not be blank");
        assertThatThrownBy(() -> Contemplator.builder().build()).hasMessageContaining("engine is required");
        assertThatThrownBy(() -> Budget.builder().deadline(Duration.ZERO).build()).hasMessageContaining("deadline");
        assertThatThrownBy(() -> Budget.builder().maxAgents(0).build()).hasMessageContaining("maxAgents must be >= 1 but was 0");
        assertThatThrownBy(() -> Scheduling.waves(0)).hasMessageContaining("wave size must be >= 1 but was 0");
    }

    @Test
    void budgetMaxAgentsLimitsTheTeam() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(r -> answer("1", 1)).build();
        Contemplator c = contemplator(engine, 10, StoppingRules.fixed(), vts)
                .budget(Budget.builder().maxAgents(3).build()).build();
        StepVerifier.withVirtualTime(() -> c.contemplate("q"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(v -> assertThat(v.agents()).hasSize(3))
                .verifyComplete();
        assertThat(engine.maxActive()).isEqualTo(3);
    }

    @Test
    void realTimeRunLeavesNoActiveGeneration() {
        ScriptedEngine engine = ScriptedEngine.builder()
                .script(r -> r.sampling().seed().orElseThrow() == BASE_SEED
                        ? answer("5", 0) : Script.text("The answer is 5.", Duration.ofHours(1)))
                .build();
        Contemplator c = Contemplator.builder().engine(engine)
                .team(Team.builder().size(4).seed(BASE_SEED).build())
                .extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed(1)).build();
        Verdict v = c.contemplate("q").block(Duration.ofSeconds(30));
        assertThat(v).isNotNull();
        assertThat(v.answer().key()).isEqualTo("5");
        assertThat(v.stopReason()).isEqualTo(StopReason.RULE_SATISFIED);
        // the leader may answer before the last agents were even subscribed: those are not started or
        // cancelled, but every generation the engine started has ended, none by running to its hour-long end
        assertThat(v.count(AgentOutcome.Status.CANCELLED) + v.count(AgentOutcome.Status.NOT_STARTED)).isEqualTo(3);
        // an agent whose subscription was under way on the caller's thread while the leader's answer stopped the
        // run on another thread is cancelled by that thread before the verdict is delivered
        assertThat(engine.active()).isZero();
        assertThat(engine.completed()).isEqualTo(1);
        assertThat(engine.started()).isEqualTo(engine.completed() + engine.cancelled());
    }
}

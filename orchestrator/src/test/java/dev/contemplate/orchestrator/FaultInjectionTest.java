package dev.contemplate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.EngineCapabilities;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.RateLimitedException;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.simulated.FaultInjectingEngine;
import dev.contemplate.inference.simulated.FaultInjectingEngine.Fault;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Seeded contemplations of eight agents over an engine that injects faults (errors, rate limits, stalls, slow, cut,
 * empty and corrupt outputs), in virtual time, with no guard, a retry, Resilience4j guard rails (time limit, retry,
 * circuit breaker) or hedging between the agents and the engine. For every run: it ends with a verdict or a typed
 * {@link ContemplationException} by its deadline, with no slack; every agent whose generation completed is in the
 * outcome as the extractor reads its text (an answer is never lost to another agent's fault); every agent whose last
 * generation failed is {@link AgentOutcome.Failed} with the very exception injected (unless a retry or a hedge was
 * still due when the run ended, or an open breaker shed it); and nothing is left behind: no live generation in the
 * wrapper or the engine, no open subscription, nothing that runs on after the end, no new non-daemon thread. The
 * totals are printed at the end.
 *
 * <p>Runs are reproducible by mix and seed, except that the default retry of the guarded mix backs off with random
 * jitter; no check depends on the exact back-off.
 */
class FaultInjectionTest {

    private static final int SEEDS = 100;
    private static final int AGENTS = 8;
    private static final long BASE_SEED = 1_000;
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String QUESTION = "What is six times seven?";
    private static final AnswerExtractor EXTRACTOR = AnswerExtractors.numeric();
    /** Attempts per agent with a retry (both the plain retry and the default retry of {@link EngineGuard}). */
    private static final int MAX_ATTEMPTS = 3;
    private static final Duration TIME_LIMIT = Duration.ofSeconds(6);
    private static final Duration HEDGE_DELAY = Duration.ofSeconds(3);

    /** What stands between the agents and the engine. */
    enum Guard {
        /** Nothing: every attempt is the agent's only one. */
        NONE,
        /** {@code Contemplator.Builder.retry}: up to three attempts on retryable errors, 300 ms apart. */
        RETRY,
        /**
         * {@link EngineGuard}: a 6 s time limit per attempt, the default retry (back-off, Retry-After honoured) and the
         * default circuit breaker, which sheds agents once it opens.
         */
        GUARDED,
        /** {@link EngineGuard} hedging: an agent without an answer after 3 s gets a second, identical call. */
        HEDGED
    }

    /** The faults of a family of runs, and the guard around the engine. */
    enum Mix {
        /** Failures before any token or after some: transient, permanent and rate limits. */
        ERRORS(b -> b.transientErrors(0.12).permanentErrors(0.08).rateLimits(0.12), Guard.NONE),
        /** Streams that hang or crawl. */
        HANGS(b -> b.stalls(0.15).slowStreams(0.2, Duration.ofMillis(700)), Guard.NONE),
        /** Outputs that are cut, empty or junk. */
        CORRUPTION(b -> b.truncations(0.15).emptyOutputs(0.1).garbage(0.15), Guard.NONE),
        /** Every fault at once. */
        EVERYTHING(Mix::everything, Guard.NONE),
        /** Nine generations in ten fail: often every agent does, and the contemplation fails as a whole. */
        STORM(b -> b.transientErrors(0.3).permanentErrors(0.3).rateLimits(0.3), Guard.NONE),
        /** Every fault at once, with retryable errors retried. */
        EVERYTHING_RETRIED(Mix::everything, Guard.RETRY),
        /** Every fault, more often, through time limit, retry and circuit breaker. */
        EVERYTHING_GUARDED(b -> b.transientErrors(0.1).permanentErrors(0.05).rateLimits(0.1).stalls(0.1)
                .slowStreams(0.1, Duration.ofMillis(900)).truncations(0.05).emptyOutputs(0.05).garbage(0.05),
                Guard.GUARDED),
        /** Every fault at once, with slow agents hedged. */
        EVERYTHING_HEDGED(Mix::everything, Guard.HEDGED);

        private final UnaryOperator<FaultInjectingEngine.Builder> faults;
        private final Guard guard;

        Mix(UnaryOperator<FaultInjectingEngine.Builder> faults, Guard guard) {
            this.faults = faults;
            this.guard = guard;
        }

        private static FaultInjectingEngine.Builder everything(FaultInjectingEngine.Builder b) {
            return b.transientErrors(0.05).permanentErrors(0.05).rateLimits(0.05).stalls(0.05)
                    .slowStreams(0.05, Duration.ofMillis(500)).truncations(0.05).emptyOutputs(0.05).garbage(0.05);
        }
    }

    // the totals over every run, printed at the end
    private static final AtomicLong CONTEMPLATIONS = new AtomicLong();
    private static final AtomicLong VERDICTS = new AtomicLong();
    private static final Map<String, AtomicLong> EXCEPTIONS = new ConcurrentSkipListMap<>();
    private static final AtomicLong GENERATIONS = new AtomicLong();
    private static final AtomicLongArray INJECTED = new AtomicLongArray(Fault.values().length);
    private static final AtomicLong ANSWERS_PRESERVED = new AtomicLong();
    private static final AtomicLong ANSWERS_EXPECTED = new AtomicLong();
    private static final AtomicLong FAILED_WITH_INJECTED_CAUSE = new AtomicLong();
    private static final AtomicLong LEFTOVERS = new AtomicLong();
    private static final AtomicLong SHED_AFTER_SPENDING = new AtomicLong();
    private static Set<Thread> threadsAtStart = Set.of();

    @BeforeAll
    static void guardAgainstHangs() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(30));
        threadsAtStart = liveNonDaemonThreads();
    }

    @AfterAll
    static void report() {
        StepVerifier.resetDefaultTimeout();
        Set<Thread> added = new HashSet<>(liveNonDaemonThreads());
        added.removeAll(threadsAtStart);
        LEFTOVERS.addAndGet(added.size());
        StringBuilder faults = new StringBuilder();
        for (Fault f : Fault.values()) {
            faults.append(faults.length() == 0 ? "" : ", ").append(f).append('=').append(INJECTED.get(f.ordinal()));
        }
        System.out.println("FaultInjectionTest totals: contemplations=" + CONTEMPLATIONS.get()
                + " verdicts=" + VERDICTS.get() + " exceptions=" + EXCEPTIONS
                + " generations=" + GENERATIONS.get() + " faults injected {" + faults + "}"
                + " answers preserved=" + ANSWERS_PRESERVED.get() + "/" + ANSWERS_EXPECTED.get()
                + " failed agents with the injected cause=" + FAILED_WITH_INJECTED_CAUSE.get()
                + " leftovers found=" + LEFTOVERS.get() + " shed after spending=" + SHED_AFTER_SPENDING.get());
        assertThat(added).as("non-daemon threads started by the suite and still alive").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Mix.class)
    void everyContemplationEndsInTimeKeepsEveryAnswerAndLeavesNothingBehind(Mix mix) {
        for (long seed = 0; seed < SEEDS; seed++) {
            try {
                contemplate(mix, seed);
            } catch (AssertionError e) {
                throw new AssertionError(mix + " seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * An agent whose first attempt streamed two tokens and failed, and whose retry the opened breaker refused, ran:
     * it is a failure (not shed) whose outcome says what it spent, as the verdict's token account does.
     */
    @Test
    void anAgentRefusedAfterAnAttemptThatSpentTokensFailsReportingWhatItSpent() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine inner = ScriptedEngine.builder().scheduler(vts).script(r -> ordinal(r) < 2
                ? Script.text("Let me think step by step.", Duration.ofSeconds(6))
                        .failingAfter(2, new TransientInferenceException("scripted", "overloaded", null))
                : Script.text("The answer is 42.", Duration.ofSeconds(5))).build();
        FaultInjectingEngine faulty = FaultInjectingEngine.wrap(inner).scheduler(vts).build();
        Contemplator contemplator = Contemplator.builder()
                .engine(faulty)
                .team(Team.builder().size(3).seed(BASE_SEED).build())
                .extractor(EXTRACTOR)
                .stoppingRule(StoppingRules.fixed())
                .clock(vts)
                .guard(faulty, EngineGuard.builder()
                        .retry(Retry.of("agents", RetryConfig.custom().maxAttempts(MAX_ATTEMPTS)
                                .waitDuration(Duration.ofMillis(100)).retryOnException(EngineGuard::isRetryable).build()))
                        .circuitBreaker(CircuitBreaker.of("engine", CircuitBreakerConfig.custom()
                                .slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50).build()))
                        .build())
                .build();
        StepVerifier.withVirtualTime(() -> contemplator.contemplate(QUESTION), () -> vts, Long.MAX_VALUE)
                .thenAwait(DEADLINE)
                .assertNext(v -> {
                    assertThat(v.agents().get(2)).isInstanceOf(AgentOutcome.Answered.class);
                    TokenUsage shedUsage = TokenUsage.ZERO;
                    for (AgentOutcome o : v.agents().subList(0, 2)) {
                        // two deltas at 1 and 2 s, the error right after; the retry 100 ms later was refused: the
                        // agent ran, so it failed (it was not shed), with the refusal as its cause
                        assertThat(o).isInstanceOfSatisfying(AgentOutcome.Failed.class, f -> assertThat(f.cause())
                                .isInstanceOf(CallNotPermittedException.class));
                        assertThat(o.usage().outputTokens()).as("%s: the two tokens it streamed", o.agentId())
                                .isEqualTo(2);
                        assertThat(o.latency()).as("%s: it ran 2.1 s", o.agentId()).isEqualTo(Duration.ofMillis(2_100));
                        shedUsage = shedUsage.plus(o.usage());
                    }
                    assertThat(v.tokens().cut()).as("the account counts what the refused agents spent")
                            .isEqualTo(shedUsage);
                    assertThat(v.started()).as("every agent ran").isEqualTo(3);
                    assertThat(v.degraded()).as("no agent was kept from running").isFalse();
                })
                .verifyComplete();
    }

    /** What the inner engine writes for agent {@code ordinal} in run {@code seed}, and how long it takes. */
    private static Script script(long seed, int ordinal) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + ordinal);
        double u = r.nextDouble();
        String text = u < 0.55 ? "Let me think step by step. The answer is 42."
                : u < 0.8 ? "Let me think step by step. The answer is 41."
                : u < 0.9 ? "Quickly: the answer is 7."
                : "I am not sure about this one.";
        return Script.text(text, Duration.ofMillis(500 + r.nextInt(11_500)));
    }

    private static StoppingRule rule(long seed) {
        return switch ((int) (seed % 3)) {
            case 0 -> StoppingRules.fixed();
            case 1 -> StoppingRules.beta(0.95);
            default -> StoppingRules.unassailable();
        };
    }

    private static Scheduling scheduling(long seed) {
        return switch ((int) (seed % 4)) {
            case 2 -> Scheduling.staggered(Duration.ofMillis(300));
            case 3 -> Scheduling.waves(3);
            default -> Scheduling.allAtOnce();
        };
    }

    /** Every fifth run escalates in AUTO mode (waves of 1, 1, 2, 4 agents) instead of contemplating at once. */
    private static Mode mode(long seed) {
        return seed % 5 == 4 ? Mode.AUTO : Mode.CONTEMPLATE;
    }

    private static int ordinal(GenerationRequest request) {
        return (int) (request.sampling().seed().orElseThrow() - BASE_SEED);
    }

    private static String agentId(int ordinal) {
        return "agent-" + (ordinal + 1);
    }

    /** How one contemplation ended: a verdict or a contemplation error, at a virtual time. */
    private record Ending(@Nullable Verdict verdict, @Nullable ContemplationException error, long atMillis) {
        List<AgentOutcome> agents() {
            return verdict != null ? verdict.agents() : error.agents();
        }
    }

    private static void contemplate(Mix mix, long seed) {
        Set<Thread> threadsBefore = liveNonDaemonThreadsNow();
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine inner = ScriptedEngine.builder().scheduler(vts)
                .script(r -> script(seed, ordinal(r))).build();
        Map<Integer, List<Fault>> faults = new HashMap<>();
        FaultInjectingEngine faulty = mix.faults.apply(FaultInjectingEngine.wrap(inner)
                        .seed(seed * 31 + mix.ordinal()).scheduler(vts))
                .onInjection(i -> faults.computeIfAbsent(ordinal(i.request()), k -> new ArrayList<>()).add(i.fault()))
                .build();
        Recorder recorder = new Recorder(faulty, vts);
        Contemplator.Builder builder = Contemplator.builder()
                .engine(recorder)
                .team(Team.builder().size(AGENTS).seed(BASE_SEED).build())
                .extractor(EXTRACTOR)
                .stoppingRule(rule(seed))
                .scheduling(scheduling(seed))
                .budget(Budget.builder().deadline(DEADLINE).build())
                .clock(vts);
        switch (mix.guard) {
            case RETRY -> builder.retry(Retry.of("agents", RetryConfig.custom().maxAttempts(MAX_ATTEMPTS)
                    .waitDuration(Duration.ofMillis(300))
                    .retryOnException(e -> e instanceof InferenceException ie && ie.isRetryable()).build()));
            case GUARDED -> builder.guard(recorder, EngineGuard.builder()
                    .timeLimiter(TimeLimiter.of(TIME_LIMIT))
                    .retry(Retry.of("agents", EngineGuard.defaultRetryConfig()))
                    .circuitBreaker(CircuitBreaker.of("engine", EngineGuard.defaultCircuitBreakerConfig()))
                    .build());
            case HEDGED -> builder.guard(recorder, EngineGuard.builder().hedging(HEDGE_DELAY, 1).build());
            default -> { }
        }
        Contemplator contemplator = builder.build();

        AtomicReference<Ending> ending = new AtomicReference<>();
        long[] afterEnd = new long[3];
        StepVerifier.withVirtualTime(() -> contemplator.contemplate(QUESTION, mode(seed), contemplator.budget())
                                .map(v -> new Ending(v, null, vts.now(TimeUnit.MILLISECONDS)))
                                .onErrorResume(ContemplationException.class,
                                        e -> Mono.just(new Ending(null, e, vts.now(TimeUnit.MILLISECONDS))))
                                .doOnNext(ending::set),
                        () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(DEADLINE)
                .then(() -> assertThat(ending.get()).as("ended (verdict or contemplation error) by the deadline")
                        .isNotNull())
                .expectNextCount(1)
                .then(() -> {
                    afterEnd[0] = faulty.generations();
                    afterEnd[1] = inner.started();
                    afterEnd[2] = recorder.events();
                })
                // nothing may run on after the end: no timer left to fire, no retry, no late generation
                .thenAwait(Duration.ofHours(1))
                .then(() -> {
                    assertThat(faulty.generations()).as("generations after the end").isEqualTo(afterEnd[0]);
                    assertThat(inner.started()).as("inner generations after the end").isEqualTo(afterEnd[1]);
                    assertThat(recorder.events()).as("events after the end").isEqualTo(afterEnd[2]);
                })
                .verifyComplete();

        Ending end = ending.get();
        CONTEMPLATIONS.incrementAndGet();
        assertThat(end.atMillis()).as("ended within the deadline, zero slack").isLessThanOrEqualTo(DEADLINE.toMillis());
        if (end.verdict() != null) {
            VERDICTS.incrementAndGet();
            assertThat(end.verdict().elapsed()).isLessThanOrEqualTo(DEADLINE);
            if (end.verdict().stopReason() == StopReason.DEADLINE) {
                assertThat(end.atMillis()).isEqualTo(DEADLINE.toMillis());
                assertThat(end.verdict().complete()).isFalse();
            }
        } else {
            EXCEPTIONS.computeIfAbsent(end.error().getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
            assertThat(end.error()).isInstanceOfAny(ContemplationTimeoutException.class,
                    AllAgentsFailedException.class);
            if (end.error() instanceof ContemplationTimeoutException) {
                assertThat(end.atMillis()).isEqualTo(DEADLINE.toMillis());
            }
        }

        checkOutcomes(mix.guard, end, recorder, faults, seed);

        // leftovers: live generations, open subscriptions, new non-daemon threads
        Set<Thread> newThreads = new HashSet<>(liveNonDaemonThreadsNow());
        newThreads.removeAll(threadsBefore);
        long leftovers = faulty.liveGenerations() + inner.active() + recorder.open() + newThreads.size();
        LEFTOVERS.addAndGet(leftovers);
        assertThat(faulty.liveGenerations()).as("live generations in the wrapper").isZero();
        assertThat(inner.active()).as("live generations in the inner engine").isZero();
        assertThat(recorder.open()).as("subscriptions left open").isZero();
        assertThat(newThreads).as("new non-daemon threads").isEmpty();

        GENERATIONS.addAndGet(faulty.generations());
        for (Fault f : Fault.values()) {
            INJECTED.addAndGet(f.ordinal(), faulty.injected(f));
        }
    }

    /** Checks each agent's outcome against what the engine delivered to it, attempt by attempt. */
    private static void checkOutcomes(Guard guard, Ending end, Recorder recorder, Map<Integer, List<Fault>> faults,
            long seed) {
        List<AgentOutcome> outcomes = end.agents();
        assertThat(outcomes).extracting(AgentOutcome::agentId)
                .containsExactly("agent-1", "agent-2", "agent-3", "agent-4", "agent-5", "agent-6", "agent-7", "agent-8");
        Map<String, Integer> expectedVotes = new HashMap<>();
        TokenUsage spentByAll = TokenUsage.ZERO;
        TokenUsage counted = TokenUsage.ZERO;
        for (int ordinal = 0; ordinal < AGENTS; ordinal++) {
            String id = agentId(ordinal);
            AgentOutcome outcome = outcomes.get(ordinal);
            List<Attempt> attempts = recorder.attempts(ordinal);
            List<Fault> drawn = faults.getOrDefault(ordinal, List.of());
            assertThat(drawn).as("%s: one fault drawn per attempt", id).hasSameSizeAs(attempts);
            for (int k = 0; k < attempts.size(); k++) {
                attempts.get(k).fault = drawn.get(k);
            }
            TokenUsage spent = checkTokens(id, outcome, attempts);
            spentByAll = spentByAll.plus(spent);
            if (outcome instanceof AgentOutcome.Answered a) {
                counted = counted.plus(a.usage());
            }
            if (attempts.isEmpty()) {
                if (outcome instanceof AgentOutcome.Shed shed) {
                    assertThat(guard).as("%s shed without a circuit breaker", id).isEqualTo(Guard.GUARDED);
                    assertThat(shed.cause()).isInstanceOf(CallNotPermittedException.class);
                } else {
                    assertThat(outcome).as(id).isInstanceOf(AgentOutcome.NotStarted.class);
                }
                continue;
            }
            List<Attempt> completed = attempts.stream().filter(a -> a.completed != null).toList();
            assertThat(completed).as("%s: at most one attempt completes", id).hasSizeLessThanOrEqualTo(1);
            if (!completed.isEmpty()) {
                Attempt winner = completed.get(0);
                if (guard != Guard.HEDGED) {
                    assertThat(winner).as("%s: the completed attempt is the last", id)
                            .isSameAs(attempts.get(attempts.size() - 1));
                }
                checkCompletion(id, winner.fault, winner.completed, String.join("", script(seed, ordinal).tokens()));
                Optional<String> vote = checkCompleted(id, outcome, winner);
                vote.ifPresent(key -> expectedVotes.merge(key, 1, Integer::sum));
            } else if (guard == Guard.HEDGED) {
                checkHedgedWithoutAnswer(id, outcome, attempts, end);
            } else {
                checkSequentialWithoutAnswer(id, guard, outcome, attempts, end);
            }
        }
        if (end.verdict() != null) {
            TokenAccount tokens = end.verdict().tokens();
            assertThat(tokens.total()).as("every token the engine reported, over all agents and attempts")
                    .isEqualTo(spentByAll);
            assertThat(tokens.counted()).as("the tokens of the counted answers").isEqualTo(counted);
            assertThat(tokens.cut()).as("the tokens of everything else").isEqualTo(new TokenUsage(
                    spentByAll.inputTokens() - counted.inputTokens(), spentByAll.outputTokens() - counted.outputTokens()));
            assertThat(tokens.aggregation()).isEqualTo(TokenUsage.ZERO);
            assertThat(tokens.estimated()).as("the engine meters every delta exactly").isFalse();
            assertThat(end.verdict().tally().counts()).as("the votes of the answered agents")
                    .isEqualTo(expectedVotes);
            assertThat(end.verdict().count(AgentOutcome.Status.FINISHED))
                    .isEqualTo(expectedVotes.values().stream().mapToInt(Integer::intValue).sum());
            if (end.verdict().stopReason() == StopReason.ALL_AGENTS_DONE) {
                assertThat(end.verdict().count(AgentOutcome.Status.CANCELLED)
                        + end.verdict().count(AgentOutcome.Status.NOT_STARTED)).isZero();
            }
        } else {
            assertThat(expectedVotes).as("no agent completed with an answer").isEmpty();
        }
    }

    /**
     * Checks what the outcome says the agent spent against what the engine reported to it: for an answer, the
     * counted generation's usage; for a failed or cut agent, the last report of each of its attempts, summed.
     * Returns that sum.
     */
    private static TokenUsage checkTokens(String id, AgentOutcome outcome, List<Attempt> attempts) {
        TokenUsage spent = attempts.stream().map(a -> a.reported).reduce(TokenUsage.ZERO, TokenUsage::plus);
        if (outcome instanceof AgentOutcome.Answered a) {
            Attempt winner = attempts.stream().filter(x -> x.completed != null).findFirst().orElseThrow();
            assertThat(a.usage()).as("%s: the answer's tokens", id).isEqualTo(winner.completed.usage());
        } else if (outcome instanceof AgentOutcome.Failed || outcome instanceof AgentOutcome.Cancelled) {
            assertThat(outcome.usage()).as("%s: what the failed or cut agent spent", id).isEqualTo(spent);
        } else if (outcome instanceof AgentOutcome.Shed) {
            if (spent.totalTokens() > 0) {
                SHED_AFTER_SPENDING.incrementAndGet();
            }
            assertThat(attempts).as("%s: shed, so no call of it reached the engine", id).isEmpty();
        } else {
            assertThat(spent).as("%s never ran", id).isEqualTo(TokenUsage.ZERO);
        }
        return spent;
    }

    /**
     * An attempt completed: its answer is in the outcome whatever the other agents did, or it is a failure for want
     * of an answer. Returns the answer's key, if any.
     */
    private static Optional<String> checkCompleted(String id, AgentOutcome outcome, Attempt winner) {
        String text = winner.completed.text();
        Optional<Answer> answer;
        try {
            answer = EXTRACTOR.extract(text);
        } catch (RuntimeException e) {
            assertThat(outcome).as("%s: the extractor failed on %s", id, text)
                    .isInstanceOfSatisfying(AgentOutcome.Failed.class, f -> assertThat(f.cause()).hasSameClassAs(e));
            return Optional.empty();
        }
        if (answer.isEmpty()) {
            assertThat(outcome).as("%s completed without an answer (%s)", id, winner.fault)
                    .isInstanceOfSatisfying(AgentOutcome.Failed.class, f -> {
                        assertThat(f.cause()).isInstanceOf(NoAnswerException.class);
                        assertThat(f.text()).contains(text);
                    });
            return Optional.empty();
        }
        ANSWERS_EXPECTED.incrementAndGet();
        assertThat(outcome).as("%s completed with answer %s (%s)", id, answer.get().key(), winner.fault)
                .isInstanceOfSatisfying(AgentOutcome.Answered.class, a -> {
                    assertThat(a.answer().key()).isEqualTo(answer.get().key());
                    assertThat(a.text()).isEqualTo(text);
                });
        ANSWERS_PRESERVED.incrementAndGet();
        return Optional.of(answer.get().key());
    }

    /** Attempts one after another (no guard, a retry, or time limit, retry and breaker), none completed. */
    private static void checkSequentialWithoutAnswer(String id, Guard guard, AgentOutcome outcome,
            List<Attempt> attempts, Ending end) {
        for (int k = 0; k < attempts.size() - 1; k++) {
            Attempt a = attempts.get(k);
            assertThat(guard).as("%s: a second attempt without a retry", id).isIn(Guard.RETRY, Guard.GUARDED);
            assertThat(a.error != null ? EngineGuard.isRetryable(a.error) : timeLimited(a))
                    .as("%s: attempt %d before a retry failed retryably or ran out of time", id, k + 1).isTrue();
        }
        Attempt last = attempts.get(attempts.size() - 1);
        boolean retried = guard == Guard.RETRY || guard == Guard.GUARDED;
        boolean mayRetry = retried && attempts.size() < MAX_ATTEMPTS;
        if (last.error != null) {
            checkInjected(id, last);
            if (mayRetry && EngineGuard.isRetryable(last.error)) {
                // the run ended while the agent waited to retry, or the open breaker refused the retry
                checkWaitingOrShed(id, guard, outcome, last, end);
            } else {
                checkFailedWithInjectedCause(id, outcome, last.error, last.fault);
            }
        } else if (guard == Guard.GUARDED && timeLimited(last)
                && !(last.endedAt == end.atMillis() && outcome instanceof AgentOutcome.Cancelled)) {
            // cut by the time limit (which may have ended the run), not by the end of the run
            if (mayRetry) {
                checkWaitingOrShed(id, guard, outcome, last, end);
            } else {
                assertThat(outcome).as("%s ran out of time %d times", id, MAX_ATTEMPTS)
                        .isInstanceOfSatisfying(AgentOutcome.Failed.class, f -> assertThat(f.cause())
                                .isExactlyInstanceOf(TransientInferenceException.class)
                                .hasMessageContaining("time limit"));
            }
        } else {
            assertThat(last.end).as("%s: neither completed nor failed, so cut", id).isEqualTo(SignalType.CANCEL);
            assertThat(last.endedAt).as("%s was cut when the run ended", id).isEqualTo(end.atMillis());
            assertThat(outcome).as("%s was running at the end (%s)", id, last.fault)
                    .isInstanceOf(AgentOutcome.Cancelled.class);
        }
    }

    /**
     * A call and its hedge (sent after {@link #HEDGE_DELAY} without an answer), none completed: the agent failed when
     * an error a hedge cannot help arrived or when both calls failed, else it was cut when the run ended.
     */
    private static void checkHedgedWithoutAnswer(String id, AgentOutcome outcome, List<Attempt> attempts,
            Ending end) {
        assertThat(attempts).as("%s: a call and at most one hedge", id).hasSizeLessThanOrEqualTo(2);
        List<Attempt> failed = attempts.stream().filter(a -> a.error != null)
                .sorted(Comparator.comparingLong(a -> a.endedAt)).toList();
        failed.forEach(a -> checkInjected(id, a));
        Optional<Attempt> hopeless = failed.stream().filter(a -> !EngineGuard.isRetryable(a.error)).findFirst();
        if (hopeless.isPresent()) {
            checkFailedWithInjectedCause(id, outcome, hopeless.get().error, hopeless.get().fault);
        } else if (failed.size() == 2) {
            // both failed retryably: the agent fails with the error that came first (the hedge's, when it failed
            // first; either, when both failed at the same instant)
            Attempt first = failed.get(0).endedAt == failed.get(1).endedAt
                    && outcome instanceof AgentOutcome.Failed f && f.cause() == failed.get(1).error
                    ? failed.get(1) : failed.get(0);
            checkFailedWithInjectedCause(id, outcome, first.error, first.fault);
        } else {
            assertThat(outcome).as("%s was waiting for its call or its hedge at the end", id)
                    .isInstanceOf(AgentOutcome.Cancelled.class);
            if (attempts.size() == 1 && attempts.get(0).error != null) {
                assertThat(end.atMillis()).as("%s: the run ended before its hedge was due", id)
                        .isLessThanOrEqualTo(attempts.get(0).startedAt + HEDGE_DELAY.toMillis());
            }
            attempts.stream().filter(a -> a.error == null).forEach(a -> assertThat(a.endedAt)
                    .as("%s: a call still running was cut when the run ended", id).isEqualTo(end.atMillis()));
        }
    }

    private static void checkInjected(String id, Attempt attempt) {
        Class<?> injected = switch (attempt.fault) {
            case TRANSIENT_ERROR -> TransientInferenceException.class;
            case PERMANENT_ERROR -> PermanentInferenceException.class;
            case RATE_LIMIT -> RateLimitedException.class;
            default -> throw new AssertionError(id + ": an error without an injected error fault: " + attempt.error);
        };
        assertThat(attempt.error.getClass()).as("%s: the wrapper's error", id).isEqualTo(injected);
    }

    private static void checkFailedWithInjectedCause(String id, AgentOutcome outcome, Throwable error, Fault fault) {
        assertThat(outcome).as("%s failed with %s", id, fault)
                .isInstanceOfSatisfying(AgentOutcome.Failed.class,
                        f -> assertThat(f.cause()).as("the injected exception itself").isSameAs(error));
        FAILED_WITH_INJECTED_CAUSE.incrementAndGet();
    }

    /**
     * After a retryable failure the agent either waited to retry when the run ended, which it must have ended before
     * the retry was due, or, behind the breaker, was shed when the open breaker refused the retry.
     */
    private static void checkWaitingOrShed(String id, Guard guard, AgentOutcome outcome, Attempt last, Ending end) {
        if (guard == Guard.GUARDED && outcome instanceof AgentOutcome.Failed refused
                && refused.cause() instanceof CallNotPermittedException) {
            return; // the open breaker refused its retry: it ran, so it failed (with what it spent)
        }
        assertThat(outcome).as("%s waited to retry after %s", id, last.fault)
                .isInstanceOf(AgentOutcome.Cancelled.class);
        // the plain retry waits 300 ms; the default one at most 600 ms (back-off with jitter), or the Retry-After
        long wait = guard == Guard.RETRY ? 300
                : Math.max(600, last.error instanceof RateLimitedException r
                        ? r.retryAfter().map(Duration::toMillis).orElse(0L) : 0L);
        assertThat(end.atMillis()).as("%s: the run ended before its retry was due", id)
                .isLessThanOrEqualTo(last.endedAt + wait);
    }

    /** Whether the time limiter cut {@code attempt}: cancelled exactly at the limit after it was subscribed. */
    private static boolean timeLimited(Attempt attempt) {
        return attempt.end == SignalType.CANCEL && attempt.endedAt - attempt.startedAt == TIME_LIMIT.toMillis();
    }

    /** The completion the orchestrator received matches the fault that was drawn for it. */
    private static void checkCompletion(String id, Fault fault, Generation g, String innerText) {
        switch (fault) {
            case NONE, SLOW_STREAM -> assertThat(g.text()).as(id).isEqualTo(innerText);
            case TRUNCATED -> {
                assertThat(g.finishReason()).as(id).isEqualTo(FinishReason.LENGTH);
                assertThat(innerText).as(id).startsWith(g.text());
                assertThat(g.text().length()).as(id).isLessThan(innerText.length());
            }
            case EMPTY -> assertThat(g.text()).as(id).isEmpty();
            case GARBAGE -> assertThat(g.text().chars().anyMatch(c -> c < 0x20 || c == 0x7F)).as(id).isTrue();
            default -> throw new AssertionError(id + ": a completion despite " + fault);
        }
    }

    /** The live non-daemon threads, from {@link Thread#getAllStackTraces()}: before and after the whole class. */
    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    /**
     * The live non-daemon threads, enumerated from the root thread group: the same set as
     * {@link #liveNonDaemonThreads()} without walking every stack, cheap enough for every run.
     */
    private static Set<Thread> liveNonDaemonThreadsNow() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 32];
        int n = root.enumerate(threads, true);
        Set<Thread> live = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (threads[i].isAlive() && !threads[i].isDaemon()) {
                live.add(threads[i]);
            }
        }
        return live;
    }

    /** One subscription of an agent to the engine, as the orchestrator saw it. */
    private static final class Attempt {
        long startedAt;
        long endedAt = -1;
        @Nullable Fault fault;
        @Nullable Generation completed;
        @Nullable Throwable error;
        @Nullable SignalType end;
        /** What the engine last reported spending: the latest delta's usage, then the completion's. */
        TokenUsage reported = TokenUsage.ZERO;
    }

    /**
     * A transparent engine in front of the fault-injecting one that records, per agent, every subscription and what
     * it delivered, when, and counts subscriptions still open.
     */
    private static final class Recorder implements InferenceEngine {
        private final FaultInjectingEngine engine;
        private final VirtualTimeScheduler vts;
        private final Map<Integer, List<Attempt>> attempts = new HashMap<>();
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicLong events = new AtomicLong();

        Recorder(FaultInjectingEngine engine, VirtualTimeScheduler vts) {
            this.engine = engine;
            this.vts = vts;
        }

        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public EngineCapabilities capabilities() {
            return engine.capabilities();
        }

        @Override
        public Flux<GenerationEvent> stream(GenerationRequest request) {
            return Flux.defer(() -> {
                Attempt a = new Attempt();
                a.startedAt = vts.now(TimeUnit.MILLISECONDS);
                synchronized (attempts) {
                    attempts.computeIfAbsent(ordinal(request), k -> new ArrayList<>()).add(a);
                }
                return engine.stream(request)
                        .doOnSubscribe(s -> open.incrementAndGet())
                        .doOnEach(s -> {
                            if (!s.isOnSubscribe()) {
                                events.incrementAndGet();
                            }
                        })
                        .doOnNext(e -> {
                            if (e instanceof GenerationEvent.TextDelta d) {
                                a.reported = d.usage();
                            } else if (e instanceof GenerationEvent.Completed c) {
                                a.completed = c.generation();
                                a.reported = c.generation().usage();
                            }
                        })
                        .doOnError(e -> a.error = e)
                        .doFinally(signal -> {
                            a.end = signal;
                            a.endedAt = vts.now(TimeUnit.MILLISECONDS);
                            open.decrementAndGet();
                        });
            });
        }

        List<Attempt> attempts(int ordinal) {
            synchronized (attempts) {
                return List.copyOf(attempts.getOrDefault(ordinal, List.of()));
            }
        }

        int open() {
            return open.get();
        }

        long events() {
            return events.get();
        }
    }
}

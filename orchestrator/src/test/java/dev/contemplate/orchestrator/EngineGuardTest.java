package dev.contemplate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.RateLimitedException;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The Resilience4j guard rails around an engine's calls, in virtual time with a scripted engine. */
class EngineGuardTest {

    private static final long BASE_SEED = 100;

    /** Scripts each agent by its ordinal and its attempt: {@code script.apply(ordinal, attempt)}. */
    private interface AttemptScript {
        Script apply(int ordinal, int attempt);
    }

    private static Function<GenerationRequest, Script> attempts(AttemptScript script) {
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        return r -> {
            int ordinal = (int) (r.sampling().seed().orElseThrow() - BASE_SEED);
            int attempt = calls.computeIfAbsent(ordinal, k -> new AtomicInteger()).getAndIncrement();
            return script.apply(ordinal, attempt);
        };
    }

    private static Script answer(String value, long millis) {
        return Script.text("Let me think. The answer is " + value + ".", Duration.ofMillis(millis));
    }

    private static Contemplator.Builder contemplator(ScriptedEngine engine, int agents, VirtualTimeScheduler vts) {
        return Contemplator.builder()
                .engine(engine)
                .team(Team.builder().size(agents).seed(BASE_SEED).build())
                .extractor(AnswerExtractors.numeric())
                .stoppingRule(StoppingRules.fixed())
                .budget(Budget.builder().deadline(Duration.ofSeconds(30)).build())
                .clock(vts);
    }

    private static Verdict verdict(Contemplator c, VirtualTimeScheduler vts) {
        Verdict[] out = new Verdict[1];
        StepVerifier.withVirtualTime(() -> c.contemplate("What is 6 times 7?"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(31))
                .assertNext(v -> out[0] = v)
                .verifyComplete();
        return out[0];
    }

    @Test
    void aTransientFailureIsRetriedAndTheFailedTryCountsAsCutTokens() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        // agent 0 fails after streaming 3 tokens on its first try, then answers; agent 1 answers at once
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(attempts((agent, attempt) ->
                agent == 0 && attempt == 0
                        ? answer("42", 300).failingAfter(3, new TransientInferenceException("scripted", "503", null))
                        : answer("42", 100))).build();
        Retry retry = Retry.of("scripted", EngineGuard.defaultRetryConfig());
        Contemplator c = contemplator(engine, 2, vts).guard(engine, EngineGuard.builder().retry(retry).build())
                .build();

        Verdict v = verdict(c, vts);

        assertThat(v.count(AgentOutcome.Status.FINISHED)).isEqualTo(2);
        assertThat(engine.started()).isEqualTo(3);
        assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
        // the failed try streamed its prompt and 3 tokens: the provider bills them, so the verdict counts them
        TokenUsage answer = v.agents().get(0).usage();
        assertThat(v.tokens().counted()).isEqualTo(answer.plus(v.agents().get(1).usage()));
        assertThat(v.tokens().cut()).isEqualTo(new TokenUsage(answer.inputTokens(), 3));
        assertThat(v.tokens().estimated()).isFalse();
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(attempts((agent, attempt) ->
                agent == 0 ? Script.failure(new PermanentInferenceException("scripted", "HTTP 401", null),
                        Duration.ofMillis(50)) : answer("42", 100))).build();
        Contemplator c = contemplator(engine, 2, vts).guard(engine, EngineGuard.defaults("scripted")).build();

        Verdict v = verdict(c, vts);

        assertThat(engine.started()).as("one call per agent: a 401 is not retried").isEqualTo(2);
        assertThat(v.agents().get(0)).isInstanceOfSatisfying(AgentOutcome.Failed.class,
                f -> assertThat(f.cause()).isInstanceOf(PermanentInferenceException.class));
        assertThat(v.answer().key()).isEqualTo("42");
    }

    @Test
    void aRateLimitIsRetriedNoSoonerThanTheProviderAsked() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(attempts((agent, attempt) ->
                attempt == 0 ? Script.failure(new RateLimitedException("scripted", "HTTP 429", Duration.ofSeconds(5),
                        null), Duration.ofMillis(10)) : answer("42", 100))).build();
        Contemplator c = contemplator(engine, 1, vts)
                .guard(engine, EngineGuard.builder().retry(Retry.of("r", EngineGuard.defaultRetryConfig())).build())
                .build();

        Verdict v = verdict(c, vts);

        assertThat(v.answer().key()).isEqualTo("42");
        // 10 ms to the refusal, at least the 5 s the provider asked for, then the 100 ms answer
        assertThat(v.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(5110));
    }

    @Test
    void anOpenCircuitShedsTheAgentsAndFailsRetryablyWhenNoEngineCanAnswer() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(r -> answer("42", 100)).build();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(EngineGuard.defaultCircuitBreakerConfig());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        CircuitBreaker breaker = breakers.circuitBreaker("scripted");
        breaker.transitionToOpenState();
        Contemplator c = contemplator(engine, 3, vts)
                .guard(engine, EngineGuard.builder().circuitBreaker(breaker).build()).build();

        StepVerifier.withVirtualTime(() -> c.contemplate("What is 6 times 7?"), () -> vts, Long.MAX_VALUE)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(AllAgentsFailedException.class);
                    AllAgentsFailedException all = (AllAgentsFailedException) e;
                    assertThat(all.isRetryable()).isTrue();
                    assertThat(all.agents()).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(
                            AgentOutcome.Shed.class, s -> assertThat(s.cause())
                                    .isInstanceOf(CallNotPermittedException.class)));
                })
                .verify();
        assertThat(engine.started()).as("no call reached the engine").isZero();
        assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(3);
        // Resilience4j's own Micrometer binding sees the guard's breaker
        assertThat(meters.get("resilience4j.circuitbreaker.not.permitted.calls").tag("name", "scripted")
                .counter().count()).isEqualTo(3);
    }

    @Test
    void aHalfOpenCircuitDegradesTheContemplationToTheAgentsItLetsThrough() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(r -> answer("42", 100)).build();
        CircuitBreaker breaker = CircuitBreaker.of("scripted", CircuitBreakerConfig.from(
                EngineGuard.defaultCircuitBreakerConfig()).permittedNumberOfCallsInHalfOpenState(2).build());
        breaker.transitionToOpenState();
        breaker.transitionToHalfOpenState();
        Contemplator c = contemplator(engine, 5, vts)
                .guard(engine, EngineGuard.builder().circuitBreaker(breaker).build()).build();

        Verdict v = verdict(c, vts);

        assertThat(v.answer().key()).isEqualTo("42");
        assertThat(v.degraded()).isTrue();
        assertThat(v.count(AgentOutcome.Status.FINISHED)).isEqualTo(2);
        assertThat(v.count(AgentOutcome.Status.SHED)).isEqualTo(3);
        assertThat(v.started()).isEqualTo(2);
        assertThat(v.complete()).as("every agent that could run ran").isTrue();
        assertThat(engine.started()).isEqualTo(2);
    }

    @Test
    void aFullBulkheadShedsTheAgentsBeyondItsBoundAcrossContemplations() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(r -> answer("42", 100)).build();
        Bulkhead bulkhead = Bulkhead.of("scripted", BulkheadConfig.custom().maxConcurrentCalls(3).build());
        Contemplator c = contemplator(engine, 5, vts)
                .guard(engine, EngineGuard.builder().bulkhead(bulkhead).build()).build();

        Verdict v = verdict(c, vts);

        assertThat(v.degraded()).isTrue();
        assertThat(v.count(AgentOutcome.Status.FINISHED)).isEqualTo(3);
        assertThat(v.agents()).filteredOn(o -> o.status() == AgentOutcome.Status.SHED).hasSize(2)
                .allSatisfy(o -> assertThat(((AgentOutcome.Shed) o).cause()).isInstanceOf(BulkheadFullException.class));
        assertThat(engine.maxActive()).isEqualTo(3);
        assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("every permit returned").isEqualTo(3);
    }

    @Test
    void theRateLimiterShedsCallsBeyondItsPermits() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(r -> answer("42", 100)).build();
        RateLimiter limiter = RateLimiter.of("scripted", RateLimiterConfig.custom().limitForPeriod(2)
                .limitRefreshPeriod(Duration.ofHours(1)).timeoutDuration(Duration.ZERO).build());
        Contemplator c = contemplator(engine, 4, vts)
                .guard(engine, EngineGuard.builder().rateLimiter(limiter).build()).build();

        Verdict v = verdict(c, vts);

        assertThat(v.count(AgentOutcome.Status.FINISHED)).isEqualTo(2);
        assertThat(v.agents()).filteredOn(o -> o.status() == AgentOutcome.Status.SHED).hasSize(2)
                .allSatisfy(o -> assertThat(((AgentOutcome.Shed) o).cause()).isInstanceOf(RequestNotPermitted.class));
        assertThat(engine.started()).isEqualTo(2);
    }

    @Test
    void theTimeLimitCutsAStalledAttemptWhichTheRetryThenReplaces() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        // agent 0's first try streams a token then stalls for an hour; its second try answers
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(attempts((agent, attempt) ->
                agent == 0 && attempt == 0
                        ? new Script(List.of("Let", " me", " think."), Duration.ofMillis(10), Duration.ofHours(1),
                                null, 0, FinishReason.STOP)
                        : answer("42", 100))).build();
        TimeLimiter limiter = TimeLimiter.of("scripted", TimeLimiterConfig.custom()
                .timeoutDuration(Duration.ofSeconds(2)).build());
        Retry retry = Retry.of("scripted", RetryConfig.from(EngineGuard.defaultRetryConfig())
                .intervalFunction(attempt -> 0L).build());
        Contemplator c = contemplator(engine, 2, vts)
                .guard(engine, EngineGuard.builder().timeLimiter(limiter).retry(retry).build()).build();

        Verdict v = verdict(c, vts);

        assertThat(v.count(AgentOutcome.Status.FINISHED)).isEqualTo(2);
        assertThat(v.elapsed()).isEqualTo(Duration.ofMillis(2100));
        assertThat(engine.cancelled()).as("the stalled try was cancelled inside the engine").isEqualTo(1);
        assertThat(engine.active()).isZero();
        assertThat(v.tokens().cut().outputTokens()).as("the stalled try's streamed token").isEqualTo(1);
        assertThat(v.tokens().cut().inputTokens()).isEqualTo(v.agents().get(0).usage().inputTokens());
    }

    @Test
    void withoutARetryTheTimeLimitFailsTheAgentWithATypedRetryableError() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(attempts((agent, attempt) ->
                agent == 0 ? answer("42", 60_000) : answer("42", 100))).build();
        Contemplator c = contemplator(engine, 2, vts).guard(engine, EngineGuard.builder()
                .timeLimiter(TimeLimiter.of(Duration.ofSeconds(1))).build()).build();

        Verdict v = verdict(c, vts);

        assertThat(v.agents().get(0)).isInstanceOfSatisfying(AgentOutcome.Failed.class, f -> {
            assertThat(f.cause()).isInstanceOf(TransientInferenceException.class)
                    .hasMessageContaining("no answer within the agent time limit of 1000 ms");
            assertThat(f.latency()).isEqualTo(Duration.ofSeconds(1));
        });
        assertThat(v.elapsed()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aHedgeAnswersForAStragglerAndTheLoserIsCancelledAndCounted() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        // agent 0's first call streams a token at 50 ms and then one every 2 s; its hedge, sent after 500 ms,
        // answers in 100 ms
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(attempts((agent, attempt) ->
                agent == 0 && attempt == 0
                        ? new Script(List.of("Let", " me", " think.", " 42"), Duration.ofMillis(50),
                                Duration.ofSeconds(2), null, 0, FinishReason.STOP)
                        : answer("42", 100))).build();
        Contemplator c = contemplator(engine, 2, vts)
                .guard(engine, EngineGuard.builder().hedging(Duration.ofMillis(500), 1).build()).build();

        Verdict v = verdict(c, vts);

        assertThat(v.count(AgentOutcome.Status.FINISHED)).isEqualTo(2);
        assertThat(v.elapsed()).isEqualTo(Duration.ofMillis(600));
        assertThat(engine.started()).isEqualTo(3);
        assertThat(engine.cancelled()).as("the slow call lost and was cancelled").isEqualTo(1);
        assertThat(engine.active()).isZero();
        // the loser had streamed its prompt and a token by then: the verdict counts them as cut
        assertThat(v.tokens().cut()).isEqualTo(new TokenUsage(v.agents().get(0).usage().inputTokens(), 1));
    }

    @Test
    void hedgesAreBoundedAndAPermanentErrorEndsTheAgentAtOnce() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(attempts((agent, attempt) ->
                agent == 0 ? (attempt < 2 ? answer("42", 60_000) : Script.failure(
                        new PermanentInferenceException("scripted", "HTTP 400", null), Duration.ofMillis(1)))
                        : answer("42", 100))).build();
        Contemplator c = contemplator(engine, 2, vts)
                .guard(engine, EngineGuard.builder().hedging(Duration.ofSeconds(1), 2).build()).build();

        Verdict v = verdict(c, vts);

        // the primary and the first hedge straggle; the second hedge (at 2 s) fails with a bad request, which no
        // further hedge can help: the agent fails at once and its two stragglers are cancelled
        assertThat(engine.started()).isEqualTo(4);
        assertThat(v.agents().get(0)).isInstanceOfSatisfying(AgentOutcome.Failed.class,
                f -> assertThat(f.cause()).isInstanceOf(PermanentInferenceException.class));
        assertThat(v.elapsed()).isEqualTo(Duration.ofMillis(2001));
        assertThat(engine.active()).isZero();
    }

    @Test
    void aJudgeEngineWhoseCircuitIsOpenLeavesTheDecisionToTheVote() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(r -> answer("42", 100)).build();
        ScriptedEngine judge = ScriptedEngine.builder().name("judge").scheduler(vts)
                .script(r -> Script.text("Sources: 1, 2\nThe answer is 42.", Duration.ofMillis(50))).build();
        CircuitBreaker breaker = CircuitBreaker.of("judge", EngineGuard.defaultCircuitBreakerConfig());
        breaker.transitionToOpenState();
        Contemplator c = contemplator(engine, 2, vts).judgeEngine(judge)
                .guard(judge, EngineGuard.builder().circuitBreaker(breaker).build()).build();

        Verdict v = verdict(c, vts);

        assertThat(judge.started()).isZero();
        assertThat(v.answer().key()).isEqualTo("42");
        assertThat(v.provenance().fallback()).hasValueSatisfying(f -> assertThat(f)
                .contains("synthesis call failed").contains("CircuitBreaker 'judge' is OPEN"));
        assertThat(v.degraded()).as("no agent was shed").isFalse();
    }

    @Test
    void retryDefaultsRetryOnlyWhatCanPass() {
        assertThat(EngineGuard.isRetryable(new TransientInferenceException("e", "503", null))).isTrue();
        assertThat(EngineGuard.isRetryable(new RateLimitedException("e", "429", null, null))).isTrue();
        assertThat(EngineGuard.isRetryable(new PermanentInferenceException("e", "401", null))).isFalse();
        assertThat(EngineGuard.isRetryable(new IllegalStateException())).isFalse();
        RetryConfig config = EngineGuard.defaultRetryConfig();
        assertThat(config.getMaxAttempts()).isEqualTo(3);
        assertThat(config.getExceptionPredicate().test(new TransientInferenceException("e", "503", null))).isTrue();
        assertThat(config.getExceptionPredicate().test(new PermanentInferenceException("e", "400", null))).isFalse();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RetryRegistry retries = RetryRegistry.of(config);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
        assertThat(EngineGuard.builder().retry(retries.retry("remote")).build().retry()).isPresent();
        assertThat(meters.find("resilience4j.retry.calls").tag("name", "remote").functionCounters()).isNotEmpty();
    }

    @Test
    void badHedgingIsRefusedWithTheValueNamed() {
        assertThatThrownBy(() -> EngineGuard.builder().hedging(Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> EngineGuard.builder().hedging(Duration.ofMillis(5), 9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHedges").hasMessageContaining("9");
        assertThatThrownBy(() -> EngineGuard.defaults(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(EngineGuard.none().isNone()).isTrue();
        assertThat(EngineGuard.defaults("remote").isNone()).isFalse();
    }
}

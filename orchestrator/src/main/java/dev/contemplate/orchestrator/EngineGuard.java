package dev.contemplate.orchestrator;

import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.RateLimitedException;
import dev.contemplate.inference.UnsupportedCapabilityException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The guard rails around one engine's calls, made of Resilience4j's own instances so that they come from the
 * application's registries, keep their configuration there, and publish their metrics through Resilience4j's
 * Micrometer binding ({@code TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters)}).
 *
 * <p>Each agent's generation on the guarded engine is one call, decorated in Resilience4j's documented order:
 * {@code Retry(CircuitBreaker(RateLimiter(TimeLimiter(Bulkhead(call)))))}, and optionally hedged. What each part does:
 * <ul>
 *   <li><b>time limiter</b>: one attempt that has not completed within the limit is cancelled and fails with a
 *       retryable {@code TransientInferenceException} ("no answer within ..."); timed on the contemplator's clock,
 *       so virtual time applies.</li>
 *   <li><b>retry</b>: retries an attempt that failed; configure it to retry only errors a retry can help
 *       ({@link #defaultRetryConfig()} does). Never retries a refusal of the guard itself.</li>
 *   <li><b>circuit breaker</b>: records each attempt; while open, the engine's calls are refused at once.</li>
 *   <li><b>bulkhead</b>: bounds the engine's concurrent calls across every contemplation; a call beyond the bound is
 *       refused at once (Resilience4j's Reactor operator does not wait for a permit).</li>
 *   <li><b>rate limiter</b>: bounds calls per period, for pay-per-call APIs; a call waits for a permit up to the
 *       limiter's timeout, then is refused.</li>
 *   <li><b>hedging</b>: an agent still without an answer after {@link Hedging#delay()} gets a second, identical
 *       call (then a third after twice the delay, up to {@link Hedging#maxHedges()}); the first answer wins and the
 *       others are cancelled. Every hedge's tokens count in the budget and the verdict's account.</li>
 * </ul>
 *
 * <p>An aggregation call (a judge, a synthesiser, a verifier) on a guarded engine passes its bulkhead, rate limiter
 * and circuit breaker only: it streams its answer as it comes, so it is not retried or hedged, and the aggregation
 * step's deadline bounds it; a refusal falls back to the vote and the verdict's provenance says why.
 *
 * <p>A refused call (open circuit, full bulkhead, no rate-limit permit) does not fail the contemplation: the agent
 * is {@linkplain AgentOutcome.Shed shed}, the contemplation goes on with the agents that can run, and the verdict
 * says it was {@linkplain Verdict#degraded() degraded}. Only when every agent is shed or fails does it fail, with an
 * {@link AllAgentsFailedException} (retryable when a shed or failure is).
 *
 * <p>Defaults: {@link #none()} is what a contemplator uses when given no guard (no retry, no breaker, nothing).
 * {@link #defaults(String)} gives a retry with {@link #defaultRetryConfig()} and a circuit breaker with
 * {@link #defaultCircuitBreakerConfig()}, which suits a remote model. Instances are immutable and thread-safe.
 */
public final class EngineGuard {

    private static final EngineGuard NONE = new EngineGuard(new Builder());

    private final @Nullable TimeLimiter timeLimiter;
    private final @Nullable Retry retry;
    private final @Nullable CircuitBreaker circuitBreaker;
    private final @Nullable Bulkhead bulkhead;
    private final @Nullable RateLimiter rateLimiter;
    private final @Nullable Hedging hedging;

    private EngineGuard(Builder b) {
        this.timeLimiter = b.timeLimiter;
        this.retry = b.retry;
        this.circuitBreaker = b.circuitBreaker;
        this.bulkhead = b.bulkhead;
        this.rateLimiter = b.rateLimiter;
        this.hedging = b.hedging;
    }

    /** Returns the guard that does nothing: calls go straight to the engine. */
    public static EngineGuard none() {
        return NONE;
    }

    /**
     * Returns a guard with a retry ({@link #defaultRetryConfig()}) and a circuit breaker
     * ({@link #defaultCircuitBreakerConfig()}), both named {@code name}.
     *
     * @param name the instances' name, usually the engine's
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static EngineGuard defaults(String name) {
        requireName(name);
        return builder()
                .retry(Retry.of(name, defaultRetryConfig()))
                .circuitBreaker(CircuitBreaker.of(name, defaultCircuitBreakerConfig()))
                .build();
    }

    /** Returns a builder; every part is optional. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the default retry configuration: at most 3 attempts; exponential back-off from 200 ms, doubling, with
     * 50 % jitter, and at least the provider's {@code Retry-After} for a {@link RateLimitedException}; retries only an
     * {@link InferenceException} whose {@link InferenceException#isRetryable()} is true (timeouts, rate limits,
     * overload, lost connections, HTTP 5xx), never a bad request, an authentication failure or an unsupported option.
     * Use it with a {@code RetryRegistry} ({@code RetryRegistry.of(EngineGuard.defaultRetryConfig())}) or as the
     * base of your own ({@code RetryConfig.from(EngineGuard.defaultRetryConfig())}).
     */
    public static RetryConfig defaultRetryConfig() {
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5);
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            long wait = backoff.apply(attempt);
            if (outcome.isLeft() && outcome.getLeft() instanceof RateLimitedException r
                    && r.retryAfter().isPresent()) {
                wait = Math.max(wait, r.retryAfter().get().toMillis());
            }
            return wait;
        };
        return RetryConfig.custom()
                .maxAttempts(3)
                .intervalBiFunction(interval)
                .retryOnException(EngineGuard::isRetryable)
                .build();
    }

    /**
     * Returns the default circuit-breaker configuration: a count-based window of the last 20 calls, at least 10 calls
     * before it judges, opens at 50 % failures or at 80 % of calls slower than 30 s, stays open 30 s, then lets 3
     * trial calls through. It records an {@link InferenceException} that says the engine is unwell (every retryable
     * one, and permanent ones such as authentication failures) but ignores errors of the request itself
     * ({@code UnsupportedCapabilityException}), and it ignores cancellations (an agent cut by a stopping rule is not
     * a failure of the engine).
     */
    public static CircuitBreakerConfig defaultCircuitBreakerConfig() {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .slowCallDurationThreshold(Duration.ofSeconds(30))
                .slowCallRateThreshold(80)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .permittedNumberOfCallsInHalfOpenState(3)
                .recordException(e -> e instanceof InferenceException
                        && !(e instanceof UnsupportedCapabilityException))
                .build();
    }

    /** Returns whether a retry can help after {@code error}: a retryable {@link InferenceException}. */
    public static boolean isRetryable(@Nullable Throwable error) {
        return error instanceof InferenceException ie && ie.isRetryable();
    }

    /** Returns the time limiter, if any. */
    public Optional<TimeLimiter> timeLimiter() {
        return Optional.ofNullable(timeLimiter);
    }

    /** Returns the retry, if any. */
    public Optional<Retry> retry() {
        return Optional.ofNullable(retry);
    }

    /** Returns the circuit breaker, if any. */
    public Optional<CircuitBreaker> circuitBreaker() {
        return Optional.ofNullable(circuitBreaker);
    }

    /** Returns the bulkhead, if any. */
    public Optional<Bulkhead> bulkhead() {
        return Optional.ofNullable(bulkhead);
    }

    /** Returns the rate limiter, if any. */
    public Optional<RateLimiter> rateLimiter() {
        return Optional.ofNullable(rateLimiter);
    }

    /** Returns the hedging policy, if any. */
    public Optional<Hedging> hedging() {
        return Optional.ofNullable(hedging);
    }

    /** Returns whether this guard does nothing. */
    public boolean isNone() {
        return timeLimiter == null && retry == null && circuitBreaker == null && bulkhead == null
                && rateLimiter == null && hedging == null;
    }

    @Override
    public String toString() {
        return "EngineGuard[timeLimiter=" + (timeLimiter == null ? "none" : timeLimiter.getName())
                + ", retry=" + (retry == null ? "none" : retry.getName())
                + ", circuitBreaker=" + (circuitBreaker == null ? "none" : circuitBreaker.getName())
                + ", bulkhead=" + (bulkhead == null ? "none" : bulkhead.getName())
                + ", rateLimiter=" + (rateLimiter == null ? "none" : rateLimiter.getName())
                + ", hedging=" + (hedging == null ? "none" : hedging) + "]";
    }

    private static String requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return name;
    }

    /**
     * When to hedge a slow call: after {@code delay} without an answer, send the same request again, up to
     * {@code maxHedges} extra calls ({@code k}-th after {@code k * delay}); the first answer wins, the others are
     * cancelled.
     *
     * @param delay how long to wait for an answer before hedging, positive (typically the engine's p95 latency)
     * @param maxHedges extra calls at most, 1 to 3
     */
    public record Hedging(Duration delay, int maxHedges) {
        /**
         * Validates the policy.
         *
         * @throws NullPointerException if {@code delay} is null
         * @throws IllegalArgumentException if {@code delay} is not positive or {@code maxHedges} is outside 1 to 3
         */
        public Hedging {
            Objects.requireNonNull(delay, "delay");
            if (delay.isZero() || delay.isNegative()) {
                throw new IllegalArgumentException("hedging delay must be positive but was " + delay);
            }
            if (maxHedges < 1 || maxHedges > 3) {
                throw new IllegalArgumentException("maxHedges must be between 1 and 3 but was " + maxHedges);
            }
        }
    }

    /** Builds an {@link EngineGuard}. Not thread-safe. */
    public static final class Builder {
        private @Nullable TimeLimiter timeLimiter;
        private @Nullable Retry retry;
        private @Nullable CircuitBreaker circuitBreaker;
        private @Nullable Bulkhead bulkhead;
        private @Nullable RateLimiter rateLimiter;
        private @Nullable Hedging hedging;

        private Builder() {
        }

        /** Sets the per-attempt time limit ({@code TimeLimiter.of(Duration)} or a {@code TimeLimiterRegistry}'s). */
        public Builder timeLimiter(TimeLimiter value) {
            this.timeLimiter = Objects.requireNonNull(value, "timeLimiter");
            return this;
        }

        /** Sets the retry (e.g. {@code RetryRegistry.of(EngineGuard.defaultRetryConfig()).retry(name)}). */
        public Builder retry(Retry value) {
            this.retry = Objects.requireNonNull(value, "retry");
            return this;
        }

        /** Sets the circuit breaker (e.g. {@code CircuitBreakerRegistry.of(config).circuitBreaker(name)}). */
        public Builder circuitBreaker(CircuitBreaker value) {
            this.circuitBreaker = Objects.requireNonNull(value, "circuitBreaker");
            return this;
        }

        /** Sets the bulkhead bounding the engine's concurrent calls (a semaphore {@code Bulkhead}). */
        public Builder bulkhead(Bulkhead value) {
            this.bulkhead = Objects.requireNonNull(value, "bulkhead");
            return this;
        }

        /** Sets the rate limiter bounding the engine's calls per period. */
        public Builder rateLimiter(RateLimiter value) {
            this.rateLimiter = Objects.requireNonNull(value, "rateLimiter");
            return this;
        }

        /**
         * Hedges slow calls.
         *
         * @throws IllegalArgumentException as {@link Hedging} does
         */
        public Builder hedging(Duration delay, int maxHedges) {
            this.hedging = new Hedging(delay, maxHedges);
            return this;
        }

        /** Returns the guard. */
        public EngineGuard build() {
            return new EngineGuard(this);
        }
    }
}

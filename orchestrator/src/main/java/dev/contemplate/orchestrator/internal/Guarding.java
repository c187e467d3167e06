package dev.contemplate.orchestrator.internal;

import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.orchestrator.EngineGuard;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.ratelimiter.operator.RateLimiterOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Applies an {@link EngineGuard} to one agent's generation, as Resilience4j's Reactor operators, in its documented
 * order {@code Retry(CircuitBreaker(RateLimiter(TimeLimiter(Bulkhead(call)))))}, then hedging around the whole.
 */
public final class Guarding {

    private Guarding() {
    }

    /**
     * Returns the guarded generation.
     *
     * @param guard the engine's guard
     * @param engine the engine's name, for errors
     * @param attempt makes one attempt (a fresh, cold call) each time it is invoked
     * @param clock times the time limit and the hedges
     * @param <T> the result
     * @return the guarded call: one result, or the last attempt's error
     */
    public static <T> Mono<T> guard(EngineGuard guard, String engine, Supplier<Mono<T>> attempt, Scheduler clock) {
        if (guard.isNone()) {
            return Mono.defer(attempt);
        }
        Supplier<Mono<T>> retried = () -> {
            Mono<T> call = Mono.defer(attempt);
            if (guard.bulkhead().isPresent()) {
                call = call.transformDeferred(BulkheadOperator.of(guard.bulkhead().get()));
            }
            if (guard.timeLimiter().isPresent()) {
                call = limit(call, guard.timeLimiter().get(), engine, clock);
            }
            if (guard.rateLimiter().isPresent()) {
                call = call.transformDeferred(RateLimiterOperator.of(guard.rateLimiter().get()));
            }
            if (guard.circuitBreaker().isPresent()) {
                call = call.transformDeferred(CircuitBreakerOperator.of(guard.circuitBreaker().get()));
            }
            if (guard.retry().isPresent()) {
                call = call.transformDeferred(RetryOperator.of(guard.retry().get()));
            }
            return call;
        };
        if (guard.hedging().isEmpty()) {
            return retried.get();
        }
        EngineGuard.Hedging hedging = guard.hedging().get();
        return Mono.defer(() -> {
            int total = hedging.maxHedges() + 1;
            List<Mono<Attempt<T>>> calls = new ArrayList<>(total);
            for (int k = 0; k < total; k++) {
                Mono<T> call = k == 0 ? Mono.defer(retried)
                        : Mono.delay(hedging.delay().multipliedBy(k), clock).then(Mono.defer(retried));
                calls.add(call.map(Attempt::<T>value).onErrorResume(e -> Mono.just(Attempt.failed(e))));
            }
            AtomicInteger failed = new AtomicInteger();
            AtomicReference<Throwable> first = new AtomicReference<>();
            // the first answer wins and cancels the others; an error a hedge cannot help (a refusal, a bad request)
            // ends it at once; otherwise it fails when every call failed, with the error that arrived first
            return Flux.merge(calls)
                    .filter(a -> {
                        if (a.error() == null) {
                            return true;
                        }
                        first.compareAndSet(null, a.error());
                        return !EngineGuard.isRetryable(a.error()) || failed.incrementAndGet() == total;
                    })
                    .next()
                    .flatMap(a -> a.error() == null ? Mono.just(a.value())
                            : Mono.error(EngineGuard.isRetryable(a.error()) ? first.get() : a.error()));
        });
    }

    private record Attempt<T>(@Nullable T value, @Nullable Throwable error) {
        static <T> Attempt<T> value(@Nullable T value) {
            return new Attempt<>(value, null);
        }

        static <T> Attempt<T> failed(Throwable error) {
            return new Attempt<>(null, error);
        }
    }

    /**
     * Returns an aggregation call (a judge's, a synthesiser's, a verifier's) admitted by the guard's bulkhead, rate
     * limiter and circuit breaker. It is not retried, hedged or time-limited: its text streams to the caller as it
     * comes, and the aggregation step's own deadline bounds it.
     */
    public static <T> Flux<T> admit(EngineGuard guard, Flux<T> call) {
        Flux<T> admitted = call;
        if (guard.bulkhead().isPresent()) {
            admitted = admitted.transformDeferred(BulkheadOperator.of(guard.bulkhead().get()));
        }
        if (guard.rateLimiter().isPresent()) {
            admitted = admitted.transformDeferred(RateLimiterOperator.of(guard.rateLimiter().get()));
        }
        if (guard.circuitBreaker().isPresent()) {
            admitted = admitted.transformDeferred(CircuitBreakerOperator.of(guard.circuitBreaker().get()));
        }
        return admitted;
    }

    /** Returns whether {@code error} is the guard refusing a call (not the engine failing it). */
    public static boolean isRefusal(Throwable error) {
        return error instanceof CallNotPermittedException || error instanceof BulkheadFullException
                || error instanceof RequestNotPermitted;
    }

    private static <T> Mono<T> limit(Mono<T> call, TimeLimiter limiter, String engine, Scheduler clock) {
        Duration limit = limiter.getTimeLimiterConfig().getTimeoutDuration();
        return call.timeout(limit, clock)
                .doOnSuccess(x -> limiter.onSuccess())
                .onErrorMap(TimeoutException.class, e -> new TransientInferenceException(engine,
                        "no answer within the agent time limit of " + limit.toMillis() + " ms", e))
                .doOnError(limiter::onError);
    }
}

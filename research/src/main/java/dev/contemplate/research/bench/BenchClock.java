package dev.contemplate.research.bench;

import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The clock that contemplations are run and timed on: real time, or a virtual-time scheduler that is advanced past
 * each contemplation's deadline, so that a simulated engine's hours of generation take milliseconds and report their
 * simulated latencies. Build the contemplators with {@link #scheduler()} as their
 * {@linkplain Contemplator.Builder#clock(Scheduler) clock} (and a simulated engine on the same scheduler).
 *
 * <pre>{@code
 * VirtualTimeScheduler virtual = VirtualTimeScheduler.create();          // reactor-test
 * BenchClock clock = BenchClock.virtual(virtual, virtual::advanceTimeBy);
 * }</pre>
 *
 * <p>Instances are immutable; a virtual clock must be used from one thread at a time.
 */
public final class BenchClock {

    private static final BenchClock REAL_TIME = new BenchClock(Schedulers.parallel(), null);

    private final Scheduler scheduler;
    private final @Nullable Consumer<Duration> advance;

    private BenchClock(Scheduler scheduler, @Nullable Consumer<Duration> advance) {
        this.scheduler = scheduler;
        this.advance = advance;
    }

    /** Returns real time: contemplations are awaited, timed by {@link System#nanoTime()}, on the parallel scheduler. */
    public static BenchClock realTime() {
        return REAL_TIME;
    }

    /**
     * Returns a virtual clock: time is {@code scheduler.now(NANOSECONDS)}, and after starting a contemplation the
     * clock is advanced by {@code advance} past its deadline, which ends it.
     *
     * @param scheduler a virtual-time scheduler, such as reactor-test's {@code VirtualTimeScheduler}
     * @param advance moves that scheduler's time forward by the given duration, running what falls due
     * @throws NullPointerException if an argument is null
     */
    public static BenchClock virtual(Scheduler scheduler, Consumer<Duration> advance) {
        return new BenchClock(Objects.requireNonNull(scheduler, "scheduler"), Objects.requireNonNull(advance,
                "advance"));
    }

    /** Returns the scheduler to give the contemplators (and a simulated engine) as their clock. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Returns whether this clock is virtual. */
    public boolean isVirtual() {
        return advance != null;
    }

    /** Returns the current time on this clock, in nanoseconds from an arbitrary origin. */
    public long nanoTime() {
        return advance != null ? scheduler.now(TimeUnit.NANOSECONDS) : System.nanoTime();
    }

    /**
     * Runs one contemplation to its verdict or failure, timing it on this clock.
     *
     * @param budget the call's budget; a virtual clock is advanced one millisecond past its deadline
     * @throws IllegalArgumentException if {@code question} is blank
     * @throws IllegalStateException if on a virtual clock the contemplation has not ended at its deadline
     * @throws RuntimeException any error that is not a {@link ContemplationException}, as it was raised
     */
    public RunOutcome run(Contemplator contemplator, String question, Mode mode, Budget budget) {
        return run(contemplator, question, mode, budget, event -> { });
    }

    /**
     * Runs one contemplation as {@link #run(Contemplator, String, Mode, Budget)} does, handing each of its
     * {@linkplain Contemplator#events events} to {@code listener} as it happens: on the engine's threads in real
     * time, on the caller's thread while a virtual clock is advanced. The listener must not throw.
     */
    public RunOutcome run(Contemplator contemplator, String question, Mode mode, Budget budget,
            Consumer<? super ContemplationEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        long start = nanoTime();
        AtomicLong end = new AtomicLong(Long.MIN_VALUE);
        AtomicInteger aggregationCalls = new AtomicInteger();
        // what Contemplator.contemplate does, with the events seen on the way
        Mono<Verdict> call = contemplator.events(question, mode, budget)
                .doOnNext(listener)
                .doOnNext(e -> {
                    if (e instanceof ContemplationEvent.AggregationCallStarted) {
                        aggregationCalls.incrementAndGet();
                    }
                })
                .ofType(ContemplationEvent.VerdictReady.class)
                .map(ContemplationEvent.VerdictReady::verdict)
                .single()
                .doOnTerminate(() -> end.set(nanoTime()));
        try {
            Verdict v;
            if (advance == null) {
                v = call.block();
            } else {
                CompletableFuture<Verdict> future = call.toFuture();
                advance.accept(budget.deadline().plusMillis(1));
                if (!future.isDone()) {
                    future.cancel(true);
                    throw new IllegalStateException("the contemplation did not end at its deadline on the virtual "
                            + "clock: is its engine on the same scheduler?");
                }
                v = unwrap(future);
            }
            return new RunOutcome(v, null, latency(start, end), aggregationCalls.get());
        } catch (ContemplationException e) {
            return new RunOutcome(null, e, latency(start, end), aggregationCalls.get());
        }
    }

    private Duration latency(long start, AtomicLong end) {
        long stop = end.get() == Long.MIN_VALUE ? nanoTime() : end.get();
        return Duration.ofNanos(stop - start);
    }

    private static Verdict unwrap(CompletableFuture<Verdict> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return advance != null ? "virtual" : "real";
    }
}

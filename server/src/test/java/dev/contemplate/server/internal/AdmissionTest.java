package dev.contemplate.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The bounds on running and waiting completions, without HTTP. The tests of order hand a freed place over inline
 * ({@code Schedulers.immediate()}), so that the order shows at once; the tests of the handoff use real schedulers.
 */
class AdmissionTest {

    private final List<String> started = new CopyOnWriteArrayList<>();

    /** A completion that runs until its sink completes. */
    private Flux<String> work(String name, Sinks.Empty<Void> done) {
        return Flux.defer(() -> {
            started.add(name);
            return done.asMono().thenMany(Flux.just(name));
        });
    }

    @Test
    void waitingCompletionsStartInArrivalOrderAsPlacesFree() {
        Admission admission = new Admission(1, 2, Schedulers.immediate());
        Sinks.Empty<Void> a = Sinks.empty();
        Sinks.Empty<Void> b = Sinks.empty();
        Sinks.Empty<Void> c = Sinks.empty();
        List<String> done = new CopyOnWriteArrayList<>();
        admission.run(() -> work("a", a)).subscribe(done::add);
        admission.run(() -> work("b", b)).subscribe(done::add);
        admission.run(() -> work("c", c)).subscribe(done::add);
        assertThat(started).containsExactly("a");
        assertThat(admission.running()).isEqualTo(1);
        assertThat(admission.queued()).isEqualTo(2);

        a.tryEmitEmpty();
        assertThat(started).containsExactly("a", "b");
        b.tryEmitEmpty();
        c.tryEmitEmpty();
        assertThat(done).containsExactly("a", "b", "c");
        assertThat(admission.running()).isZero();
        assertThat(admission.queued()).isZero();
    }

    @Test
    void oneMoreThanTheQueueHoldsIsRefusedWith429() {
        Admission admission = new Admission(1, 1, Schedulers.immediate());
        Sinks.Empty<Void> forever = Sinks.empty();
        admission.run(() -> work("a", forever)).subscribe();
        admission.run(() -> work("b", forever)).subscribe();
        AtomicReference<Throwable> error = new AtomicReference<>();
        admission.run(() -> work("c", forever)).subscribe(x -> { }, error::set);
        assertThat(error.get()).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.headers()).containsEntry("Retry-After", "1");
        });
        assertThat(started).containsExactly("a");
    }

    @Test
    void aCancelledCompletionFreesItsPlaceWhetherRunningOrWaiting() {
        Admission admission = new Admission(1, 1, Schedulers.immediate());
        Sinks.Empty<Void> forever = Sinks.empty();
        Disposable running = admission.run(() -> work("a", forever)).subscribe();
        Disposable waiting = admission.run(() -> work("b", forever)).subscribe();
        waiting.dispose();
        assertThat(admission.queued()).isZero();
        admission.run(() -> work("c", forever)).subscribe();
        assertThat(admission.queued()).isEqualTo(1);
        running.dispose();
        assertThat(started).containsExactly("a", "c");
        assertThat(admission.running()).isEqualTo(1);
        assertThat(admission.queued()).isZero();
    }

    @Test
    void closingRefusesNewAndWaitingCompletionsWith503AndLetsTheRunningOnesGoOn() {
        Admission admission = new Admission(1, 1, Schedulers.immediate());
        Sinks.Empty<Void> a = Sinks.empty();
        List<String> done = new CopyOnWriteArrayList<>();
        admission.run(() -> work("a", a)).subscribe(done::add);
        AtomicReference<Throwable> waiting = new AtomicReference<>();
        admission.run(() -> work("b", Sinks.empty())).subscribe(x -> { }, waiting::set);
        admission.close();
        AtomicReference<Throwable> late = new AtomicReference<>();
        admission.run(() -> work("c", Sinks.empty())).subscribe(x -> { }, late::set);
        assertThat(waiting.get()).isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(late.get()).isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(503));
        a.tryEmitEmpty();
        assertThat(done).containsExactly("a");
        assertThat(admission.running()).isZero();
    }

    @Test
    void aWaitingCompletionStartsOffTheThreadThatFreedItsPlace() {
        Scheduler handoff = Schedulers.newSingle("handoff");
        try {
            Admission admission = new Admission(1, 1, handoff);
            Sinks.Empty<Void> a = Sinks.empty();
            AtomicReference<Thread> bStartedOn = new AtomicReference<>();
            admission.run(() -> work("a", a)).subscribe();
            admission.run(() -> Flux.defer(() -> {
                bStartedOn.set(Thread.currentThread());
                return Flux.just("b");
            })).subscribe();
            assertThat(admission.queued()).isEqualTo(1);

            a.tryEmitEmpty(); // a ends on this thread, which frees its place
            await(() -> bStartedOn.get() != null, "b starts");
            assertThat(bStartedOn.get()).isNotSameAs(Thread.currentThread());
            assertThat(bStartedOn.get().getName()).startsWith("handoff");
            await(() -> admission.running() == 0, "b ends and frees its place");
        } finally {
            handoff.dispose();
        }
    }

    @Test
    void aLongChainOfWaitingCompletionsThatEndAtOnceDoesNotRecurse() {
        int n = 10_000;
        Admission admission = new Admission(1, n, Schedulers.boundedElastic());
        Sinks.Empty<Void> first = Sinks.empty();
        admission.run(() -> work("first", first)).subscribe();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger deepest = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            // each ends as soon as it starts, freeing its place for the next from inside its own end
            admission.run(() -> Flux.defer(() -> {
                deepest.accumulateAndGet(Thread.currentThread().getStackTrace().length, Math::max);
                return Flux.just("instant");
            })).subscribe(x -> { }, failure::set, done::incrementAndGet);
        }
        assertThat(admission.queued()).isEqualTo(n);

        first.tryEmitEmpty();
        await(() -> done.get() == n || failure.get() != null, "every waiting completion ends");
        assertThat(failure.get()).isNull();
        assertThat(done.get()).isEqualTo(n);
        // each started on a fresh stack: the depth does not grow with the chain
        assertThat(deepest.get()).isLessThan(300);
        await(() -> admission.running() == 0, "the last place is free");
        assertThat(admission.queued()).isZero();
    }

    /** Waits up to 20 s for {@code condition}; a poll, not a timing assertion. */
    static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

package dev.contemplate.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** The bounds on running and waiting completions, without HTTP. */
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
        Admission admission = new Admission(1, 2);
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
        Admission admission = new Admission(1, 1);
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
        Admission admission = new Admission(1, 1);
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
        Admission admission = new Admission(1, 1);
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
}

package dev.contemplate.inference.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.TransientInferenceException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The in-flight bound: permits, a bounded queue served in order, cancellation while waiting, closing. */
class PermitGateTest {

    /** A body that runs until the test ends it, and releases its permit then. */
    private static final class Body {
        final Sinks.Empty<Void> end = Sinks.empty();
        volatile boolean started;

        Flux<String> flux(PermitGate.Permit permit, String name) {
            started = true;
            return end.asMono().thenMany(Flux.just(name)).doFinally(s -> permit.release());
        }
    }

    @Test
    void runsAtMostMaxPermitsAndServesWaitersInArrivalOrder() {
        PermitGate gate = new PermitGate("gate", 2, 2);
        Body a = new Body();
        Body b = new Body();
        Body c = new Body();
        Body d = new Body();
        List<String> done = new CopyOnWriteArrayList<>();
        gate.run(p -> a.flux(p, "a")).subscribe(done::add);
        gate.run(p -> b.flux(p, "b")).subscribe(done::add);
        gate.run(p -> c.flux(p, "c")).subscribe(done::add);
        gate.run(p -> d.flux(p, "d")).subscribe(done::add);

        assertThat(gate.inUse()).isEqualTo(2);
        assertThat(gate.waiting()).isEqualTo(2);
        assertThat(c.started).isFalse();

        StepVerifier.create(gate.run(p -> Flux.just("e")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransientInferenceException.class)
                        .hasMessageContaining("gate"))
                .verify();

        b.end.tryEmitEmpty();
        assertThat(c.started).isTrue();
        assertThat(d.started).isFalse();
        a.end.tryEmitEmpty();
        assertThat(d.started).isTrue();
        c.end.tryEmitEmpty();
        d.end.tryEmitEmpty();
        assertThat(done).containsExactly("b", "a", "c", "d");
        assertThat(gate.inUse()).isZero();
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void aWaiterThatCancelsLeavesTheQueueAndNeverRuns() {
        PermitGate gate = new PermitGate("gate", 1, 4);
        Body a = new Body();
        Body b = new Body();
        gate.run(p -> a.flux(p, "a")).subscribe();
        Disposable waiting = gate.run(p -> b.flux(p, "b")).subscribe();
        assertThat(gate.waiting()).isEqualTo(1);

        waiting.dispose();
        assertThat(gate.waiting()).isZero();
        a.end.tryEmitEmpty();
        assertThat(b.started).isFalse();
        assertThat(gate.inUse()).isZero();
    }

    @Test
    void cancellingARunningBodyReturnsItsPermit() {
        PermitGate gate = new PermitGate("gate", 1, 0);
        Body a = new Body();
        Disposable running = gate.run(p -> a.flux(p, "a")).subscribe();
        assertThat(gate.inUse()).isEqualTo(1);
        running.dispose();
        assertThat(gate.inUse()).isZero();
        StepVerifier.create(gate.run(p -> Flux.just("next").doFinally(s -> p.release())))
                .expectNext("next").verifyComplete();
    }

    @Test
    void closingFailsWaitersAndLaterSubscribersButLetsRunningBodiesFinish() {
        PermitGate gate = new PermitGate("gate", 1, 1);
        Body a = new Body();
        List<String> done = new CopyOnWriteArrayList<>();
        gate.run(p -> a.flux(p, "a")).subscribe(done::add);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        gate.run(p -> Flux.just("b")).subscribe(x -> { }, errors::add);

        gate.close();
        assertThat(errors).singleElement().isInstanceOf(PermanentInferenceException.class);
        StepVerifier.create(gate.run(p -> Flux.just("c"))).expectError(PermanentInferenceException.class).verify();
        a.end.tryEmitEmpty();
        assertThat(done).containsExactly("a");
        assertThat(gate.inUse()).isZero();
    }
}

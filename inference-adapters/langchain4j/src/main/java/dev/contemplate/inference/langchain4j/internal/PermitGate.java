package dev.contemplate.inference.langchain4j.internal;

import dev.contemplate.inference.EngineClosedException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.TransientInferenceException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Bounds how many generations run at once without an unbounded queue: at most {@code maxPermits} bodies run, at
 * most {@code maxWaiting} subscribers wait for a permit, and any further subscriber fails at once with a
 * {@link TransientInferenceException}. A waiting subscriber that cancels leaves the queue. Waiters are served in
 * arrival order.
 */
public final class PermitGate {

    private final String engine;
    private final int maxPermits;
    private final int maxWaiting;
    private final Object lock = new Object();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int available;
    private boolean closed;

    /**
     * Creates a gate.
     *
     * @param engine the engine's name, for errors
     * @param maxPermits how many bodies may run at once, at least 1
     * @param maxWaiting how many subscribers may wait for a permit, zero or more
     */
    public PermitGate(String engine, int maxPermits, int maxWaiting) {
        if (maxPermits < 1) {
            throw new IllegalArgumentException("maxPermits must be >= 1 but was " + maxPermits);
        }
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("maxWaiting must be >= 0 but was " + maxWaiting);
        }
        this.engine = engine;
        this.maxPermits = maxPermits;
        this.maxWaiting = maxWaiting;
        this.available = maxPermits;
    }

    /**
     * Returns a publisher that waits for a permit, then subscribes to the body that {@code body} returns for it.
     * The body must release the permit exactly when its work is over (releasing twice is harmless); if the body
     * cannot be created the permit is released here.
     *
     * @param body creates the guarded publisher for a granted permit
     * @param <T> the element type
     * @return the guarded publisher
     */
    public <T> Flux<T> run(Function<Permit, Flux<T>> body) {
        return Mono.<Permit>create(this::enqueue).flatMapMany(permit -> {
            if (!permit.take()) {
                return Flux.empty();
            }
            try {
                return body.apply(permit);
            } catch (RuntimeException | Error e) {
                permit.release();
                throw e;
            }
        });
    }

    /** Returns how many permits are held right now. */
    public int inUse() {
        synchronized (lock) {
            return maxPermits - available;
        }
    }

    /** Returns how many subscribers are waiting for a permit right now. */
    public int waiting() {
        synchronized (lock) {
            return waiters.size();
        }
    }

    /** Fails every waiting subscriber and every later one; permits already held stay valid until released. */
    public void close() {
        List<Waiter> failed;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            failed = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : failed) {
            w.sink.error(closedError());
        }
    }

    private void enqueue(MonoSink<Permit> sink) {
        Permit granted = null;
        Waiter waiter = null;
        Throwable rejected = null;
        synchronized (lock) {
            if (closed) {
                rejected = closedError();
            } else if (available > 0) {
                available--;
                granted = new Permit();
            } else if (waiters.size() < maxWaiting) {
                waiter = new Waiter(sink);
                waiters.addLast(waiter);
            } else {
                rejected = new TransientInferenceException(engine, "saturated: " + maxPermits
                        + " generations running and " + maxWaiting + " waiting; try again later", null);
            }
        }
        if (rejected != null) {
            sink.error(rejected);
        } else if (granted != null) {
            Permit p = granted;
            sink.onCancel(p::abandon);
            sink.success(p);
        } else {
            Waiter w = waiter;
            sink.onCancel(() -> cancelWaiter(w));
        }
    }

    private void cancelWaiter(Waiter w) {
        Permit p;
        synchronized (lock) {
            if (waiters.remove(w)) {
                return;
            }
            p = w.permit;
        }
        if (p != null) {
            p.abandon();
        }
    }

    private void returnPermit() {
        Waiter next;
        Permit p;
        synchronized (lock) {
            next = waiters.pollFirst();
            if (next == null) {
                available++;
                return;
            }
            p = new Permit();
            next.permit = p;
        }
        next.sink.success(p);
    }

    private PermanentInferenceException closedError() {
        return new EngineClosedException(engine, null);
    }

    private static final class Waiter {
        final MonoSink<Permit> sink;
        @Nullable Permit permit;

        Waiter(MonoSink<Permit> sink) {
            this.sink = sink;
        }
    }

    /** A right to run one body; release it once when the body's work is over. */
    public final class Permit {
        private static final int GRANTED = 0;
        private static final int TAKEN = 1;
        private static final int ABANDONED = 2;

        private final AtomicInteger state = new AtomicInteger(GRANTED);
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit() {
        }

        /** Marks the permit as owned by a body; false if its subscriber left before. */
        boolean take() {
            return state.compareAndSet(GRANTED, TAKEN);
        }

        /** Returns the permit if its subscriber left before a body took it. */
        void abandon() {
            if (state.compareAndSet(GRANTED, ABANDONED)) {
                release();
            }
        }

        /** Returns the permit to the gate; later calls do nothing. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                returnPermit();
            }
        }
    }
}

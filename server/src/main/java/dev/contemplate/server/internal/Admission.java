package dev.contemplate.server.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * Bounds the completions of a server: at most {@code maxConcurrent} run, at most {@code maxQueued} wait in arrival
 * order, and one more is refused at once with a 429 {@link ApiError}. Never blocks: a waiting completion is a pending
 * subscription. A completion's turn is released when it terminates or is cancelled (a client that goes away while
 * waiting leaves the queue).
 *
 * <p>A completion admitted at once starts on the thread that subscribed. One that waited starts on the
 * {@code handoff} scheduler, never on the thread that freed its place: that thread is whatever ended the previous
 * completion (an engine's thread, another connection's event loop), and starting the next one there would run it
 * inside the previous one's termination, and a chain of completions that end at once would recurse. Thread-safe.
 */
final class Admission {

    private final int maxConcurrent;
    private final int maxQueued;
    private final Scheduler handoff;
    private final ArrayDeque<Ticket> queue = new ArrayDeque<>();
    private int running;
    private boolean closed;

    /**
     * @param maxConcurrent the most completions that run at once
     * @param maxQueued the most that wait
     * @param handoff where a completion that waited starts when a place frees
     */
    Admission(int maxConcurrent, int maxQueued, Scheduler handoff) {
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = maxQueued;
        this.handoff = Objects.requireNonNull(handoff, "handoff");
    }

    /**
     * Returns {@code work} run in its turn: on subscription it starts at once when a place is free, waits in the queue
     * otherwise, or fails with a 429 {@link ApiError} (or 503 once closed) when the queue is full.
     */
    <T> Flux<T> run(Supplier<? extends Flux<T>> work) {
        return Flux.defer(() -> {
            Ticket ticket = new Ticket();
            return Mono.<Void>create(ticket::enter).thenMany(Flux.defer(work)).doFinally(signal -> ticket.leave());
        });
    }

    /** Returns whether {@link #close()} was called. */
    synchronized boolean closed() {
        return closed;
    }

    /** Returns how many completions run now. */
    synchronized int running() {
        return running;
    }

    /** Returns how many completions wait now. */
    synchronized int queued() {
        return queue.size();
    }

    /** Refuses new completions with 503 and fails the waiting ones likewise; the running ones go on. */
    void close() {
        List<Ticket> waiting;
        synchronized (this) {
            closed = true;
            waiting = new ArrayList<>(queue);
            queue.clear();
            waiting.forEach(t -> t.state = State.DONE);
        }
        waiting.forEach(t -> t.sink.error(ApiError.shuttingDown()));
    }

    private enum State { NEW, WAITING, RUNNING, DONE }

    /** One completion's place; its state changes under the admission's lock. */
    private final class Ticket {
        private State state = State.NEW;
        private MonoSink<Void> sink;

        void enter(MonoSink<Void> s) {
            ApiError refusal = null;
            boolean admitted = false;
            synchronized (Admission.this) {
                this.sink = s;
                if (state == State.DONE) {
                    return; // cancelled while subscribing
                }
                if (closed) {
                    state = State.DONE;
                    refusal = ApiError.shuttingDown();
                } else if (running < maxConcurrent) {
                    running++;
                    state = State.RUNNING;
                    admitted = true;
                } else if (queue.size() < maxQueued) {
                    queue.add(this);
                    state = State.WAITING;
                } else {
                    state = State.DONE;
                    refusal = ApiError.queueFull(running, queue.size());
                }
            }
            if (refusal != null) {
                s.error(refusal);
            } else if (admitted) {
                s.success();
            }
        }

        /** Leaves: frees the place of a running completion (to the next in the queue) or the queue's. */
        void leave() {
            Ticket next = null;
            synchronized (Admission.this) {
                if (state == State.WAITING) {
                    queue.remove(this);
                } else if (state == State.RUNNING) {
                    next = queue.poll();
                    if (next != null) {
                        next.state = State.RUNNING;
                    } else {
                        running--;
                    }
                }
                state = State.DONE;
            }
            if (next != null) {
                // not here: this is the end of the previous completion (see the class comment)
                MonoSink<Void> admitted = next.sink;
                try {
                    handoff.schedule(admitted::success);
                } catch (RejectedExecutionException e) {
                    admitted.success(); // a scheduler that no longer runs tasks: better here than never
                }
            }
        }
    }
}

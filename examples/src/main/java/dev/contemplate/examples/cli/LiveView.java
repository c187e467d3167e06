package dev.contemplate.examples.cli;

import dev.contemplate.orchestrator.ContemplationEvent;
import java.io.IOError;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jspecify.annotations.Nullable;

/**
 * {@code ask}'s live view of a contemplation, fed its events as they happen. It always writes to standard error, so
 * that standard output keeps only the final summary or JSON (and can be piped or redirected while the view still
 * shows):
 *
 * <ul>
 *   <li>on a terminal (the command line is interactive, its standard input and output a terminal, and JLine finds
 *       one on standard error too), a frame redrawn in place with JLine's {@link Display}: one line per agent (waiting, running,
 *       answered, failed, cancelled; its time, its size, its answer), the tally with the leader's share, the
 *       aggregation's call and the verdict. Events only update its state: the view's own clock thread redraws it,
 *       ten times a second when an event changed it or while the agents' clocks run, so the engine's threads never
 *       wait on the terminal ({@link OnTerminal}). It is left on the screen, in its final state, above the
 *       summary;</li>
 *   <li>elsewhere (output piped or redirected to a file, a test), one plain line per event, without escape codes:
 *       {@link ProgressLines#plain}. Those lines are written on the thread of the event, under the view's lock, in
 *       the order of the events: a line is a log's, not a redraw of the whole frame, and goes to a pipe or a
 *       file, not to a terminal; handing it off would take a queue and a thread to save one short write;</li>
 *   <li>with {@code --json}, nothing ({@link #none()}).</li>
 * </ul>
 *
 * <p>Model text is shown only through {@link ProgressLines}, which replaces every control and format character
 * in it (ESC, U+202E...): a model cannot write escape sequences to the terminal.
 *
 * <p>Events arrive on the engine's threads; every method is thread-safe. A view whose terminal fails stops drawing
 * and never fails the contemplation. Close it once the run has ended: it stops its clock thread, draws the final
 * frame on the closing thread and closes its terminal.
 */
abstract class LiveView implements Consumer<ContemplationEvent>, AutoCloseable {

    /**
     * How often the view's clock thread redraws a terminal frame: when events changed it, and while the agents'
     * clocks run. Events never draw it themselves.
     */
    static final Duration TICK = Duration.ofMillis(100);

    /** Hands each event to the view; never throws. */
    @Override
    public abstract void accept(ContemplationEvent event);

    /** Ends the view: draws its final state and releases what it holds. Idempotent. */
    @Override
    public abstract void close();

    /** Returns a view that shows nothing (for {@code --json}). */
    static LiveView none() {
        return new LiveView() {
            @Override
            public void accept(ContemplationEvent event) {
            }

            @Override
            public void close() {
            }
        };
    }

    /** Returns the view that writes one plain line per event to {@code err}. */
    static LiveView plain(PrintWriter err, List<String> agentIds) {
        return new Plain(err, agentIds);
    }

    /**
     * Returns the view that redraws a frame in place on {@code terminal}, which it closes when it is closed, or at
     * once should the view fail to open (the exception is rethrown).
     *
     * @param title what runs, shown on the frame's first line
     * @param nanoTime the clock of the running agents' times (System::nanoTime, or a test's)
     * @param live whether this is a live run's view: redrawn every {@link #TICK} on a daemon thread of its own (else
     *     only when the caller calls {@link OnTerminal#tick()}, and when it is closed), and ended with a line break
     *     by a shutdown hook should the JVM exit first (Ctrl-C)
     */
    static OnTerminal terminal(Terminal terminal, List<String> agentIds, String title, LongSupplier nanoTime,
            boolean live) {
        return OnTerminal.open(terminal, agentIds, title, nanoTime, live);
    }

    /**
     * Returns the view for a run of {@code ask}: none with {@code --json}; when {@code interactive}, a frame on a
     * terminal on standard error if JLine finds one there (a real one, not its "dumb" fallback); else plain lines on
     * {@code err}.
     */
    static LiveView open(boolean json, boolean interactive, PrintWriter err, List<String> agentIds, String title) {
        try (Pending pending = prepare(json, interactive)) {
            return pending.open(err, agentIds, title);
        }
    }

    /**
     * Starts looking for the view's terminal, on a daemon thread of its own when {@code interactive} and not
     * {@code json}: JLine's start (its native library, the terminal's capabilities) takes a few hundred
     * milliseconds of a cold JVM, which then overlap the engine's start.
     */
    static Pending prepare(boolean json, boolean interactive) {
        CompletableFuture<@Nullable Terminal> terminal = null;
        if (!json && interactive) {
            terminal = CompletableFuture.supplyAsync(LiveView::systemTerminal, task -> {
                Thread t = new Thread(task, "contemplate-terminal");
                t.setDaemon(true);
                t.start();
            });
        }
        return new Pending(json, terminal);
    }

    /** The view of a run to come, its terminal perhaps still being looked for; close it in every case. */
    static final class Pending implements AutoCloseable {
        private final boolean json;
        private final @Nullable CompletableFuture<@Nullable Terminal> terminal;
        private boolean taken;

        /** A test's: {@code terminal} completes with the terminal found, or null for none. */
        Pending(boolean json, @Nullable CompletableFuture<@Nullable Terminal> terminal) {
            this.json = json;
            this.terminal = terminal;
        }

        /**
         * Returns the view, at most once: none with {@code --json}, a frame on the terminal once it is found, else
         * plain lines on {@code err}. Should the frame fail to open (its {@link Display}, its clock thread, its
         * shutdown hook), the terminal is closed and the view is plain lines: a view never fails the contemplation.
         */
        LiveView open(PrintWriter err, List<String> agentIds, String title) {
            if (taken) {
                throw new IllegalStateException("the view was opened already");
            }
            taken = true;
            if (json) {
                return none();
            }
            Terminal t = terminal == null ? null : terminal.join();
            if (t == null) {
                return plain(err, agentIds);
            }
            err.flush();
            try {
                return terminal(t, agentIds, title, System::nanoTime, true); // closes t should it throw
            } catch (RuntimeException | IOError e) {
                return plain(err, agentIds);
            }
        }

        /** Closes the terminal that no view took (the run failed before it started). */
        @Override
        public void close() {
            if (!taken && terminal != null) {
                taken = true;
                Terminal t = terminal.join();
                if (t != null) {
                    closeQuietly(t);
                }
            }
        }
    }

    /** Returns the terminal on standard error, or null when it is none JLine can drive (or has no size). */
    private static @Nullable Terminal systemTerminal() {
        try {
            // paused: never reads standard input; no grapheme-cluster probe: the view writes ASCII only; no native
            // signals: Ctrl-C keeps the JVM's own handling (shutdown hooks, exit code 130), and the size is read
            // at each frame
            Terminal t = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysErr)
                    .dumb(true).paused(true).graphemeCluster(false).nativeSignals(false).build();
            Size size = t.getSize();
            if (t.getType().startsWith(Terminal.TYPE_DUMB) || size.getColumns() < 20 || size.getRows() < 3) {
                closeQuietly(t);
                return null;
            }
            return t;
        } catch (IOException | RuntimeException | IOError e) {
            return null;
        }
    }

    /** One plain line per event, written on the event's thread (see the class's comment). */
    private static final class Plain extends LiveView {
        private final PrintWriter err;
        private final ProgressState state;
        private boolean closed;

        Plain(PrintWriter err, List<String> agentIds) {
            this.err = err;
            this.state = new ProgressState(agentIds);
        }

        @Override
        public synchronized void accept(ContemplationEvent event) {
            if (closed) {
                return;
            }
            try {
                state.apply(event);
                String line = ProgressLines.plain(event, state);
                if (line != null) {
                    err.println(line);
                    err.flush();
                }
            } catch (RuntimeException e) {
                closed = true; // a view never fails the contemplation it shows
            }
        }

        @Override
        public synchronized void close() {
            closed = true;
            err.flush();
        }
    }

    /**
     * A frame redrawn in place with JLine's {@link Display}. {@link #accept} only applies the event to the state and
     * marks the frame dirty, under the view's lock, and never writes: the engine's threads (the OpenAI client's event
     * loops, the embedded engine's workers) never wait for the terminal, however slow it is (a terminal over ssh).
     * The frame is written by {@link #tick()}: the view's own clock thread every {@link #TICK} (a live view), the
     * caller otherwise (a test), and by {@link #close()} once more, on the caller's thread, so that the final frame is
     * complete before the summary follows it.
     *
     * <p>Two locks, never one inside the other: the view's ({@code this}) guards the state, and a frame is computed
     * from it under that lock (cheap, in memory); {@link #drawing} guards the {@link Display} and the terminal, which
     * are written outside the view's lock. Each frame is numbered when it is computed, and one older than the frame
     * on the screen is dropped, so a tick that lost the race to {@link #close()} never draws over the final frame.
     */
    static final class OnTerminal extends LiveView {
        private final Terminal terminal;
        private final ProgressState state;
        private final String title;
        private final LongSupplier nanoTime;
        private final long start;
        private final @Nullable ScheduledExecutorService clock;
        private final @Nullable Thread onExit;
        /** Guards {@link #display}, {@link #shown} and {@link #ended}; written to the terminal under it only. */
        private final Object drawing = new Object();
        private final Display display;
        /** The number of the frame on the screen; guarded by {@link #drawing}. */
        private long shown;
        /** Whether the frame's last line was ended (closed, or the JVM exited); guarded by {@link #drawing}. */
        private boolean ended;
        /** The number of the latest frame computed; guarded by {@code this}. */
        private long computed;
        /** Whether an event changed the state since the latest frame; guarded by {@code this}. */
        private boolean dirty = true;
        /** Guarded by {@code this}. */
        private boolean closed;
        /** Whether the terminal or the state failed: the view shows nothing more. */
        private volatile boolean broken;

        /** Builds the view; starts nothing and writes nothing (see {@link #open}). */
        private OnTerminal(Terminal terminal, List<String> agentIds, String title, LongSupplier nanoTime,
                boolean live) {
            this.terminal = terminal;
            this.display = new Display(terminal, false);
            this.state = new ProgressState(agentIds);
            this.title = title;
            this.nanoTime = nanoTime;
            this.start = nanoTime.getAsLong();
            if (live) {
                clock = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "contemplate-live-view");
                    t.setDaemon(true);
                    return t;
                });
                onExit = new Thread(this::interrupted, "contemplate-live-view-exit");
            } else {
                clock = null;
                onExit = null;
            }
        }

        /**
         * Returns the view, its first frame drawn and, when {@code live}, its clock started and its shutdown hook
         * registered (the last step: nothing can fail after it). Should any step fail, it stops the clock and closes
         * the terminal before it rethrows: a view that could not open holds nothing.
         */
        static OnTerminal open(Terminal terminal, List<String> agentIds, String title, LongSupplier nanoTime,
                boolean live) {
            OnTerminal view = null;
            try {
                view = new OnTerminal(terminal, agentIds, title, nanoTime, live);
                view.tick();
                if (view.clock != null && view.onExit != null) {
                    // with a fixed delay, not rate: ticks that a slow terminal held back are not caught up in a burst
                    view.clock.scheduleWithFixedDelay(view::tick, TICK.toMillis(), TICK.toMillis(),
                            TimeUnit.MILLISECONDS);
                    Runtime.getRuntime().addShutdownHook(view.onExit);
                }
                return view;
            } catch (RuntimeException | Error e) {
                if (view != null && view.clock != null) {
                    view.clock.shutdownNow();
                }
                closeQuietly(terminal);
                throw e;
            }
        }

        /** Applies the event and marks the frame dirty; never writes to the terminal, never throws. */
        @Override
        public synchronized void accept(ContemplationEvent event) {
            if (closed || broken) {
                return;
            }
            try {
                state.apply(event);
                dirty = true;
            } catch (RuntimeException e) {
                broken = true; // a view never fails the contemplation it shows
            }
        }

        /**
         * Draws the frame if an event changed it, or while the agents' clocks run; the clock thread's task (or a
         * test's). Never throws: a terminal that fails breaks the view.
         */
        void tick() {
            if (broken) {
                return;
            }
            Size size = size();
            Frame frame;
            synchronized (this) {
                if (closed || size == null || !(dirty || state.stopped() == null)) {
                    return;
                }
                frame = compute(size);
            }
            if (frame != null) {
                show(frame, false);
            }
        }

        /** Returns the terminal's size (80 by 24 where it says none), or null when it failed. */
        private @Nullable Size size() {
            try {
                Size size = terminal.getSize();
                return Size.of(size.getColumns() > 0 ? size.getColumns() : 80, size.getRows() > 0 ? size.getRows()
                        : 24);
            } catch (RuntimeException | IOError e) {
                broken = true;
                return null;
            }
        }

        /**
         * Computes the current frame, numbered; null when the state fails. The time is the wall clock since the view
         * opened, but never before the latest event: on the simulated engine's virtual clock, events arrive at once
         * and carry their virtual times. Called under the view's lock.
         */
        private @Nullable Frame compute(Size size) {
            try {
                Duration wall = Duration.ofNanos(nanoTime.getAsLong() - start);
                Duration now = wall.compareTo(state.latest()) > 0 && state.stopped() == null ? wall : state.latest();
                List<AttributedString> lines = ProgressLines.frame(state, title, now, size.getColumns(),
                        size.getRows());
                dirty = false;
                return new Frame(++computed, size, lines);
            } catch (RuntimeException e) {
                broken = true;
                return null;
            }
        }

        /**
         * Writes {@code frame} unless a newer one is on the screen or the frame was ended; with {@code last}, ends
         * it with a line break and closes the terminal.
         */
        private void show(@Nullable Frame frame, boolean last) {
            synchronized (drawing) {
                if (ended) {
                    return;
                }
                try {
                    if (frame != null && frame.number() > shown && !broken) {
                        shown = frame.number();
                        display.resize(frame.size());
                        display.update(frame.lines(), -1);
                    }
                    if (last && !broken) {
                        terminal.writer().println();
                        terminal.flush();
                    }
                } catch (RuntimeException | IOError e) {
                    broken = true;
                } finally {
                    if (last) {
                        ended = true;
                        closeQuietly(terminal);
                    }
                }
            }
        }

        /**
         * Ends the frame's last line when the JVM exits before the view is closed (Ctrl-C), for the shell's sake.
         * Writes to standard error itself: JLine's own shutdown hook may have closed the terminal already.
         */
        private void interrupted() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            synchronized (drawing) {
                if (!ended && !broken) {
                    ended = true;
                    System.err.println();
                    System.err.flush();
                }
            }
        }

        /**
         * Stops the clock, then draws the final frame on the caller's thread and ends it with a line break, and
         * closes the terminal. Returns once the final frame is on the terminal, so the summary follows it.
         */
        @Override
        public void close() {
            if (onExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(onExit);
                } catch (IllegalStateException e) {
                    // the JVM is exiting: the hook ends the frame
                }
            }
            if (clock != null) {
                clock.shutdown(); // cancels the ticks; one in progress ends its frame, or is dropped (numbered)
                try {
                    clock.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Size size = broken ? null : size();
            Frame frame;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                frame = size == null || broken ? null : compute(size);
            }
            show(frame, true);
        }

        /** One frame to show, numbered in the order it was computed. */
        private record Frame(long number, Size size, List<AttributedString> lines) {
        }
    }

    private static void closeQuietly(Terminal terminal) {
        try {
            terminal.close();
        } catch (IOException | RuntimeException | IOError e) {
            // the terminal is gone: nothing left to release
        }
    }
}

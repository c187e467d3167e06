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
 *       aggregation's call and the verdict. It is redrawn on every event and ten times a second for the running
 *       agents' clocks, and left on the screen, in its final state, above the summary;</li>
 *   <li>elsewhere (output piped or redirected to a file, a test), one plain line per event, without escape codes:
 *       {@link ProgressLines#plain};</li>
 *   <li>with {@code --json}, nothing ({@link #none()}).</li>
 * </ul>
 *
 * <p>Events arrive on the engine's threads; every method is thread-safe. A view whose terminal fails stops drawing
 * and never fails the contemplation. Close it once the run has ended: it draws the final frame, stops its clock
 * thread and closes its terminal.
 */
abstract class LiveView implements Consumer<ContemplationEvent>, AutoCloseable {

    /** How often a terminal frame is redrawn between events, for the running agents' clocks. */
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
     * Returns the view that redraws a frame in place on {@code terminal}, which it closes when it is closed.
     *
     * @param title what runs, shown on the frame's first line
     * @param nanoTime the clock of the running agents' times (System::nanoTime, or a test's)
     * @param live whether this is a live run's view: redrawn every {@link #TICK} on a daemon thread of its own (else
     *     only on events), and ended with a line break by a shutdown hook should the JVM exit first (Ctrl-C)
     */
    static LiveView terminal(Terminal terminal, List<String> agentIds, String title, LongSupplier nanoTime,
            boolean live) {
        return new OnTerminal(terminal, agentIds, title, nanoTime, live);
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

        private Pending(boolean json, @Nullable CompletableFuture<@Nullable Terminal> terminal) {
            this.json = json;
            this.terminal = terminal;
        }

        /**
         * Returns the view, at most once: none with {@code --json}, a frame on the terminal once it is found, else
         * plain lines on {@code err}.
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
            return terminal(t, agentIds, title, System::nanoTime, true);
        }

        /** Closes the terminal that no view took (the run failed before it started). */
        @Override
        public void close() {
            if (!taken && terminal != null) {
                taken = true;
                Terminal t = terminal.join();
                if (t != null) {
                    try {
                        t.close();
                    } catch (IOException | RuntimeException | IOError e) {
                        // nothing left to release
                    }
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
                t.close();
                return null;
            }
            return t;
        } catch (IOException | RuntimeException | IOError e) {
            return null;
        }
    }

    /** One plain line per event. */
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

    /** A frame redrawn in place with JLine's {@link Display}. */
    private static final class OnTerminal extends LiveView {
        private final Terminal terminal;
        private final Display display;
        private final ProgressState state;
        private final String title;
        private final LongSupplier nanoTime;
        private final long start;
        private final @Nullable ScheduledExecutorService clock;
        private final @Nullable Thread onExit;
        private boolean broken;
        private boolean closed;

        OnTerminal(Terminal terminal, List<String> agentIds, String title, LongSupplier nanoTime, boolean live) {
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
                clock.scheduleAtFixedRate(this::redraw, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
                onExit = new Thread(this::interrupted, "contemplate-live-view-exit");
                Runtime.getRuntime().addShutdownHook(onExit);
            } else {
                clock = null;
                onExit = null;
            }
            redraw();
        }

        /**
         * Ends the frame's last line when the JVM exits before the view is closed (Ctrl-C), for the shell's sake.
         * Writes to standard error itself: JLine's own shutdown hook may have closed the terminal already.
         */
        private synchronized void interrupted() {
            if (!closed && !broken) {
                closed = true;
                System.err.println();
                System.err.flush();
            }
        }

        @Override
        public synchronized void accept(ContemplationEvent event) {
            if (closed || broken) {
                return;
            }
            try {
                state.apply(event);
            } catch (RuntimeException e) {
                broken = true; // a view never fails the contemplation it shows
                return;
            }
            draw();
        }

        /** Redraws for the clocks; the ticking thread's task. */
        private synchronized void redraw() {
            if (!closed) {
                draw();
            }
        }

        /**
         * Draws the current frame. The time is the wall clock since the view opened, but never before the latest
         * event: on the simulated engine's virtual clock, events arrive at once and carry their virtual times.
         */
        private void draw() {
            if (broken) {
                return;
            }
            try {
                Duration wall = Duration.ofNanos(nanoTime.getAsLong() - start);
                Duration now = wall.compareTo(state.latest()) > 0 && state.stopped() == null ? wall : state.latest();
                Size size = terminal.getSize();
                int width = size.getColumns() > 0 ? size.getColumns() : 80;
                int height = size.getRows() > 0 ? size.getRows() : 24;
                display.resize(Size.of(width, height));
                List<AttributedString> frame = ProgressLines.frame(state, title, now, width, height);
                display.update(frame, -1);
            } catch (RuntimeException | IOError e) {
                broken = true;
            }
        }

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
                clock.shutdown(); // cancels the ticks; one in progress ends its frame
                try {
                    clock.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                draw();
                closed = true;
                try {
                    if (!broken) {
                        terminal.writer().println();
                        terminal.flush();
                    }
                    terminal.close();
                } catch (IOException | RuntimeException | IOError e) {
                    // the terminal is gone: nothing left to release
                }
            }
        }
    }
}

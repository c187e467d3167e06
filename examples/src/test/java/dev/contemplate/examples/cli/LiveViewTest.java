package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Provenance;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.aggregation.Vote;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.NoAnswerException;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.TokenAccount;
import dev.contemplate.orchestrator.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jline.terminal.Size;
import org.jline.terminal.impl.LineDisciplineTerminal;
import org.jline.utils.ScreenTerminal;
import org.jline.utils.ScreenTerminalOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code ask}'s live view rendered from a scripted contemplation: plain lines, and the frame a terminal shows, read
 * back from JLine's virtual screen (a VT100 emulator), so what is checked is what a person would see.
 */
class LiveViewTest {

    private static final List<String> TEAM = List.of("agent-1", "agent-2", "agent-3", "agent-4", "agent-5",
            "agent-6");

    /** A semantic vote's clusters: their keys mean nothing to a reader, their texts are what is shown. */
    private static final Answer CANBERRA = new Answer("c1",
            "The capital of Australia is Canberra, not Sydney as many believe.");
    private static final Answer SYDNEY = new Answer("c2", "Sydney");
    private static final String CANBERRA_SHORT = "\"The capital of Australia is Canberra,...\"";

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private static Vote vote(int ordinal, Answer answer) {
        return new Vote("agent-" + (ordinal + 1), ordinal, Optional.ofNullable(answer));
    }

    /** Five of six agents start; the first answers, the second replies without an answer. */
    private static List<ContemplationEvent> running() {
        return List.of(
                new ContemplationEvent.AgentStarted("agent-1", "simulated", ms(0)),
                new ContemplationEvent.AgentStarted("agent-2", "simulated", ms(0)),
                new ContemplationEvent.AgentStarted("agent-3", "simulated", ms(10)),
                new ContemplationEvent.AgentStarted("agent-4", "simulated", ms(20)),
                new ContemplationEvent.AgentStarted("agent-5", "simulated", ms(30)),
                new ContemplationEvent.CandidateProduced("agent-1", CANBERRA.text(), Optional.of(CANBERRA), ms(120)),
                new ContemplationEvent.TallyUpdated(Tally.of(List.of(vote(0, CANBERRA))), ms(120)),
                new ContemplationEvent.CandidateProduced("agent-2", "I cannot say.", Optional.empty(), ms(150)),
                new ContemplationEvent.AgentFailed("agent-2", new NoAnswerException("agent-2", false), ms(150)),
                new ContemplationEvent.TallyUpdated(Tally.of(List.of(vote(0, CANBERRA), vote(1, null))), ms(150)));
    }

    /**
     * The fourth answers otherwise, the third like the first; the rule is satisfied: the fifth is cancelled, the sixth
     * never starts, the verdict comes.
     */
    private static List<ContemplationEvent> ending() {
        Tally two = Tally.of(List.of(vote(0, CANBERRA), vote(1, null), vote(3, SYDNEY)));
        Tally three = Tally.of(List.of(vote(0, CANBERRA), vote(1, null), vote(3, SYDNEY), vote(2, CANBERRA)));
        List<AgentOutcome> outcomes = List.of(
                new AgentOutcome.Answered("agent-1", CANBERRA, CANBERRA.text(), new TokenUsage(9, 17), ms(120)),
                new AgentOutcome.Failed("agent-2", new NoAnswerException("agent-2", false),
                        Optional.of("I cannot say."), new TokenUsage(9, 4), Metering.EXACT, ms(150)),
                new AgentOutcome.Answered("agent-3", CANBERRA, CANBERRA.text(), new TokenUsage(9, 18), ms(180)),
                new AgentOutcome.Answered("agent-4", SYDNEY, "Sydney", new TokenUsage(9, 2), ms(160)),
                new AgentOutcome.Cancelled("agent-5", 3, new TokenUsage(9, 3), Metering.EXACT, ms(170)),
                new AgentOutcome.NotStarted("agent-6"));
        Verdict verdict = new Verdict("What is the capital of Australia?", Mode.CONTEMPLATE, CANBERRA,
                CANBERRA.text(), 2 / 3.0, true, StopReason.RULE_SATISFIED, "esc:2", outcomes, three,
                Provenance.of("semantic", List.of("agent-1", "agent-3")), new TokenAccount(new TokenUsage(27, 37),
                        new TokenUsage(18, 7), TokenUsage.ZERO, false), ms(201));
        return List.of(
                new ContemplationEvent.CandidateProduced("agent-4", "Sydney", Optional.of(SYDNEY), ms(180)),
                new ContemplationEvent.TallyUpdated(two, ms(180)),
                new ContemplationEvent.CandidateProduced("agent-3", CANBERRA.text(), Optional.of(CANBERRA), ms(190)),
                new ContemplationEvent.TallyUpdated(three, ms(190)),
                new ContemplationEvent.AgentCancelled("agent-5", ms(200)),
                new ContemplationEvent.Stopped(StopReason.RULE_SATISFIED, ms(200)),
                new ContemplationEvent.VerdictReady(verdict));
    }

    /** The frame the whole contemplation ends with, titled {@code 6 agents, rule esc:2}. */
    private static final List<String> FINAL_FRAME = List.of(
            "contemplating 6 agents, rule esc:2 | done in 0.20s: the stopping rule was satisfied",
            "  agent-1 answered      0.12s     17 tok  " + CANBERRA_SHORT,
            "  agent-2 failed        0.15s      4 tok  no extractable answer",
            "  agent-3 answered      0.18s     18 tok  " + CANBERRA_SHORT,
            "  agent-4 answered      0.16s      2 tok  \"Sydney\"",
            // a cut agent's partial output counts too
            "  agent-5 cancelled     0.17s      3 tok",
            "  agent-6 not started",
            "tally " + CANBERRA_SHORT + " leads with 2 of 3 votes (67%); \"Sydney\" 1; 1 without an answer",
            "verdict " + CANBERRA_SHORT + " (67%, semantic, complete)");

    private static List<ContemplationEvent> all() {
        List<ContemplationEvent> events = new ArrayList<>(running());
        events.addAll(ending());
        return events;
    }

    @Test
    void plainLinesAreOneLinePerEventWithoutEscapeCodesAndShowAnswersByTheirText() {
        StringWriter out = new StringWriter();
        try (LiveView view = LiveView.plain(new PrintWriter(out), TEAM)) {
            all().forEach(view);
        }
        assertThat(out.toString().lines()).containsExactly(
                "[  0.000s] agent-1 started",
                "[  0.000s] agent-2 started",
                "[  0.010s] agent-3 started",
                "[  0.020s] agent-4 started",
                "[  0.030s] agent-5 started",
                "[  0.120s] agent-1 answered " + CANBERRA_SHORT + " after 0.120s (65 chars)",
                "[  0.120s] tally: " + CANBERRA_SHORT + " leads with 1 of 1 votes (100%)",
                "[  0.150s] agent-2 replied after 0.150s (13 chars)",
                "[  0.150s] agent-2 failed after 0.150s: no extractable answer",
                "[  0.150s] tally: " + CANBERRA_SHORT + " leads with 1 of 1 votes (100%); 1 without an answer",
                "[  0.180s] agent-4 answered \"Sydney\" after 0.160s (6 chars)",
                "[  0.180s] tally: " + CANBERRA_SHORT + " leads with 1 of 2 votes (50%); \"Sydney\" 1; 1 without an "
                        + "answer",
                "[  0.190s] agent-3 answered " + CANBERRA_SHORT + " after 0.180s (65 chars)",
                "[  0.190s] tally: " + CANBERRA_SHORT + " leads with 2 of 3 votes (67%); \"Sydney\" 1; 1 without an "
                        + "answer",
                "[  0.200s] agent-5 cancelled after 0.170s",
                "[  0.200s] stopped: the stopping rule was satisfied",
                "[  0.201s] verdict: " + CANBERRA_SHORT + " (67%, semantic, complete)");
        assertThat(out.toString()).doesNotContain("\u001b", "\"c1\"", "\"c2\"");
    }

    @Test
    void laterRoundsGetALineAndAnAgentAskedAgainStartsItsRowAfresh() {
        StringWriter out = new StringWriter();
        ProgressState state = new ProgressState(List.of("agent-1", "agent-2"));
        List<ContemplationEvent> events = List.of(
                new ContemplationEvent.RoundStarted(0, "answer", List.of("agent-1", "agent-2"), ms(0)),
                new ContemplationEvent.AgentStarted("agent-1", "openai", ms(0)),
                new ContemplationEvent.CandidateProduced("agent-1", "The answer is 8.",
                        java.util.Optional.of(dev.contemplate.aggregation.Answer.of("8")), ms(100)),
                new ContemplationEvent.RoundStarted(1, "critique", List.of("agent-2"), ms(150)),
                new ContemplationEvent.AgentStarted("agent-2", "openai", "gpt-judge", 1, ms(150)),
                new ContemplationEvent.CandidateProduced("agent-2", "3+4 is 7.", java.util.Optional.empty(),
                        ms(250)),
                new ContemplationEvent.RoundStarted(2, "revise", List.of("agent-1"), ms(250)),
                new ContemplationEvent.AgentStarted("agent-1", "openai", "openai", 2, ms(250)),
                new ContemplationEvent.RoundSkipped(3, "critique", "the token budget of 100 is spent", ms(300)));
        try (LiveView view = LiveView.plain(new PrintWriter(out), List.of("agent-1", "agent-2"))) {
            events.forEach(view::accept);
        }
        events.forEach(state::apply);
        assertThat(out.toString().lines()).containsExactly(
                "[  0.000s] agent-1 started",
                "[  0.100s] agent-1 answered \"8\" after 0.100s (16 chars)",
                "[  0.150s] round 1 (critique): agent-2",
                "[  0.150s] agent-2 started",
                "[  0.250s] agent-2 replied after 0.100s (9 chars)",
                "[  0.250s] round 2 (revise): agent-1",
                "[  0.250s] agent-1 started",
                "[  0.300s] round 3 (critique) not started: the token budget of 100 is spent");
        assertThat(state.round()).isEqualTo("round 2 (revise)");
        ProgressState.Agent reviser = state.find("agent-1");
        assertThat(reviser.state).isEqualTo(ProgressState.State.RUNNING);
        assertThat(reviser.answer).isNull();
        assertThat(reviser.ended).isNull();
        assertThat(state.find("agent-2").state).isEqualTo(ProgressState.State.REPLIED);
    }

    @Test
    void aggregationCallsGetTheirLinesButNotTheirStreamedPieces() {
        StringWriter out = new StringWriter();
        try (LiveView view = LiveView.plain(new PrintWriter(out), TEAM)) {
            view.accept(new ContemplationEvent.AggregationCallStarted("synthesis", "openai", ms(300)));
            view.accept(new ContemplationEvent.AnswerDelta("Canberra ", ms(310)));
            view.accept(new ContemplationEvent.AnswerDelta("it is.", ms(320)));
            view.accept(new ContemplationEvent.AggregationCallFinished("synthesis", new TokenUsage(50, 6), ms(330)));
            view.accept(new ContemplationEvent.AggregationCallFailed("judge", new IllegalStateException("boom"),
                    ms(340)));
        }
        assertThat(out.toString().lines()).containsExactly(
                "[  0.300s] synthesis call started on openai",
                "[  0.330s] synthesis call finished (6 output tokens)",
                "[  0.340s] judge call failed: boom");
    }

    @Test
    void aTerminalShowsOneLinePerAgentAndTheTallyRedrawnInPlace() throws Exception {
        ScreenTerminal.VirtualTerminal vt = ScreenTerminal.withTerminal("test", "xterm-256color", 120, 20);
        AtomicLong nanos = new AtomicLong();
        LiveView.OnTerminal view = LiveView.terminal(vt.terminal(), TEAM, "6 agents, rule esc:2", nanos::get,
                false);
        try {
            running().forEach(view);
            nanos.set(ms(400).toNanos()); // the wall clock runs on: the running agents' times follow it
            view.accept(new ContemplationEvent.AgentStarted("agent-5", "simulated", ms(30)));
            // events only update the view's state: its clock draws them (here the test's)
            assertThat(screen(vt)).contains("  agent-1 waiting", "tally no votes yet");
            view.tick();
            assertThat(screen(vt)).containsExactly(
                    "contemplating 6 agents, rule esc:2 | 0.4s",
                    "  agent-1 answered      0.12s   65 chars  " + CANBERRA_SHORT,
                    "  agent-2 failed        0.15s   13 chars  no extractable answer",
                    "  agent-3 running       0.39s",
                    "  agent-4 running       0.38s",
                    "  agent-5 running       0.37s",
                    "  agent-6 waiting",
                    "tally " + CANBERRA_SHORT + " leads with 1 of 1 votes (100%); 1 without an answer");

            ending().forEach(view);
        } finally {
            view.close();
        }
        List<String> screen = screen(vt);
        assertThat(screen).containsExactlyElementsOf(FINAL_FRAME);
        assertThat(String.join("\n", screen)).doesNotContain("\"c1\"", "\"c2\"");
    }

    @Test
    void eventsNeverWaitForASlowTerminalTheViewsClockThreadDrawsThemAndCloseDrawsTheFinalFrame()
            throws Exception {
        Tapped tapped = new Tapped(120, 20);
        LiveView view = LiveView.terminal(tapped.terminal, TEAM, "6 agents, rule esc:2", System::nanoTime, true);
        try {
            tapped.gate.shut(); // a terminal that takes nothing more until it is opened again
            // the clock's next frame (its header's time changes every tenth of a second) gets stuck in the terminal
            assertThat(tapped.gate.stuck.await(5, TimeUnit.SECONDS)).isTrue();
            // on a thread of the test's, as on an engine's: none of it waits for the terminal (nor for the lock
            // of a view that would draw under it)
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> all().forEach(view));
            assertThat(tapped.gate.writers).containsOnly("contemplate-live-view");
        } finally {
            tapped.gate.open();
            view.close();
        }
        // close drew the final frame on the test's thread, over whatever the clock had drawn
        assertThat(tapped.screen()).containsExactlyElementsOf(FINAL_FRAME);
        assertThat(clockThreads()).isEmpty();
    }

    @Test
    void modelTextCannotWriteEscapeSequencesNorBidiOverridesToStandardErrorOrTheTerminal() throws Exception {
        String nasty = "\u001b[31mred\u001b[0m \u202eevil\u202c\u0007\u009b2J\tend";
        String shown = "\uFFFD[31mred\uFFFD[0m \uFFFDevil\uFFFD\uFFFD\uFFFD2J end";
        Answer answer = new Answer("k\u001b[2J", nasty);
        Answer keyOnly = new Answer("\u001b]0;title\u0007", "");
        List<ContemplationEvent> events = List.of(
                new ContemplationEvent.AgentStarted("agent-1", "simulated", ms(0)),
                new ContemplationEvent.AgentStarted("agent-2", "simulated", ms(0)),
                new ContemplationEvent.AgentStarted("agent-3", "simulated", ms(0)),
                new ContemplationEvent.CandidateProduced("agent-1", nasty, Optional.of(answer), ms(10)),
                new ContemplationEvent.CandidateProduced("agent-3", "x", Optional.of(keyOnly), ms(10)),
                new ContemplationEvent.TallyUpdated(Tally.of(List.of(vote(0, answer))), ms(10)),
                new ContemplationEvent.AgentFailed("agent-2", new IllegalStateException("bad " + nasty), ms(20)),
                new ContemplationEvent.AggregationCallStarted("synthesis", "openai", ms(30)),
                new ContemplationEvent.AnswerDelta("so: " + nasty, ms(31)),
                new ContemplationEvent.AggregationCallFailed("judge", new IllegalStateException(nasty), ms(40)));

        StringWriter plain = new StringWriter();
        try (LiveView view = LiveView.plain(new PrintWriter(plain), TEAM)) {
            events.forEach(view);
        }
        assertThat(plain.toString()).doesNotContain("\u001b", "\u202e", "\u202c", "\u0007", "\u009b", "\t")
                .contains("agent-1 answered \"" + shown + "\"", "agent-2 failed after 0.020s: bad " + shown,
                        "tally: \"" + shown + "\" leads", "agent-3 answered \"\uFFFD]0;title\uFFFD\"",
                        "judge call failed: " + shown);
        assertThat(plain.toString().lines()).allSatisfy(line -> assertThat(line).matches("\\P{Cntrl}*"));

        Tapped tapped = new Tapped(200, 20);
        LiveView.OnTerminal view = LiveView.terminal(tapped.terminal, TEAM, "6 agents", () -> 0L, false);
        try {
            events.subList(0, events.size() - 1).forEach(view); // the call still running: its streamed text shows
            view.tick();
            List<String> screen = tapped.screen();
            assertThat(screen).anySatisfy(l -> assertThat(l).startsWith("  agent-1 answered").endsWith(
                    " " + nasty.length() + " chars  \"" + shown + "\""));
            assertThat(screen).anySatisfy(l -> assertThat(l).startsWith("  agent-2 failed").endsWith("  bad " + shown));
            assertThat(screen).anySatisfy(l -> assertThat(l).startsWith("  agent-3 answered").endsWith(
                    " 1 chars  \"\uFFFD]0;title\uFFFD\""));
            assertThat(screen).contains("tally \"" + shown + "\" leads with 1 of 1 votes (100%)",
                    "synthesis running on openai: ...so: " + shown);
        } finally {
            view.close();
        }
        String raw = tapped.raw();
        assertThat(raw).contains("[31mred").doesNotContain("\u001b[31mred", "red\u001b[0m", "\u001b[2J", "\u001b]0;", "\u202e",
                "\u202c", "\u0007", "\u009b");
        assertThat(tapped.screen()).allSatisfy(line -> assertThat(line.length()).isLessThan(200));
    }

    @Test
    void visibleReplacesControlAndFormatCharactersOneForOneAndKeepsTheRest() {
        assertThat(ProgressLines.visible("plain text, 42 \"quoted\"")).isEqualTo("plain text, 42 \"quoted\"");
        assertThat(ProgressLines.visible("a\u001bb\u007fc\u0085d\u009be\u200bf\u2028g\ufeffh"))
                .isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh");
        assertThat(ProgressLines.visible("tab\there\fand\u000bthere")).isEqualTo("tab here and there");
        // letters of any script and pairs of surrogates are shown; a lone surrogate is not
        assertThat(ProgressLines.visible("é 日本 \uD83D\uDE00")).isEqualTo("é 日本 \uD83D\uDE00");
        assertThat(ProgressLines.visible("x\uD83Dy\uDE00")).isEqualTo("x\uFFFDy\uFFFD");
        // the placeholder stands for each character in its place, so a line keeps its length
        assertThat(ProgressLines.oneLine(" one\n two\r\n\u001b ")).isEqualTo("one two \uFFFD");
        assertThat(ProgressLines.oneLine(null)).isEmpty();
        // an answer cut to its width keeps a surrogate pair whole
        String emoji = "a".repeat(ProgressLines.ANSWER_WIDTH - 4) + "\uD83D\uDE00" + "b".repeat(10);
        assertThat(ProgressLines.quote(new Answer("k", emoji)))
                .isEqualTo("\"" + "a".repeat(ProgressLines.ANSWER_WIDTH - 4) + "...\"");
    }

    @Test
    void agentsThatDoNotFitTheTerminalAreSummedUpOnOneLine() throws Exception {
        ScreenTerminal.VirtualTerminal vt = ScreenTerminal.withTerminal("test", "xterm-256color", 60, 8);
        List<String> team = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            team.add("agent-" + i);
        }
        LiveView view = LiveView.terminal(vt.terminal(), team, "30 agents", () -> 0L, false);
        try {
            for (int i = 1; i <= 12; i++) {
                view.accept(new ContemplationEvent.AgentStarted("agent-" + i, "simulated", ms(i)));
            }
        } finally {
            view.close();
        }
        List<String> screen = screen(vt);
        assertThat(screen).hasSize(7);
        assertThat(screen.get(0)).startsWith("contemplating 30 agents");
        assertThat(screen.get(1)).startsWith("  agent-1  running");
        assertThat(screen.get(5)).isEqualTo("  ... 26 more agents: 8 running, 18 waiting");
        assertThat(screen.get(6)).isEqualTo("tally no votes yet");
        assertThat(screen).allSatisfy(line -> assertThat(line.length()).isLessThan(60));
    }

    @Test
    void closingTheViewStopsItsClockThreadAndClosesItsTerminal() throws Exception {
        ScreenTerminal.VirtualTerminal vt = ScreenTerminal.withTerminal("test", "xterm-256color", 80, 20);
        LiveView view = LiveView.terminal(vt.terminal(), TEAM, "6 agents", System::nanoTime, true);
        view.accept(new ContemplationEvent.AgentStarted("agent-1", "simulated", ms(0)));
        assertThat(clockThreads()).isNotEmpty();
        view.close();
        view.close();
        assertThat(clockThreads()).isEmpty();
        view.accept(new ContemplationEvent.AgentStarted("agent-2", "simulated", ms(1))); // ignored once closed
        List<String> screen = screen(vt);
        assertThat(screen.get(1)).startsWith("  agent-1 running");
        assertThat(screen.get(2)).startsWith("  agent-2 waiting");
    }

    @Test
    void withJsonTheViewShowsNothing() {
        StringWriter err = new StringWriter();
        try (LiveView view = LiveView.open(true, false, new PrintWriter(err), TEAM, "6 agents")) {
            all().forEach(view);
        }
        assertThat(err.toString()).isEmpty();
        StringWriter plain = new StringWriter();
        try (LiveView view = LiveView.open(false, false, new PrintWriter(plain), TEAM, "6 agents")) {
            all().forEach(view);
        }
        assertThat(plain.toString().lines()).hasSize(all().size());
    }

    /**
     * A terminal as JLine's virtual one ({@link ScreenTerminal#withTerminal}), but whose output is tapped: a copy of
     * every byte written to it, and a gate that can hold its writers as a slow terminal would.
     */
    private static final class Tapped {
        final ScreenTerminal screen;
        final LineDisciplineTerminal terminal;
        final Gate gate;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        Tapped(int columns, int rows) throws IOException {
            screen = new ScreenTerminal(columns, rows);
            ScreenTerminalOutputStream.DelegateOutputStream toScreen =
                    new ScreenTerminalOutputStream.DelegateOutputStream();
            gate = new Gate(toScreen, copy);
            terminal = new LineDisciplineTerminal("tapped", "xterm-256color", gate, StandardCharsets.UTF_8);
            terminal.setSize(Size.of(columns, rows));
            ScreenTerminal.wireTerminal(screen, terminal, toScreen);
        }

        /** Returns every character written to the terminal, escape sequences included. */
        String raw() {
            synchronized (copy) {
                return copy.toString(StandardCharsets.UTF_8);
            }
        }

        List<String> screen() {
            return LiveViewTest.screen(screen);
        }
    }

    /** Passes what is written on, and a copy to {@code copy}; once {@link #shut()}, holds its writers. */
    private static final class Gate extends OutputStream {
        private final OutputStream out;
        private final OutputStream copy;
        /** Counted down when a writer is first held. */
        final CountDownLatch stuck = new CountDownLatch(1);
        /** The names of the threads that wrote while the gate was shut. */
        final Set<String> writers = ConcurrentHashMap.newKeySet();
        private volatile CountDownLatch shut;

        Gate(OutputStream out, OutputStream copy) {
            this.out = out;
            this.copy = copy;
        }

        void shut() {
            shut = new CountDownLatch(1);
        }

        void open() {
            CountDownLatch s = shut;
            shut = null;
            if (s != null) {
                s.countDown();
            }
        }

        private void pass() throws IOException {
            CountDownLatch s = shut;
            if (s != null) {
                writers.add(Thread.currentThread().getName());
                stuck.countDown();
                try {
                    s.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
        }

        @Override
        public void write(int b) throws IOException {
            pass();
            synchronized (copy) {
                copy.write(b);
            }
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            pass();
            synchronized (copy) {
                copy.write(b, off, len);
            }
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            pass();
            out.flush();
        }
    }

    private static List<Thread> clockThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("contemplate-live-view")).toList();
    }

    /** Returns the virtual screen's text, right-trimmed, without the blank lines at the bottom. */
    private static List<String> screen(ScreenTerminal.VirtualTerminal vt) {
        return screen(vt.screen());
    }

    private static List<String> screen(ScreenTerminal screen) {
        int width = screen.getColumns();
        int height = screen.getRows();
        long[] cells = new long[width * height];
        screen.dump(cells, new int[2]);
        List<String> lines = new ArrayList<>();
        for (int row = 0; row < height; row++) {
            StringBuilder line = new StringBuilder();
            for (int col = 0; col < width; col++) {
                int c = ScreenTerminal.cellCodePoint(cells[row * width + col]);
                line.appendCodePoint(c == 0 ? ' ' : c);
            }
            lines.add(line.toString().stripTrailing());
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }
}

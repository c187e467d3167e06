package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.orchestrator.ContemplationEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jline.terminal.Terminal;
import org.jline.utils.ScreenTerminal;
import org.junit.jupiter.api.Test;

/**
 * {@code ask}'s live view when the output is not a terminal (as in these tests): plain progress lines on standard
 * error, the summary alone on standard output; nothing of it with {@code --json}.
 */
class AskLiveViewTest {

    private static void assertPlain(Cli.Result r) {
        assertThat(r.err()).doesNotContain("\u001b", "\r");
        assertThat(r.messageLines()).as(r.err()).isEmpty();
        assertThat(r.out().lines()).noneMatch(l -> Cli.PROGRESS.matcher(l).matches());
    }

    @Test
    void onTheSimulatedEngineEachEventIsOnePlainLineOnStandardErrorAndTheSummaryIsOnStandardOutput() {
        Cli.Result r = Cli.run("ask", "--engine", "simulated", "--seed", "3", "--agents", "4", "--stop", "fixed",
                "What is 2+2?");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertPlain(r);
        assertThat(r.out()).startsWith("Question    What is 2+2?").contains("Answer      4  [simulated]");
        List<String> lines = r.progressLines();
        for (int i = 1; i <= 4; i++) {
            assertThat(lines).as(r.err()).contains("[  0.000s] agent-" + i + " started");
            String id = "agent-" + i;
            assertThat(lines).filteredOn(l -> l.contains("] " + id + " answered \"")).hasSize(1);
        }
        // one tally line per answer, the last counting the four votes
        assertThat(lines).filteredOn(l -> l.contains("] tally: ")).hasSize(4).last().asString()
                .contains(" of 4 votes (");
        assertThat(lines.get(lines.size() - 2)).endsWith("] stopped: every agent ended");
        assertThat(lines.get(lines.size() - 1)).contains("] verdict: \"4\" (").endsWith(", majority, complete)");
        // virtual time: the simulated agents answer in simulated seconds, and the lines say so in order
        assertThat(lines).isSortedAccordingTo((a, b) -> a.substring(0, 10).compareTo(b.substring(0, 10)));
    }

    @Test
    void onTheEmbeddedModelTheEventsOfOtherThreadsArePlainLinesToo() {
        Cli.Result r = Cli.run("ask", "-n", "3", "--seed", "3", "What is 12+30-5+7?");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertPlain(r);
        assertThat(r.out()).startsWith("Question    What is 12+30-5+7?");
        List<String> lines = r.progressLines();
        assertThat(lines).filteredOn(l -> l.matches("\\[ *[0-9.]+s] agent-[123] started")).hasSize(3);
        assertThat(lines).filteredOn(l -> l.matches("\\[ *[0-9.]+s] agent-[123] (answered \".+\"|replied) after .*"))
                .hasSize(3);
        assertThat(lines.get(lines.size() - 1)).contains("] verdict: \"");
    }

    @Test
    void aSemanticVoteShowsItsClustersByTheirTextNotTheirKeys() {
        Cli.Result r = Cli.run("ask", "--engine", "simulated", "--vote", "semantic", "--agents", "6", "--stop",
                "fixed", "--seed", "3", "What is the capital of Australia?");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertPlain(r);
        assertThat(r.err()).doesNotContain("\"c1\"", "\"c2\"", "\"c3\"");
        String answer = r.out().lines().filter(l -> l.startsWith("Answer ")).findFirst().orElseThrow()
                .substring("Answer      ".length()).replace("  [simulated]", "");
        String shown = answer.length() <= ProgressLines.ANSWER_WIDTH ? answer
                : answer.substring(0, ProgressLines.ANSWER_WIDTH - 3) + "...";
        assertThat(r.progressLines().get(r.progressLines().size() - 1)).contains("] verdict: \"" + shown + "\" (");
    }

    @Test
    void withJsonThereIsExactlyOneJsonObjectAndNoProgress() {
        Cli.Result simulated = Cli.run("ask", "--engine", "simulated", "--seed", "3", "--json", "What is 2+2?");
        assertThat(simulated.exitCode()).as(simulated.err()).isZero();
        assertThat(simulated.err()).isEmpty();
        assertThat(simulated.json().isObject()).isTrue();
        assertThat(simulated.json().path("answer").asText()).isEqualTo("4");

        Cli.Result embedded = Cli.run("ask", "-n", "3", "--seed", "3", "--json", "What is 12+30-5+7?");
        assertThat(embedded.exitCode()).as(embedded.err()).isZero();
        assertThat(embedded.err()).isEmpty();
        JsonNode json = embedded.json();
        assertThat(json.isObject()).isTrue();
        assertThat(json.path("agentOutcomes")).hasSize(3);
    }

    @Test
    void withoutATerminalOnStandardErrorAnInteractiveRunFallsBackToPlainLines() {
        // the tests' standard error is a pipe: JLine finds no terminal there, so the view is plain lines on err
        StringWriter err = new StringWriter();
        try (LiveView view = LiveView.open(false, true, new PrintWriter(err), List.of("agent-1"), "1 agent")) {
            view.accept(new ContemplationEvent.AgentStarted("agent-1", "simulated", Duration.ofMillis(5)));
        }
        assertThat(err.toString()).isEqualTo("[  0.005s] agent-1 started" + System.lineSeparator());
    }

    @Test
    void aTerminalTheFrameCannotOpenOnIsClosedAndTheViewFallsBackToPlainLines() throws Exception {
        ScreenTerminal.VirtualTerminal vt = ScreenTerminal.withTerminal("test", "xterm-256color", 80, 20);
        AtomicInteger closes = new AtomicInteger();
        Terminal failing = failingCapabilities(vt.terminal(), closes);
        StringWriter err = new StringWriter();
        try (LiveView.Pending pending = new LiveView.Pending(false, CompletableFuture.completedFuture(failing));
                LiveView view = pending.open(new PrintWriter(err), List.of("agent-1"), "1 agent")) {
            assertThat(closes).as("closed as soon as the frame failed to open").hasValue(1);
            view.accept(new ContemplationEvent.AgentStarted("agent-1", "simulated", Duration.ofMillis(5)));
        }
        assertThat(closes).hasValue(1);
        assertThat(err.toString()).isEqualTo("[  0.005s] agent-1 started" + System.lineSeparator());
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && t.getName().equals("contemplate-live-view"));

        // opened by itself, the frame rethrows, its terminal closed
        AtomicInteger alone = new AtomicInteger();
        Terminal other = failingCapabilities(ScreenTerminal.withTerminal("test", "xterm-256color", 80, 20).terminal(),
                alone);
        assertThatThrownBy(() -> LiveView.terminal(other, List.of("agent-1"), "1 agent", System::nanoTime, true))
                .isInstanceOf(IllegalStateException.class).hasMessage("no capabilities");
        assertThat(alone).hasValue(1);
    }

    /**
     * Returns {@code terminal} but for its capabilities, which fail (so that JLine's {@code Display} cannot be
     * built on it), counting its closes in {@code closes}.
     */
    private static Terminal failingCapabilities(Terminal terminal, AtomicInteger closes) {
        return (Terminal) Proxy.newProxyInstance(Terminal.class.getClassLoader(), new Class<?>[] {Terminal.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getStringCapability")) {
                        throw new IllegalStateException("no capabilities");
                    }
                    if (method.getName().equals("close")) {
                        closes.incrementAndGet();
                    }
                    try {
                        return method.invoke(terminal, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}

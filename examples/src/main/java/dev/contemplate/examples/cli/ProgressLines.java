package dev.contemplate.examples.cli;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerCount;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jspecify.annotations.Nullable;

/**
 * How {@code ask}'s live view words a contemplation: one plain line per event for logs and pipes, or the frame of
 * lines a terminal redraws in place. Answers are shown by their display text ({@link Answer#text()}), shortened and
 * quoted, never by their vote key (a semantic vote's keys are cluster names such as {@code c1}).
 *
 * <p>Model text (answers, the aggregation's streamed text, failures' messages) is untrusted: it is folded onto one
 * line and every character a terminal would act on, or that would change how the rest of the line is laid out, is
 * shown as {@value #PLACEHOLDER} ({@link #visible(String)}), so that a model can neither inject escape sequences into
 * standard error nor throw the frame's width calculation off. Every line is passed through it once more as a whole,
 * whatever its parts.
 */
final class ProgressLines {

    /** The most characters of an answer's text shown on a line. */
    static final int ANSWER_WIDTH = 40;

    /** What a character that is not shown stands as: U+FFFD, the replacement character. */
    static final char PLACEHOLDER = '\uFFFD';

    /** The most answers a tally line lists. */
    private static final int TALLY_ANSWERS = 4;

    private static final AttributedStyle BOLD = AttributedStyle.BOLD;
    private static final AttributedStyle FAINT = AttributedStyle.DEFAULT.faint();

    private ProgressLines() {
    }

    /**
     * Returns the plain line of one event, already applied to {@code state}, or null for an event that gets none
     * (the pieces of text an aggregation call streams: its finishing line follows).
     */
    static @Nullable String plain(ContemplationEvent event, ProgressState state) {
        String text;
        if (event instanceof ContemplationEvent.RoundStarted e) {
            if (e.round() == 0) {
                return null; // every contemplation has a first round: its agents' lines say enough
            }
            text = "round " + e.round() + " (" + e.step() + "): " + String.join(", ", e.agentIds());
        } else if (event instanceof ContemplationEvent.RoundSkipped e) {
            text = "round " + e.round() + " (" + e.step() + ") not started: " + e.reason();
        } else if (event instanceof ContemplationEvent.AgentStarted e) {
            text = e.agentId() + " started";
        } else if (event instanceof ContemplationEvent.CandidateProduced e) {
            text = e.agentId() + (e.answer().isPresent() ? " answered " + quote(e.answer().get()) : " replied")
                    + ran(state.find(e.agentId()), e.elapsed()) + " (" + e.text().length() + " chars)";
        } else if (event instanceof ContemplationEvent.TallyUpdated e) {
            text = "tally: " + tally(e.tally());
        } else if (event instanceof ContemplationEvent.AgentFailed e) {
            text = e.agentId() + " failed" + ran(state.find(e.agentId()), e.elapsed()) + ": "
                    + ProgressState.problem(e.cause());
        } else if (event instanceof ContemplationEvent.AgentCancelled e) {
            text = e.agentId() + " cancelled" + ran(state.find(e.agentId()), e.elapsed());
        } else if (event instanceof ContemplationEvent.AgentShed e) {
            text = e.agentId() + " shed by the engine's guard: " + ProgressState.problem(e.cause());
        } else if (event instanceof ContemplationEvent.Stopped e) {
            text = "stopped: " + reason(e.reason());
        } else if (event instanceof ContemplationEvent.AggregationCallStarted e) {
            text = e.role() + " call started on " + e.engine();
        } else if (event instanceof ContemplationEvent.AggregationCallFinished e) {
            text = e.role() + " call finished (" + e.usage().outputTokens() + " output tokens)";
        } else if (event instanceof ContemplationEvent.AggregationCallFailed e) {
            text = e.role() + " call failed: " + ProgressState.problem(e.cause());
        } else if (event instanceof ContemplationEvent.VerdictReady e) {
            text = "verdict: " + verdict(e.verdict());
        } else {
            return null;
        }
        return visible(String.format(Locale.ROOT, "[%7.3fs] %s", seconds(event.elapsed()), text));
    }

    /**
     * Returns the frame a terminal shows: a title line, one line per agent (state, time, size, answer), the tally
     * with the leader's share, the aggregation's call and the verdict when there are any. Each line fits in
     * {@code width - 1} columns, and the frame in {@code height - 1} lines: the agents that do not fit are summed up
     * on one line.
     *
     * @param title what runs, e.g. {@code 8 agents, rule beta:0.95, budget 60 s}
     * @param now the time since the start, for the running agents' clocks
     */
    static List<AttributedString> frame(ProgressState state, String title, Duration now, int width, int height) {
        List<AttributedString> tail = new ArrayList<>();
        tail.add(line("tally ", BOLD, tally(state.tally()) + (state.round() == null ? "" : "  [" + state.round()
                + "]")));
        if (state.call() != null) {
            String streamed = oneLine(state.streamed());
            tail.add(line(state.call() + " ", BOLD, state.callState() + (streamed.isEmpty() ? ""
                    : ": ..." + streamed.substring(start(streamed, streamed.length() - width / 2)))));
        }
        if (state.verdict() != null) {
            tail.add(line("verdict ", BOLD, verdict(state.verdict())));
        }
        List<AttributedString> lines = new ArrayList<>();
        lines.add(header(state, title, now));
        List<ProgressState.Agent> agents = state.agents();
        int room = Math.max(1, height - 1 - lines.size() - tail.size());
        int shown = agents.size() <= room ? agents.size() : Math.max(0, room - 1);
        int idWidth = agents.stream().mapToInt(a -> a.id.length()).max().orElse(5);
        for (int i = 0; i < shown; i++) {
            lines.add(agent(agents.get(i), idWidth, now));
        }
        if (shown < agents.size()) {
            lines.add(new AttributedString("  ... " + rest(agents.subList(shown, agents.size())), FAINT));
        }
        lines.addAll(tail);
        List<AttributedString> fitted = new ArrayList<>(lines.size());
        for (AttributedString l : lines) {
            AttributedString v = visible(l);
            fitted.add(v.columnLength() < width ? v : v.columnSubSequence(0, Math.max(1, width - 1)));
        }
        return fitted;
    }

    private static AttributedString header(ProgressState state, String title, Duration now) {
        AttributedStringBuilder b = new AttributedStringBuilder().style(BOLD).append("contemplating ")
                .style(AttributedStyle.DEFAULT).append(title).append(" | ");
        if (state.verdict() != null) {
            b.append(String.format(Locale.ROOT, "done in %.2fs", seconds(state.verdict().elapsed())))
                    .append(state.stopped() != null ? ": " + reason(state.stopped()) : "");
        } else if (state.stopped() != null) {
            b.append(String.format(Locale.ROOT, "%.1fs, stopped: %s", seconds(now), reason(state.stopped())));
        } else {
            b.append(String.format(Locale.ROOT, "%.1fs", seconds(now)));
        }
        return b.toAttributedString();
    }

    private static AttributedString agent(ProgressState.Agent a, int idWidth, Duration now) {
        AttributedStringBuilder b = new AttributedStringBuilder().append("  ")
                .append(String.format(Locale.ROOT, "%-" + idWidth + "s ", a.id))
                .style(style(a.state)).append(String.format(Locale.ROOT, "%-11s", a.state.label()))
                .style(AttributedStyle.DEFAULT);
        Duration ran = a.ran(now);
        b.append(ran == null ? "        " : String.format(Locale.ROOT, " %6.2fs", seconds(ran)));
        String size = a.outputTokens >= 0 ? a.outputTokens + " tok" : a.chars >= 0 ? a.chars + " chars" : "";
        b.append(String.format(Locale.ROOT, " %10s", size));
        if (a.answer != null) {
            b.append("  ").append(quote(a.answer));
        } else if (a.problem != null) {
            b.append("  ").style(FAINT).append(a.problem).style(AttributedStyle.DEFAULT);
        }
        return b.toAttributedString();
    }

    private static AttributedStyle style(ProgressState.State s) {
        return switch (s) {
            case WAITING, NOT_STARTED, SHED -> FAINT;
            case RUNNING -> AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
            case ANSWERED, REPLIED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            case FAILED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
            case CANCELLED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
        };
    }

    /** Sums up the agents a frame has no room for: {@code 12 more agents: 3 running, 9 waiting}. */
    private static String rest(List<ProgressState.Agent> hidden) {
        StringBuilder b = new StringBuilder().append(hidden.size()).append(hidden.size() == 1 ? " more agent:"
                : " more agents:");
        String sep = " ";
        for (ProgressState.State s : List.of(ProgressState.State.RUNNING, ProgressState.State.ANSWERED,
                ProgressState.State.FAILED, ProgressState.State.REPLIED, ProgressState.State.CANCELLED,
                ProgressState.State.WAITING,
                ProgressState.State.NOT_STARTED, ProgressState.State.SHED)) {
            long n = hidden.stream().filter(a -> a.state == s).count();
            if (n > 0) {
                b.append(sep).append(n).append(' ').append(s.label());
                sep = ", ";
            }
        }
        return b.toString();
    }

    private static AttributedString line(String label, AttributedStyle style, String text) {
        return new AttributedStringBuilder().style(style).append(label).style(AttributedStyle.DEFAULT).append(text)
                .toAttributedString();
    }

    /**
     * Returns a tally in one line: the leader by its display text with its share of the answered votes, then the
     * others: {@code "91" leads with 5 of 6 votes (83%); "90" 1}.
     */
    static String tally(Tally tally) {
        if (tally.answered() == 0) {
            return "no votes yet" + (tally.unanswered() > 0 ? " (" + tally.unanswered() + " without an answer)"
                    : "");
        }
        List<AnswerCount> ranking = tally.ranking();
        AnswerCount leader = ranking.get(0);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s leads with %d of %d votes (%.0f%%)",
                quote(leader.answer()), leader.count(), tally.answered(), 100.0 * leader.count() / tally.answered()));
        for (int i = 1; i < Math.min(TALLY_ANSWERS, ranking.size()); i++) {
            b.append(i == 1 ? "; " : ", ").append(quote(ranking.get(i).answer())).append(' ')
                    .append(ranking.get(i).count());
        }
        if (ranking.size() > TALLY_ANSWERS) {
            b.append(", ").append(ranking.size() - TALLY_ANSWERS).append(" more");
        }
        if (tally.unanswered() > 0) {
            b.append("; ").append(tally.unanswered()).append(" without an answer");
        }
        return b.toString();
    }

    private static String verdict(Verdict v) {
        return String.format(Locale.ROOT, "%s (%.0f%%, %s, %s)", quote(v.answer()), 100 * v.confidence(),
                v.provenance().method(), v.complete() ? "complete" : "incomplete");
    }

    /**
     * Returns an answer's display text on one line ({@link #oneLine}), shortened to {@value #ANSWER_WIDTH}
     * characters, quoted.
     */
    static String quote(Answer answer) {
        String text = oneLine(answer.text());
        if (text.isEmpty()) {
            text = oneLine(answer.key());
        }
        return "\"" + (text.length() <= ANSWER_WIDTH ? text
                : text.substring(0, start(text, ANSWER_WIDTH - 3)) + "...") + "\"";
    }

    /**
     * Returns untrusted text (a model's) fit to show on one line of a terminal or a log: its line breaks and runs of
     * blanks folded into one space ({@link CliException#oneLine}), then made {@link #visible(String) visible}.
     */
    static String oneLine(@Nullable String text) {
        return visible(CliException.oneLine(text == null ? "" : text));
    }

    /**
     * Returns {@code text} with every character a terminal would act on, or that changes how the rest is laid out,
     * replaced by {@value #PLACEHOLDER}: the controls ({@code \p{Cc}}: C0 such as ESC and BEL, DEL, C1 such as CSI
     * U+009B), the format characters ({@code \p{Cf}}: bidirectional overrides such as U+202E, zero-width ones), the
     * line and paragraph separators, and lone surrogates. A tab, a vertical tab and a form feed become a space. The
     * result has as many chars as {@code text}, each in its place.
     */
    static String visible(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length();) {
            int c = text.codePointAt(i);
            int n = Character.charCount(c);
            if (!shown(c)) {
                if (b == null) {
                    b = new StringBuilder(text.length()).append(text, 0, i);
                }
                b.append(c == '\t' || c == 0x0b || c == '\f' ? ' ' : PLACEHOLDER); // never a pair: n == 1
            } else if (b != null) {
                b.append(text, i, i + n);
            }
            i += n;
        }
        return b == null ? text : b.toString();
    }

    /** Returns a frame's line {@link #visible(String) made visible}, each character keeping its style. */
    private static AttributedString visible(AttributedString line) {
        String text = line.toString();
        String shown = visible(text);
        if (shown.equals(text)) {
            return line;
        }
        AttributedStringBuilder b = new AttributedStringBuilder(shown.length());
        for (int i = 0; i < shown.length(); i++) {
            b.style(line.styleAt(i)).append(shown.charAt(i));
        }
        return b.toAttributedString();
    }

    private static boolean shown(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Returns {@code index}, at least 0, moved back off the middle of a surrogate pair so a cut keeps it whole. */
    private static int start(String text, int index) {
        if (index <= 0) {
            return 0;
        }
        return index < text.length() && Character.isLowSurrogate(text.charAt(index))
                && Character.isHighSurrogate(text.charAt(index - 1)) ? index - 1 : index;
    }

    /** Returns why the agents stopped, in words. */
    static String reason(StopReason reason) {
        return switch (reason) {
            case RULE_SATISFIED -> "the stopping rule was satisfied";
            case ALL_AGENTS_DONE -> "every agent ended";
            case DEADLINE -> "the budget's deadline passed";
            case TOKEN_BUDGET -> "the token budget was spent";
        };
    }

    private static String ran(ProgressState.@Nullable Agent agent, Duration at) {
        Duration ran = agent == null ? null : agent.ran(at);
        return ran == null ? "" : String.format(Locale.ROOT, " after %.3fs", seconds(ran));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}

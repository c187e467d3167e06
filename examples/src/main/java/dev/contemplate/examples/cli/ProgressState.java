package dev.contemplate.examples.cli;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.NoAnswerException;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code ask}'s live view knows of one contemplation, built from its {@link ContemplationEvent}s: each agent's
 * state, the tally, why the agents stopped, the aggregation's call and the verdict. Not thread-safe: {@link LiveView}
 * applies the events, and computes the frames from it, under the view's lock.
 *
 * <p>The orchestrator's events carry no per-agent streaming deltas, so there is no token count while an agent runs:
 * a running agent shows its elapsed time, an agent that answered the length of its text in characters, and every
 * agent its output tokens once the verdict lists them ({@link AgentOutcome#usage()}; for an agent cut short, what it
 * had streamed).
 */
final class ProgressState {

    /** The state of one agent, as the view names it. */
    enum State {
        /** Planned, not started yet. */
        WAITING,
        /** Generating. */
        RUNNING,
        /** Finished with an answer that was counted. */
        ANSWERED,
        /** Failed, or replied without an extractable answer. */
        FAILED,
        /** Finished with a text that is no vote (a critique). */
        REPLIED,
        /** Cancelled while running (the rule was satisfied, or the deadline came). */
        CANCELLED,
        /** Never started: the run stopped before its wave. */
        NOT_STARTED,
        /** Not run: the engine's guard refused its call (open circuit, full bulkhead, rate limit). */
        SHED;

        /** Returns the lower-case name shown in the view, e.g. {@code not started}. */
        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** One agent's row; fields are updated in place by {@link #apply}. */
    static final class Agent {
        final String id;
        State state = State.WAITING;
        @Nullable Duration started;
        @Nullable Duration ended;
        @Nullable Answer answer;
        int chars = -1;
        long outputTokens = -1;
        @Nullable String problem;

        Agent(String id) {
            this.id = id;
        }

        /** Returns how long the agent ran, up to {@code now} while it runs; null if it never started. */
        @Nullable Duration ran(Duration now) {
            if (started == null) {
                return null;
            }
            Duration end = ended != null ? ended : now;
            return end.compareTo(started) < 0 ? Duration.ZERO : end.minus(started);
        }
    }

    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private Tally tally = Tally.empty();
    private Duration latest = Duration.ZERO;
    private @Nullable StopReason stopped;
    private @Nullable String round;
    private @Nullable String call;
    private String callState = "";
    private final StringBuilder delta = new StringBuilder();
    private @Nullable Verdict verdict;

    /** Starts with every planned agent waiting, in team order. */
    ProgressState(Collection<String> agentIds) {
        for (String id : agentIds) {
            agents.put(id, new Agent(id));
        }
    }

    /** Applies one event. */
    void apply(ContemplationEvent event) {
        if (event.elapsed().compareTo(latest) > 0) {
            latest = event.elapsed();
        }
        if (event instanceof ContemplationEvent.RoundStarted e) {
            round = e.round() == 0 ? null : "round " + e.round() + " (" + e.step() + ")";
        } else if (event instanceof ContemplationEvent.AgentStarted e) {
            Agent a = agent(e.agentId());
            a.state = State.RUNNING;
            a.started = e.elapsed();
            // an agent asked again in a later round starts its row afresh
            a.ended = null;
            a.chars = -1;
            a.outputTokens = -1;
            a.answer = null;
            a.problem = null;
        } else if (event instanceof ContemplationEvent.CandidateProduced e) {
            Agent a = agent(e.agentId());
            a.ended = e.elapsed();
            a.chars = e.text().length();
            a.answer = e.answer().orElse(null);
            // a text without an answer is a failure when AgentFailed follows; a critique is not a vote at all
            a.state = a.answer != null ? State.ANSWERED : State.REPLIED;
        } else if (event instanceof ContemplationEvent.TallyUpdated e) {
            tally = e.tally();
        } else if (event instanceof ContemplationEvent.AgentFailed e) {
            Agent a = agent(e.agentId());
            a.state = State.FAILED;
            a.ended = a.ended != null ? a.ended : e.elapsed();
            a.problem = problem(e.cause());
        } else if (event instanceof ContemplationEvent.AgentCancelled e) {
            Agent a = agent(e.agentId());
            a.state = State.CANCELLED;
            a.ended = e.elapsed();
        } else if (event instanceof ContemplationEvent.AgentShed e) {
            Agent a = agent(e.agentId());
            a.state = State.SHED;
            a.started = null;
            a.problem = problem(e.cause());
        } else if (event instanceof ContemplationEvent.Stopped e) {
            stopped = e.reason();
            for (Agent a : agents.values()) {
                if (a.state == State.WAITING) {
                    a.state = State.NOT_STARTED;
                }
            }
        } else if (event instanceof ContemplationEvent.AggregationCallStarted e) {
            call = e.role();
            callState = "running on " + e.engine();
            delta.setLength(0);
        } else if (event instanceof ContemplationEvent.AggregationCallFinished e) {
            call = e.role();
            callState = "finished (" + e.usage().outputTokens() + " output tokens)";
        } else if (event instanceof ContemplationEvent.AggregationCallFailed e) {
            call = e.role();
            callState = "failed: " + problem(e.cause());
        } else if (event instanceof ContemplationEvent.AnswerDelta e) {
            delta.append(e.text());
        } else if (event instanceof ContemplationEvent.VerdictReady e) {
            verdict = e.verdict();
            tally = e.verdict().tally();
            for (AgentOutcome o : e.verdict().agents()) {
                Agent a = agent(o.agentId());
                if (o.usage().outputTokens() > 0) {
                    a.outputTokens = o.usage().outputTokens();
                }
                if (o.status() == AgentOutcome.Status.NOT_STARTED) {
                    a.state = State.NOT_STARTED;
                }
            }
        }
    }

    /** Returns the agent {@code id}'s row, adding it when the team did not list it. */
    private Agent agent(String id) {
        return agents.computeIfAbsent(id, Agent::new);
    }

    /** Returns one line saying why an agent or a call failed. */
    static String problem(Throwable cause) {
        return cause instanceof NoAnswerException ? "no extractable answer"
                : ProgressLines.oneLine(String.valueOf(cause.getMessage()));
    }

    /** Returns the agents' rows in team order. */
    List<Agent> agents() {
        return new ArrayList<>(agents.values());
    }

    /** Returns the agent {@code id}'s row, or null. */
    @Nullable Agent find(String id) {
        return agents.get(id);
    }

    /** Returns how many agents are in {@code state}. */
    int count(State state) {
        int n = 0;
        for (Agent a : agents.values()) {
            if (a.state == state) {
                n++;
            }
        }
        return n;
    }

    /** Returns the round under way after the first, e.g. {@code round 1 (debate)}; null in the first round. */
    @Nullable String round() {
        return round;
    }

    /** Returns the latest tally. */
    Tally tally() {
        return tally;
    }

    /** Returns the latest event's time since the start. */
    Duration latest() {
        return latest;
    }

    /** Returns why the agents stopped, or null while they run. */
    @Nullable StopReason stopped() {
        return stopped;
    }

    /** Returns the role of the aggregation's latest call ({@code judge}, ...), or null when it made none. */
    @Nullable String call() {
        return call;
    }

    /** Returns what became of the aggregation's latest call, e.g. {@code running on openai}. */
    String callState() {
        return callState;
    }

    /** Returns the text the aggregation's latest call streamed so far. */
    String streamed() {
        return delta.toString();
    }

    /** Returns the verdict, or null before it. */
    @Nullable Verdict verdict() {
        return verdict;
    }
}

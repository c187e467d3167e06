package dev.contemplate.orchestrator.internal;

import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.util.context.ContextView;

/**
 * What the orchestrator tells metrics, traces and logs about its contemplations. The orchestrator calls it at a few
 * points only: a contemplation's start and end, each agent's start and end, each aggregation call's start and end, a
 * stop and an aggregation fallback. Every method has a no-op default, so {@link #NONE} costs a virtual call per point
 * and nothing else. Implementations must be thread-safe and must not throw; they never see the question or answer
 * text (a verdict is passed whole, but implementations read only its counts, status and timing).
 *
 * <p>Lifecycle guarantees the orchestrator gives: {@link #start} once per subscription; for each {@link Agent} it
 * returns, exactly one of {@code answered}, {@code failed} or {@code cancelled}; for each {@link Call}, exactly one of
 * {@code finished}, {@code failed} or {@code cancelled}; for each {@link Run}, at most one {@code stopped} and exactly
 * one of {@code verdict}, {@code failed} or {@code cancelled}, after the run's agents ended.
 */
public interface Instrumentation {

    /** Records nothing. */
    Instrumentation NONE = (setup, subscriberContext) -> Run.NONE;

    /**
     * A contemplation is subscribed.
     *
     * @param setup what it runs with
     * @param subscriberContext the subscriber's Reactor context, which may carry a parent observation
     * @return the probe of this contemplation
     */
    Run start(Setup setup, ContextView subscriberContext);

    /**
     * What a contemplation runs with; every component is of low cardinality (names from the configuration).
     *
     * @param mode the mode
     * @param rule the stopping rule's name
     * @param vote the vote's name
     * @param aggregator the aggregator's name ({@code vote} in FAST mode)
     * @param plannedAgents how many agents may start
     * @param deadline the budget's deadline
     */
    record Setup(Mode mode, String rule, String vote, String aggregator, int plannedAgents, Duration deadline) {
    }

    /** Why an aggregation step left the decision to the vote; each has a fixed, lower-case tag value. */
    enum Fallback {
        /** The deadline passed before or during the step. */
        DEADLINE,
        /** The token budget was spent before the step. */
        TOKEN_BUDGET,
        /** The aggregator decided nothing. */
        NO_ANSWER,
        /** The aggregator failed. */
        ERROR,
        /** Only one candidate answered: nothing to compare. */
        SINGLE_CANDIDATE;

        /** Returns the tag value, e.g. {@code token_budget}. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One contemplation. */
    interface Run {
        /** Records nothing. */
        Run NONE = new Run() {
        };

        /** An agent's engine call is being subscribed; returns its probe. */
        default Agent agentStarted(String agentId) {
            return Agent.NONE;
        }

        /** The agents stopped for {@code reason}, having counted {@code samples} finished generations. */
        default void stopped(StopReason reason, int samples) {
        }

        /** The aggregation makes an engine call for {@code role} on the engine named {@code engine}. */
        default Call aggregationCall(String role, String engine) {
            return Call.NONE;
        }

        /** The aggregator named {@code aggregator} left the decision to the vote; {@code cause} if it failed. */
        default void fallback(String aggregator, Fallback reason, @Nullable Throwable cause) {
        }

        /** The contemplation ended with {@code verdict}. */
        default void verdict(Verdict verdict) {
        }

        /** The contemplation ended with {@code error} after {@code elapsed}. */
        default void failed(Throwable error, Duration elapsed) {
        }

        /** The subscriber cancelled the contemplation after {@code elapsed}. */
        default void cancelled(Duration elapsed) {
        }
    }

    /** One agent's engine call. */
    interface Agent {
        /** Records nothing. */
        Agent NONE = new Agent() {
        };

        /** Returns {@code generation} made to run in this agent's scope (e.g. its observation in the context). */
        default <T> Flux<T> scope(Flux<T> generation) {
            return generation;
        }

        /** The agent's answer was counted. */
        default void answered(TokenUsage usage) {
        }

        /** The agent failed, or finished without an extractable answer ({@code usage} is then known). */
        default void failed(Throwable cause, TokenUsage usage) {
        }

        /**
         * The agent was cut by a stop, the deadline or the caller, after streaming {@code deltas} text deltas and
         * spending {@code usage}.
         */
        default void cancelled(int deltas, TokenUsage usage) {
        }

        /** The engine's guard refused the agent's call ({@code cause}: open circuit, full bulkhead, rate limit). */
        default void shed(Throwable cause) {
        }
    }

    /** One engine call of the aggregation step. */
    interface Call {
        /** Records nothing. */
        Call NONE = new Call() {
        };

        /** Returns {@code generation} made to run in this call's scope. */
        default <T> Flux<T> scope(Flux<T> generation) {
            return generation;
        }

        /** The call completed, spending {@code usage}. */
        default void finished(TokenUsage usage) {
        }

        /** The call failed. */
        default void failed(Throwable cause) {
        }

        /** The call was cancelled (the deadline, the caller, or the aggregator stopped reading it). */
        default void cancelled() {
        }
    }
}

package dev.contemplate.orchestrator.internal;

import static dev.contemplate.orchestrator.ContemplationObservability.AGENT_ID;
import static dev.contemplate.orchestrator.ContemplationObservability.AGENT_OBSERVATION;
import static dev.contemplate.orchestrator.ContemplationObservability.AGGREGATION_CALL_OBSERVATION;
import static dev.contemplate.orchestrator.ContemplationObservability.AGGREGATOR;
import static dev.contemplate.orchestrator.ContemplationObservability.CONTEMPLATION_OBSERVATION;
import static dev.contemplate.orchestrator.ContemplationObservability.ENGINE;
import static dev.contemplate.orchestrator.ContemplationObservability.EXCEPTION;
import static dev.contemplate.orchestrator.ContemplationObservability.MODE;
import static dev.contemplate.orchestrator.ContemplationObservability.OUTCOME;
import static dev.contemplate.orchestrator.ContemplationObservability.ROLE;
import static dev.contemplate.orchestrator.ContemplationObservability.RULE;
import static dev.contemplate.orchestrator.ContemplationObservability.STOP_REASON;
import static dev.contemplate.orchestrator.ContemplationObservability.VOTE;

import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.util.context.ContextView;

/**
 * Records the observations documented in {@link dev.contemplate.orchestrator.ContemplationObservability}: one per
 * contemplation, a child per agent and per aggregation call, linked to their parent explicitly (not through thread
 * locals, which Reactor does not carry across the engines' threads). Key values come from
 * {@link ObservationConvention}s reading mutable contexts, so handlers see the final outcome at stop.
 */
final class ObservationInstrumentation implements Instrumentation {

    /** The Reactor context key of the current observation ({@code ObservationThreadLocalAccessor.KEY}). */
    static final String OBSERVATION_KEY = "micrometer.observation";

    private static final String UNKNOWN = "unknown";

    private final ObservationRegistry registry;

    ObservationInstrumentation(ObservationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Run start(Setup setup, ContextView subscriberContext) {
        ContemplationContext context = new ContemplationContext(setup);
        Observation observation = Observation.createNotStarted(null, ContemplationConvention.INSTANCE,
                () -> context, registry);
        Object fromReactor = subscriberContext.getOrDefault(OBSERVATION_KEY, null);
        Observation parent = fromReactor instanceof Observation o ? o : registry.getCurrentObservation();
        if (parent != null) {
            observation.parentObservation(parent);
        }
        return new ObservedRun(observation.start(), context);
    }

    /** Ends {@code observation} with {@code error}, if any; the context's fields were set by the caller. */
    private static void stop(Observation observation, @Nullable Throwable error) {
        if (error != null) {
            observation.error(error);
        }
        observation.stop();
    }

    private final class ObservedRun implements Run {
        private final Observation observation;
        private final ContemplationContext context;

        ObservedRun(Observation observation, ContemplationContext context) {
            this.observation = observation;
            this.context = context;
        }

        @Override
        public Agent agentStarted(String agentId) {
            AgentContext agent = new AgentContext(Tags.mode(context.setup.mode()), agentId);
            Observation child = Observation.createNotStarted(null, AgentConvention.INSTANCE, () -> agent, registry)
                    .parentObservation(observation).start();
            return new ObservedAgent(child, agent);
        }

        @Override
        public void stopped(StopReason reason, int samples) {
            context.stopReason = Tags.stopReason(reason);
        }

        @Override
        public Call aggregationCall(String role, String engine) {
            CallContext call = new CallContext(role, engine);
            Observation child = Observation.createNotStarted(null, CallConvention.INSTANCE, () -> call, registry)
                    .parentObservation(observation).start();
            return new ObservedCall(child, call);
        }

        @Override
        public void fallback(String aggregator, Fallback reason, @Nullable Throwable cause) {
            observation.event(Observation.Event.of("contemplate.aggregation.fallback", "fallback: " + reason.tag()));
        }

        @Override
        public void verdict(Verdict verdict) {
            context.outcome = Tags.outcome(verdict);
            context.stopReason = Tags.stopReason(verdict.stopReason());
            stop(observation, null);
        }

        @Override
        public void failed(Throwable error, Duration elapsed) {
            context.outcome = "failed";
            context.exception = Instrumentations.typeOf(error);
            stop(observation, error);
        }

        @Override
        public void cancelled(Duration elapsed) {
            context.outcome = "cancelled";
            stop(observation, null);
        }
    }

    private record ObservedAgent(Observation observation, AgentContext context) implements Agent {
        @Override
        public <T> Flux<T> scope(Flux<T> generation) {
            return generation.contextWrite(c -> c.put(OBSERVATION_KEY, observation));
        }

        @Override
        public void answered(TokenUsage usage) {
            context.outcome = "finished";
            stop(observation, null);
        }

        @Override
        public void failed(Throwable cause, TokenUsage usage) {
            context.outcome = "failed";
            context.exception = Instrumentations.typeOf(cause);
            stop(observation, cause);
        }

        @Override
        public void cancelled(int deltas, TokenUsage usage) {
            context.outcome = "cancelled";
            stop(observation, null);
        }

        @Override
        public void shed(Throwable cause) {
            context.outcome = "shed";
            context.exception = Instrumentations.typeOf(cause);
            stop(observation, null);
        }
    }

    private record ObservedCall(Observation observation, CallContext context) implements Call {
        @Override
        public <T> Flux<T> scope(Flux<T> generation) {
            return generation.contextWrite(c -> c.put(OBSERVATION_KEY, observation));
        }

        @Override
        public void finished(TokenUsage usage) {
            context.outcome = "finished";
            stop(observation, null);
        }

        @Override
        public void failed(Throwable cause) {
            context.outcome = "failed";
            context.exception = Instrumentations.typeOf(cause);
            stop(observation, cause);
        }

        @Override
        public void cancelled() {
            context.outcome = "cancelled";
            stop(observation, null);
        }
    }

    /** A contemplation; the outcome fields are written before the observation stops. */
    static final class ContemplationContext extends Observation.Context {
        final Setup setup;
        volatile String outcome = UNKNOWN;
        volatile String stopReason = Tags.NONE;
        volatile String exception = Tags.NONE;

        ContemplationContext(Setup setup) {
            this.setup = setup;
        }
    }

    /** One agent's engine call. */
    static final class AgentContext extends Observation.Context {
        final String mode;
        final String agentId;
        volatile String outcome = UNKNOWN;
        volatile String exception = Tags.NONE;

        AgentContext(String mode, String agentId) {
            this.mode = mode;
            this.agentId = agentId;
        }
    }

    /** One aggregation call. */
    static final class CallContext extends Observation.Context {
        final String role;
        final String engine;
        volatile String outcome = UNKNOWN;
        volatile String exception = Tags.NONE;

        CallContext(String role, String engine) {
            this.role = role;
            this.engine = engine;
        }
    }

    private enum ContemplationConvention implements ObservationConvention<ContemplationContext> {
        INSTANCE;

        @Override
        public String getName() {
            return CONTEMPLATION_OBSERVATION;
        }

        @Override
        public String getContextualName(ContemplationContext context) {
            return "contemplate";
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(ContemplationContext c) {
            return KeyValues.of(MODE, Tags.mode(c.setup.mode()), OUTCOME, c.outcome, STOP_REASON, c.stopReason,
                    EXCEPTION, c.exception, RULE, c.setup.rule(), VOTE, c.setup.vote(),
                    AGGREGATOR, c.setup.aggregator());
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof ContemplationContext;
        }
    }

    private enum AgentConvention implements ObservationConvention<AgentContext> {
        INSTANCE;

        @Override
        public String getName() {
            return AGENT_OBSERVATION;
        }

        @Override
        public String getContextualName(AgentContext context) {
            return "contemplate agent";
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(AgentContext c) {
            return KeyValues.of(MODE, c.mode, OUTCOME, c.outcome, EXCEPTION, c.exception);
        }

        @Override
        public KeyValues getHighCardinalityKeyValues(AgentContext c) {
            return KeyValues.of(AGENT_ID, c.agentId);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof AgentContext;
        }
    }

    private enum CallConvention implements ObservationConvention<CallContext> {
        INSTANCE;

        @Override
        public String getName() {
            return AGGREGATION_CALL_OBSERVATION;
        }

        @Override
        public String getContextualName(CallContext context) {
            return "contemplate " + context.role;
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(CallContext c) {
            return KeyValues.of(ROLE, c.role, OUTCOME, c.outcome, EXCEPTION, c.exception);
        }

        @Override
        public KeyValues getHighCardinalityKeyValues(CallContext c) {
            return KeyValues.of(ENGINE, c.engine);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof CallContext;
        }
    }
}

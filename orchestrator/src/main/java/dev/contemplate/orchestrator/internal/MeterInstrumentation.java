package dev.contemplate.orchestrator.internal;

import static dev.contemplate.orchestrator.ContemplationObservability.AGENTS;
import static dev.contemplate.orchestrator.ContemplationObservability.AGENTS_STARTED;
import static dev.contemplate.orchestrator.ContemplationObservability.AGGREGATION_CALLS;
import static dev.contemplate.orchestrator.ContemplationObservability.AGGREGATION_FALLBACKS;
import static dev.contemplate.orchestrator.ContemplationObservability.AGGREGATOR;
import static dev.contemplate.orchestrator.ContemplationObservability.CONTEMPLATIONS;
import static dev.contemplate.orchestrator.ContemplationObservability.DEADLINE_OVERRUN;
import static dev.contemplate.orchestrator.ContemplationObservability.ENGINE;
import static dev.contemplate.orchestrator.ContemplationObservability.ENGINE_IN_FLIGHT;
import static dev.contemplate.orchestrator.ContemplationObservability.ENGINE_QUEUED;
import static dev.contemplate.orchestrator.ContemplationObservability.EXCEPTION;
import static dev.contemplate.orchestrator.ContemplationObservability.MODE;
import static dev.contemplate.orchestrator.ContemplationObservability.OUTCOME;
import static dev.contemplate.orchestrator.ContemplationObservability.REASON;
import static dev.contemplate.orchestrator.ContemplationObservability.ROLE;
import static dev.contemplate.orchestrator.ContemplationObservability.RULE;
import static dev.contemplate.orchestrator.ContemplationObservability.SAMPLES;
import static dev.contemplate.orchestrator.ContemplationObservability.STATUS;
import static dev.contemplate.orchestrator.ContemplationObservability.STOPS;
import static dev.contemplate.orchestrator.ContemplationObservability.STOP_REASON;
import static dev.contemplate.orchestrator.ContemplationObservability.TOKENS;
import static dev.contemplate.orchestrator.ContemplationObservability.TYPE;
import static dev.contemplate.orchestrator.ContemplationObservability.VERDICT_LATENCY;
import static dev.contemplate.orchestrator.ContemplationObservability.VOTE;

import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.langchain4j.LangChain4jEngine;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * Records the meters documented in {@link dev.contemplate.orchestrator.ContemplationObservability} in one registry.
 * Meters are looked up in the registry when something happens (the registry caches them by id).
 */
final class MeterInstrumentation implements Instrumentation {

    private final MeterRegistry registry;

    MeterInstrumentation(MeterRegistry registry, Collection<InferenceEngine> engines) {
        this.registry = registry;
        for (InferenceEngine engine : engines) {
            // the engine SPI has no queue depth; the LangChain4j adapter exposes its own (weakly referenced here)
            if (engine instanceof LangChain4jEngine l) {
                Gauge.builder(ENGINE_QUEUED, l, LangChain4jEngine::queued).tag(ENGINE, l.name())
                        .description("generations waiting for a slot in the engine").register(registry);
                Gauge.builder(ENGINE_IN_FLIGHT, l, LangChain4jEngine::inFlight).tag(ENGINE, l.name())
                        .description("generations holding a slot in the engine").register(registry);
            }
        }
    }

    @Override
    public Run start(Setup setup, ContextView subscriberContext) {
        return new MeteredRun(setup, Tags.mode(setup.mode()));
    }

    private void count(String name, String mode, String... tags) {
        Counter.builder(name).tag(MODE, mode).tags(tags).register(registry).increment();
    }

    private void tokens(String mode, String outcome, TokenUsage usage) {
        tokens(mode, outcome, "input", usage.inputTokens());
        tokens(mode, outcome, "output", usage.outputTokens());
    }

    private void tokens(String mode, String outcome, String type, long amount) {
        Counter.builder(TOKENS).baseUnit("tokens").tag(MODE, mode).tag(OUTCOME, outcome).tag(TYPE, type)
                .register(registry).increment(amount);
    }

    private final class MeteredRun implements Run {
        private final Setup setup;
        private final String mode;

        MeteredRun(Setup setup, String mode) {
            this.setup = setup;
            this.mode = mode;
        }

        @Override
        public Agent agentStarted(String agentId) {
            count(AGENTS_STARTED, mode);
            return new MeteredAgent(mode);
        }

        @Override
        public void stopped(StopReason reason, int samples) {
            count(STOPS, mode, STOP_REASON, Tags.stopReason(reason));
            DistributionSummary.builder(SAMPLES).description("generations counted by the vote per contemplation")
                    .tag(MODE, mode).register(registry).record(samples);
        }

        @Override
        public Call aggregationCall(String role, String engine) {
            return new MeteredCall(mode, role);
        }

        @Override
        public void fallback(String aggregator, Fallback reason, @Nullable Throwable cause) {
            Counter.builder(AGGREGATION_FALLBACKS).tag(AGGREGATOR, aggregator).tag(REASON, reason.tag())
                    .register(registry).increment();
        }

        @Override
        public void verdict(Verdict verdict) {
            ended(Tags.outcome(verdict), Tags.NONE, verdict.elapsed(), true);
        }

        @Override
        public void failed(Throwable error, Duration elapsed) {
            ended("failed", Instrumentations.typeOf(error), elapsed, true);
        }

        @Override
        public void cancelled(Duration elapsed) {
            ended("cancelled", Tags.NONE, elapsed, false);
        }

        private void ended(String outcome, String exception, Duration elapsed, boolean overrun) {
            count(CONTEMPLATIONS, mode, OUTCOME, outcome, EXCEPTION, exception, RULE, setup.rule(),
                    VOTE, setup.vote(), AGGREGATOR, setup.aggregator());
            Timer.builder(VERDICT_LATENCY).description("time from subscription to the verdict, error or cancellation")
                    .tag(MODE, mode).tag(OUTCOME, outcome).register(registry).record(elapsed);
            if (overrun) {
                Duration past = elapsed.minus(setup.deadline());
                Timer.builder(DEADLINE_OVERRUN).description("how far past the deadline the verdict or error came")
                        .tag(MODE, mode).register(registry).record(past.isNegative() ? Duration.ZERO : past);
            }
        }
    }

    private final class MeteredAgent implements Agent {
        private final String mode;

        MeteredAgent(String mode) {
            this.mode = mode;
        }

        @Override
        public void answered(TokenUsage usage) {
            count(AGENTS, mode, STATUS, "finished", EXCEPTION, Tags.NONE);
            tokens(mode, "answered", usage);
        }

        @Override
        public void failed(Throwable cause, TokenUsage usage) {
            count(AGENTS, mode, STATUS, "failed", EXCEPTION, Instrumentations.typeOf(cause));
            tokens(mode, "failed", usage);
        }

        @Override
        public void cancelled(int deltas, TokenUsage usage) {
            count(AGENTS, mode, STATUS, "cancelled", EXCEPTION, Tags.NONE);
            tokens(mode, "cut", usage);
        }

        @Override
        public void shed(Throwable cause) {
            count(AGENTS, mode, STATUS, "shed", EXCEPTION, Instrumentations.typeOf(cause));
        }
    }

    private final class MeteredCall implements Call {
        private final String mode;
        private final String role;

        MeteredCall(String mode, String role) {
            this.mode = mode;
            this.role = role;
        }

        private void ended(String status) {
            Counter.builder(AGGREGATION_CALLS).tag(ROLE, role).tag(STATUS, status).register(registry).increment();
        }

        @Override
        public void finished(TokenUsage usage) {
            ended("finished");
            tokens(mode, "aggregation", usage);
        }

        @Override
        public void failed(Throwable cause) {
            ended("failed");
        }

        @Override
        public void cancelled() {
            ended("cancelled");
        }
    }
}

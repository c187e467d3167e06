package dev.contemplate.orchestrator.internal;

import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import dev.contemplate.orchestrator.internal.Instrumentation.Call;
import dev.contemplate.orchestrator.internal.Instrumentation.Fallback;
import dev.contemplate.orchestrator.internal.Instrumentation.Run;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.util.context.ContextView;

/**
 * Builds a contemplator's {@link Instrumentation}: logging always (SLF4J, cheap when its levels are off), metrics only
 * with a meter registry, observations only with an observation registry. The Micrometer-backed parts are only
 * loaded when their registry is given. Several parts are fanned out by a composite.
 */
public final class Instrumentations {

    private Instrumentations() {
    }

    /**
     * Returns the instrumentation of a contemplator.
     *
     * @param meters where metrics go, or null for none
     * @param observations where observations go, or null for none
     * @param engines the engines the contemplator calls (those that expose a queue get queue gauges)
     */
    public static Instrumentation create(@Nullable MeterRegistry meters, @Nullable ObservationRegistry observations,
            Collection<InferenceEngine> engines) {
        List<Instrumentation> parts = new ArrayList<>(3);
        parts.add(new LoggingInstrumentation());
        if (meters != null) {
            parts.add(new MeterInstrumentation(meters, engines));
        }
        if (observations != null && !observations.isNoop()) {
            parts.add(new ObservationInstrumentation(observations));
        }
        return parts.size() == 1 ? parts.get(0) : new Composite(List.copyOf(parts));
    }

    private record Composite(List<Instrumentation> parts) implements Instrumentation {
        @Override
        public Run start(Setup setup, ContextView subscriberContext) {
            List<Run> runs = new ArrayList<>(parts.size());
            for (Instrumentation p : parts) {
                runs.add(p.start(setup, subscriberContext));
            }
            return new CompositeRun(runs);
        }
    }

    private record CompositeRun(List<Run> runs) implements Instrumentation.Run {
        @Override
        public Instrumentation.Agent agentStarted(String agentId) {
            List<Instrumentation.Agent> agents = new ArrayList<>(runs.size());
            for (Run r : runs) {
                agents.add(r.agentStarted(agentId));
            }
            return new CompositeAgent(agents);
        }

        @Override
        public void stopped(StopReason reason, int samples) {
            runs.forEach(r -> r.stopped(reason, samples));
        }

        @Override
        public Call aggregationCall(String role, String engine) {
            List<Call> calls = new ArrayList<>(runs.size());
            for (Run r : runs) {
                calls.add(r.aggregationCall(role, engine));
            }
            return new CompositeCall(calls);
        }

        @Override
        public void fallback(String aggregator, Fallback reason, @Nullable Throwable cause) {
            runs.forEach(r -> r.fallback(aggregator, reason, cause));
        }

        @Override
        public void verdict(Verdict verdict) {
            runs.forEach(r -> r.verdict(verdict));
        }

        @Override
        public void failed(Throwable error, Duration elapsed) {
            runs.forEach(r -> r.failed(error, elapsed));
        }

        @Override
        public void cancelled(Duration elapsed) {
            runs.forEach(r -> r.cancelled(elapsed));
        }
    }

    private record CompositeAgent(List<Instrumentation.Agent> agents) implements Instrumentation.Agent {
        @Override
        public <T> Flux<T> scope(Flux<T> generation) {
            Flux<T> scoped = generation;
            for (Instrumentation.Agent a : agents) {
                scoped = a.scope(scoped);
            }
            return scoped;
        }

        @Override
        public void answered(TokenUsage usage) {
            agents.forEach(a -> a.answered(usage));
        }

        @Override
        public void failed(Throwable cause, TokenUsage usage) {
            agents.forEach(a -> a.failed(cause, usage));
        }

        @Override
        public void cancelled(int deltas, TokenUsage usage) {
            agents.forEach(a -> a.cancelled(deltas, usage));
        }

        @Override
        public void shed(Throwable cause) {
            agents.forEach(a -> a.shed(cause));
        }
    }

    private record CompositeCall(List<Instrumentation.Call> calls) implements Instrumentation.Call {
        @Override
        public <T> Flux<T> scope(Flux<T> generation) {
            Flux<T> scoped = generation;
            for (Instrumentation.Call c : calls) {
                scoped = c.scope(scoped);
            }
            return scoped;
        }

        @Override
        public void finished(TokenUsage usage) {
            calls.forEach(c -> c.finished(usage));
        }

        @Override
        public void failed(Throwable cause) {
            calls.forEach(c -> c.failed(cause));
        }

        @Override
        public void cancelled() {
            calls.forEach(Instrumentation.Call::cancelled);
        }
    }

    /** Returns a low-cardinality name of {@code error}'s type: its simple name (its full name if anonymous). */
    static String typeOf(Throwable error) {
        String simple = error.getClass().getSimpleName();
        return simple.isEmpty() ? error.getClass().getName() : simple;
    }
}

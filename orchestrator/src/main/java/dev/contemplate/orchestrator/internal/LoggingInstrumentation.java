package dev.contemplate.orchestrator.internal;

import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.AllAgentsFailedException;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.util.context.ContextView;

/**
 * Logs contemplations through SLF4J under the logger {@code dev.contemplate.orchestrator.Contemplator}: DEBUG for a
 * contemplation's start and end and each agent's and aggregation call's start and end; WARN when every agent failed
 * and when an aggregation step fell back to the vote. Lines name the contemplation by a sequence number
 * ({@code #12}) and agents by id; they never carry the question or answer text, and exception messages (which could
 * quote them) appear only at DEBUG: WARN lines name exception types.
 */
final class LoggingInstrumentation implements Instrumentation {

    private static final Logger LOG = LoggerFactory.getLogger(Contemplator.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    @Override
    public Run start(Setup setup, ContextView subscriberContext) {
        long id = SEQUENCE.incrementAndGet();
        if (LOG.isDebugEnabled()) {
            LOG.debug("contemplation #{} started: mode={}, agents={}, rule={}, vote={}, aggregator={}, deadline={} ms",
                    id, Tags.mode(setup.mode()), setup.plannedAgents(), setup.rule(), setup.vote(),
                    setup.aggregator(), setup.deadline().toMillis());
        }
        return new LoggedRun(id);
    }

    private record LoggedRun(long id) implements Run {
        @Override
        public Agent agentStarted(String agentId) {
            if (!LOG.isDebugEnabled()) {
                return Agent.NONE;
            }
            LOG.debug("contemplation #{}: {} started", id, agentId);
            return new LoggedAgent(id, agentId);
        }

        @Override
        public void stopped(StopReason reason, int samples) {
            LOG.debug("contemplation #{}: agents stopped ({}) after {} samples", id, Tags.stopReason(reason), samples);
        }

        @Override
        public Call aggregationCall(String role, String engine) {
            if (!LOG.isDebugEnabled()) {
                return Call.NONE;
            }
            LOG.debug("contemplation #{}: {} call started on {}", id, role, engine);
            return new LoggedCall(id, role);
        }

        @Override
        public void fallback(String aggregator, Fallback reason, @Nullable Throwable cause) {
            if (reason == Fallback.SINGLE_CANDIDATE) {
                LOG.debug("contemplation #{}: only one candidate answered, the vote decides instead of {}", id,
                        aggregator);
            } else if (cause == null) {
                LOG.warn("contemplation #{}: {} fell back to the vote ({})", id, aggregator, reason.tag());
            } else {
                LOG.warn("contemplation #{}: {} fell back to the vote ({}: {})", id, aggregator, reason.tag(),
                        Instrumentations.typeOf(cause));
                LOG.debug("contemplation #{}: {} failed", id, aggregator, cause);
            }
        }

        @Override
        public void verdict(Verdict verdict) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("contemplation #{}: verdict {} ({}) after {} ms: {} samples, {} tokens, confidence {}", id,
                        verdict.complete() ? "complete" : "incomplete", Tags.stopReason(verdict.stopReason()),
                        verdict.elapsed().toMillis(), verdict.tally().samples(), verdict.tokens().totalTokens(),
                        String.format(java.util.Locale.ROOT, "%.2f", verdict.confidence()));
            }
        }

        @Override
        public void failed(Throwable error, Duration elapsed) {
            if (error instanceof AllAgentsFailedException all) {
                Map<String, Integer> causes = new TreeMap<>();
                for (AgentOutcome o : all.agents()) {
                    if (o instanceof AgentOutcome.Failed f) {
                        causes.merge(Instrumentations.typeOf(f.cause()), 1, Integer::sum);
                    }
                }
                LOG.warn("contemplation #{}: all {} agents failed after {} ms: {}", id, all.agents().size(),
                        elapsed.toMillis(), causes);
            } else if (LOG.isDebugEnabled()) {
                LOG.debug("contemplation #{}: failed after {} ms with {}", id, elapsed.toMillis(),
                        Instrumentations.typeOf(error));
            }
        }

        @Override
        public void cancelled(Duration elapsed) {
            LOG.debug("contemplation #{}: cancelled by the caller after {} ms", id, elapsed.toMillis());
        }
    }

    private record LoggedAgent(long run, String agentId) implements Agent {
        @Override
        public void answered(TokenUsage usage) {
            LOG.debug("contemplation #{}: {} answered ({} tokens)", run, agentId, usage.totalTokens());
        }

        @Override
        public void failed(Throwable cause, TokenUsage usage) {
            LOG.debug("contemplation #{}: {} failed ({})", run, agentId, Instrumentations.typeOf(cause), cause);
        }

        @Override
        public void cancelled(int deltas, TokenUsage usage) {
            LOG.debug("contemplation #{}: {} cancelled after {} deltas ({} tokens)", run, agentId, deltas,
                    usage.totalTokens());
        }

        @Override
        public void shed(Throwable cause) {
            LOG.info("contemplation #{}: {} shed by the engine's guard ({})", run, agentId,
                    Instrumentations.typeOf(cause));
        }
    }

    private record LoggedCall(long run, String role) implements Call {
        @Override
        public void finished(TokenUsage usage) {
            LOG.debug("contemplation #{}: {} call finished ({} tokens)", run, role, usage.totalTokens());
        }

        @Override
        public void failed(Throwable cause) {
            LOG.debug("contemplation #{}: {} call failed ({})", run, role, Instrumentations.typeOf(cause), cause);
        }

        @Override
        public void cancelled() {
            LOG.debug("contemplation #{}: {} call cancelled", run, role);
        }
    }
}

package dev.contemplate.orchestrator.internal;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.aggregation.Vote;
import dev.contemplate.inference.TokenUsage;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** What one agent run reports to its contemplation. */
sealed interface Signal {

    /** The agent whose signal this is. */
    Agent agent();

    /** The agent's generation was subscribed; {@code deltas} counts streamed text deltas. */
    record Started(Agent agent, AtomicInteger deltas) implements Signal {
    }

    /** The agent produced its final text, and the vote counted it. */
    record Finished(Agent agent, Candidate candidate, Vote vote) implements Signal {
    }

    /** The agent's generation failed. */
    record Failed(Agent agent, Throwable cause, Optional<String> text, TokenUsage usage) implements Signal {
    }
}

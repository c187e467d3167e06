package dev.contemplate.orchestrator.internal;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.aggregation.Vote;
import java.util.Optional;

/** What one agent run reports to its contemplation. */
sealed interface Signal {

    /** The agent whose signal this is. */
    Agent agent();

    /** The agent's generation was subscribed; {@code meter} counts what it spends. */
    record Started(Agent agent, AgentMeter meter) implements Signal {
    }

    /** The agent produced its final text, and the vote counted it. */
    record Finished(Agent agent, Candidate candidate, Vote vote) implements Signal {
    }

    /** The agent's generation failed (its spend is in its meter); {@code text} is its text if it finished. */
    record Failed(Agent agent, Throwable cause, Optional<String> text) implements Signal {
    }

    /** The engine's guard refused the agent's call: an open circuit, a full bulkhead, no rate-limit permit. */
    record Shed(Agent agent, Throwable cause) implements Signal {
    }
}

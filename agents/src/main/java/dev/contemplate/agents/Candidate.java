package dev.contemplate.agents;

import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.TokenUsage;
import java.time.Duration;
import java.util.Objects;

/**
 * One agent's finished answer text, before extraction.
 *
 * @param agent the agent that produced it
 * @param text the raw generated text
 * @param finishReason why the engine stopped
 * @param usage tokens spent
 * @param latency time from the agent's start to its last token
 */
public record Candidate(Agent agent, String text, FinishReason finishReason, TokenUsage usage, Duration latency) {

    /** @throws NullPointerException if a component is null */
    public Candidate {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(latency, "latency");
    }
}

package dev.contemplate.agents;

import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.TokenLogprobs;
import dev.contemplate.inference.TokenUsage;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One agent's finished answer text, before extraction.
 *
 * @param agent the agent that produced it
 * @param text the raw generated text
 * @param finishReason why the engine stopped
 * @param usage tokens spent
 * @param latency time from the agent's start to its last token
 * @param logprobs the log-probability of each generated token, when the engine reported them
 */
public record Candidate(Agent agent, String text, FinishReason finishReason, TokenUsage usage, Duration latency,
        Optional<TokenLogprobs> logprobs) {

    /** @throws NullPointerException if a component is null */
    public Candidate {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(logprobs, "logprobs");
    }

    /**
     * Returns a candidate without log-probabilities.
     *
     * @throws NullPointerException if a component is null
     */
    public Candidate(Agent agent, String text, FinishReason finishReason, TokenUsage usage, Duration latency) {
        this(agent, text, finishReason, usage, latency, Optional.empty());
    }
}

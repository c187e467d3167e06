package dev.contemplate.agents;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.SamplingParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One member of a team: an id, a persona, a prompt style and sampling settings, optionally its own engine.
 *
 * @param id unique within a team, not blank
 * @param ordinal the agent's position in its team, from 0; used for deterministic tie-breaks
 * @param persona the point of view (system prompt)
 * @param style how the question is phrased
 * @param sampling the agent's sampling parameters (temperature, top-p, max tokens, stop, seed)
 * @param engine an engine of its own, or empty to use the contemplator's engine
 */
public record Agent(String id, int ordinal, Persona persona, PromptStyle style, SamplingParameters sampling,
        Optional<InferenceEngine> engine) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code id} is blank or {@code ordinal} negative
     */
    public Agent {
        if (Objects.requireNonNull(id, "id").isBlank()) {
            throw new IllegalArgumentException("agent id must not be blank");
        }
        if (ordinal < 0) {
            throw new IllegalArgumentException("agent ordinal must be >= 0 but was " + ordinal);
        }
        Objects.requireNonNull(persona, "persona");
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(engine, "engine");
    }

    /** Returns this agent's seed, if any. */
    public OptionalLong seed() {
        return sampling.seed();
    }

    /** Returns a copy with other sampling parameters. */
    public Agent withSampling(SamplingParameters newSampling) {
        return new Agent(id, ordinal, persona, style, newSampling, engine);
    }

    /**
     * Returns the request this agent sends for {@code question}, with extra context messages (used by
     * protocols that show agents each other's answers) between the system prompt and the question.
     */
    public GenerationRequest request(String question, List<Message> context) {
        List<Message> messages = new ArrayList<>();
        if (!persona.systemPrompt().isEmpty()) {
            messages.add(Message.system(persona.systemPrompt()));
        }
        messages.addAll(context);
        messages.add(Message.user(style.apply(question)));
        return new GenerationRequest(messages, sampling);
    }
}

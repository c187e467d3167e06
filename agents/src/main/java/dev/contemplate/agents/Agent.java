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
 * @param weight how much this agent's vote counts in a weighted vote, finite and {@code > 0} (1 by default); a
 *     researcher's prior trust in the agent, multiplied with the candidate's own confidence
 */
public record Agent(String id, int ordinal, Persona persona, PromptStyle style, SamplingParameters sampling,
        Optional<InferenceEngine> engine, double weight) {

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
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("agent '" + id + "' weight must be finite and > 0 but was " + weight);
        }
    }

    /**
     * Returns an agent of weight 1.
     *
     * @throws IllegalArgumentException if {@code id} is blank or {@code ordinal} negative
     */
    public Agent(String id, int ordinal, Persona persona, PromptStyle style, SamplingParameters sampling,
            Optional<InferenceEngine> engine) {
        this(id, ordinal, persona, style, sampling, engine, 1.0);
    }

    /** Returns this agent's seed, if any. */
    public OptionalLong seed() {
        return sampling.seed();
    }

    /**
     * Returns a copy with another vote weight.
     *
     * @throws IllegalArgumentException if {@code newWeight} is not finite and positive
     */
    public Agent withWeight(double newWeight) {
        return new Agent(id, ordinal, persona, style, sampling, engine, newWeight);
    }

    /** Returns a copy with other sampling parameters. */
    public Agent withSampling(SamplingParameters newSampling) {
        return new Agent(id, ordinal, persona, style, newSampling, engine, weight);
    }

    /**
     * Returns the request this agent sends for a bare {@code question}, with extra context messages (used by protocols
     * that show agents each other's answers) between the system prompt and the question, and no answer format.
     */
    public GenerationRequest request(String question, List<Message> context) {
        return request(Conversation.of(question), context, "");
    }

    /**
     * Returns the request of a later round of a deliberation: the request {@link #request(Conversation, List, String)}
     * builds for {@code conversation} (its system messages, this agent's persona, earlier turns, the question in this
     * agent's style with {@code answerFormat}), followed by the protocol's {@code turns} (for example this agent's own
     * earlier answer as an assistant message, then a user message showing the others' answers as data).
     *
     * @param conversation what the user asks
     * @param answerFormat how to state the final answer in the question, or empty
     * @param turns the protocol's messages after the question; the last should be a user message
     * @throws IllegalArgumentException if {@code turns} is empty
     */
    public GenerationRequest followUp(Conversation conversation, String answerFormat, List<Message> turns) {
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("a follow-up needs at least one message after the question");
        }
        GenerationRequest first = request(conversation, List.of(), answerFormat);
        List<Message> messages = new ArrayList<>(first.messages().size() + turns.size());
        messages.addAll(first.messages());
        messages.addAll(turns);
        return new GenerationRequest(messages, sampling);
    }

    /**
     * Returns the request this agent sends for {@code conversation}: the conversation's system messages, then the
     * persona's system prompt as a system message of its own (layered on top, never replacing the app's), then the
     * earlier turns, then {@code extra} context (protocols that show agents each other's answers), then the question
     * phrased in this agent's style with {@code answerFormat} (empty when no answer format is needed).
     *
     * @param conversation what the user asks, with its system messages and history
     * @param extra messages placed just before the question
     * @param answerFormat an instruction on how to state the final answer, or empty
     */
    public GenerationRequest request(Conversation conversation, List<Message> extra, String answerFormat) {
        List<Message> context = conversation.context();
        if (context.isEmpty() && extra.isEmpty()) {
            // a bare question: a list the request keeps as it is, without copying it
            Message user = Message.user(style.apply(conversation.question(), answerFormat));
            return new GenerationRequest(persona.systemPrompt().isEmpty() ? List.of(user)
                    : List.of(Message.system(persona.systemPrompt()), user), sampling);
        }
        List<Message> messages = new ArrayList<>(context.size() + extra.size() + 2);
        int i = 0;
        while (i < context.size() && context.get(i).role() == Message.Role.SYSTEM) {
            messages.add(context.get(i++));
        }
        if (!persona.systemPrompt().isEmpty()) {
            messages.add(Message.system(persona.systemPrompt()));
        }
        messages.addAll(context.subList(i, context.size()));
        messages.addAll(extra);
        messages.add(Message.user(style.apply(conversation.question(), answerFormat)));
        return new GenerationRequest(messages, sampling);
    }
}

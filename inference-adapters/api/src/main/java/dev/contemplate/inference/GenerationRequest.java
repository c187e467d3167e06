package dev.contemplate.inference;

import java.util.List;
import java.util.Objects;

/**
 * One prompt and how to sample its continuation.
 *
 * @param messages the prompt, at least one message
 * @param sampling the sampling parameters
 */
public record GenerationRequest(List<Message> messages, SamplingParameters sampling) {

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException if {@code messages} is empty
     * @throws NullPointerException if a component or a message is null
     */
    public GenerationRequest {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        Objects.requireNonNull(sampling, "sampling");
    }

    /** Returns a request of one user message with the given sampling parameters. */
    public static GenerationRequest of(String userText, SamplingParameters sampling) {
        return new GenerationRequest(List.of(Message.user(userText)), sampling);
    }

    /** Returns a copy with other sampling parameters. */
    public GenerationRequest withSampling(SamplingParameters newSampling) {
        return new GenerationRequest(messages, newSampling);
    }
}

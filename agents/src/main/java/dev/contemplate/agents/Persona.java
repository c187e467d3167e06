package dev.contemplate.agents;

import java.util.Objects;

/**
 * A point of view an agent answers from: a short name and the system prompt that sets it.
 *
 * @param name a short name for reports, not blank
 * @param systemPrompt the system message; empty means no system message
 */
public record Persona(String name, String systemPrompt) {

    /** A persona with no system prompt. */
    public static final Persona PLAIN = new Persona("plain", "");

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Persona {
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        if (Objects.requireNonNull(name, "name").isBlank()) {
            throw new IllegalArgumentException("persona name must not be blank");
        }
    }

    /** Returns a persona with the given name and system prompt. */
    public static Persona of(String name, String systemPrompt) {
        return new Persona(name, systemPrompt);
    }
}

package dev.contemplate.agents;

import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.SamplingParameters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An ordered, immutable group of agents with unique ids. {@link #builder()} makes N diverse agents by cycling
 * through a few personas, prompt styles and temperatures, and giving agent {@code i} the seed {@code seed + i}.
 *
 * @param agents the agents, in order; their ordinals are their positions
 */
public record Team(List<Agent> agents) {

    /**
     * Validates the team.
     *
     * @throws IllegalArgumentException if it is empty, ids repeat, or ordinals are not 0..n-1 in order
     */
    public Team {
        agents = List.copyOf(agents);
        if (agents.isEmpty()) {
            throw new IllegalArgumentException("a team needs at least one agent");
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < agents.size(); i++) {
            Agent a = agents.get(i);
            if (!ids.add(a.id())) {
                throw new IllegalArgumentException("agent id '" + a.id() + "' appears twice in the team");
            }
            if (a.ordinal() != i) {
                throw new IllegalArgumentException("agent '" + a.id() + "' has ordinal " + a.ordinal()
                        + " but stands at position " + i);
            }
        }
    }

    /** Returns the number of agents. */
    public int size() {
        return agents.size();
    }

    /** Returns the first {@code n} agents as a team. */
    public Team first(int n) {
        if (n < 1 || n > agents.size()) {
            throw new IllegalArgumentException("n must be in [1, " + agents.size() + "] but was " + n);
        }
        return new Team(agents.subList(0, n));
    }

    /** Returns a builder of diverse teams. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Team}; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private int size = 5;
        private List<Persona> personas = List.of(Persona.PLAIN);
        private List<PromptStyle> styles = List.of(PromptStyle.STEP_BY_STEP);
        private List<Double> temperatures = List.of(0.7);
        private List<Double> weights = List.of(1.0);
        private SamplingParameters base = SamplingParameters.defaults();
        private OptionalLong seed = OptionalLong.empty();
        private String idPrefix = "agent-";
        private List<Optional<InferenceEngine>> engines = List.of(Optional.empty());

        private Builder() {
        }

        /** Sets the number of agents (>= 1). */
        public Builder size(int value) {
            this.size = value;
            return this;
        }

        /** Sets the personas, cycled over the agents (at least one). */
        public Builder personas(List<Persona> value) {
            this.personas = List.copyOf(value);
            return this;
        }

        /** Sets the prompt styles, cycled over the agents (at least one). */
        public Builder styles(List<PromptStyle> value) {
            this.styles = List.copyOf(value);
            return this;
        }

        /** Sets the temperatures, cycled over the agents (at least one, each >= 0). */
        public Builder temperatures(List<Double> value) {
            this.temperatures = List.copyOf(value);
            return this;
        }

        /**
         * Sets the agents' vote weights for weighted votes, cycled over the agents (at least one, each finite and
         * {@code > 0}; default 1).
         */
        public Builder weights(List<Double> value) {
            this.weights = List.copyOf(value);
            return this;
        }

        /** Sets the other sampling parameters (top-p, max tokens, stop); temperature and seed are overridden. */
        public Builder sampling(SamplingParameters value) {
            this.base = Objects.requireNonNull(value, "sampling");
            return this;
        }

        /** Sets the base seed: agent {@code i} samples with {@code seed + i}. */
        public Builder seed(long value) {
            this.seed = OptionalLong.of(value);
            return this;
        }

        /** Removes the seed: agents sample without one. */
        public Builder noSeed() {
            this.seed = OptionalLong.empty();
            return this;
        }

        /**
         * Sets the agents' own engines, cycled over the agents like the personas (default: none, every agent runs on
         * the contemplator's engine), e.g. two fast local engines and one remote large model. Each engine keeps its
         * own limits; the contemplator's guard rails for an engine apply to every agent on it.
         *
         * @throws NullPointerException if the list or an engine is null
         */
        public Builder engines(List<? extends InferenceEngine> value) {
            List<Optional<InferenceEngine>> list = new ArrayList<>(value.size());
            for (InferenceEngine e : value) {
                list.add(Optional.of(Objects.requireNonNull(e, "engine")));
            }
            this.engines = list.isEmpty() ? List.of(Optional.empty()) : List.copyOf(list);
            return this;
        }

        /** Sets the prefix of generated agent ids (default {@code "agent-"}, ids then run agent-1, agent-2, ...). */
        public Builder idPrefix(String value) {
            this.idPrefix = Objects.requireNonNull(value, "idPrefix");
            return this;
        }

        /**
         * Returns the team.
         *
         * @throws IllegalArgumentException naming the bad value if a setting is invalid
         */
        public Team build() {
            if (size < 1) {
                throw new IllegalArgumentException("team size must be >= 1 but was " + size);
            }
            if (personas.isEmpty() || styles.isEmpty() || temperatures.isEmpty() || weights.isEmpty()) {
                throw new IllegalArgumentException(
                        "personas, styles, temperatures and weights need at least one value each");
            }
            List<Agent> agents = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                SamplingParameters p = base.toBuilder().temperature(temperatures.get(i % temperatures.size()))
                        .build().withSeed(seed).forMember(i);
                agents.add(new Agent(idPrefix + (i + 1), i, personas.get(i % personas.size()),
                        styles.get(i % styles.size()), p, engines.get(i % engines.size()),
                        weights.get(i % weights.size())));
            }
            return new Team(agents);
        }
    }
}

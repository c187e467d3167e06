package dev.contemplate.server;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Team;
import dev.contemplate.inference.SamplingParameters;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The sampling fields of one chat completion request ({@code temperature}, {@code top_p}, {@code max_tokens} or
 * {@code max_completion_tokens}, {@code seed}, {@code stop}), each empty when the request leaves it out. The server
 * hands them to the contemplator factory of {@link ContemplateServer.Builder#contemplators}, which applies them to its
 * team with {@link #applyTo(Team)}, and applies them itself to a pass-through generation.
 *
 * @param temperature the sampling temperature, {@code >= 0} and {@code < 1e6}
 * @param topP the nucleus mass, in (0, 1]
 * @param maxTokens the most tokens each generation writes (every agent's, or the pass-through's), at least 1
 * @param seed the base seed: agent {@code i} of a team samples with {@code seed + i}
 * @param stop stop sequences, none empty
 */
public record SamplingOverrides(OptionalDouble temperature, OptionalDouble topP, OptionalInt maxTokens,
        OptionalLong seed, Optional<List<String>> stop) {

    /** The temperature's bound, beyond any useful value; the request's own check, {@code [0, 2]}, is tighter. */
    private static final double MAX_TEMPERATURE = 1e6;

    /** Overrides nothing. */
    public static final SamplingOverrides NONE = new SamplingOverrides(OptionalDouble.empty(), OptionalDouble.empty(),
            OptionalInt.empty(), OptionalLong.empty(), Optional.empty());

    /**
     * Validates the values and copies the stop sequences.
     *
     * @throws IllegalArgumentException naming the bad value if one is out of range
     * @throws NullPointerException if a component or a stop sequence is null
     */
    public SamplingOverrides {
        Objects.requireNonNull(temperature, "temperature");
        Objects.requireNonNull(topP, "topP");
        Objects.requireNonNull(maxTokens, "maxTokens");
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(stop, "stop");
        if (temperature.isPresent() && !(temperature.getAsDouble() >= 0
                && temperature.getAsDouble() < MAX_TEMPERATURE)) {
            throw new IllegalArgumentException("temperature must be >= 0 and < 1000000 (1e6) but was "
                    + temperature.getAsDouble());
        }
        if (topP.isPresent() && !(topP.getAsDouble() > 0 && topP.getAsDouble() <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] but was " + topP.getAsDouble());
        }
        if (maxTokens.isPresent() && maxTokens.getAsInt() < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1 but was " + maxTokens.getAsInt());
        }
        stop = stop.map(List::copyOf);
        stop.ifPresent(list -> {
            int empty = list.indexOf("");
            if (empty >= 0) {
                throw new IllegalArgumentException("stop sequences must not be empty, but sequence " + empty
                        + " of " + list + " is");
            }
        });
    }

    /**
     * Returns {@code base} with every value this request sets; the seed, when set, replaces {@code base}'s.
     *
     * @param base the parameters to start from
     * @return the parameters of one generation
     */
    public SamplingParameters applyTo(SamplingParameters base) {
        return applyTo(base, 0);
    }

    /**
     * Returns {@code team} with every agent's sampling overridden as {@link #applyTo(SamplingParameters)} does, except
     * that agent {@code i} (its {@link Agent#ordinal()}) gets the seed {@code seed + i}, so the agents differ.
     *
     * @param team the team to start from
     * @return the team of one request
     */
    public Team applyTo(Team team) {
        if (this.equals(NONE)) {
            return team;
        }
        return new Team(team.agents().stream().map(a -> a.withSampling(applyTo(a.sampling(), a.ordinal()))).toList());
    }

    private SamplingParameters applyTo(SamplingParameters base, int offset) {
        SamplingParameters.Builder b = base.toBuilder();
        temperature.ifPresent(b::temperature);
        topP.ifPresent(b::topP);
        maxTokens.ifPresent(b::maxTokens);
        stop.ifPresent(b::stop);
        if (seed.isPresent()) {
            return b.build().withSeed(seed).forMember(offset);
        }
        return b.build();
    }
}

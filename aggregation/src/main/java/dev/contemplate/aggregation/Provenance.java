package dev.contemplate.aggregation;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link Decision} was reached.
 *
 * @param method what decided: {@code majority}, {@code weighted}, {@code semantic}, {@code usc}, {@code synthesis},
 *     {@code best-of-n}, ...
 * @param basis the ids of the agents whose candidates the decision rests on: the winning answer's voters, the
 *     candidate a judge chose, or the candidates a synthesis drew on
 * @param fallback why a judge, synthesis or verifier step was not used and the vote decided instead (unparseable
 *     reply, failed call, deadline or token budget), or empty when the configured method decided
 */
public record Provenance(String method, List<String> basis, Optional<String> fallback) {

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException if {@code method} is blank
     * @throws NullPointerException if a component or a basis id is null
     */
    public Provenance {
        if (Objects.requireNonNull(method, "method").isBlank()) {
            throw new IllegalArgumentException("method must not be blank");
        }
        basis = List.copyOf(basis);
        Objects.requireNonNull(fallback, "fallback");
    }

    /** Returns the provenance of a decision by {@code method} resting on {@code basis}, without fallback. */
    public static Provenance of(String method, List<String> basis) {
        return new Provenance(method, basis, Optional.empty());
    }

    /** Returns a copy saying that the vote decided because {@code reason}. */
    public Provenance withFallback(String reason) {
        return new Provenance(method, basis, Optional.of(reason));
    }
}

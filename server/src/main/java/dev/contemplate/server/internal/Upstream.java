package dev.contemplate.server.internal;

import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.SamplingParameters;
import java.util.Objects;

/**
 * The model whose own name passes straight through: one plain generation by its engine.
 *
 * @param modelName the name clients send
 * @param engine the engine
 * @param defaults the sampling of a request that sets none
 */
public record Upstream(String modelName, InferenceEngine engine, SamplingParameters defaults) {

    /** @throws NullPointerException if a component is null */
    public Upstream {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(defaults, "defaults");
    }
}

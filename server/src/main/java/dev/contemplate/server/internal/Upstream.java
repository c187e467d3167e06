package dev.contemplate.server.internal;

import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.SamplingParameters;
import java.util.Objects;

/** The model whose own name passes straight through: one plain generation by its engine. */
public final class Upstream {

    private final String modelName;
    private final InferenceEngine engine;
    private final SamplingParameters defaults;

    /**
     * @param modelName the name clients send
     * @param engine the engine
     * @param defaults the sampling of a request that sets none
     * @throws NullPointerException if a value is null
     */
    public Upstream(String modelName, InferenceEngine engine, SamplingParameters defaults) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    String modelName() {
        return modelName;
    }

    InferenceEngine engine() {
        return engine;
    }

    SamplingParameters defaults() {
        return defaults;
    }
}

package dev.contemplate.inference;

import org.jspecify.annotations.Nullable;

/** The engine was closed: it takes no more requests, and its running generations were ended. Not retryable. */
public class EngineClosedException extends PermanentInferenceException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param engine the closed engine's name
     * @param cause the underlying error (e.g. a rejected task), if any
     */
    public EngineClosedException(String engine, @Nullable Throwable cause) {
        super(engine, "the engine is closed", cause);
    }
}

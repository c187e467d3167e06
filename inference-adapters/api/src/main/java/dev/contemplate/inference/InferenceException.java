package dev.contemplate.inference;

import org.jspecify.annotations.Nullable;

/**
 * Base of every error an engine signals. It names the engine and says whether retrying the same request can
 * help. Engines deliver it as an error signal of the returned publisher, never by throwing from the method.
 */
public abstract class InferenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String engine;

    /**
     * Creates an exception.
     *
     * @param engine the name of the failing engine
     * @param message what went wrong
     * @param cause the underlying error, if any
     */
    protected InferenceException(String engine, String message, @Nullable Throwable cause) {
        super(engine + ": " + message, cause);
        this.engine = engine;
    }

    /** Returns the name of the engine that failed. */
    public String engine() {
        return engine;
    }

    /** Returns whether sending the same request again may succeed (overload, timeout, lost connection). */
    public abstract boolean isRetryable();
}

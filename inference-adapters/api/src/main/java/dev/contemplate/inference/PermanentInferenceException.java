package dev.contemplate.inference;

import org.jspecify.annotations.Nullable;

/** A failure that the same request will meet again: bad request, authentication, unknown model. */
public class PermanentInferenceException extends InferenceException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param engine the failing engine's name
     * @param message what went wrong
     * @param cause the underlying error, if any
     */
    public PermanentInferenceException(String engine, String message, @Nullable Throwable cause) {
        super(engine, message, cause);
    }

    /** Returns {@code false}. */
    @Override
    public boolean isRetryable() {
        return false;
    }
}

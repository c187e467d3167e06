package dev.contemplate.inference;

import org.jspecify.annotations.Nullable;

/** A failure that may pass: overload, rate limit, timeout, lost connection. A retry can help. */
public class TransientInferenceException extends InferenceException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param engine the failing engine's name
     * @param message what went wrong
     * @param cause the underlying error, if any
     */
    public TransientInferenceException(String engine, String message, @Nullable Throwable cause) {
        super(engine, message, cause);
    }

    /** Returns {@code true}. */
    @Override
    public boolean isRetryable() {
        return true;
    }
}

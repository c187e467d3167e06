package dev.contemplate.inference;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The provider refused the request because a rate limit or quota was reached (HTTP 429 and the like). Retryable:
 * the same request may succeed later, preferably not before {@link #retryAfter()} when the provider said when.
 */
public class RateLimitedException extends TransientInferenceException {

    private static final long serialVersionUID = 1L;

    private final @Nullable Duration retryAfter;

    /**
     * Creates an exception.
     *
     * @param engine the failing engine's name
     * @param message what went wrong
     * @param retryAfter how long the provider asked to wait before retrying, or null when it did not say
     * @param cause the underlying error, if any
     * @throws IllegalArgumentException if {@code retryAfter} is negative
     */
    public RateLimitedException(String engine, String message, @Nullable Duration retryAfter,
            @Nullable Throwable cause) {
        super(engine, message, cause);
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative but was " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /**
     * Creates an exception without a retry-after hint.
     *
     * @param engine the failing engine's name
     * @param message what went wrong
     */
    public RateLimitedException(String engine, String message) {
        this(engine, message, null, null);
    }

    /** Returns how long the provider asked to wait before retrying, or empty when it did not say. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

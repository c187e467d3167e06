package dev.contemplate.inference.langchain4j.internal;

import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.RateLimitedException;
import dev.contemplate.inference.TransientInferenceException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Maps what a LangChain4j model throws or reports to the SPI's typed errors.
 *
 * <ul>
 *   <li>{@link RateLimitException} and HTTP 429 become {@link RateLimitedException}, a transient error.</li>
 *   <li>{@link RetriableException} (timeouts, rate limits, internal server errors), HTTP 408, 429 and 5xx, and I/O
 *       failures (connection refused or lost, read timeouts) become {@link TransientInferenceException}.</li>
 *   <li>{@link NonRetriableException} (authentication, invalid request, unknown model or server), every other
 *       HTTP 4xx, and anything unrecognised become {@link PermanentInferenceException}: retrying blindly on an
 *       unknown error risks a retry storm, and the cause is kept for diagnosis.</li>
 * </ul>
 * The first typed LangChain4j exception along the cause chain decides, so that a wrapper does not hide its cause.
 */
public final class ErrorMapper {

    private static final int MAX_MESSAGE = 500;

    private ErrorMapper() {
    }

    /**
     * Returns the SPI error for {@code error}, naming {@code engine}. An {@link InferenceException} passes through.
     *
     * @param engine the engine's name
     * @param error what the model threw or reported
     * @return the typed error
     */
    public static InferenceException map(String engine, Throwable error) {
        if (error instanceof InferenceException ie) {
            return ie;
        }
        String what = describe(error);
        if (rateLimited(error)) {
            return new RateLimitedException(engine, what, null, error);
        }
        Boolean retryable = classify(error);
        if (retryable != null && retryable) {
            return new TransientInferenceException(engine, what, error);
        }
        return new PermanentInferenceException(engine, what, error);
    }

    private static @Nullable Boolean classify(Throwable error) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Boolean io = null;
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof RetriableException) {
                return true;
            }
            if (t instanceof NonRetriableException) {
                return false;
            }
            if (t instanceof HttpException http) {
                return isRetryableStatus(http.statusCode());
            }
            if (io == null && (t instanceof IOException || t instanceof UncheckedIOException
                    || t instanceof TimeoutException)) {
                io = true;
            }
        }
        return io;
    }

    private static boolean rateLimited(Throwable error) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof RateLimitException || t instanceof HttpException http && http.statusCode() == 429) {
                return true;
            }
        }
        return false;
    }

    /** Returns whether an HTTP status means the same request may succeed later. */
    static boolean isRetryableStatus(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private static String describe(Throwable error) {
        Integer status = null;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                status = http.statusCode();
                break;
            }
        }
        String message = error.getMessage();
        if (message != null && message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        String base = error.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
        return status == null ? base : "HTTP " + status + ": " + base;
    }
}

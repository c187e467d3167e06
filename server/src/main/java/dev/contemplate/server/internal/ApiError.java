package dev.contemplate.server.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.AllAgentsFailedException;
import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.ContemplationTimeoutException;
import dev.contemplate.orchestrator.TokenBudgetExceededException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An error answered as OpenAI does: an HTTP status, extra headers, and {@code {"error": {"message", "type", "param",
 * "code"}}}. Travels as an error signal; {@link #of(Throwable)} maps every other failure to one.
 */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The {@code Retry-After} of a full queue or a busy engine, in seconds. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final int status;
    private final String type;
    private final @Nullable String param;
    private final @Nullable String code;
    private final transient Map<String, String> headers;

    private ApiError(int status, String type, String message, @Nullable String param, @Nullable String code,
            Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    /** A request the server cannot read or do: 400, {@code invalid_request_error}. */
    static ApiError badRequest(String message, @Nullable String param, @Nullable String code) {
        return new ApiError(400, "invalid_request_error", message, param, code, Map.of());
    }

    /** A missing or wrong API key: 401. */
    static ApiError unauthorized(boolean missing) {
        String message = missing
                ? "You didn't provide an API key. Provide it in an Authorization header using Bearer auth "
                        + "(Authorization: Bearer YOUR_KEY)."
                : "Incorrect API key provided.";
        return new ApiError(401, "invalid_request_error", message, null, missing ? null : "invalid_api_key",
                Map.of("WWW-Authenticate", "Bearer realm=\"contemplate\""));
    }

    /** An unknown model: 404, code {@code model_not_found}. */
    static ApiError modelNotFound(String message) {
        return new ApiError(404, "invalid_request_error", message, "model", "model_not_found", Map.of());
    }

    /** An unknown URL: 404. */
    static ApiError unknownUrl(String method, String path) {
        return new ApiError(404, "invalid_request_error", "Unknown request URL: " + method + " " + path
                + ". This server serves POST /v1/chat/completions and GET /v1/models.", null, "unknown_url",
                Map.of());
    }

    /** A known URL with the wrong method: 405 with {@code Allow}. */
    static ApiError methodNotAllowed(String method, String path, String allow) {
        return new ApiError(405, "invalid_request_error", method + " is not allowed on " + path + "; use " + allow
                + ".", null, "method_not_allowed", Map.of("Allow", allow));
    }

    /** A body over the limit: 413; the connection closes, as the rest of the body is not read. */
    static ApiError tooLarge(long max) {
        return new ApiError(413, "invalid_request_error", "The request body is larger than " + max + " bytes.",
                null, "request_too_large", Map.of("Connection", "close"));
    }

    /** A full queue: 429 with {@code Retry-After}. */
    static ApiError queueFull(int running, int queued) {
        return new ApiError(429, "rate_limit_error", "The server is busy: " + running + " completions are running "
                + "and " + queued + " are waiting, the most it queues. Retry after " + RETRY_AFTER_SECONDS
                + " second(s).", null, "rate_limit_exceeded",
                Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
    }

    /** The server is closing: 503. */
    static ApiError shuttingDown() {
        return new ApiError(503, "server_error", "The server is shutting down.", null, "server_shutting_down",
                Map.of("Connection", "close"));
    }

    /** Returns the HTTP status. */
    public int status() {
        return status;
    }

    /** Returns the extra response headers. */
    public Map<String, String> headers() {
        return headers;
    }

    /** Returns the OpenAI error type. */
    public String type() {
        return type;
    }

    /** Returns the code, or null. */
    public @Nullable String code() {
        return code;
    }

    /** Returns {@code {"error": {"message", "type", "param", "code"}}}. */
    public ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }

    /**
     * Maps any failure of a completion to the error it is answered with: a contemplation without an answer, an
     * engine's error, a request the engine or the orchestrator refused.
     */
    public static ApiError of(Throwable error) {
        if (error instanceof ApiError e) {
            return e;
        }
        if (error instanceof ContemplationTimeoutException e) {
            return new ApiError(504, "server_error", "No agent answered within the contemplation's deadline of "
                    + e.deadline().toMillis() + " ms.", null, "contemplation_timeout", Map.of());
        }
        if (error instanceof TokenBudgetExceededException e) {
            return new ApiError(500, "server_error", "The token budget was spent before any agent answered: "
                    + e.getMessage(), null, "token_budget_exceeded", Map.of());
        }
        if (error instanceof AllAgentsFailedException e) {
            Optional<PermanentInferenceException> refused = refusal(e);
            if (refused.isPresent()) {
                return badRequest("The engine refused the request: " + refused.get().getMessage(), "messages",
                        "engine_refused");
            }
            return new ApiError(502, "server_error", "Every agent failed: " + e.getMessage(), null,
                    "all_agents_failed", e.isRetryable() ? retryAfter() : Map.of());
        }
        if (error instanceof ContemplationException e) {
            return new ApiError(500, "server_error", e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage(), null, "contemplation_failed", Map.of());
        }
        if (error instanceof InferenceException e) {
            if (!e.isRetryable()) {
                return badRequest("The engine refused the request: " + e.getMessage(), null, "engine_refused");
            }
            return new ApiError(503, "server_error", "The engine is unavailable: " + e.getMessage(), null,
                    "engine_unavailable", retryAfter());
        }
        if (error instanceof IllegalArgumentException e) {
            return badRequest(String.valueOf(e.getMessage()), null, null);
        }
        return new ApiError(500, "server_error", "Internal error (" + error.getClass().getSimpleName() + ").", null,
                null, Map.of());
    }

    /** Returns the engine's refusal when every failed agent was refused by its engine as a bad request. */
    private static Optional<PermanentInferenceException> refusal(AllAgentsFailedException e) {
        PermanentInferenceException first = null;
        for (AgentOutcome a : e.agents()) {
            if (a instanceof AgentOutcome.Failed f) {
                if (!(f.cause() instanceof PermanentInferenceException p)) {
                    return Optional.empty();
                }
                if (first == null) {
                    first = p;
                }
            }
        }
        return Optional.ofNullable(first);
    }

    private static Map<String, String> retryAfter() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        return h;
    }
}

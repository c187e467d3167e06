package dev.contemplate.server.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.UnsupportedCapabilityException;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.AllAgentsFailedException;
import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.ContemplationTimeoutException;
import dev.contemplate.orchestrator.TokenBudgetExceededException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        this(status, type, message, param, code, headers, null);
    }

    /** @param cause the failure behind a server-side error, for the log; never shown to the client */
    private ApiError(int status, String type, String message, @Nullable String param, @Nullable String code,
            Map<String, String> headers, @Nullable Throwable cause) {
        super(message, cause, false, false);
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

    /** A request URL that cannot be decoded (a bad {@code %}-escape): 400. */
    static ApiError badUrl(String why) {
        return badRequest("The request URL cannot be read: " + why + ".", null, "invalid_url");
    }

    /** A request that did not arrive in time: 408; the connection closes, as the rest is not read. */
    static ApiError requestTimeout(Duration timeout) {
        return new ApiError(408, "invalid_request_error", "The request did not arrive within " + timeout.toMillis()
                + " ms.", null, "request_timeout", Map.of("Connection", "close"));
    }

    /** A pass-through generation past its deadline: 504; the upstream call is cancelled. */
    static ApiError upstreamTimeout(String model, Duration deadline) {
        return new ApiError(504, "server_error", "The model '" + model + "' did not finish within the deadline of "
                + deadline.toMillis() + " ms.", null, "upstream_timeout", Map.of());
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
     * Maps any failure of a completion to the error it is answered with. Whose fault it is decides the status:
     * <ul>
     *   <li>the client's: the request itself, as this server's parsing found it (an {@code ApiError} already, 400), or
     *       as the engine flagged it ({@linkplain #isBadInput bad input}: 400 {@code engine_refused}, with the
     *       engine's message);
     *   <li>time: the contemplation's deadline passed before any answer (504);
     *   <li>the engine's or the upstream's: a transient failure (503, or 502 when every agent failed, with
     *       {@code Retry-After}), a permanent one such as the server's own upstream key rejected (502
     *       {@code upstream_error}, a message that does not echo the upstream's);
     *   <li>the server's: anything else, an exception no mapping expected (500 {@code server_error} with a generic
     *       message).
     * </ul>
     * The errors of the last two kinds keep the failure as their cause, for the server's log; the client never sees
     * it.
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
            List<Throwable> causes = e.agents().stream().filter(a -> a instanceof AgentOutcome.Failed)
                    .map(a -> ((AgentOutcome.Failed) a).cause()).toList();
            if (!causes.isEmpty() && causes.stream().allMatch(ApiError::isBadInput)) {
                return badRequest("The engine refused the request: " + causes.get(0).getMessage(), "messages",
                        "engine_refused");
            }
            long failed = causes.size();
            long unanswered = e.agents().size() - failed;
            return new ApiError(502, "server_error", "No agent produced an answer: " + failed + " failed and "
                    + unanswered + " gave no answer that could be counted."
                    + (failed > 0 ? " The server's log has the causes." : ""), null, "all_agents_failed",
                    e.isRetryable() ? retryAfter() : Map.of(), e);
        }
        if (error instanceof ContemplationException e) {
            return new ApiError(500, "server_error", e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage(), null, "contemplation_failed", Map.of());
        }
        if (error instanceof InferenceException e) {
            if (isBadInput(e)) {
                return badRequest("The engine refused the request: " + e.getMessage(), "messages", "engine_refused");
            }
            if (e.isRetryable()) {
                return new ApiError(503, "server_error", "The engine is unavailable: " + e.getMessage(), null,
                        "engine_unavailable", retryAfter());
            }
            return new ApiError(502, "server_error", "The engine '" + e.engine() + "' failed and will fail again "
                    + "on this request; the server's log has the cause.", null, "upstream_error", Map.of(), e);
        }
        return new ApiError(500, "server_error", "The server had an error while processing your request.", null,
                null, Map.of(), error);
    }

    /**
     * Returns whether the engine refused a failure's request as unreadable or undoable, the client's fault: an
     * {@link UnsupportedCapabilityException} (it asked for what the engine cannot do, such as a seed), or a permanent
     * failure the engine raised because it rejected the request's content (an {@link IllegalArgumentException} as
     * its cause: the embedded model's template refusing a question it cannot read, a tokenizer refusing the text).
     * Every other permanent failure, such as the upstream refusing the server's key or model, is not the client's.
     */
    static boolean isBadInput(Throwable failure) {
        return failure instanceof UnsupportedCapabilityException
                || failure instanceof PermanentInferenceException
                        && failure.getCause() instanceof IllegalArgumentException;
    }

    private static Map<String, String> retryAfter() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        return h;
    }
}

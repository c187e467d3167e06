package dev.contemplate.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The HTTP side of the server, one handler for every request: the API key, the routes ({@code POST
 * /v1/chat/completions}, {@code GET /v1/models}, {@code GET /v1/models/ID}), the bounded body, admission, and the
 * answer as JSON or as server-sent events. Errors found before a response starts are answered with their status and
 * an OpenAI error object; an error after a stream started is sent as a {@code data: {"error": ...}} event that ends
 * it. Server-side failures (5xx with a cause) are logged at WARN. The work of a request stops when its client's
 * connection closes. Thread-safe; never blocks.
 */
final class HttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    static final String CHAT = "/v1/chat/completions";
    static final String MODELS = "/v1/models";

    /** The class of Reactor Netty's request timeout, package-private there. */
    private static final String REQUEST_TIMEOUT_EXCEPTION = "reactor.netty.http.server.RequestTimeoutException";

    private final ServerSettings settings;
    private final Admission admission;
    private final ChatCompletions completions;
    private final byte @Nullable [] keyDigest;

    HttpApi(ServerSettings settings, Admission admission, ChatCompletions completions) {
        this.settings = settings;
        this.admission = admission;
        this.completions = completions;
        String key = settings.apiKey();
        this.keyDigest = key == null ? null : sha256(key);
    }

    /** Handles one request. */
    Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        HttpMethod method = request.method();
        try {
            String path = path(request.uri());
            if (admission.closed()) {
                // a request on a connection kept alive while the server closes: no new work, and the connection goes
                throw ApiError.shuttingDown();
            }
            authorize(request);
            if (path.equals(CHAT)) {
                allow(method, HttpMethod.POST, path);
                return chat(request, response);
            }
            if (path.equals(MODELS)) {
                allow(method, HttpMethod.GET, path);
                return json(response, 200, completions.models());
            }
            if (path.startsWith(MODELS + "/")) {
                allow(method, HttpMethod.GET, path);
                String id = path.substring(MODELS.length() + 1);
                ObjectNode model = completions.model(id);
                if (model == null) {
                    throw ApiError.modelNotFound("The model '" + id + "' does not exist on this server.");
                }
                return json(response, 200, model);
            }
            throw ApiError.unknownUrl(method.name(), path);
        } catch (ApiError e) {
            return error(response, e);
        }
    }

    private Mono<Void> chat(HttpServerRequest request, HttpServerResponse response) {
        return body(request).flatMap(bytes -> {
            CompletionRequest r = CompletionRequest.parse(bytes, settings.maxPromptChars());
            Flux<Piece> pieces = completions.pieces(r);
            Flux<Piece> admitted = admission.run(() -> pieces).takeUntilOther(closed(request));
            OpenAiJson wire = new OpenAiJson(r.model(), r.includeUsage());
            return r.stream() ? stream(response, wire, admitted) : single(response, wire, admitted);
        }).onErrorResume(e -> response.hasSentHeaders() ? Mono.empty() : error(response, mapped(e)));
    }

    /**
     * Returns the error a failure is answered with, logging at WARN the server-side ones that carry a cause (an
     * unexpected exception, an upstream that failed permanently): the client gets a generic message, the log the
     * cause.
     */
    static ApiError mapped(Throwable e) {
        ApiError error = ApiError.of(e);
        if (error.status() >= 500 && error.getCause() != null) {
            LOG.warn("chat completion failed: {} {} ({})", error.status(), error.code(), error.getMessage(),
                    error.getCause());
        }
        return error;
    }

    private static Mono<Void> single(HttpServerResponse response, OpenAiJson wire, Flux<Piece> pieces) {
        return pieces.ofType(Piece.Finished.class).next().flatMap(f -> send(response.status(200), wire.completion(f)));
    }

    /**
     * Answers with server-sent events once the first piece has come: for a contemplation that is
     * {@link Piece.Started}, as soon as its turn in the queue has come; for a pass-through, the upstream's first
     * token. An error before it (a full queue, an upstream that refuses at once) is still answered with its HTTP
     * status; after it, the stream has started and an error ends it as an error event.
     */
    private static Mono<Void> stream(HttpServerResponse response, OpenAiJson wire, Flux<Piece> pieces) {
        return pieces.switchOnFirst((first, all) -> {
            if (first.isOnError()) {
                return Mono.error(first.getThrowable());
            }
            Flux<String> events = Flux.concat(Mono.just(wire.roleChunk()), all.concatMapIterable(wire::events))
                    .onErrorResume(e -> Mono.just(wire.error(mapped(e))));
            return response.status(200).sse().header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                    .sendString(events, StandardCharsets.UTF_8);
        }).then();
    }

    /**
     * Reads the body, refusing with 413 one over the limit (by its Content-Length at once, else as it comes), and
     * with 408 one that does not arrive within the request timeout (Reactor Netty's read and request timeouts).
     */
    private Mono<byte[]> body(HttpServerRequest request) {
        int max = settings.maxRequestBytes();
        String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > max) {
                    return Mono.error(ApiError.tooLarge(max));
                }
            } catch (NumberFormatException e) {
                // the HTTP codec refuses malformed lengths; let the counting below decide
            }
        }
        return request.receive().reduceWith(ByteArrayOutputStream::new, (out, buf) -> append(out, buf, max))
                .map(ByteArrayOutputStream::toByteArray)
                .onErrorMap(HttpApi::timedOut, e -> ApiError.requestTimeout(settings.requestTimeout()));
    }

    /**
     * Returns whether reading a request failed for its timeout: Netty's {@link ReadTimeoutException} (Reactor Netty's
     * read timeout) or Reactor Netty's request timeout, whose exception type is not public.
     */
    private static boolean timedOut(Throwable e) {
        return e instanceof ReadTimeoutException || e.getClass().getName().equals(REQUEST_TIMEOUT_EXCEPTION);
    }

    private static ByteArrayOutputStream append(ByteArrayOutputStream out, ByteBuf buf, int max) {
        int n = buf.readableBytes();
        if (out.size() + (long) n > max) {
            throw ApiError.tooLarge(max);
        }
        byte[] chunk = new byte[n];
        buf.readBytes(chunk);
        out.write(chunk, 0, n);
        return out;
    }

    /** Returns a signal that completes when the client's connection closes. */
    private static Mono<Void> closed(HttpServerRequest request) {
        return Mono.create(sink -> request.withConnection(c ->
                sink.onDispose(c.onDispose().subscribe(v -> { }, e -> sink.success(), sink::success))));
    }

    private void authorize(HttpServerRequest request) {
        if (keyDigest == null) {
            return;
        }
        String header = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw ApiError.unauthorized(true);
        }
        String h = header.strip();
        boolean bearer = h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7);
        String token = bearer ? h.substring(7).strip() : "";
        // digests of equal length, compared in constant time: neither the key's length nor its bytes leak by timing
        if (!bearer || !MessageDigest.isEqual(keyDigest, sha256(token))) {
            throw ApiError.unauthorized(false);
        }
    }

    private static void allow(HttpMethod method, HttpMethod allowed, String path) {
        if (!method.equals(allowed)) {
            throw ApiError.methodNotAllowed(method.name(), path, allowed.name());
        }
    }

    private static Mono<Void> json(HttpServerResponse response, int status, ObjectNode body) {
        return send(response.status(status), OpenAiJson.bytes(body));
    }

    private static Mono<Void> error(HttpServerResponse response, ApiError e) {
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            if (h.getKey().equals("Connection")) {
                response.keepAlive(false);
            } else {
                response.header(h.getKey(), h.getValue());
            }
        }
        return send(response.status(e.status()), OpenAiJson.bytes(e.toJson()));
    }

    private static Mono<Void> send(HttpServerResponse response, byte[] json) {
        return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(json.length))
                .sendByteArray(Mono.just(json)).then();
    }

    /**
     * Returns the request's decoded path without the query and without a trailing slash.
     *
     * @throws ApiError 400 if the URI cannot be decoded (a bad {@code %}-escape)
     */
    static String path(String uri) {
        String path;
        try {
            path = new QueryStringDecoder(uri).path();
        } catch (IllegalArgumentException e) {
            throw ApiError.badUrl(String.valueOf(e.getMessage()));
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

package dev.contemplate.server;

import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.ModelName;
import dev.contemplate.server.internal.HttpServerRunner;
import dev.contemplate.server.internal.ServerSettings;
import dev.contemplate.server.internal.Upstream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An OpenAI-compatible HTTP server for contemplate mode, on Reactor Netty: {@code POST /v1/chat/completions} and
 * {@code GET /v1/models}. The model name of a request chooses what answers it:
 * <ul>
 *   <li>{@code contemplate} (the contemplator's own budget and agents), {@code contemplate-auto},
 *       {@code contemplate-fast} and {@code contemplate-N} contemplate the conversation (the grammar of
 *       {@link ModelName}). {@code contemplate-N} asks for N agents in place of the contemplator's agent limit, capped
 *       at the team's size: a larger N is not refused, it gets the whole team ({@code contemplate.agents.planned}
 *       says how many ran), as in {@code ContemplatingChatModel}, where the cap is its budget;
 *   <li>the {@linkplain Builder#upstream(String, InferenceEngine, SamplingParameters) upstream model}'s own name,
 *       when one is set, is one plain generation by that engine, without contemplation, under the contemplator's
 *       budget deadline (504 past it).
 * </ul>
 * The request's sampling fields reach every agent ({@link SamplingOverrides}).
 *
 * <h2>Responses</h2>
 * A response carries the verdict's text, a {@code finish_reason}, the verdict's token {@code usage} (every agent's
 * and every aggregation call's tokens), and a {@code contemplate} object that OpenAI clients ignore (votes, stop
 * reason, completeness, agents, what decided). The {@code finish_reason} is {@code stop} for a complete verdict,
 * {@code length} when the token budget cut it, and {@code stop} again when the deadline cut it: OpenAI's wire has no
 * value for a time limit, so {@code contemplate.complete} is {@code false} and {@code contemplate.stop_reason} is
 * {@code deadline} ({@link dev.contemplate.orchestrator.Finish}, which LangChain4j's models write as {@code OTHER}).
 *
 * <p>{@code "stream": true} answers with server-sent {@code chat.completion.chunk}s: a contemplation's stream starts
 * (headers and the assistant's role chunk) as soon as its turn in the queue comes, then sends progress as SSE comments
 * ({@code : agent-1 started}), the reply's text, a last chunk with the {@code finish_reason} and the
 * {@code contemplate} object, and {@code data: [DONE]}; a pass-through's starts with the upstream's first token, so
 * that an upstream refusing the request is still answered with its HTTP status. <b>Usage in a stream is OpenAI's:</b>
 * a stream carries no usage unless the request sets {@code "stream_options": {"include_usage": true}}; then every
 * chunk has {@code "usage": null} and one more chunk, with empty {@code choices} and the {@code usage}, comes just
 * before {@code [DONE]}. An error after the stream started ends it with a {@code data: {"error": ...}} event and no
 * {@code [DONE]}. A client that closes the connection, whether it waits in the queue, is streaming, or waits for a
 * plain answer on a kept-alive connection, cancels its work down into the engine and frees its place.
 *
 * <pre>{@code
 * try (ContemplateServer server = ContemplateServer.builder()
 *         .contemplators(overrides -> Contemplator.builder().engine(engine)
 *                 .team(overrides.applyTo(Team.builder().size(16).build()))
 *                 .budget(Budget.builder().deadline(Duration.ofSeconds(30)).maxAgents(5).build())
 *                 .build())
 *         .port(0)
 *         .start()) {
 *     System.out.println("serving on " + server.baseUrl());   // http://127.0.0.1:PORT/v1
 * }
 * }</pre>
 *
 * <h2>Limits and errors</h2>
 * It binds to {@code 127.0.0.1} unless told otherwise, can require an API key ({@code Authorization: Bearer}),
 * bounds the request body (413), the time a request may take to arrive (its body included: a client that stalls is
 * cut off), the open connections, the prompt, the completions running at once and the completions waiting (a full
 * queue answers 429 with {@code Retry-After}), and answers errors as OpenAI does ({@code {"error": {"message",
 * "type", "param", "code"}}}): 400 for what the request or the engine found wrong with the request, 502 for an
 * upstream that failed (its message is not echoed; the server logs the cause at WARN through SLF4J), 503 for an
 * engine that is unavailable for now, 504 for a deadline that passed before any answer, 500 with a generic message
 * for anything unexpected (logged likewise). Closing it is graceful: no new requests, the running ones get
 * {@linkplain Builder#shutdownTimeout(Duration) the shutdown timeout} to finish, then everything left is cancelled
 * and its threads (daemons) stop. Instances are thread-safe.
 */
public final class ContemplateServer implements AutoCloseable {

    private final HttpServerRunner runner;

    private ContemplateServer(HttpServerRunner runner) {
        this.runner = runner;
    }

    /** Returns a builder; {@link Builder#contemplators} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the host the server is bound to. */
    public String host() {
        return runner.host();
    }

    /** Returns the bound port (the one chosen by the system when the builder asked for port 0). */
    public int port() {
        return runner.port();
    }

    /** Returns the base URL that OpenAI clients take, {@code http://HOST:PORT/v1}. */
    public URI baseUrl() {
        String host = runner.host().contains(":") ? "[" + runner.host() + "]" : runner.host();
        return URI.create("http://" + host + ":" + runner.port() + "/v1");
    }

    /**
     * Stops the server gracefully: it stops accepting connections, answers queued requests 503, waits up to the
     * shutdown timeout for the running completions, cancels what is left (down into the engine), and stops its
     * threads. Blocks until done; idempotent. It does not close the contemplators' or the upstream engine: they
     * belong to the caller. Do not call it from a contemplation's own threads.
     */
    @Override
    public void close() {
        runner.close();
    }

    /**
     * Builds and starts a {@link ContemplateServer}. Setters check their argument at once and throw
     * {@link IllegalArgumentException} naming the bad value. Not thread-safe.
     */
    public static final class Builder {
        private @Nullable Function<SamplingOverrides, Contemplator> contemplators;
        private @Nullable Upstream upstream;
        private String host = "127.0.0.1";
        private int port = 8080;
        private @Nullable String apiKey;
        private int maxRequestBytes = 1 << 20;
        private int maxPromptChars = 100_000;
        private int maxConcurrent = 16;
        private int maxQueued = 64;
        private int maxConnections = 1024;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * Sets how each contemplation's contemplator is made from the request's sampling fields (required). The
         * function is called once per contemplate request, and once by {@link #start()} with
         * {@link SamplingOverrides#NONE} to check it and learn the team's size (the most agents a
         * {@code contemplate-N} request gets) and the budget's deadline (the deadline of a pass-through generation);
         * it should be cheap (a contemplator is an immutable value). Apply the overrides with
         * {@link SamplingOverrides#applyTo(dev.contemplate.agents.Team)}. The contemplator's budget is the budget of
         * every request; its agent limit is the agents of {@code contemplate} and {@code contemplate-auto}, which
         * {@code contemplate-N} replaces by N, capped at the team's size (the meaning {@link ModelName} gives it).
         *
         * @param value the factory
         * @return this builder
         */
        public Builder contemplators(Function<SamplingOverrides, Contemplator> value) {
            this.contemplators = Objects.requireNonNull(value, "contemplators");
            return this;
        }

        /**
         * Sets the upstream model that requests naming it pass straight through to: one plain generation by
         * {@code engine}, with the request's messages and {@code defaults} overridden by its sampling fields (default:
         * none, so only contemplate names are served). The generation runs under the contemplators' budget deadline:
         * past it, the call is cancelled and the request answered 504 {@code upstream_timeout}.
         *
         * @param modelName the name clients send, not blank and not a contemplate name
         * @param engine the engine that generates
         * @param defaults the sampling of a request that sets none
         * @return this builder
         */
        public Builder upstream(String modelName, InferenceEngine engine, SamplingParameters defaults) {
            Objects.requireNonNull(modelName, "modelName");
            if (modelName.isBlank() || ModelName.isContemplateName(modelName)) {
                throw new IllegalArgumentException("upstream model name must be neither blank nor a contemplate name "
                        + "but was '" + modelName + "'");
            }
            this.upstream = new Upstream(modelName.strip(), Objects.requireNonNull(engine, "engine"),
                    Objects.requireNonNull(defaults, "defaults"));
            return this;
        }

        /** Sets the host or address to bind to (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface). */
        public Builder host(String value) {
            if (Objects.requireNonNull(value, "host").isBlank()) {
                throw new IllegalArgumentException("host must not be blank but was '" + value + "'");
            }
            this.host = value.strip();
            return this;
        }

        /**
         * Sets the port, 0 to 65535 (default 8080; 0 lets the system choose a free one, see
         * {@link ContemplateServer#port()}).
         */
        public Builder port(int value) {
            if (value < 0 || value > 65_535) {
                throw new IllegalArgumentException("port must be in [0, 65535] but was " + value);
            }
            this.port = value;
            return this;
        }

        /**
         * Requires every request to carry {@code Authorization: Bearer KEY} (default: no key required). The key is
         * compared in constant time and never logged or echoed.
         *
         * @param value the key, not blank
         * @return this builder
         */
        public Builder apiKey(String value) {
            if (Objects.requireNonNull(value, "apiKey").isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank");
            }
            this.apiKey = value;
            return this;
        }

        /** Sets the largest request body in bytes, at least 1024 (default 1 MiB); a larger one is answered 413. */
        public Builder maxRequestBytes(int value) {
            if (value < 1024) {
                throw new IllegalArgumentException("maxRequestBytes must be >= 1024 but was " + value);
            }
            this.maxRequestBytes = value;
            return this;
        }

        /**
         * Sets the most characters of all messages of a request together, at least 1 (default 100000); a longer
         * prompt is answered 400 with code {@code context_length_exceeded}.
         */
        public Builder maxPromptChars(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxPromptChars must be >= 1 but was " + value);
            }
            this.maxPromptChars = value;
            return this;
        }

        /**
         * Sets how many completions (contemplations and pass-through generations) run at once, at least 1 (default
         * 16); more wait in the queue.
         */
        public Builder maxConcurrent(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxConcurrent must be >= 1 but was " + value);
            }
            this.maxConcurrent = value;
            return this;
        }

        /**
         * Sets how many completions may wait for a turn, at least 0 (default 64); a request beyond that is answered
         * 429 with {@code Retry-After} at once.
         */
        public Builder maxQueued(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxQueued must be >= 0 but was " + value);
            }
            this.maxQueued = value;
            return this;
        }

        /**
         * Sets the most open connections, at least 1 (default 1024); a connection beyond them is closed as it is
         * accepted, before it sends anything. Keep it above {@code maxConcurrent + maxQueued}, so that a full queue is
         * answered 429 rather than with a closed connection, and allow for clients' idle kept-alive connections.
         */
        public Builder maxConnections(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1 but was " + value);
            }
            this.maxConnections = value;
            return this;
        }

        /**
         * Sets the longest a request may take to arrive, from its headers to the last byte of its body, and the
         * longest pause while it does (default 30 s; positive). A client slower than that, such as one that sends its
         * headers and part of its body and then stalls, is cut off: its connection closes, after a 408 when one can
         * still be sent. It bounds reading the request only: the completion then takes as long as its budget allows.
         */
        public Builder requestTimeout(Duration value) {
            Objects.requireNonNull(value, "requestTimeout");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive but was " + value);
            }
            this.requestTimeout = value;
            return this;
        }

        /**
         * Sets how long {@link ContemplateServer#close()} lets running completions finish before cancelling them
         * (default 10 s; zero cancels them at once).
         */
        public Builder shutdownTimeout(Duration value) {
            if (Objects.requireNonNull(value, "shutdownTimeout").isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout must not be negative but was " + value);
            }
            this.shutdownTimeout = value;
            return this;
        }

        /**
         * Binds and starts the server.
         *
         * @return the running server; close it
         * @throws NullPointerException if no contemplator factory was set
         * @throws IllegalArgumentException if the factory fails or returns null for {@link SamplingOverrides#NONE}
         * @throws IllegalStateException naming the address if it cannot be bound (in use, not local, not allowed)
         */
        public ContemplateServer start() {
            Function<SamplingOverrides, Contemplator> factory = Objects.requireNonNull(contemplators,
                    "a contemplator factory is required: call contemplators(...)");
            ServerSettings settings = new ServerSettings(factory, upstream, host, port, apiKey, maxRequestBytes,
                    maxPromptChars, maxConcurrent, maxQueued, maxConnections, requestTimeout, shutdownTimeout);
            return new ContemplateServer(HttpServerRunner.start(settings));
        }
    }
}

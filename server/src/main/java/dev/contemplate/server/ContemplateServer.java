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
 *       {@code contemplate-fast} and {@code contemplate-N} (N agents, at most the team's size) contemplate the
 *       conversation (the grammar of {@link ModelName});
 *   <li>the {@linkplain Builder#upstream(String, InferenceEngine, SamplingParameters) upstream model}'s own name,
 *       when one is set, is one plain generation by that engine, without contemplation.
 * </ul>
 * The request's sampling fields reach every agent ({@link SamplingOverrides}); {@code "stream": true} answers with
 * server-sent {@code chat.completion.chunk}s, progress as SSE comments, and {@code data: [DONE]}; a client that closes
 * the connection cancels its contemplation down into the engine. The response carries the verdict's text, a
 * {@code finish_reason}, the verdict's token {@code usage}, and a {@code contemplate} object that OpenAI clients
 * ignore (votes, stop reason, completeness, agents, what decided).
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
 * <p>It binds to {@code 127.0.0.1} unless told otherwise, can require an API key ({@code Authorization: Bearer}),
 * bounds the request body, the prompt, the completions running at once and the completions waiting (a full queue
 * answers 429 with {@code Retry-After}), and answers errors as OpenAI does ({@code {"error": {"message", "type",
 * "param", "code"}}}). Closing it is graceful: no new requests, the running ones get
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
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * Sets how each contemplation's contemplator is made from the request's sampling fields (required). The
         * function is called once per contemplate request, and once by {@link #start()} with
         * {@link SamplingOverrides#NONE} to check it and learn the team's size, the most agents a
         * {@code contemplate-N} request may ask for; it should be cheap (a contemplator is an immutable value). Apply
         * the overrides with {@link SamplingOverrides#applyTo(dev.contemplate.agents.Team)}. The contemplator's budget
         * is the budget of every request; its agent limit is the agents of {@code contemplate} and
         * {@code contemplate-auto}, which {@code contemplate-N} replaces by N.
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
         * none, so only contemplate names are served).
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
                    maxPromptChars, maxConcurrent, maxQueued, shutdownTimeout);
            return new ContemplateServer(HttpServerRunner.start(settings));
        }
    }
}

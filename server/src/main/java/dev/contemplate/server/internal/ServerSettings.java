package dev.contemplate.server.internal;

import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.server.SamplingOverrides;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of one server, as {@code ContemplateServer.Builder} collects them. Only its constructor is
 * public: the values, the API key above all, are read inside this package only, and {@link #toString()} never shows
 * the key.
 */
public final class ServerSettings {

    private final Function<SamplingOverrides, Contemplator> contemplators;
    private final @Nullable Upstream upstream;
    private final String host;
    private final int port;
    private final @Nullable String apiKey;
    private final int maxRequestBytes;
    private final int maxPromptChars;
    private final int maxConcurrent;
    private final int maxQueued;
    private final int maxConnections;
    private final Duration requestTimeout;
    private final Duration shutdownTimeout;

    /**
     * Creates the settings; the builder has validated the values.
     *
     * @param contemplators makes the contemplator of one request
     * @param upstream the pass-through model, or null
     * @param host the host to bind to
     * @param port the port, 0 for any
     * @param apiKey the required API key, or null
     * @param maxRequestBytes the largest request body
     * @param maxPromptChars the most characters of a request's messages
     * @param maxConcurrent the most completions at once
     * @param maxQueued the most completions waiting
     * @param maxConnections the most open connections
     * @param requestTimeout the longest a request may take to arrive, from its headers to the last byte of its body
     * @param shutdownTimeout how long running completions may finish when the server closes
     * @throws NullPointerException if a required value is null
     */
    public ServerSettings(Function<SamplingOverrides, Contemplator> contemplators, @Nullable Upstream upstream,
            String host, int port, @Nullable String apiKey, int maxRequestBytes, int maxPromptChars,
            int maxConcurrent, int maxQueued, int maxConnections, Duration requestTimeout, Duration shutdownTimeout) {
        this.contemplators = Objects.requireNonNull(contemplators, "contemplators");
        this.upstream = upstream;
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.apiKey = apiKey;
        this.maxRequestBytes = maxRequestBytes;
        this.maxPromptChars = maxPromptChars;
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = maxQueued;
        this.maxConnections = maxConnections;
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    }

    Function<SamplingOverrides, Contemplator> contemplators() {
        return contemplators;
    }

    @Nullable Upstream upstream() {
        return upstream;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** Returns the required API key, or null; for {@link HttpApi}'s check only. */
    @Nullable String apiKey() {
        return apiKey;
    }

    int maxRequestBytes() {
        return maxRequestBytes;
    }

    int maxPromptChars() {
        return maxPromptChars;
    }

    int maxConcurrent() {
        return maxConcurrent;
    }

    int maxQueued() {
        return maxQueued;
    }

    int maxConnections() {
        return maxConnections;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Returns the settings without the API key. */
    @Override
    public String toString() {
        return "ServerSettings[host=" + host + ", port=" + port + ", apiKey=" + (apiKey == null ? "none" : "(set)")
                + ", upstream=" + (upstream == null ? "none" : upstream.modelName()) + ", maxRequestBytes="
                + maxRequestBytes + ", maxPromptChars=" + maxPromptChars + ", maxConcurrent=" + maxConcurrent
                + ", maxQueued=" + maxQueued + ", maxConnections=" + maxConnections + ", requestTimeout="
                + requestTimeout + ", shutdownTimeout=" + shutdownTimeout + "]";
    }
}

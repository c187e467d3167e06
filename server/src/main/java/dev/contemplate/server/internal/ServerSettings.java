package dev.contemplate.server.internal;

import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.server.SamplingOverrides;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of one server, as {@code ContemplateServer.Builder} collects them.
 *
 * @param contemplators makes the contemplator of one request
 * @param upstream the pass-through model, or null
 * @param host the host to bind to
 * @param port the port, 0 for any
 * @param apiKey the required API key, or null; never shown by {@link #toString()}
 * @param maxRequestBytes the largest request body
 * @param maxPromptChars the most characters of a request's messages
 * @param maxConcurrent the most completions at once
 * @param maxQueued the most completions waiting
 * @param shutdownTimeout how long running completions may finish when the server closes
 */
public record ServerSettings(Function<SamplingOverrides, Contemplator> contemplators, @Nullable Upstream upstream,
        String host, int port, @Nullable String apiKey, int maxRequestBytes, int maxPromptChars, int maxConcurrent,
        int maxQueued, Duration shutdownTimeout) {

    /** @throws NullPointerException if a required component is null */
    public ServerSettings {
        Objects.requireNonNull(contemplators, "contemplators");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    }

    /** Returns the settings without the API key. */
    @Override
    public String toString() {
        return "ServerSettings[host=" + host + ", port=" + port + ", apiKey=" + (apiKey == null ? "none" : "(set)")
                + ", upstream=" + (upstream == null ? "none" : upstream.modelName()) + ", maxRequestBytes="
                + maxRequestBytes + ", maxPromptChars=" + maxPromptChars + ", maxConcurrent=" + maxConcurrent
                + ", maxQueued=" + maxQueued + ", shutdownTimeout=" + shutdownTimeout + "]";
    }
}

package dev.contemplate.server.internal;

import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.server.SamplingOverrides;
import java.net.InetSocketAddress;
import java.time.Duration;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A running server: Reactor Netty's HTTP server on event loops of its own (daemon threads named
 * {@code contemplate-server-*}), and its admission. A request must arrive whole within the request timeout (a client
 * that sends its headers and then stalls in its body is cut off), and connections beyond the most allowed are closed
 * as they are accepted. Closing it is graceful and releases every thread.
 */
public final class HttpServerRunner {

    /** How long an idle keep-alive connection stays open. */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LOOPS_TIMEOUT = Duration.ofSeconds(5);

    private final DisposableServer server;
    private final ChannelGroup connections;
    private final LoopResources loops;
    private final Admission admission;
    private final Duration shutdownTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpServerRunner(DisposableServer server, ChannelGroup connections, LoopResources loops,
            Admission admission, Duration shutdownTimeout) {
        this.server = server;
        this.connections = connections;
        this.loops = loops;
        this.admission = admission;
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * Checks the contemplator factory, then binds and starts the server.
     *
     * @throws IllegalArgumentException if the factory fails or returns null for a request without sampling fields
     * @throws IllegalStateException naming the address if it cannot be bound
     */
    public static HttpServerRunner start(ServerSettings settings) {
        Contemplator probe;
        try {
            probe = settings.contemplators().apply(SamplingOverrides.NONE);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the contemplator factory failed for a request without sampling "
                    + "fields: " + e.getMessage(), e);
        }
        if (probe == null) {
            throw new IllegalArgumentException("the contemplator factory returned null for a request without "
                    + "sampling fields");
        }
        // a completion that waited starts off the thread that freed its place (see Admission)
        Admission admission = new Admission(settings.maxConcurrent(), settings.maxQueued(),
                Schedulers.boundedElastic());
        ChatCompletions completions = new ChatCompletions(settings, probe.agents().size(),
                probe.budget().deadline());
        HttpApi api = new HttpApi(settings, admission, completions);
        int workers = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
        LoopResources loops = LoopResources.create("contemplate-server", 1, workers, true);
        // the open connections: Reactor Netty's graceful shutdown waits for their requests (no thread of its own)
        ChannelGroup connections = new DefaultChannelGroup("contemplate-server", ImmediateEventExecutor.INSTANCE);
        try {
            DisposableServer server = HttpServer.create()
                    .host(settings.host())
                    .port(settings.port())
                    .runOn(loops)
                    .channelGroup(connections)
                    .idleTimeout(IDLE_TIMEOUT)
                    // from the request's headers to the last byte of its body; the response is not bounded by it
                    .requestTimeout(settings.requestTimeout())
                    .readTimeout(settings.requestTimeout())
                    .maxConnections(settings.maxConnections())
                    .handle(api::handle)
                    .bindNow(BIND_TIMEOUT);
            return new HttpServerRunner(server, connections, loops, admission, settings.shutdownTimeout());
        } catch (RuntimeException e) {
            loops.disposeLater(Duration.ZERO, LOOPS_TIMEOUT).block(LOOPS_TIMEOUT.plusSeconds(1));
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new IllegalStateException("cannot serve on " + settings.host() + ":" + settings.port() + ": "
                    + reason, e);
        }
    }

    /** Returns the admission, for the tests of this package. */
    Admission admission() {
        return admission;
    }

    /** Returns the bound host. */
    public String host() {
        return server.address() instanceof InetSocketAddress a ? a.getHostString() : server.host();
    }

    /** Returns the bound port. */
    public int port() {
        return server.port();
    }

    /**
     * Refuses new completions, lets the running ones finish for up to the shutdown timeout, then closes every
     * connection (which cancels what is left) and stops the event loops. Idempotent.
     */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        admission.close();
        try {
            // Reactor Netty's graceful shutdown: stop accepting, wait for the active requests, then close
            server.disposeNow(shutdownTimeout.isZero() ? Duration.ofMillis(1) : shutdownTimeout);
        } catch (IllegalStateException e) {
            // some requests outlived the timeout: closing their connections below cancels their work
        }
        connections.close().awaitUninterruptibly(LOOPS_TIMEOUT.toMillis());
        loops.disposeLater(Duration.ZERO, LOOPS_TIMEOUT).block(LOOPS_TIMEOUT.plusSeconds(1));
    }
}

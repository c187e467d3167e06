package dev.contemplate.server;

import static dev.contemplate.server.Harness.answering;
import static dev.contemplate.server.Harness.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.agents.Team;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.testkit.ScriptedEngine;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The public API: validating builder, start, the handle, graceful close, threads. */
class ContemplateServerTest {

    private static Set<Thread> nonDaemon() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    @Test
    void settersNameTheBadValue() {
        ContemplateServer.Builder b = ContemplateServer.builder();
        assertThatThrownBy(() -> b.port(70000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> b.port(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> b.host(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> b.maxConcurrent(0)).hasMessageContaining("maxConcurrent").hasMessageContaining("0");
        assertThatThrownBy(() -> b.maxQueued(-2)).hasMessageContaining("-2");
        assertThatThrownBy(() -> b.maxRequestBytes(10)).hasMessageContaining("10");
        assertThatThrownBy(() -> b.maxPromptChars(0)).hasMessageContaining("maxPromptChars");
        assertThatThrownBy(() -> b.apiKey("")).hasMessageContaining("apiKey");
        assertThatThrownBy(() -> b.shutdownTimeout(Duration.ofSeconds(-1))).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestTimeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.maxConnections(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConnections").hasMessageContaining("0");
        ScriptedEngine engine = answering("x", Duration.ZERO);
        assertThatThrownBy(() -> b.upstream("contemplate-3", engine, SamplingParameters.defaults()))
                .hasMessageContaining("'contemplate-3'");
        assertThatThrownBy(() -> b.start()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("contemplators");
        assertThatThrownBy(() -> new SamplingOverrides(OptionalDouble.of(-1), OptionalDouble.empty(),
                OptionalInt.empty(), OptionalLong.empty(), Optional.empty())).hasMessageContaining("-1.0");
    }

    @Test
    void theHandleGivesTheBoundLoopbackPortAndBaseUrl() {
        try (Harness h = Harness.start(answering("The answer is 1.", Duration.ZERO), 1, b -> b)) {
            assertThat(h.server.host()).isEqualTo("127.0.0.1");
            assertThat(h.server.port()).isPositive();
            assertThat(h.server.baseUrl()).hasToString("http://127.0.0.1:" + h.server.port() + "/v1");
            assertThat(h.get("/v1/models").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTakenPortIsReportedWithTheAddressAndAFailingFactoryAtStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> ContemplateServer.builder().port(taken.getLocalPort())
                    .contemplators(Harness.contemplators(answering("x", Duration.ZERO), 1, c -> c)).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
        assertThatThrownBy(() -> ContemplateServer.builder().port(0).contemplators(o -> {
            throw new IllegalStateException("no engine");
        }).start()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no engine");
    }

    @Test
    void overridesApplyToEveryAgentWithSeedsCountingUp() {
        Team team = Team.builder().size(3).seed(1).build();
        SamplingOverrides o = new SamplingOverrides(OptionalDouble.of(0.2), OptionalDouble.empty(), OptionalInt.of(5),
                OptionalLong.of(40), Optional.of(List.of("END")));
        Team applied = o.applyTo(team);
        assertThat(applied.agents()).extracting(a -> a.sampling().seed().orElseThrow()).containsExactly(40L, 41L, 42L);
        assertThat(applied.agents()).allSatisfy(a -> {
            assertThat(a.sampling().temperature()).isEqualTo(0.2);
            assertThat(a.sampling().maxTokens()).isEqualTo(5);
            assertThat(a.sampling().stop()).containsExactly("END");
        });
        assertThat(SamplingOverrides.NONE.applyTo(team)).isSameAs(team);
        assertThat(SamplingOverrides.NONE.applyTo(SamplingParameters.defaults()))
                .isEqualTo(SamplingParameters.defaults());
    }

    @Test
    void closeLetsARunningCompletionFinishAndRefusesNewOnes() throws Exception {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(clock)
                .script(r -> ScriptedEngine.Script.text("The answer is 42.", Duration.ofSeconds(5))).build();
        Harness h = Harness.start(engine, 2, b -> b.shutdownTimeout(Duration.ofSeconds(20)));
        try (Harness.RawConnection c = new Harness.RawConnection(h.server.port(), chat("contemplate-2", "q?"))) {
            Harness.await(() -> engine.active() == 2, "the agents run");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(h::close);
            Harness.await(() -> refused(h), "the server refuses new connections");
            assertThat(closing).isNotDone();
            clock.advanceTimeBy(Duration.ofSeconds(5));
            assertThat(c.readUntil(l -> l.contains("chat.completion"))).contains("The answer is 42.");
            closing.get();
            assertThat(engine.completed()).isEqualTo(2);
        } finally {
            clock.dispose();
        }
    }

    private static boolean refused(Harness h) {
        try {
            HttpResponse<String> r = h.get("/v1/models");
            return r.statusCode() == 503;
        } catch (RuntimeException e) {
            return true;
        }
    }

    @Test
    void closeCancelsWhatOutlivesTheShutdownTimeoutAndLeavesNoThreadBehind() throws Exception {
        Set<Thread> before = nonDaemon();
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(clock)
                .script(r -> ScriptedEngine.Script.text("The answer is 42.", Duration.ofMinutes(5))).build();
        Harness h = Harness.start(engine, 3, b -> b.shutdownTimeout(Duration.ofMillis(100)));
        Set<Thread> serving = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("contemplate-server")).collect(Collectors.toSet());
        try (Harness.RawConnection c = new Harness.RawConnection(h.server.port(),
                "{\"model\":\"contemplate-3\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}")) {
            c.readUntil(l -> l.equals(": agent-3 started"));
            h.close();
            Harness.await(() -> engine.active() == 0, "the agents are cancelled");
            assertThat(engine.cancelled()).isEqualTo(3);
        } finally {
            clock.dispose();
        }
        h.close();
        Harness.await(() -> serving.stream().noneMatch(Thread::isAlive), "the server's threads end");
        // Netty notifies the end of the event loops on its global executor, a non-daemon thread that ends by itself
        // one second after its last task: wait for it rather than flag it
        Harness.await(() -> nonDaemon().stream().allMatch(before::contains), "no non-daemon thread is left");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("contemplate-server"));
    }
}

package dev.contemplate.server.internal;

import static dev.contemplate.server.internal.AdmissionTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.server.SamplingOverrides;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Admission over HTTP, where the tests can see the queue: a queued client that leaves, a stream's first events. */
class HttpServerRunnerTest {

    private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    private final ScriptedEngine engine = ScriptedEngine.builder().scheduler(clock)
            .script(r -> Script.text("The answer is 42.", Duration.ofSeconds(10))).build();

    @AfterEach
    void disposeClock() {
        clock.dispose();
    }

    private ServerSettings settings(int maxConcurrent, int maxQueued) {
        Team team = Team.builder().size(2).seed(1).build();
        Function<SamplingOverrides, Contemplator> contemplators = o -> Contemplator.builder().engine(engine)
                .team(o.applyTo(team)).extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed())
                .budget(Budget.builder().deadline(Duration.ofMinutes(5)).build()).build();
        return new ServerSettings(contemplators, new Upstream("up", engine, SamplingParameters.defaults()),
                "127.0.0.1", 0, null, 1 << 20, 100_000, maxConcurrent, maxQueued, 64, Duration.ofSeconds(30),
                Duration.ZERO);
    }

    private static Socket post(int port, String body) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(20_000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n";
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        return s;
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is 6*7?\"}]}";
    }

    @Test
    void aQueuedClientThatDisconnectsFreesItsPlaceAndAQueuedStreamStartsWhenItsTurnComes() throws Exception {
        HttpServerRunner runner = HttpServerRunner.start(settings(1, 1));
        Admission admission = runner.admission();
        try (Socket running = post(runner.port(), chat("contemplate-1", false))) {
            await(() -> engine.active() == 1, "the first request runs");
            Socket leaving = post(runner.port(), chat("contemplate-1", false));
            await(() -> admission.queued() == 1, "the second request waits");
            leaving.close();
            await(() -> admission.queued() == 0, "the client that left frees its place in the queue");
            assertThat(engine.started()).isEqualTo(1);

            // the place is taken again, by a stream, instead of a 429
            try (Socket streaming = post(runner.port(), chat("contemplate-1", true))) {
                await(() -> admission.queued() == 1, "the stream waits");
                clock.advanceTimeBy(Duration.ofSeconds(10)); // the first request ends: the stream's turn
                BufferedReader in = new BufferedReader(new InputStreamReader(streaming.getInputStream(),
                        StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
                String line;
                do {
                    line = in.readLine();
                } while (line != null && !line.startsWith("data: "));
                assertThat(line).contains("\"role\":\"assistant\"");
                await(() -> engine.started() == 2, "the stream's agent runs");
            }
            await(() -> admission.running() == 0, "the stream's client left: its place is free");
        } finally {
            runner.close();
        }
    }

    @Test
    void aContemplationsFirstPieceIsItsTurnAndTheModelsAreModelNamesCanonicalNames() {
        ServerSettings settings = settings(1, 1);
        ChatCompletions completions = new ChatCompletions(settings, 2, Duration.ofMinutes(5));
        CompletionRequest contemplate = CompletionRequest.parse(chat("contemplate-2", true)
                .getBytes(StandardCharsets.UTF_8), 1000);
        // the engine never answers here (its clock stays still): the first piece is the turn itself
        assertThat(completions.pieces(contemplate).next().block(Duration.ofSeconds(10)))
                .isInstanceOf(Piece.Started.class);
        assertThat(completions.modelIds()).containsExactly("contemplate", "contemplate-auto", "contemplate-fast",
                "contemplate-1", "contemplate-2", "up");
    }
}

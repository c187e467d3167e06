package dev.contemplate.server;

import static dev.contemplate.server.Harness.answering;
import static dev.contemplate.server.Harness.assertError;
import static dev.contemplate.server.Harness.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.testkit.ScriptedEngine;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The API key, and the bounds on running and waiting completions. */
class AuthAndLimitsTest {

    private static final String KEY = "sk-test-0123456789";

    @Test
    void anApiKeyIsRequiredOnEveryRouteWhenSet() {
        ScriptedEngine engine = answering("The answer is 42.", Duration.ZERO);
        try (Harness h = Harness.start(engine, 2, b -> b.apiKey(KEY))) {
            HttpResponse<String> missing = h.post(chat("contemplate", "q"));
            assertError(missing, 401, "invalid_request_error", null);
            assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("Bearer"));
            HttpResponse<String> wrong = h.post(chat("contemplate", "q"), "Authorization", "Bearer " + KEY + "x");
            assertError(wrong, 401, "invalid_request_error", "invalid_api_key");
            assertThat(wrong.body()).doesNotContain(KEY);
            assertError(h.post(chat("contemplate", "q"), "Authorization", KEY), 401, "invalid_request_error",
                    "invalid_api_key");
            assertError(h.get("/v1/models"), 401, "invalid_request_error", null);
            assertThat(engine.started()).isZero();

            assertThat(h.post(chat("contemplate", "q"), "Authorization", "Bearer " + KEY).statusCode()).isEqualTo(200);
            assertThat(h.get("/v1/models", "Authorization", "bearer  " + KEY).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAtOnce() throws Exception {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(clock)
                .script(r -> ScriptedEngine.Script.text("The answer is 42.", Duration.ofSeconds(10))).build();
        try (Harness h = Harness.start(engine, 1, b -> b.maxConcurrent(1).maxQueued(0))) {
            try (Harness.RawConnection running = new Harness.RawConnection(h.server.port(),
                    chat("contemplate-1", "first"))) {
                Harness.await(() -> engine.started() == 1, "the first request runs");
                HttpResponse<String> refused = h.post(chat("contemplate-1", "second"));
                assertError(refused, 429, "rate_limit_error", "rate_limit_exceeded");
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(engine.started()).isEqualTo(1);

                clock.advanceTimeBy(Duration.ofSeconds(10));
                assertThat(running.readUntil(line -> line.contains("chat.completion"))).contains("42");
                Harness.await(() -> engine.active() == 0, "the first request is done");
            }
            // its place is free again
            clock.advanceTimeBy(Duration.ofSeconds(10));
            try (Harness.RawConnection next = new Harness.RawConnection(h.server.port(),
                    chat("contemplate-1", "third"))) {
                Harness.await(() -> engine.started() == 2, "the third request runs");
                clock.advanceTimeBy(Duration.ofSeconds(10));
                assertThat(next.readUntil(line -> line.contains("chat.completion"))).contains("42");
            }
        } finally {
            clock.dispose();
        }
    }

    @Test
    void aClientThatStallsInItsBodyIsCutOffWithinTheRequestTimeout() throws Exception {
        ScriptedEngine engine = answering("The answer is 42.", Duration.ZERO);
        try (Harness h = Harness.start(engine, 1, b -> b.requestTimeout(Duration.ofMillis(300)))) {
            try (Harness.RawSocket c = new Harness.RawSocket(h.server.port())) {
                String body = chat("contemplate", "What is 6*7?");
                // the headers and half the body, then nothing
                c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, body.length() / 2));
                // the server answers 408 and closes the connection: a bounded wait, not a timing assertion
                String got = c.untilClosed();
                assertThat(got).startsWith("HTTP/1.1 408").contains("\"request_timeout\"");
            }
            assertThat(engine.started()).isZero();
            // a request that arrives in time is served, and its completion, plain or streamed, may outlast the timeout
            ScriptedEngine slow = answering("The answer is 42.", Duration.ofMillis(600));
            try (Harness h2 = Harness.start(slow, 1, b -> b.requestTimeout(Duration.ofMillis(300)))) {
                HttpResponse<String> r = h2.post(chat("contemplate", "What is 6*7?"));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                HttpResponse<String> streamed = h2.post("{\"model\":\"contemplate\",\"stream\":true,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"What is 6*7?\"}]}");
                assertThat(streamed.statusCode()).isEqualTo(200);
                assertThat(streamed.body()).contains("The answer is 42.").contains("data: [DONE]");
            }
        }
    }

    @Test
    void connectionsBeyondTheMostAllowedAreClosedAtOnce() throws Exception {
        ScriptedEngine engine = answering("The answer is 42.", Duration.ZERO);
        try (Harness h = Harness.start(engine, 1, b -> b.maxConnections(1))) {
            try (Harness.RawSocket first = new Harness.RawSocket(h.server.port())) {
                assertThat(first.write("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").response().status())
                        .isEqualTo(200);
                try (Harness.RawSocket second = new Harness.RawSocket(h.server.port())) {
                    second.write("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertThat(second.untilClosed()).isEmpty();
                }
                // the first is still served
                assertThat(first.write("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").response().status())
                        .isEqualTo(200);
            }
            // its place is free once it closes
            Harness.await(() -> modelsAnswer(h), "a new connection is served");
        }
    }

    private static boolean modelsAnswer(Harness h) {
        try (Harness.RawSocket c = new Harness.RawSocket(h.server.port())) {
            return c.write("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").response().status() == 200;
        } catch (IOException | AssertionError e) {
            return false;
        }
    }
}

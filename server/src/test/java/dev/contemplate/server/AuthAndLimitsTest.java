package dev.contemplate.server;

import static dev.contemplate.server.Harness.answering;
import static dev.contemplate.server.Harness.assertError;
import static dev.contemplate.server.Harness.chat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.testkit.ScriptedEngine;
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
}

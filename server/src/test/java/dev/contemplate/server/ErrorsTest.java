package dev.contemplate.server;

import static dev.contemplate.server.Harness.answering;
import static dev.contemplate.server.Harness.assertError;
import static dev.contemplate.server.Harness.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.inference.testkit.ScriptedEngine;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests the server refuses, each with OpenAI's error object and the right status. */
class ErrorsTest {

    private static final ScriptedEngine ENGINE = answering("The answer is 42.", Duration.ZERO);
    private static Harness h;

    @BeforeAll
    static void start() {
        h = Harness.start(ENGINE, 4, b -> b.maxPromptChars(100).maxRequestBytes(4096));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void badJsonAndBadBodiesAre400() {
        assertError(h.post("{\"model\": \"contemplate\", "), 400, "invalid_request_error", "invalid_json");
        assertError(h.post(""), 400, "invalid_request_error", "invalid_json");
        assertError(h.post("[1, 2]"), 400, "invalid_request_error", "invalid_json");
    }

    @Test
    void missingOrMalformedFieldsAre400NamingTheParameter() {
        JsonNode e = assertError(h.post("{\"model\":\"contemplate\"}"), 400, "invalid_request_error",
                "missing_required_parameter");
        assertThat(e.path("param").asText()).isEqualTo("messages");
        e = assertError(h.post("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"), 400,
                "invalid_request_error", "missing_required_parameter");
        assertThat(e.path("param").asText()).isEqualTo("model");
        e = assertError(h.post("{\"model\":\"contemplate\",\"messages\":[]}"), 400, "invalid_request_error",
                "invalid_value");
        assertThat(e.path("param").asText()).isEqualTo("messages");
        e = assertError(h.post("{\"model\":\"contemplate\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"q\"}]}"), 400, "invalid_request_error", "invalid_type");
        assertThat(e.path("param").asText()).isEqualTo("temperature");
        e = assertError(h.post("{\"model\":\"contemplate\",\"temperature\":3,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"q\"}]}"), 400, "invalid_request_error", "invalid_value");
        assertThat(e.path("message").asText()).contains("[0, 2]");
        e = assertError(h.post("{\"model\":\"contemplate\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
                + "{\"role\":\"assistant\",\"content\":\"a\"}]}"), 400, "invalid_request_error", "invalid_value");
        assertThat(e.path("message").asText()).contains("last message");
        e = assertError(h.post("{\"model\":\"contemplate\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}"), 400, "invalid_request_error",
                "unsupported_content");
        assertThat(e.path("param").asText()).isEqualTo("messages[0].content");
        e = assertError(h.post("{\"model\":\"contemplate\",\"messages\":[{\"role\":\"tool\",\"content\":\"1\"}]}"),
                400, "invalid_request_error", "unsupported_value");
        assertThat(e.path("param").asText()).isEqualTo("messages[0].role");
    }

    @Test
    void nAboveOneToolsAndNonTextFormatsAreRefusedClearly() {
        JsonNode e = assertError(h.post("{\"model\":\"contemplate\",\"n\":2,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"q\"}]}"), 400, "invalid_request_error", "unsupported_value");
        assertThat(e.path("param").asText()).isEqualTo("n");
        assertThat(e.path("message").asText()).contains("n > 1 is not supported").contains("contemplate-N");
        e = assertError(h.post("{\"model\":\"contemplate\",\"tools\":[{\"type\":\"function\"}],\"messages\":["
                + "{\"role\":\"user\",\"content\":\"q\"}]}"), 400, "invalid_request_error", "unsupported_parameter");
        assertThat(e.path("param").asText()).isEqualTo("tools");
        e = assertError(h.post("{\"model\":\"contemplate\",\"response_format\":{\"type\":\"json_object\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"), 400, "invalid_request_error",
                "unsupported_value");
        assertThat(e.path("param").asText()).isEqualTo("response_format");
    }

    @Test
    void unknownAndMalformedModelsAre404() {
        JsonNode e = assertError(h.post(chat("gpt-4o", "q")), 404, "invalid_request_error", "model_not_found");
        assertThat(e.path("param").asText()).isEqualTo("model");
        assertThat(e.path("message").asText()).contains("'gpt-4o'").contains("contemplate-auto");
        e = assertError(h.post(chat("contemplate-x", "q")), 404, "invalid_request_error", "model_not_found");
        assertThat(e.path("message").asText()).contains("'contemplate-x'");
        assertThat(ENGINE.started()).isZero();
    }

    @Test
    void aPathWithABadPercentEscapeIs400NotAClosedConnection() throws Exception {
        for (String method : List.of("GET /v1/%zz", "GET /v1/models/%", "POST /v1/chat/completions%g0")) {
            try (Harness.RawSocket c = new Harness.RawSocket(h.server.port())) {
                Harness.Response r = c.write(method + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
                        .response();
                assertThat(r.status()).as(method + ": " + r.body()).isEqualTo(400);
                JsonNode e = Harness.json(r.body()).path("error");
                assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
                assertThat(e.path("code").asText()).isEqualTo("invalid_url");
                // the connection stays usable
                assertThat(c.write("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").response().status())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void anOverLargeChunkedBodyWithoutContentLengthIs413() throws Exception {
        try (Harness.RawSocket c = new Harness.RawSocket(h.server.port())) {
            c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            String chunk = "x".repeat(1000);
            for (int i = 0; i < 5; i++) {
                c.write(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }
            c.write("0\r\n\r\n");
            Harness.Response r = c.response();
            assertThat(r.status()).as(r.body()).isEqualTo(413);
            assertThat(Harness.json(r.body()).path("error").path("code").asText()).isEqualTo("request_too_large");
            assertThat(r.headers()).containsEntry("connection", "close");
        }
        assertThat(ENGINE.started()).isZero();
    }

    @Test
    void validationMessagesNameTheValueAndTheParameter() {
        String q = ",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}";
        JsonNode e = assertError(h.post("{\"model\":\"contemplate\",\"response_format\":\"text\"" + q), 400,
                "invalid_request_error", "invalid_type");
        assertThat(e.path("param").asText()).isEqualTo("response_format");
        assertThat(e.path("message").asText()).contains("a string").contains("\"text\"");
        e = assertError(h.post("{\"model\":\"contemplate\",\"response_format\":{\"type\":\"json_schema\"}" + q),
                400, "invalid_request_error", "unsupported_value");
        assertThat(e.path("message").asText()).contains("json_schema");
        e = assertError(h.post("{\"model\":\"contemplate\",\"tools\":[],\"functions\":[{\"name\":\"f\"}]" + q),
                400, "invalid_request_error", "unsupported_parameter");
        assertThat(e.path("param").asText()).isEqualTo("functions");
        e = assertError(h.post("{\"model\":\"contemplate\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]" + q),
                400, "invalid_request_error", "invalid_value");
        assertThat(e.path("message").asText()).contains("at most 4").contains("6 were sent");
        e = assertError(h.post("{\"model\":\"contemplate\",\"stop\":[\"a\",\"\"]" + q), 400,
                "invalid_request_error", "invalid_value");
        assertThat(e.path("message").asText()).contains("stop[1]");
        e = assertError(h.post("{\"model\":\"contemplate\",\"seed\":1.5" + q), 400, "invalid_request_error",
                "invalid_type");
        assertThat(e.path("message").asText()).contains("1.5");
        // the public record names the real bound, not "finite"
        assertThatThrownBy(() -> new SamplingOverrides(OptionalDouble.of(1e7), OptionalDouble.empty(),
                OptionalInt.empty(), OptionalLong.empty(), Optional.empty()))
                .hasMessageContaining("1e6").hasMessageContaining("1.0E7").hasMessageNotContaining("finite");
        assertThatThrownBy(() -> new SamplingOverrides(OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalInt.empty(), OptionalLong.empty(), Optional.of(List.of("a", ""))))
                .hasMessageContaining("sequence 1");
        assertThat(ENGINE.started()).isZero();
    }

    @Test
    void anOverLongPromptIs400AndAnOverLargeBodyIs413() {
        JsonNode e = assertError(h.post(chat("contemplate", "x".repeat(101))), 400, "invalid_request_error",
                "context_length_exceeded");
        assertThat(e.path("message").asText()).contains("100").contains("101");
        HttpResponse<String> r = h.post(chat("contemplate", "x".repeat(5000)));
        assertError(r, 413, "invalid_request_error", "request_too_large");
        assertThat(ENGINE.started()).isZero();
    }

    @Test
    void unknownUrlsAre404AndWrongMethods405() {
        assertError(h.get("/v1/completions"), 404, "invalid_request_error", "unknown_url");
        assertError(h.get("/"), 404, "invalid_request_error", "unknown_url");
        HttpResponse<String> r = h.get("/v1/chat/completions");
        assertError(r, 405, "invalid_request_error", "method_not_allowed");
        assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    }
}

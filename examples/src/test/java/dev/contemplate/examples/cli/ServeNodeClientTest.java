package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.contemplate.inference.onnx.arithmetic.ArithmeticModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official {@code openai} npm package against {@code contemplate serve}: a plain and a streamed completion. It
 * installs the package into a temporary folder, so it needs {@code node}, {@code npm} and the npm registry; without
 * them the test is skipped, saying why.
 */
class ServeNodeClientTest {

    private static final String SCRIPT = """
            import OpenAI from 'openai';
            const client = new OpenAI({ baseURL: process.env.BASE_URL, apiKey: 'none', maxRetries: 0 });
            const messages = [{ role: 'user', content: 'What is 54+39-25+73?' }];
            const plain = await client.chat.completions.create({ model: 'contemplate-3', seed: 3, messages });
            const stream = await client.chat.completions.create({
              model: 'contemplate-3', seed: 3, messages, stream: true, stream_options: { include_usage: true } });
            let text = '', finish = null, usage = null, chunks = 0;
            for await (const chunk of stream) {
              chunks++;
              if (chunk.choices.length > 0) {
                text += chunk.choices[0].delta.content ?? '';
                finish = chunk.choices[0].finish_reason ?? finish;
              }
              if (chunk.usage) usage = chunk.usage;
            }
            let missing = null;
            try {
              await client.chat.completions.create({ model: 'no-such-model', messages });
            } catch (e) {
              missing = { status: e.status, code: e.code };
            }
            console.log(JSON.stringify({
              plain: { text: plain.choices[0].message.content, finish: plain.choices[0].finish_reason,
                       usage: plain.usage, votes: plain.contemplate.votes },
              stream: { text, finish, usage, chunks },
              missing }));
            """;

    @Test
    void theOpenAiNpmClientGetsAPlainAndAStreamedCompletion(@TempDir Path dir) throws Exception {
        assumeTrue(runs(dir, 30, "node", "--version"), "node is not installed: skipping the openai npm client test");
        assumeTrue(runs(dir, 30, "npm", "--version"), "npm is not installed: skipping the openai npm client test");
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"serve-client-test\",\"private\":true}");
        assumeTrue(runs(dir, 300, "npm", "install", "openai", "--no-audit", "--no-fund", "--loglevel=error"),
                "'npm install openai' failed (offline, or no access to the npm registry): skipping the openai npm "
                        + "client test");
        Path script = dir.resolve("client.mjs");
        Files.writeString(script, SCRIPT);
        try (Serving serving = new Serving("--agents", "3")) {
            ProcessBuilder pb = new ProcessBuilder("node", script.toString()).directory(dir.toFile())
                    .redirectErrorStream(true);
            pb.environment().put("BASE_URL", serving.baseUrl());
            Process p = pb.start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("node finishes").isTrue();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(output).isZero();
            List<String> lines = output.lines().toList();
            JsonNode result = new ObjectMapper().readTree(lines.get(lines.size() - 1));

            JsonNode plain = result.path("plain");
            assertThat(ArithmeticModel.parseAnswer(plain.path("text").asText())).isPresent();
            assertThat(plain.path("finish").asText()).isEqualTo("stop");
            assertThat(plain.path("usage").path("total_tokens").asInt()).isPositive();
            assertThat(plain.path("votes")).isNotEmpty();

            JsonNode stream = result.path("stream");
            assertThat(ArithmeticModel.parseAnswer(stream.path("text").asText())).isPresent();
            assertThat(stream.path("finish").asText()).isEqualTo("stop");
            assertThat(stream.path("usage").path("completion_tokens").asInt()).isPositive();
            assertThat(stream.path("chunks").asInt()).isGreaterThanOrEqualTo(3);

            assertThat(result.path("missing").path("status").asInt()).isEqualTo(404);
            assertThat(result.path("missing").path("code").asText()).isEqualTo("model_not_found");
        }
    }

    private static boolean runs(Path dir, int seconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(".out-" + command[0]).toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

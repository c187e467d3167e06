package dev.contemplate.inference.langchain4j;

import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;

/** LangChain4j's real OpenAI models, pointed at an {@link OpenAiTestServer}, without retries. */
final class TestModels {

    private TestModels() {
    }

    static OpenAiChatModel blocking(OpenAiTestServer server) {
        return OpenAiChatModel.builder()
                .baseUrl(server.baseUrl())
                .apiKey("test-key")
                .modelName("test-model")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    static OpenAiStreamingChatModel streaming(OpenAiTestServer server) {
        return OpenAiStreamingChatModel.builder()
                .baseUrl(server.baseUrl())
                .apiKey("test-key")
                .modelName("test-model")
                .timeout(Duration.ofSeconds(30))
                .build();
    }
}

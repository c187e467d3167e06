package dev.contemplate.inference.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import dev.contemplate.inference.testkit.AbstractInferenceEngineContractTest;
import org.junit.jupiter.api.AfterEach;

/** An engine over LangChain4j's real {@code OpenAiStreamingChatModel} passes the engine contract. */
class StreamingEngineContractTest extends AbstractInferenceEngineContractTest {

    private OpenAiTestServer server;

    @Override
    protected InferenceEngine createEngine() throws Exception {
        server = new OpenAiTestServer();
        return LangChain4jEngine.builder(TestModels.streaming(server)).name("streaming-contract").build();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Override
    protected GenerationRequest request() {
        return GenerationRequest.of("question", SamplingParameters.defaults());
    }

    @Override
    protected GenerationRequest longRequest() {
        return GenerationRequest.of("long", SamplingParameters.defaults());
    }

    @Override
    protected GenerationRequest failingRequest() {
        return GenerationRequest.of("fail500", SamplingParameters.defaults());
    }

    /** Each generation is one request to the server (the engine does not retry a successful call). */
    @Override
    protected long generationsStarted() {
        return server.exchanges().size();
    }

    /** The server saw the client close the stream while it still had tokens to send, and the engine let go. */
    @Override
    protected void assertGenerationStoppedAfterCancel() {
        OpenAiTestServer.Exchange closed = server.awaitClientClosedEarly();
        assertThat(closed.prompt()).isEqualTo("long");
        assertThat(closed.finished()).isFalse();
        assertThat(closed.writes()).isLessThan(closed.plannedWrites());
        server.awaitIdle();
        OpenAiTestServer.await(() -> ((LangChain4jEngine) engine).inFlight() == 0, "no generation in flight");
    }
}

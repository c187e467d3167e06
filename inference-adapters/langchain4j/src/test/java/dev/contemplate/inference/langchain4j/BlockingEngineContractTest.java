package dev.contemplate.inference.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.testkit.AbstractInferenceEngineContractTest;
import org.junit.jupiter.api.AfterEach;

/**
 * An engine over LangChain4j's real blocking {@code OpenAiChatModel} passes the engine contract.
 *
 * <p>What cancellation means here: a blocking model delivers its only delta together with the finished answer, so
 * the contract's "cancel after the first delta" comes when the HTTP exchange is already over and nothing is left
 * to stop; what must hold then is that the engine keeps nothing for it (no thread, no slot, no open exchange).
 * Cancelling before the answer arrives interrupts the call's thread, which aborts the HTTP exchange; that is
 * proven separately in {@code BlockingEngineTest}.
 */
class BlockingEngineContractTest extends AbstractInferenceEngineContractTest {

    private OpenAiTestServer server;

    @Override
    protected InferenceEngine createEngine() throws Exception {
        server = new OpenAiTestServer();
        return LangChain4jEngine.builder(TestModels.blocking(server)).name("blocking-contract").build();
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

    @Override
    protected void assertGenerationStoppedAfterCancel() {
        assertThat(server.exchanges()).hasSize(1);
        assertThat(server.exchanges().get(0).finished).as("the answer was complete before its delta").isTrue();
        server.awaitIdle();
        OpenAiTestServer.await(() -> ((LangChain4jEngine) engine).inFlight() == 0, "no generation in flight");
        assertThat(((LangChain4jEngine) engine).queued()).isZero();
    }
}

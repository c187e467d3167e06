package dev.contemplate.inference.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import dev.contemplate.inference.testkit.AbstractInferenceEngineContractTest;
import org.junit.jupiter.api.AfterEach;

/**
 * An engine over LangChain4j's real blocking {@code OpenAiChatModel} passes the engine contract.
 *
 * <p>What cancellation means here: a blocking model delivers its only delta together with the finished answer, so
 * the contract cancels the long request as soon as the server holds it, before the server answers anything: the
 * request is {@code gated hang}, which the server keeps behind its gate. Cancelling interrupts the call's thread,
 * which aborts the HTTP exchange; the engine must let go of the call while the gate is still closed, that is before
 * the server could have answered, and the server, once let through, must find the connection closed.
 */
class BlockingEngineContractTest extends AbstractInferenceEngineContractTest {

    private static final String LONG = "gated hang";

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
        return GenerationRequest.of(LONG, SamplingParameters.defaults());
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

    /** The long request reached the server, which holds it behind its gate. */
    @Override
    protected void awaitLongGenerationUnderway() {
        server.awaitRequests(1);
        assertThat(server.exchanges().get(0).prompt()).isEqualTo(LONG);
    }

    /**
     * While the server still holds the request behind its gate (so it cannot have answered), the engine has nothing
     * in flight or queued; once the gate opens, the server's first writes fail: the client had closed the connection.
     */
    @Override
    protected void assertGenerationStoppedAfterCancel() {
        LangChain4jEngine lc = (LangChain4jEngine) engine;
        OpenAiTestServer.await(() -> lc.inFlight() == 0, "the engine to let go of the cancelled call");
        assertThat(lc.queued()).isZero();
        OpenAiTestServer.Exchange held = server.exchanges().get(0);
        assertThat(held.writes()).as("bytes the server wrote before the engine let go").isZero();
        assertThat(held.finished()).isFalse();

        server.openGate();
        OpenAiTestServer.Exchange aborted = server.awaitClientClosedEarly();
        assertThat(aborted.prompt()).isEqualTo(LONG);
        assertThat(aborted.finished()).isFalse();
        assertThat(aborted.writes()).as("writes before the server found the connection closed")
                .isLessThan(aborted.plannedWrites());
        server.awaitIdle();
        assertThat(server.exchanges()).as("requests: the cancelled call was not retried").hasSize(1);
    }
}

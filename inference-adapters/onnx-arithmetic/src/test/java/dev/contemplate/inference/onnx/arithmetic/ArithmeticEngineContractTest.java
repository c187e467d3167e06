package dev.contemplate.inference.onnx.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.onnx.EngineStats;
import dev.contemplate.inference.onnx.OnnxEngine;
import dev.contemplate.inference.testkit.AbstractInferenceEngineContractTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * The ONNX engine with the demo model passes the engine contract. Steps are slowed to about 2 ms by a step listener
 * so that a cancellation reliably arrives while the cancelled generation is still running.
 */
class ArithmeticEngineContractTest extends AbstractInferenceEngineContractTest {

    private OnnxEngine onnx;

    @Override
    protected InferenceEngine createEngine() {
        onnx = ArithmeticModel.engineBuilder()
                .maxBatchRows(8)
                .stepListener((step, rows, nanos) -> LockSupport.parkNanos(2_000_000))
                .build();
        return onnx;
    }

    @Override
    protected GenerationRequest request() {
        return new GenerationRequest(List.of(Message.system("L"), Message.user("What is 54+39-25+73?")),
                SamplingParameters.builder().temperature(0.7).seed(3).build());
    }

    @Override
    protected GenerationRequest longRequest() {
        return new GenerationRequest(List.of(Message.system("B"), Message.user("12+7+30-9")),
                SamplingParameters.builder().temperature(1.0).build());
    }

    @Override
    protected GenerationRequest failingRequest() {
        return new GenerationRequest(List.of(Message.system("Z"), Message.user("12+7+30-9")),
                SamplingParameters.defaults());
    }

    /** Each generated sequence is admitted into the batch once. */
    @Override
    protected long generationsStarted() {
        return onnx.stats().admitted();
    }

    @Override
    protected void assertGenerationStoppedAfterCancel() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        EngineStats s = onnx.stats();
        while ((s.liveSequences() > 0 || s.cancelled() < 1) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
            s = onnx.stats();
        }
        assertThat(s.cancelled()).as("cancelled sequences").isEqualTo(1);
        assertThat(s.liveRows()).as("live rows").isZero();
        assertThat(s.liveSequences()).as("live sequences").isZero();
        assertThat(s.completed()).as("completed sequences").isZero();
    }

    @Test
    void anUnknownStrategyFailsNamingIt() {
        StepVerifier.create(engine.generate(failingRequest()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PermanentInferenceException.class)
                        .hasMessageContaining("'Z'"))
                .verify(GUARD);
    }
}

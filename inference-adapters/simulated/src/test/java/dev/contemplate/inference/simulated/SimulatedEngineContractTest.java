package dev.contemplate.inference.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.testkit.AbstractInferenceEngineContractTest;
import java.time.Duration;

/** The simulated engine passes the engine contract, in real time with millisecond latencies. */
class SimulatedEngineContractTest extends AbstractInferenceEngineContractTest {

    private SimulatedEngine simulated;

    @Override
    protected InferenceEngine createEngine() {
        Scenario quick = Scenario.builder().answer("42", 0.7).answer("41", 0.3)
                .firstTokenLatency(Duration.ofMillis(2)).medianTokenLatency(Duration.ofMillis(1), 0.2)
                .outputTokens(8, 12).build();
        simulated = SimulatedEngine.builder()
                .scenario(quick)
                .scenario(q -> switch (q) {
                    case "fail" -> quick.toBuilder().failureProbability(1.0).build();
                    case "long" -> Scenario.builder().answer("42", 1.0).firstTokenLatency(Duration.ofMillis(1))
                            .medianTokenLatency(Duration.ofMillis(5), 0).outputTokens(100_000).build();
                    default -> null;
                })
                .build();
        return simulated;
    }

    @Override
    protected GenerationRequest request() {
        return GenerationRequest.of("question", SamplingParameters.builder().maxTokens(1000).build());
    }

    @Override
    protected GenerationRequest longRequest() {
        return GenerationRequest.of("long", SamplingParameters.builder().maxTokens(1_000_000).build());
    }

    @Override
    protected GenerationRequest failingRequest() {
        return GenerationRequest.of("fail", SamplingParameters.defaults());
    }

    /** The simulated engine counts every generation that a subscription started. */
    @Override
    protected long generationsStarted() {
        return simulated.started();
    }

    /** The cancelled generation is counted as cancelled, nothing runs, and no more tokens come out. */
    @Override
    protected void assertGenerationStoppedAfterCancel() {
        assertThat(simulated.cancelled()).isEqualTo(1);
        assertThat(simulated.active()).isZero();
        assertThat(simulated.emittedTokens()).isLessThan(100);
    }
}

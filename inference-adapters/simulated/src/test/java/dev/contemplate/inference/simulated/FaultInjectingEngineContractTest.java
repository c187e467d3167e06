package dev.contemplate.inference.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.testkit.AbstractInferenceEngineContractTest;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import java.time.Duration;

/** Without faults the wrapper is a transparent engine: it passes the engine contract, in real time. */
class FaultInjectingEngineContractTest extends AbstractInferenceEngineContractTest {

    private ScriptedEngine scripted;
    private FaultInjectingEngine faulty;

    @Override
    protected InferenceEngine createEngine() {
        scripted = ScriptedEngine.builder().name("scripted").script(r -> {
            String q = r.messages().get(r.messages().size() - 1).text();
            if (q.equals("fail")) {
                // the inner engine's own errors pass through unchanged; this one names the engine the caller holds
                return Script.failure(new PermanentInferenceException("faulty(scripted)", "bad request", null),
                        Duration.ofMillis(5));
            }
            if (q.equals("long")) {
                return Script.text("a ".repeat(10_000), Duration.ofSeconds(100));
            }
            return Script.text("The answer is " + r.sampling().seed().orElse(7) + ".", Duration.ofMillis(20));
        }).build();
        faulty = FaultInjectingEngine.wrap(scripted).seed(3).build();
        return faulty;
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
        return GenerationRequest.of("fail", SamplingParameters.defaults());
    }

    /** The wrapper draws a fault for every subscription, and each one reaches the inner engine. */
    @Override
    protected long generationsStarted() {
        assertThat(scripted.started()).as("generations of the inner engine").isEqualTo(faulty.generations());
        return faulty.generations();
    }

    @Override
    protected void assertGenerationStoppedAfterCancel() {
        assertThat(scripted.cancelled()).isEqualTo(1);
        assertThat(scripted.active()).isZero();
        assertThat(faulty.liveGenerations()).isZero();
        assertThat(faulty.injected(FaultInjectingEngine.Fault.NONE)).isEqualTo(faulty.generations());
    }
}

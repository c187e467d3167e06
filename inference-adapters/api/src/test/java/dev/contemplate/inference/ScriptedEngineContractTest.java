package dev.contemplate.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.testkit.AbstractInferenceEngineContractTest;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import java.time.Duration;

/** The scripted test engine passes the engine contract too. */
class ScriptedEngineContractTest extends AbstractInferenceEngineContractTest {

    private ScriptedEngine scripted;

    @Override
    protected InferenceEngine createEngine() {
        scripted = ScriptedEngine.builder().script(r -> {
            String q = r.messages().get(r.messages().size() - 1).text();
            if (q.equals("fail")) {
                return Script.failure(new PermanentInferenceException("scripted", "bad request", null),
                        Duration.ofMillis(5));
            }
            if (q.equals("long")) {
                return Script.text("a ".repeat(10_000), Duration.ofSeconds(100));
            }
            return Script.text("The answer is " + r.sampling().seed().orElse(7) + ".", Duration.ofMillis(20));
        }).build();
        return scripted;
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

    /** Every subscription that reaches the scripted engine plays one script. */
    @Override
    protected long generationsStarted() {
        return scripted.started();
    }

    @Override
    protected void assertGenerationStoppedAfterCancel() {
        assertThat(scripted.cancelled()).isEqualTo(1);
        assertThat(scripted.active()).isZero();
    }
}

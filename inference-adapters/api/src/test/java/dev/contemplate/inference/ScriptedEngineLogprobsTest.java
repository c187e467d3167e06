package dev.contemplate.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Scripted log-probabilities reach the generation; a script without them reports none. */
class ScriptedEngineLogprobsTest {

    private static final Duration GUARD = Duration.ofSeconds(10);

    @Test
    void aScriptsLogprobsArriveWithItsGenerationAndSurviveItsOtherCopies() {
        ScriptedEngine engine = ScriptedEngine.builder().script(r -> {
            Script s = Script.text("The answer is 7.", Duration.ofMillis(5));
            return r.messages().get(0).text().equals("sure")
                    ? s.withLogprobs(-0.01, -0.02).finishing(FinishReason.LENGTH) : s;
        }).build();
        Generation sure = engine.generate(GenerationRequest.of("sure", SamplingParameters.defaults())).block(GUARD);
        assertThat(sure.logprobs()).contains(TokenLogprobs.of(-0.01, -0.02));
        assertThat(sure.finishReason()).isEqualTo(FinishReason.LENGTH);
        List<Generation> samples = Flux.range(0, 3)
                .flatMap(i -> engine.generate(GenerationRequest.of("sure", SamplingParameters.defaults()))
                        .map(g -> g.withIndex(i)), 3)
                .collectList().block(GUARD);
        assertThat(samples).extracting(Generation::index).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(samples).allSatisfy(g -> assertThat(g.logprobs()).contains(TokenLogprobs.of(-0.01, -0.02)));

        Generation plain = engine.generate(GenerationRequest.of("plain", SamplingParameters.defaults())).block(GUARD);
        assertThat(plain.logprobs()).isEmpty();
        assertThatThrownBy(() -> Script.text("x", Duration.ZERO).withLogprobs(0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.contemplate.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplingParametersTest {

    @Test
    void rejectsOutOfRangeValuesNamingThem() {
        assertThatThrownBy(() -> SamplingParameters.builder().temperature(-0.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> SamplingParameters.builder().topP(0).build())
                .hasMessageContaining("topP");
        assertThatThrownBy(() -> SamplingParameters.builder().maxTokens(0).build())
                .hasMessageContaining("maxTokens");
        assertThatThrownBy(() -> SamplingParameters.builder().topK(-1).build())
                .hasMessageContaining("topK");
        assertThatThrownBy(() -> SamplingParameters.builder().stop(List.of("")).build())
                .hasMessageContaining("stop");
        assertThatThrownBy(() -> GenerationRequest.of("q", SamplingParameters.defaults()).withSampling(null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void memberIOfASeededGroupSamplesWithSeedPlusIAndAnUnseededGroupStaysUnseeded() {
        SamplingParameters seeded = SamplingParameters.builder().temperature(0.7).seed(40).build();
        assertThat(seeded.forMember(0)).isEqualTo(seeded);
        assertThat(seeded.forMember(2).seed()).hasValue(42);
        assertThat(seeded.forMember(2).temperature()).isEqualTo(0.7);
        SamplingParameters unseeded = SamplingParameters.builder().noSeed().build();
        assertThat(unseeded.forMember(5)).isEqualTo(unseeded);
        assertThatThrownBy(() -> seeded.forMember(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void builderRoundTrips() {
        SamplingParameters p = SamplingParameters.builder().temperature(0.7).topP(0.9).topK(5).maxTokens(12)
                .stop(List.of("\n")).seed(3).build();
        assertThat(p.toBuilder().build()).isEqualTo(p);
        assertThat(p.seed()).hasValue(3);
        assertThat(p.toBuilder().noSeed().build().seed()).isEmpty();
    }
}

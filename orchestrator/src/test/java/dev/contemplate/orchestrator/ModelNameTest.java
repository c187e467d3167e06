package dev.contemplate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The contemplate model-name grammar shared by the LangChain4j models and the server. */
class ModelNameTest {

    @Test
    void readsEveryContemplateName() {
        assertThat(ModelName.parse("contemplate")).hasValue(new ModelName(Mode.CONTEMPLATE, OptionalInt.empty()));
        assertThat(ModelName.parse(" Contemplate-Contemplate ")).hasValue(new ModelName(Mode.CONTEMPLATE,
                OptionalInt.empty()));
        assertThat(ModelName.parse("contemplate-auto")).hasValue(new ModelName(Mode.AUTO, OptionalInt.empty()));
        assertThat(ModelName.parse("CONTEMPLATE-FAST")).hasValue(new ModelName(Mode.FAST, OptionalInt.empty()));
        assertThat(ModelName.parse("contemplate-12")).hasValue(new ModelName(Mode.CONTEMPLATE, OptionalInt.of(12)));
        assertThat(ModelName.parse("gpt-4o")).isEmpty();
        assertThat(ModelName.parse("contemplator")).isEmpty();
        assertThat(ModelName.parse(null)).isEmpty();
    }

    @Test
    void malformedNamesAreRejectedByName() {
        for (String name : List.of("contemplate-x", "contemplate-0", "contemplate-", "contemplate-3x",
                "contemplate-99999999999")) {
            assertThatThrownBy(() -> ModelName.parse(name)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + name + "'").hasMessageContaining(ModelName.GRAMMAR);
        }
    }

    @Test
    void canonicalNamesRoundTripAndAnAgentCountOnlyLowersTheBudget() {
        for (String name : List.of("contemplate", "contemplate-auto", "contemplate-fast", "contemplate-7")) {
            assertThat(ModelName.parse(name).orElseThrow().canonical()).isEqualTo(name);
        }
        Budget base = Budget.builder().deadline(Duration.ofSeconds(3)).maxAgents(5).maxTotalTokens(99).build();
        assertThat(ModelName.parse("contemplate-3").orElseThrow().budget(base))
                .isEqualTo(new Budget(Duration.ofSeconds(3), 3, 99));
        assertThat(ModelName.parse("contemplate-9").orElseThrow().budget(base)).isEqualTo(base);
        assertThat(ModelName.parse("contemplate-auto").orElseThrow().budget(base)).isSameAs(base);
        assertThatThrownBy(() -> new ModelName(Mode.FAST, OptionalInt.of(2))).hasMessageContaining("FAST");
    }
}

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

    @Test
    void contemplateNAsksForNAgentsCappedAtTheCeilingNeverRefused() {
        Budget base = Budget.builder().deadline(Duration.ofSeconds(3)).maxAgents(4).maxTotalTokens(99).build();
        // above the budget's own limit, within the ceiling: N replaces the limit
        assertThat(ModelName.parse("contemplate-6").orElseThrow().budget(base, 8))
                .isEqualTo(new Budget(Duration.ofSeconds(3), 6, 99));
        // above the ceiling: capped, not refused
        assertThat(ModelName.parse("contemplate-50").orElseThrow().budget(base, 8))
                .isEqualTo(new Budget(Duration.ofSeconds(3), 8, 99));
        assertThat(ModelName.parse("contemplate-2").orElseThrow().budget(base, 8).maxAgents()).isEqualTo(2);
        // the names without N keep the budget, whatever the ceiling
        for (ModelName name : List.of(ModelName.CONTEMPLATE, ModelName.AUTO, ModelName.FAST)) {
            assertThat(name.budget(base, 8)).isSameAs(base);
        }
        // the one-argument form: the budget is its own ceiling
        assertThat(ModelName.agents(6).budget(base)).isEqualTo(ModelName.agents(6).budget(base, base.maxAgents()));
        assertThatThrownBy(() -> ModelName.agents(2).budget(base, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> ModelName.agents(0)).hasMessageContaining("0");
    }

    @Test
    void servedNamesAreTheCanonicalNamesUpToTheCeilingAndEachParsesBack() {
        List<ModelName> served = ModelName.served(3);
        assertThat(served).extracting(ModelName::canonical).containsExactly("contemplate", "contemplate-auto",
                "contemplate-fast", "contemplate-1", "contemplate-2", "contemplate-3");
        assertThat(served).allSatisfy(n -> assertThat(ModelName.parse(n.canonical())).hasValue(n));
        assertThatThrownBy(() -> ModelName.served(0)).hasMessageContaining("0");
    }
}

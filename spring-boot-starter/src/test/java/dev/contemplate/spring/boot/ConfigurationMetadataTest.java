package dev.contemplate.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.json.JsonParserFactory;

/** What the jar tells IDEs and Spring Boot: the generated property metadata and the auto-configuration's entry. */
class ConfigurationMetadataTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = ConfigurationMetadataTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name + " on the class path").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> properties() throws IOException {
        Map<String, Object> metadata = JsonParserFactory.getJsonParser()
                .parseMap(resource("META-INF/spring-configuration-metadata.json"));
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (Object p : (List<Object>) metadata.get("properties")) {
            Map<String, Object> property = (Map<String, Object>) p;
            byName.put((String) property.get("name"), property);
        }
        return byName;
    }

    @Test
    void theGeneratedMetadataListsEveryPropertyWithItsTypeAndADescription() throws IOException {
        Map<String, Map<String, Object>> properties = properties();

        assertThat(properties).containsOnlyKeys("contemplate.enabled", "contemplate.mode", "contemplate.agents",
                "contemplate.stopping-rule", "contemplate.protocol", "contemplate.vote", "contemplate.extractor",
                "contemplate.judge", "contemplate.temperature", "contemplate.seed", "contemplate.max-tokens-per-agent", "contemplate.waves",
                "contemplate.answer-only", "contemplate.max-in-flight", "contemplate.chat-model-bean",
                "contemplate.streaming-chat-model-bean", "contemplate.budget.deadline",
                "contemplate.budget.max-tokens", "contemplate.guard.enabled", "contemplate.guard.instance",
                "contemplate.guard.hedge-after", "contemplate.guard.max-hedges");
        assertThat(properties.values()).allSatisfy(p -> assertThat((String) p.get("description")).isNotBlank());
        assertThat(properties.get("contemplate.mode").get("type")).isEqualTo("dev.contemplate.orchestrator.Mode");
        assertThat(properties.get("contemplate.budget.deadline").get("type")).isEqualTo("java.time.Duration");
        assertThat(properties.get("contemplate.guard.hedge-after").get("type")).isEqualTo("java.time.Duration");
    }

    @Test
    void theMetadataShowsTheDefaults() throws IOException {
        Map<String, Map<String, Object>> properties = properties();

        Map<String, Object> defaults = new LinkedHashMap<>();
        properties.forEach((name, p) -> {
            if (p.get("defaultValue") != null) {
                defaults.put(name, p.get("defaultValue"));
            }
        });
        assertThat(defaults).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("contemplate.enabled", false),
                Map.entry("contemplate.mode", "contemplate"),
                Map.entry("contemplate.agents", 5),
                Map.entry("contemplate.stopping-rule", "beta:0.95"),
                Map.entry("contemplate.protocol", "independent"),
                Map.entry("contemplate.temperature", 0.7),
                Map.entry("contemplate.max-tokens-per-agent", 1024),
                Map.entry("contemplate.answer-only", false),
                Map.entry("contemplate.max-in-flight", 16),
                Map.entry("contemplate.budget.deadline", "60s"),
                Map.entry("contemplate.guard.enabled", false),
                Map.entry("contemplate.guard.instance", "contemplate"),
                Map.entry("contemplate.guard.max-hedges", 1)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSpecPropertiesOfferTheirValuesAsHints() throws IOException {
        Map<String, Object> metadata = JsonParserFactory.getJsonParser()
                .parseMap(resource("META-INF/spring-configuration-metadata.json"));
        Map<String, List<Object>> hints = new LinkedHashMap<>();
        for (Object h : (List<Object>) metadata.get("hints")) {
            Map<String, Object> hint = (Map<String, Object>) h;
            hints.put((String) hint.get("name"), ((List<Object>) hint.get("values")).stream()
                    .map(v -> ((Map<String, Object>) v).get("value")).toList());
        }

        assertThat(hints).containsOnlyKeys("contemplate.stopping-rule", "contemplate.vote", "contemplate.extractor",
                "contemplate.judge", "contemplate.protocol");
        assertThat(hints.get("contemplate.protocol")).contains("independent", "debate:2", "refine:2", "moa:2");
        assertThat(hints.get("contemplate.vote")).contains("semantic", "majority", "weighted");
        assertThat(hints.get("contemplate.judge")).contains("usc", "synthesis");
        assertThat(hints.get("contemplate.stopping-rule")).contains("beta:0.95", "unassailable");
    }

    @Test
    void theAutoConfigurationIsRegistered() throws IOException {
        assertThat(resource("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
                .lines().map(String::strip)).contains(ContemplateAutoConfiguration.class.getName());
    }
}

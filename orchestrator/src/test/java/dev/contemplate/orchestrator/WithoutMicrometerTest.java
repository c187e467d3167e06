package dev.contemplate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A contemplator built without registries needs no Micrometer class: in a class loader whose class path lacks every
 * Micrometer jar, a contemplation runs to its verdict and no Micrometer class is even asked for (beyond Reactor's own
 * probe for the optional context-propagation library).
 */
class WithoutMicrometerTest {

    /** Loads its own copy of every class on the class path except Micrometer's, recording what was asked for. */
    private static final class NoMicrometerLoader extends URLClassLoader {
        final Set<String> micrometerRequests = ConcurrentHashMap.newKeySet();

        NoMicrometerLoader(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.micrometer.")) {
                micrometerRequests.add(name);
            }
            return super.loadClass(name, resolve);
        }
    }

    /** Runs in the isolated loader: one scripted FAST contemplation. */
    public static final class Probe implements Supplier<String> {
        @Override
        public String get() {
            ScriptedEngine engine = ScriptedEngine.constant(Script.text("The answer is 12.", Duration.ofMillis(1)));
            Contemplator c = Contemplator.builder().engine(engine).team(Team.builder().size(3).build())
                    .extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed()).build();
            return c.contemplate("What is 3 times 4?").block(Duration.ofSeconds(10)).answer().key();
        }
    }

    private static URL[] classPathWithoutMicrometer() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            String name = new File(entry).getName();
            if (!entry.isEmpty() && !name.startsWith("micrometer-") && !name.startsWith("context-propagation-")) {
                try {
                    urls.add(new File(entry).toURI().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return urls.toArray(URL[]::new);
    }

    @Test
    void aContemplatorWithoutRegistriesRunsWithoutMicrometerOnTheClassPath() throws Exception {
        URL[] urls = classPathWithoutMicrometer();
        assertThat(Arrays.stream(urls).map(URL::getPath)).anyMatch(p -> p.contains("reactor-core"));
        try (NoMicrometerLoader loader = new NoMicrometerLoader(urls)) {
            assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
                    .isInstanceOf(ClassNotFoundException.class);
            loader.micrometerRequests.clear();

            Class<?> probe = loader.loadClass(Probe.class.getName());
            assertThat(probe.getClassLoader()).isSameAs(loader);
            @SuppressWarnings("unchecked")
            Supplier<String> run = (Supplier<String>) probe.getDeclaredConstructor().newInstance();
            assertThat(run.get()).isEqualTo("12");
            // Reactor itself probes for the context-propagation library (io.micrometer.context), which is optional
            assertThat(loader.micrometerRequests).filteredOn(n -> !n.startsWith("io.micrometer.context.")).isEmpty();
        }
    }
}

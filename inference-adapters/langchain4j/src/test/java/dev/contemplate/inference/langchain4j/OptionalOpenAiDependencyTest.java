package dev.contemplate.inference.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code langchain4j-open-ai} is an optional dependency: the engine works for other providers without it (and
 * reports no log-probabilities), and asking for OpenAI seeds or log-probabilities without it fails clearly when the
 * engine is built.
 */
class OptionalOpenAiDependencyTest {

    @Test
    void theEngineRunsWithoutLangChain4jOpenAiOnTheClassPath() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !entry.contains("langchain4j-open-ai")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThat(isolated.getResource("dev/langchain4j/model/openai/OpenAiChatRequestParameters.class"))
                    .isNull();
            assertThat(isolated.getResource("dev/langchain4j/model/chat/ChatModel.class")).isNotNull();
            Class<?> probe = isolated.loadClass(WithoutOpenAiProbe.class.getName());
            assertThat(probe.getClassLoader()).isSameAs(isolated);

            assertThat(probe.getMethod("run").invoke(null)).isEqualTo("hello seeds=false logprobs=false");
            assertThat((String) probe.getMethod("openAiSeedsError").invoke(null))
                    .contains("langchain4j-open-ai");
            assertThat((String) probe.getMethod("openAiLogprobsError").invoke(null))
                    .contains("logprobs(true)").contains("langchain4j-open-ai");
        }
    }
}

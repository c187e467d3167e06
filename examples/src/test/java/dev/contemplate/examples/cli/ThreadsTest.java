package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import java.io.IOException;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A run leaves no non-daemon thread behind, so the process can exit as soon as the command returns. */
class ThreadsTest {

    private static Set<Thread> nonDaemon() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    private static String names(Set<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().collect(Collectors.joining(", "));
    }

    @Test
    void everyEngineLeavesNoNonDaemonThread() throws IOException {
        Set<Thread> before = nonDaemon();
        try (OpenAiTestServer server = OpenAiTestServer.replying(body -> "The answer is 42.")) {
            assertThat(Cli.run("ask", "--base-url", server.baseUrl(), "--model", "m", "-n", "3", "q").exitCode())
                    .isZero();
        }
        assertThat(Cli.run("ask", "--engine", "simulated", "q").exitCode()).isZero();
        assertThat(Cli.run("ask", "--engine", "simulated", "--vote", "semantic", "q").exitCode()).isZero();
        assertThat(Cli.run("ask", "-n", "3", "What is 12+30-5+7?").exitCode()).isZero();
        Set<Thread> after = nonDaemon();
        after.removeAll(before);
        assertThat(after).as(names(after)).isEmpty();
    }
}

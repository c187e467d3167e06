package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code serve}, like the other commands (see {@link ThreadsTest}), leaves no non-daemon thread behind once stopped,
 * so the process can exit; its server threads are gone too.
 */
class ServeThreadsTest {

    private static Set<Thread> nonDaemon() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }

    @Test
    void serveLeavesNoThreadBehind() throws Exception {
        Set<Thread> before = nonDaemon();
        HttpClient client = HttpClient.newHttpClient();
        try (Serving serving = new Serving("--agents", "2")) {
            for (boolean stream : new boolean[] {false, true}) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create(serving.baseUrl() + "/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"contemplate\",\"stream\":" + stream
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is 1+2+3+4?\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            assertThat(serving.stop()).isZero();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && t.getName().startsWith("contemplate-server"));
        // Netty reports the end of its event loops on its global executor, a non-daemon thread that ends by itself a
        // second after its last task: wait for it to go rather than flag it
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Set<Thread> left = nonDaemon();
        left.removeAll(before);
        while (!left.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(50);
            left = nonDaemon();
            left.removeAll(before);
        }
        assertThat(left).extracting(Thread::getName).isEmpty();
    }
}

package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code contemplate load} over the simulated engine on a real clock, kept short. */
class LoadCommandTest {

    @Test
    void concurrentContemplationsOverOneSimulatedEngineAllEndWithoutLossOrHang() {
        Cli.Result r = Cli.run("load", "--engine", "simulated", "--contemplations", "200", "--concurrency", "50",
                "--agents", "8", "--seed", "7", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("lost").asInt()).isZero();
        assertThat(json.path("hung").asInt()).isZero();
        assertThat(json.path("clock").asText()).isEqualTo("real");
        assertThat(json.path("contemplations").asInt()).isEqualTo(200);
        assertThat(json.path("verdicts").asInt() + json.path("failed").asInt() + json.path("lost").asInt()
                + json.path("hung").asInt()).isEqualTo(200);
        assertThat(json.path("incomplete").asInt()).isBetween(0, json.path("verdicts").asInt());
        assertThat(json.path("throughputPerSecond").asDouble()).isPositive();
        JsonNode lat = json.path("latencyMs");
        assertThat(lat.path("p50").asDouble()).isPositive().isLessThanOrEqualTo(lat.path("p99").asDouble());
        assertThat(lat.path("p99").asDouble()).isLessThanOrEqualTo(lat.path("max").asDouble())
                .isLessThan(10_000 + 1_000);
        assertThat(json.path("threads").path("peak").asLong())
                .isGreaterThanOrEqualTo(json.path("threads").path("start").asLong());
        assertThat(json.path("heap").path("peakBytes").asLong()).isPositive();
        assertThat(json.path("heap").path("endAfterGcBytes").asLong()).isPositive();
        assertThat(json.path("warmup").asInt()).isEqualTo(20);
        assertThat(json.path("heap").path("rawStartAfterGcBytes").asLong()).isPositive();
        assertThat(json.path("heap").path("startAfterGcBytes").asLong()).isPositive();
        assertThat(json.path("heap").has("rawGrowthPercent")).isTrue();
    }

    @Test
    void scaledLatenciesMakeASequentialRunFastAndTheSummaryIsReadable() {
        Cli.Result r = Cli.run("load", "--engine", "simulated", "-c", "10", "-k", "1", "-n", "3", "--latency-scale",
                "0.01", "--budget", "2s");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("10 contemplations of 3 agents, 1 at a time", "0 lost, 0 hung", "latencies x0.01",
                "Throughput", "p50", "Threads", "after GC", "after the warm-up", "before any contemplation");
    }

    @Test
    void warmUpContemplationsAreNotCounted() {
        Cli.Result r = Cli.run("load", "--engine", "simulated", "-c", "5", "-k", "1", "-n", "2", "--warmup", "3",
                "--latency-scale", "0.01", "--seed", "11", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("warmup").asInt()).isEqualTo(3);
        assertThat(json.path("verdicts").asInt() + json.path("failed").asInt() + json.path("lost").asInt()
                + json.path("hung").asInt()).isEqualTo(5);
        Cli.Result none = Cli.run("load", "--engine", "simulated", "-c", "2", "-k", "1", "-n", "2", "--warmup", "0",
                "--latency-scale", "0.01", "--json");
        assertThat(none.exitCode()).as(none.err()).isZero();
        assertThat(none.json().path("warmup").asInt()).isZero();
    }

    @Test
    void badOptionsAreOneLineWithExitCode2NamingTheValue() {
        List<List<String>> cases = List.of(
                List.of("--contemplations", "0"),
                List.of("--concurrency", "-3"),
                List.of("--agents", "1001"),
                List.of("--budget", "soon"),
                List.of("--slack", "0s"),
                List.of("--stop", "nope"),
                List.of("--latency-scale", "0"),
                List.of("--warmup", "-1"),
                List.of("--contemplations", "x"));
        for (List<String> bad : cases) {
            List<String> args = new java.util.ArrayList<>(List.of("load", "--engine", "simulated"));
            args.addAll(bad);
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as("%s: %s", bad, r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.errLines()).as("%s", bad).singleElement().asString().contains(bad.get(1));
            assertThat(r.out()).isEmpty();
        }
        Cli.Result engine = Cli.run("load", "--engine", "warp");
        assertThat(engine.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(engine.err()).contains("'warp'");
        Cli.Result scale = Cli.run("load", "--engine", "embedded", "--latency-scale", "0.5");
        assertThat(scale.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(scale.err()).contains("--latency-scale", "--engine simulated");
    }
}

package dev.contemplate.orchestrator.bench;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The orchestrator's own cost per contemplation on a zero-latency engine, against a hand-written
 * CompletableFuture fan-out that does the same work (build each agent's request, extract, count, pick the
 * majority) with none of the budget, event or cancellation machinery.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class OrchestratorOverheadBenchmark {

    @Param({"1", "8", "32"})
    public int agents;

    private ZeroLatencyEngine engine;
    private Contemplator contemplator;
    private Team team;
    private AnswerExtractor extractor;
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setUp() {
        engine = new ZeroLatencyEngine();
        team = Team.builder().size(agents).seed(1).build();
        extractor = AnswerExtractors.numeric();
        contemplator = Contemplator.builder().engine(engine).team(team).extractor(extractor)
                .stoppingRule(StoppingRules.fixed()).build();
        pool = Executors.newFixedThreadPool(2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    @Benchmark
    public Verdict contemplator() {
        return contemplator.contemplate("What is 54+39-25+73?").block();
    }

    @Benchmark
    public String completableFutureFanOut() {
        List<CompletableFuture<Optional<Answer>>> futures = new ArrayList<>(agents);
        for (Agent a : team.agents()) {
            futures.add(CompletableFuture.supplyAsync(() -> extractor.extract(
                    engine.generateNow(a.request("What is 54+39-25+73?", List.of())).text()), pool));
        }
        Map<String, Integer> counts = new HashMap<>();
        for (CompletableFuture<Optional<Answer>> f : futures) {
            f.join().ifPresent(ans -> counts.merge(ans.key(), 1, Integer::sum));
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
}

package dev.contemplate.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.agents.Persona;
import dev.contemplate.agents.PromptStyle;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.simulated.Scenario;
import dev.contemplate.inference.simulated.SimulatedEngine;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code contemplate load}: a load test of one shared engine. Runs C contemplations of N agents, K at a time, in real
 * time over one engine, and reports throughput, latency percentiles, how every contemplation ended, and what the JVM
 * spent (live threads, heap).
 *
 * <p>Every contemplation ends in exactly one of four ways, so {@code verdicts + failed + lost + hung == C}:
 * <ul>
 *   <li>a <b>verdict</b> (complete, or incomplete when cut short by the budget);</li>
 *   <li><b>failed</b>: a typed {@link ContemplationException} (no agent answered in time, every agent failed), a
 *       legitimate outcome under load;</li>
 *   <li><b>lost</b>: neither, a bug: any other exception, or a {@code Mono} that completed empty;</li>
 *   <li><b>hung</b>: not ended by the deadline plus the slack ({@code --slack}, 1 s by default), a bug: a watchdog
 *       of deadline + slack cancels it and counts it.</li>
 * </ul>
 *
 * <p>The simulated engine runs here on a real clock (the parallel scheduler), not the virtual clock of {@code ask}
 * and {@code bench}, with the realistic latencies of {@link SimulatedScenarios} (first token after 150-400 ms, then
 * about 25 ms a token); {@code --latency-scale F} multiplies both by F, e.g. 0.01 for long sequential runs. Each
 * contemplation asks its own arithmetic question ({@code What is 54+39-25+73?}), drawn from the seed, that every
 * engine reads, and its agent i samples with seed S + 1000 c + i.
 *
 * <p>Heap is measured after forced collections three times: once the engine has started (the raw start), after
 * {@code --warmup W} contemplations that are run first and not counted (the baseline: the first contemplation of a JVM
 * loads and initialises the classes of every layer it passes through, 0.4 to 1 MB of heap that stays for the JVM's
 * life and is no growth of the load; the warm-up asks questions of a stream of its own, so the measured questions do
 * not depend on W), and after the last contemplation. The growth is reported against both starts.
 * The run's own bookkeeping (one latency and one outcome per contemplation) is allocated before either start is
 * measured and nothing else is kept per contemplation, so what grows between the baseline and the end is what the
 * engine and the orchestrator keep. Threads and heap in use are sampled every {@value LoadProbe#SAMPLE_MS} ms while
 * the measured contemplations run.
 */
@Command(name = "load", header = "Load-tests one shared engine: C contemplations, K at a time.", sortOptions = false,
        usageHelpAutoWidth = true, mixinStandardHelpOptions = true, versionProvider = ContemplateCli.Version.class,
        description = {
            "Runs C contemplations of N agents, K at a time, in real time over one engine, and reports throughput, "
                    + "p50/p99/max latency, verdicts, failures (a typed contemplation error), lost contemplations (no "
                    + "verdict and no typed error: a bug), hung ones (not ended by the deadline plus the slack), peak "
                    + "live threads, peak heap, and the heap after garbage collection at the end against the start "
                    + "(after --warmup contemplations that are not counted) and against the heap before any "
                    + "contemplation.",
            "",
            "The simulated engine runs on a real clock here, with realistic latencies (first token after 150-400 ms, "
                    + "then about 25 ms a token); --latency-scale scales them."},
        footer = {"%nExamples:",
            "  contemplate load --engine simulated --contemplations 1000 --concurrency 1000 --agents 8",
            "  contemplate load --engine simulated --contemplations 10000 --concurrency 1 --latency-scale 0.01",
            "  contemplate load --engine embedded --contemplations 64 --concurrency 64 --json"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every contemplation ended with a verdict or a typed failure",
            "1:a contemplation was lost or hung (the report is printed first)",
            "2:bad input (options)",
            "3:no engine available (server unreachable, embedded engine missing)"})
final class LoadCommand implements java.util.concurrent.Callable<Integer> {

    /** The most contemplations and the most in flight at once. */
    static final int MAX_CONTEMPLATIONS = 10_000_000;
    static final int MAX_CONCURRENCY = 100_000;
    /** The most warm-up contemplations. */
    static final int MAX_WARMUP = 100_000;

    @ParentCommand
    ContemplateCli parent;

    @Option(names = {"-c", "--contemplations"}, paramLabel = "C", defaultValue = "100",
            description = "Contemplations to run. Default: ${DEFAULT-VALUE}.")
    int contemplations = 100;

    @Option(names = {"-k", "--concurrency"}, paramLabel = "K", defaultValue = "10",
            description = "Contemplations in flight at once. Default: ${DEFAULT-VALUE}.")
    int concurrency = 10;

    @Option(names = {"-n", "--agents"}, paramLabel = "N", defaultValue = "8",
            description = "Agents of each contemplation (at most " + ContemplateCli.MAX_AGENTS + "). Default: "
                    + "${DEFAULT-VALUE}.")
    int agents = 8;

    @Option(names = "--budget", paramLabel = "DURATION", defaultValue = "10s",
            description = "Latency budget of each contemplation. Default: ${DEFAULT-VALUE}.")
    String budget = "10s";

    @Option(names = "--slack", paramLabel = "DURATION", defaultValue = "1s",
            description = "A contemplation not ended by its deadline plus this is hung: cancelled and counted. "
                    + "Default: ${DEFAULT-VALUE}.")
    String slack = "1s";

    @Option(names = "--stop", paramLabel = "RULE", defaultValue = "beta:0.95",
            description = "Stopping rule: " + StoppingRules.SPECS + ". Default: ${DEFAULT-VALUE}.")
    String stop = "beta:0.95";

    @Option(names = "--latency-scale", paramLabel = "F",
            description = "Simulated engine only: multiply its first-token and per-token latencies by F (0 < F <= "
                    + "100), e.g. 0.01 for long runs. Default: 1.")
    @Nullable Double latencyScale;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "20",
            description = "Contemplations run before the measured ones and not counted; the heap baseline is taken "
                    + "after them (the heap before any contemplation is reported too). Default: ${DEFAULT-VALUE}.")
    int warmup = 20;

    @Option(names = "--seed", paramLabel = "S", description = "Base seed. Default: a random seed, reported.")
    @Nullable Long seed;

    @Option(names = "--json", description = "Print exactly one JSON object instead of the summary.")
    boolean json;

    @Mixin
    EngineOptions engineOptions = new EngineOptions();

    /** Offsets the base seed of the warm-up's question stream from the measured one's. */
    private static final long WARMUP_STREAM = 0x9E3779B97F4A7C15L;

    /** How one contemplation ended. */
    enum End { VERDICT, INCOMPLETE, FAILED, LOST, HUNG }

    /** One contemplation's end, its latency, and for a lost one why. */
    record Ended(End end, long nanos, @Nullable String why) {
    }

    /** The engine under load: how a contemplation's team is made and its question read, and how it is closed. */
    private record Rig(InferenceEngine engine, String description, BiFunction<Integer, Long, Team> teams,
            Function<String, String> reader, Runnable closer) {
    }

    @Override
    public Integer call() {
        check(contemplations >= 1 && contemplations <= MAX_CONTEMPLATIONS, "--contemplations must be between 1 and "
                + MAX_CONTEMPLATIONS + " but was " + contemplations);
        check(concurrency >= 1 && concurrency <= MAX_CONCURRENCY, "--concurrency must be between 1 and "
                + MAX_CONCURRENCY + " but was " + concurrency);
        check(warmup >= 0 && warmup <= MAX_WARMUP, "--warmup must be between 0 and " + MAX_WARMUP + " but was "
                + warmup);
        ContemplateCli.checkAgents(agents);
        Duration deadline = duration(budget, "--budget");
        Duration grace = duration(slack, "--slack");
        check(!deadline.isZero(), "--budget must be positive but was " + CliException.quote(budget));
        StoppingRule rule;
        try {
            rule = StoppingRules.parse(stop);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(CliException.quoting(e.getMessage(), stop), e);
        }
        EngineOptions.Config config = engineOptions.resolve(parent.env());
        boolean simulated = config.kind() == EngineOptions.Kind.SIMULATED;
        if (latencyScale != null) {
            check(simulated, "--latency-scale is an option of --engine simulated, not of --engine "
                    + config.kind().label());
            check(latencyScale > 0 && latencyScale <= 100, "--latency-scale must be above 0 and at most 100 but was "
                    + latencyScale);
        }
        double scale = latencyScale == null ? 1 : latencyScale;
        long base = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
        long lastSeed = base + (long) ContemplateCli.MAX_AGENTS * (Math.max(contemplations, warmup) - 1) + agents - 1;
        check(config.kind() != EngineOptions.Kind.OPENAI || (base >= 0 && lastSeed <= Integer.MAX_VALUE),
                "with the openai engine, seeds travel as 32-bit integers: --seed plus 1000 per contemplation must "
                        + "stay below " + Integer.MAX_VALUE);

        Rig rig = simulated ? simulatedRig(base, scale) : setupRig(config, base, deadline);
        try {
            return run(rig, rule, deadline, grace, base, scale, simulated);
        } finally {
            rig.closer().run();
        }
    }

    private int run(Rig rig, StoppingRule rule, Duration deadline, Duration grace, long base, double scale,
            boolean simulated) {
        Budget perCall = Budget.builder().deadline(deadline).build();
        Duration watchdog = deadline.plus(grace);
        String[] questions = new String[contemplations];
        Random random = new Random(base);
        for (int i = 0; i < contemplations; i++) {
            questions[i] = rig.reader().apply(question(random));
        }
        // the warm-up asks questions of a stream of its own, so the measured questions do not depend on W
        Random warmupRandom = new Random(base + WARMUP_STREAM);
        String[] warmupQuestions = new String[warmup];
        for (int i = 0; i < warmup; i++) {
            warmupQuestions[i] = rig.reader().apply(question(warmupRandom));
        }
        // everything kept per contemplation is allocated here, before the heap is measured
        long[] nanos = new long[contemplations];
        End[] ends = new End[contemplations];
        Map<String, Integer> lostWhy = new TreeMap<>();
        long heapRaw = LoadProbe.heapAfterGc();
        Flux.range(0, warmup)
                .flatMap(i -> one(rig, rule, perCall, watchdog, base, i, warmupQuestions[i]), concurrency)
                .blockLast();
        long heapStart = LoadProbe.heapAfterGc();
        long start;
        long wall;
        long peakThreads;
        long peakHeap;
        int startThreads;
        try (LoadProbe probe = new LoadProbe()) {
            startThreads = probe.startThreads();
            start = System.nanoTime();
            Flux.range(0, contemplations)
                    .flatMap(i -> one(rig, rule, perCall, watchdog, base, i, questions[i])
                            .doOnNext(e -> {
                                nanos[i] = e.nanos();
                                ends[i] = e.end();
                                if (e.why() != null) {
                                    synchronized (lostWhy) {
                                        lostWhy.merge(e.why(), 1, Integer::sum);
                                    }
                                }
                            }), concurrency)
                    .blockLast();
            wall = System.nanoTime() - start;
            peakThreads = probe.peakThreads();
            peakHeap = probe.peakHeap();
        }
        long heapEnd = LoadProbe.heapAfterGc();
        int[] counts = new int[End.values().length];
        int endedCount = 0;
        long[] latencies = new long[contemplations];
        for (int i = 0; i < contemplations; i++) {
            counts[ends[i].ordinal()]++;
            if (ends[i] != End.HUNG) {
                latencies[endedCount++] = nanos[i];
            }
        }
        long[] sorted = LoadProbe.sorted(java.util.Arrays.copyOf(latencies, endedCount));
        double seconds = wall / 1e9;
        double growth = 100.0 * (heapEnd - heapStart) / Math.max(1, heapStart);
        double rawGrowth = 100.0 * (heapEnd - heapRaw) / Math.max(1, heapRaw);
        int lost = counts[End.LOST.ordinal()];
        int hung = counts[End.HUNG.ordinal()];
        ObjectNode o = Json.object();
        o.put("engine", rig.description());
        o.put("simulated", simulated);
        o.put("clock", "real");
        if (simulated) {
            o.put("latencyScale", scale);
        }
        o.put("contemplations", contemplations);
        o.put("concurrency", concurrency);
        o.put("warmup", warmup);
        o.put("agents", agents);
        o.put("stoppingRule", rule.name());
        o.put("budgetMs", deadline.toMillis());
        o.put("slackMs", grace.toMillis());
        o.put("seed", base);
        o.put("verdicts", counts[End.VERDICT.ordinal()] + counts[End.INCOMPLETE.ordinal()]);
        o.put("incomplete", counts[End.INCOMPLETE.ordinal()]);
        o.put("failed", counts[End.FAILED.ordinal()]);
        o.put("lost", lost);
        o.put("hung", hung);
        lostWhy.forEach(o.putObject("lostReasons")::put);
        o.put("wallMs", wall / 1_000_000);
        o.put("throughputPerSecond", contemplations / seconds);
        ObjectNode lat = o.putObject("latencyMs");
        lat.put("p50", LoadProbe.quantile(sorted, 0.50) / 1e6);
        lat.put("p99", LoadProbe.quantile(sorted, 0.99) / 1e6);
        lat.put("max", sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        ObjectNode th = o.putObject("threads");
        th.put("start", startThreads);
        th.put("peak", peakThreads);
        ObjectNode heap = o.putObject("heap");
        heap.put("rawStartAfterGcBytes", heapRaw);
        heap.put("startAfterGcBytes", heapStart);
        heap.put("peakBytes", peakHeap);
        heap.put("endAfterGcBytes", heapEnd);
        heap.put("growthPercent", growth);
        heap.put("rawGrowthPercent", rawGrowth);
        PrintWriter out = parent.out();
        if (json) {
            out.println(Json.write(o));
        } else {
            out.print(human(o, lostWhy));
        }
        out.flush();
        return lost + hung > 0 ? ExitCodes.NO_ANSWER : ExitCodes.OK;
    }

    /** One contemplation, always ending in exactly one {@link Ended}: never an error, never empty, never late. */
    private Mono<Ended> one(Rig rig, StoppingRule rule, Budget perCall, Duration watchdog, long base, int i,
            String question) {
        return Mono.defer(() -> {
            long t0 = System.nanoTime();
            Contemplator contemplator = Contemplator.builder()
                    .engine(rig.engine())
                    .clock(Schedulers.parallel())
                    .team(rig.teams().apply(agents, base + (long) ContemplateCli.MAX_AGENTS * i))
                    .voting(Votings.majority(AnswerExtractors.parse("numeric")))
                    .stoppingRule(rule)
                    .mode(Mode.CONTEMPLATE)
                    .budget(perCall)
                    .build();
            return contemplator.contemplate(question, Mode.CONTEMPLATE, perCall)
                    .map(v -> new Ended(v.complete() ? End.VERDICT : End.INCOMPLETE, System.nanoTime() - t0, null))
                    .onErrorResume(e -> Mono.just(e instanceof ContemplationException
                            ? new Ended(End.FAILED, System.nanoTime() - t0, null)
                            : new Ended(End.LOST, System.nanoTime() - t0, e.getClass().getSimpleName() + ": "
                                    + CliException.oneLine(String.valueOf(e.getMessage())))))
                    .switchIfEmpty(Mono.fromSupplier(() -> new Ended(End.LOST, System.nanoTime() - t0,
                            "completed empty")))
                    .timeout(watchdog, Mono.fromSupplier(() -> new Ended(End.HUNG, System.nanoTime() - t0, null)));
        });
    }

    /** Returns an arithmetic question every engine reads: a start number and three additions or subtractions. */
    static String question(Random random) {
        StringBuilder b = new StringBuilder("What is ").append(1 + random.nextInt(99));
        for (int k = 0; k < 3; k++) {
            b.append(random.nextBoolean() ? '+' : '-').append(1 + random.nextInt(99));
        }
        return b.append('?').toString();
    }

    private Rig simulatedRig(long base, double scale) {
        Function<String, Scenario> scenarios = SimulatedScenarios.forQuestions();
        Function<String, Scenario> scaled = scale == 1 ? scenarios : q -> scaled(scenarios.apply(q), scale);
        SimulatedEngine engine = SimulatedEngine.builder().scenario(scaled::apply).scheduler(Schedulers.parallel())
                .seed(base).build();
        BiFunction<Integer, Long, Team> teams = (size, s) -> Team.builder()
                .size(size)
                .personas(List.of(Persona.PLAIN))
                .styles(List.of(PromptStyle.PLAIN))
                .temperatures(List.of(EngineSetup.DEFAULT_TEMPERATURE))
                .sampling(SamplingParameters.builder().maxTokens(256).build())
                .seed(s)
                .build();
        String description = engine.describe() + "; real clock"
                + (scale == 1 ? "" : String.format(Locale.ROOT, ", latencies x%s", scale));
        return new Rig(engine, description, teams, q -> q, engine::close);
    }

    /** Returns {@code s} with its first-token and per-token latencies multiplied by {@code scale}. */
    static Scenario scaled(Scenario s, double scale) {
        return s.toBuilder()
                .firstTokenLatency(Duration.ofNanos(Math.round(s.firstTokenLatency().toNanos() * scale)))
                .perTokenLatency(s.perTokenLogMeanMillis() + Math.log(scale), s.perTokenLogSigma())
                .build();
    }

    private Rig setupRig(EngineOptions.Config config, long base, Duration deadline) {
        int inFlight = (int) Math.min(Integer.MAX_VALUE, (long) agents * concurrency);
        EngineSetup setup = EngineSetup.open(config, new EngineSetup.Request(base, inFlight, deadline, null, null,
                SimulatedScenarios.forQuestions(), false));
        return new Rig(setup.engine(), setup.description(), setup::team,
                q -> setup.read(q).orElseThrow(() -> CliException.usage(EngineSetup.unreadable(q))), setup::close);
    }

    private static String human(ObjectNode o, Map<String, Integer> lostWhy) {
        StringBuilder b = new StringBuilder();
        line(b, "Engine", o.path("engine").asText());
        line(b, "Load", o.path("contemplations").asInt() + " contemplations of " + o.path("agents").asInt()
                + " agents, " + o.path("concurrency").asInt() + " at a time (after " + o.path("warmup").asInt()
                + " warm-up contemplations), rule " + o.path("stoppingRule").asText()
                + ", budget " + Durations.format(Duration.ofMillis(o.path("budgetMs").asLong())) + ", seed "
                + o.path("seed").asLong());
        line(b, "Ended", o.path("verdicts").asInt() + " verdicts (" + o.path("incomplete").asInt() + " incomplete), "
                + o.path("failed").asInt() + " failed, " + o.path("lost").asInt() + " lost, " + o.path("hung").asInt()
                + " hung (slack " + Durations.format(Duration.ofMillis(o.path("slackMs").asLong())) + ")");
        lostWhy.forEach((why, n) -> line(b, "Lost", n + " x " + why));
        line(b, "Throughput", String.format(Locale.ROOT, "%.1f contemplations/s over %.1f s",
                o.path("throughputPerSecond").asDouble(), o.path("wallMs").asLong() / 1000.0));
        var lat = o.path("latencyMs");
        line(b, "Latency", String.format(Locale.ROOT, "p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                lat.path("p50").asDouble(), lat.path("p99").asDouble(), lat.path("max").asDouble()));
        line(b, "Threads", "peak " + o.path("threads").path("peak").asLong() + " live (" + o.path("threads")
                .path("start").asLong() + " at the start)");
        var heap = o.path("heap");
        line(b, "Heap", String.format(Locale.ROOT, "peak %.1f MB; after GC %.1f MB at the end vs %.1f MB after the "
                + "warm-up (%+.1f %%) and %.1f MB before any contemplation (%+.1f %%)",
                heap.path("peakBytes").asLong() / 1e6, heap.path("endAfterGcBytes").asLong() / 1e6,
                heap.path("startAfterGcBytes").asLong() / 1e6, heap.path("growthPercent").asDouble(),
                heap.path("rawStartAfterGcBytes").asLong() / 1e6, heap.path("rawGrowthPercent").asDouble()));
        return b.toString();
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "%-11s %s%n", label, value));
    }

    private static Duration duration(String text, String option) {
        try {
            Duration d = Durations.parse(text);
            check(!d.isNegative(), option + " must not be negative but was " + CliException.quote(text));
            return d;
        } catch (IllegalArgumentException e) {
            throw CliException.usage(option + ": " + e.getMessage(), e);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw CliException.usage(message);
        }
    }
}

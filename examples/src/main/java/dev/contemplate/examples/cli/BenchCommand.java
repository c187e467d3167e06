package dev.contemplate.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code contemplate bench}: accuracy, latency and tokens over a data set, for several team sizes. */
@Command(name = "bench", header = "Measures accuracy, latency and tokens over a data set for several agent counts.",
        sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
        versionProvider = ContemplateCli.Version.class,
        description = {
            "Runs every question of a JSON-lines data set ({\"question\": ..., \"answer\": ...}; GSM8K's answer "
                    + "text ending in '#### N' is read as is) with each agent count, one contemplation at a time, "
                    + "and reports per agent count: accuracy, mean and p95 latency per question, mean samples used "
                    + "(agents started: answered, failed or cancelled), tokens and cancellations.",
            "",
            "N = 1 is one agent: the team's first persona (for the embedded model, its first strategy). It is "
                    + "the baseline, run even when not listed; every other count reports its latency ratio and its "
                    + "accuracy gain over it. Answers are compared by key after normalisation with the extractor "
                    + "(numbers with the numeric extractor: 72, 72.0 and $72 are the same). Agent i uses seed S+i "
                    + "for every question and count, so the counts share their first agents' samples.",
            "",
            "With the simulated engine, the data set's answer is the simulated truth, drawn with a "
                    + "question-dependent probability, and latencies are simulated on a virtual clock."},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  " + EngineOptions.ENV_BASE_URL + "  base URL of an OpenAI-compatible server; selects the",
            "                        openai engine when --engine is not given",
            "  " + EngineOptions.ENV_API_KEY + "   API key of that server",
            "  " + EngineOptions.ENV_MODEL + "     model name on that server",
            "",
            "Example:",
            "  contemplate bench --dataset heldout-500.jsonl --agents 1,8,9 --limit 100",
            "  contemplate bench --engine simulated --dataset gsm8k.jsonl --stop esc:5 --json"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the bench ran",
            "2:bad input (options, unreadable data set, a bad line with --strict)",
            "3:no engine available (server unreachable, embedded engine missing)"})
final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    ContemplateCli parent;

    @Option(names = "--dataset", paramLabel = "FILE", required = true,
            description = "JSON-lines data set: one {\"question\": ..., \"answer\": ...} per line.")
    @Nullable Path dataset;

    @Option(names = {"-n", "--agents"}, paramLabel = "N", split = ",", defaultValue = "1,8",
            description = "Agent counts to compare (1 is always run, as the baseline). Default: ${DEFAULT-VALUE}.")
    List<Integer> agents = List.of(1, 8);

    @Option(names = "--limit", paramLabel = "Q", description = "Use only the first Q readable questions.")
    @Nullable Integer limit;

    @Option(names = "--strict", description = "Fail on the first malformed line instead of skipping it.")
    boolean strict;

    @Mixin
    RunOptions run = new RunOptions();

    @Mixin
    EngineOptions engineOptions = new EngineOptions();

    /** Per agent count: what happened over the questions. */
    static final class Stats {
        final int agents;
        int questions;
        int correct;
        int noVerdict;
        int incomplete;
        long samples;
        long cancelled;
        TokenUsage tokens = TokenUsage.ZERO;
        final List<Long> latenciesMicros = new ArrayList<>();

        Stats(int agents) {
            this.agents = agents;
        }

        void add(EngineSetup.Outcome outcome, boolean right) {
            questions++;
            if (right) {
                correct++;
            }
            List<AgentOutcome> outcomes;
            if (outcome.verdict() != null) {
                outcomes = outcome.verdict().agents();
                tokens = tokens.plus(outcome.verdict().tokens());
                if (!outcome.verdict().complete()) {
                    incomplete++;
                }
            } else {
                noVerdict++;
                outcomes = outcome.failure() == null ? List.of() : outcome.failure().agents();
                for (AgentOutcome a : outcomes) {
                    tokens = tokens.plus(a.usage());
                }
            }
            for (AgentOutcome a : outcomes) {
                if (a.status() != AgentOutcome.Status.NOT_STARTED) {
                    samples++;
                }
                if (a.status() == AgentOutcome.Status.CANCELLED) {
                    cancelled++;
                }
            }
            latenciesMicros.add(outcome.latency().toNanos() / 1000);
        }

        double accuracy() {
            return questions == 0 ? 0 : (double) correct / questions;
        }

        double meanLatencyMs() {
            return latenciesMicros.stream().mapToLong(Long::longValue).average().orElse(0) / 1000;
        }

        /** The nearest-rank 95th percentile. */
        double p95LatencyMs() {
            if (latenciesMicros.isEmpty()) {
                return 0;
            }
            List<Long> sorted = new ArrayList<>(latenciesMicros);
            sorted.sort(null);
            int rank = (int) Math.ceil(0.95 * sorted.size());
            return sorted.get(Math.max(0, rank - 1)) / 1000.0;
        }

        double meanSamples() {
            return questions == 0 ? 0 : (double) samples / questions;
        }

        double meanTokens() {
            return questions == 0 ? 0 : (double) tokens.totalTokens() / questions;
        }
    }

    @Override
    public Integer call() {
        List<Integer> counts = counts();
        RunOptions.Settings settings = run.settings();
        if (limit != null && limit < 1) {
            throw CliException.usage("--limit must be at least 1 but was " + limit);
        }
        EngineOptions.Config config = engineOptions.resolve(parent.env());
        Dataset data = Dataset.read(dataset, settings.extractor(), strict);
        if (config.kind() == EngineOptions.Kind.EMBEDDED) {
            Dataset all = data;
            data = data.keep(item -> EngineSetup.readQuestion(config, item.question()).isPresent(),
                    "the embedded arithmetic model cannot read this question");
            if (strict && data.problems().size() > all.problems().size()) {
                int line = data.problems().stream().filter(p -> !all.problems().contains(p)).findFirst()
                        .orElseThrow().line();
                throw CliException.usage(dataset + " line " + line + ": the embedded arithmetic model cannot read "
                        + "this question; it reads " + EmbeddedEngines.QUESTION_FAMILY);
            }
        }
        List<Dataset.Item> items = data.items();
        if (limit != null && items.size() > limit) {
            items = items.subList(0, limit);
        }
        reportProblems(data);
        if (items.isEmpty()) {
            throw CliException.usage("data set " + dataset + " has no readable question");
        }

        Map<String, String> truths = new HashMap<>();
        for (Dataset.Item item : items) {
            truths.put(item.question(), item.answerKey());
        }
        int most = counts.stream().mapToInt(Integer::intValue).max().orElse(1);
        EngineSetup.Request request = new EngineSetup.Request(settings.seed(), most, settings.budget(),
                settings.temperature(), settings.maxTokens(), SimulatedScenarios.forDataset(truths));
        Budget budget = Budget.builder().deadline(settings.budget()).build();
        try (EngineSetup setup = EngineSetup.open(config, request)) {
            Map<Integer, Contemplator> contemplators = new LinkedHashMap<>();
            Map<Integer, Stats> stats = new LinkedHashMap<>();
            for (int n : counts) {
                contemplators.put(n, setup.contemplator()
                        .team(setup.team(n, settings.seed()))
                        .extractor(settings.extractor())
                        .stoppingRule(settings.rule())
                        .scheduling(settings.scheduling())
                        .mode(settings.mode())
                        .budget(budget)
                        .build());
                stats.put(n, new Stats(n));
            }
            Progress progress = new Progress(parent.err(), parent.interactive(), items.size());
            for (Dataset.Item item : items) {
                String text = setup.read(item.question()).orElseThrow();
                for (int n : counts) {
                    EngineSetup.Outcome outcome = setup.run(contemplators.get(n), text, settings.mode(), budget);
                    boolean right = outcome.verdict() != null
                            && outcome.verdict().answer().key().equals(item.answerKey());
                    stats.get(n).add(outcome, right);
                }
                progress.questionDone(stats.values());
            }
            progress.clear();
            PrintWriter out = parent.out();
            if (run.json) {
                out.println(Json.write(json(data, items.size(), setup, settings, stats)));
            } else {
                out.print(human(data, items.size(), setup, settings, stats));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** The agent counts, deduplicated, with the baseline 1 first. */
    private List<Integer> counts() {
        LinkedHashSet<Integer> set = new LinkedHashSet<>();
        set.add(1);
        for (Integer n : agents) {
            ContemplateCli.checkAgents(n);
            set.add(n);
        }
        return List.copyOf(set);
    }

    private void reportProblems(Dataset data) {
        if (data.problems().isEmpty()) {
            return;
        }
        PrintWriter err = parent.err();
        int shown = 0;
        for (Dataset.Problem p : data.problems()) {
            if (shown++ == 20) {
                err.println("contemplate bench: warning: " + (data.problems().size() - 20) + " more lines skipped");
                break;
            }
            err.println("contemplate bench: warning: " + data.path() + " line " + p.line() + " skipped: "
                    + p.reason());
        }
        err.flush();
    }

    private static String baseline(EngineSetup setup) {
        return "1 agent: the team's first persona (" + setup.personas().get(0).name() + ")";
    }

    static ObjectNode json(Dataset data, int questions, EngineSetup setup, RunOptions.Settings settings,
            Map<Integer, Stats> stats) {
        ObjectNode o = Json.object();
        o.put("dataset", data.path().toString());
        o.put("questions", questions);
        o.put("skippedLines", data.problems().size());
        ArrayNode skipped = o.putArray("skipped");
        for (Dataset.Problem p : data.problems()) {
            skipped.addObject().put("line", p.line()).put("reason", p.reason());
        }
        o.put("engine", setup.description());
        o.put("simulated", setup.simulated());
        o.put("clock", setup.clockName());
        o.put("mode", settings.mode().name().toLowerCase(Locale.ROOT));
        o.put("stoppingRule", settings.rule().name());
        o.put("extractor", RunOptions.extractorName(settings.extractor()));
        o.put("budgetMs", settings.budget().toMillis());
        o.put("seed", settings.seed());
        o.put("temperature", setup.temperature());
        o.put("maxTokens", setup.maxTokens());
        o.put("baseline", baseline(setup));
        Stats base = stats.get(1);
        ArrayNode results = o.putArray("results");
        for (Stats s : stats.values()) {
            ObjectNode r = results.addObject();
            r.put("agents", s.agents);
            r.put("questions", s.questions);
            r.put("correct", s.correct);
            r.put("accuracy", s.accuracy());
            r.put("accuracyGain", s.accuracy() - base.accuracy());
            r.put("noAnswer", s.noVerdict);
            r.put("incomplete", s.incomplete);
            r.put("meanLatencyMs", round(s.meanLatencyMs()));
            r.put("p95LatencyMs", round(s.p95LatencyMs()));
            r.put("latencyRatio", base.meanLatencyMs() == 0 ? 1.0 : round(s.meanLatencyMs() / base.meanLatencyMs()));
            r.put("meanSamples", round(s.meanSamples()));
            ObjectNode tokens = r.putObject("tokens");
            Json.tokens(tokens, s.tokens);
            tokens.put("meanPerQuestion", round(s.meanTokens()));
            r.put("cancellations", s.cancelled);
        }
        return o;
    }

    static String human(Dataset data, int questions, EngineSetup setup, RunOptions.Settings settings,
            Map<Integer, Stats> stats) {
        StringBuilder b = new StringBuilder();
        b.append("Bench of ").append(data.path()).append(": ").append(questions).append(" questions");
        if (!data.problems().isEmpty()) {
            int n = data.problems().size();
            b.append(" (").append(n).append(n == 1 ? " line skipped)" : " lines skipped)");
        }
        b.append('\n');
        b.append("Engine   ").append(setup.description()).append(setup.simulated()
                ? " -- SIMULATED results, not a model's" : "").append('\n');
        b.append("Settings ").append(settings.mode().name().toLowerCase(Locale.ROOT)).append(" mode, rule ")
                .append(settings.rule().name()).append(", extractor ").append(settings.extractor())
                .append(", budget ").append(Durations.format(settings.budget())).append(", seed ")
                .append(settings.seed()).append('\n');
        b.append("Baseline ").append(baseline(setup)).append('\n').append('\n');
        b.append(String.format(Locale.ROOT, "%6s %9s %9s %9s %9s %8s %8s %9s %9s %9s%n", "agents", "accuracy",
                "gain", "mean ms", "p95 ms", "latency", "samples", "tokens/q", "cancelled", "no answer"));
        Stats base = stats.get(1);
        for (Stats s : stats.values()) {
            double ratio = base.meanLatencyMs() == 0 ? 1 : s.meanLatencyMs() / base.meanLatencyMs();
            b.append(String.format(Locale.ROOT, "%6d %8.1f%% %+6.1f pp %9.1f %9.1f %7.2fx %8.2f %9.1f %9d %9d%n",
                    s.agents, 100 * s.accuracy(), 100 * (s.accuracy() - base.accuracy()), s.meanLatencyMs(),
                    s.p95LatencyMs(), ratio, s.meanSamples(), s.meanTokens(), s.cancelled, s.noVerdict));
        }
        if (setup.simulated()) {
            b.append("(simulated engine: latencies on a virtual clock)\n");
        }
        return b.toString();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** A progress line on standard error, only when it is a terminal. */
    static final class Progress {
        private final PrintWriter err;
        private final boolean enabled;
        private final int total;
        private final long start = System.nanoTime();
        private int done;
        private int width;

        Progress(PrintWriter err, boolean enabled, int total) {
            this.err = err;
            this.enabled = enabled;
            this.total = total;
        }

        void questionDone(Iterable<Stats> stats) {
            done++;
            if (!enabled) {
                return;
            }
            StringBuilder line = new StringBuilder("bench: ").append(done).append('/').append(total)
                    .append(" questions | accuracy");
            for (Stats s : stats) {
                line.append(String.format(Locale.ROOT, " N=%d %.1f%%", s.agents, 100 * s.accuracy()));
            }
            long elapsed = System.nanoTime() - start;
            long eta = done == 0 ? 0 : elapsed / done * (total - done) / 1_000_000_000L;
            line.append(String.format(Locale.ROOT, " | ETA %d:%02d", eta / 60, eta % 60));
            width = Math.max(width, line.length());
            err.print("\r" + line + " ".repeat(width - line.length()));
            err.flush();
        }

        void clear() {
            if (enabled && width > 0) {
                err.print("\r" + " ".repeat(width) + "\r");
                err.flush();
            }
        }
    }
}

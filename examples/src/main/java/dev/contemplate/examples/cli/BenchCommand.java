package dev.contemplate.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.examples.report.BenchReport;
import dev.contemplate.examples.report.BenchRow;
import dev.contemplate.examples.report.BenchRun;
import dev.contemplate.examples.report.SvgChart;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
                    + "text ending in '#### N' is read as is) with each agent count under each stopping rule "
                    + "(--stop, repeatable), one contemplation at a time, and reports per rule and agent count: "
                    + "accuracy (with its 95%% Wilson interval over the questions), mean and p95 latency per question, "
                    + "mean samples used (agents started: answered, failed or cancelled), tokens per question and "
                    + "cancellations.",
            "",
            "N = 1 is one agent: the team's first persona (for the embedded model, its first strategy, or the "
                    + "--team strategy). It is the baseline, run even when not listed, and run once for all rules: "
                    + "a single agent's only sample ends its run under any rule, so its numbers are shared by every "
                    + "rule, and every other row reports its latency ratio and its accuracy gain over it. Answers "
                    + "are compared by key after normalisation with the extractor (numbers with the numeric "
                    + "extractor: 72, 72.0 and $72 are the same). On question q (0, 1, 2, ...) agent i samples with "
                    + "seed S + 1000 q + i, for every count and rule, so counts and rules share their first agents' "
                    + "samples: differences between rows are paired, not independent draws; and no two questions "
                    + "share a seed, so one seed's luck does not repeat on every question.",
            "",
            "--out DIR writes bench.csv (one row per rule and agent count, every metric) and report.html (charts "
                    + "of accuracy against agents and against tokens, latency ratio, samples per rule; a table of "
                    + "the numbers and the settings), a page that loads nothing from the network.",
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
            "  contemplate bench --engine simulated --dataset gsm8k.jsonl --stop esc:5 --json",
            "  contemplate bench --dataset arith.jsonl --agents 1,3,5,9,15 --stop beta:0.95 \\",
            "      --stop esc:5 --stop fixed --team forward --out bench-out"},
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

    @Option(names = "--out", paramLabel = "DIR",
            description = "Also write DIR/bench.csv and DIR/report.html (created if needed; existing files are "
                    + "replaced).")
    @Nullable Path outDir;

    @Mixin
    RunOptions run = new RunOptions();

    @Mixin
    EngineOptions engineOptions = new EngineOptions();

    /** Per stopping rule and agent count: what happened over the questions. */
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
                tokens = tokens.plus(outcome.verdict().tokens().total());
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
                if (a.status() != AgentOutcome.Status.NOT_STARTED && a.status() != AgentOutcome.Status.SHED) {
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

        /** The standard error of the accuracy over the questions: {@code sqrt(a (1 - a) / questions)}. */
        double accuracyStdErr() {
            double a = accuracy();
            return questions == 0 ? 0 : Math.sqrt(a * (1 - a) / questions);
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

        /** The mean agents per question that ended before the stop: started, less the cancelled ones. */
        double meanSamplesCompleted() {
            return questions == 0 ? 0 : (double) (samples - cancelled) / questions;
        }

        double meanTokens() {
            return questions == 0 ? 0 : (double) tokens.totalTokens() / questions;
        }
    }

    /** One cell of the bench: an agent count other than 1 under one rule, and its stats. */
    private record Cell(StoppingRule rule, int agents, Stats stats) {
    }

    /**
     * Returns the base seed of question {@code index}: agent i samples with it plus i. A seed of its own per
     * question keeps the sampling noise of different questions independent (one base seed for all questions
     * would repeat one seed's luck on every question and inflate the spread between runs).
     */
    static long questionSeed(long seed, int index) {
        return seed + (long) ContemplateCli.MAX_AGENTS * index;
    }

    /**
     * The stats of a bench: per rule (in the order given), per agent count (the baseline 1 first). The baseline's
     * stats are one object, shared by every rule.
     */
    record Table(Map<String, Map<Integer, Stats>> byRule, Stats baseline) {

        /** Returns the rows of the report, rule by rule, with ratios and gains against the baseline. */
        List<BenchRow> rows() {
            List<BenchRow> rows = new ArrayList<>();
            for (Map.Entry<String, Map<Integer, Stats>> e : byRule.entrySet()) {
                for (Stats s : e.getValue().values()) {
                    rows.add(new BenchRow(e.getKey(), s.agents, s.questions, s.correct, s.noVerdict, s.incomplete,
                            s.accuracy(), s.accuracyStdErr(), s.accuracy() - baseline.accuracy(), s.meanLatencyMs(),
                            s.p95LatencyMs(), latencyRatio(s), s.meanSamples(), s.meanSamplesCompleted(),
                            s.meanTokens(),
                            s.tokens.inputTokens(), s.tokens.outputTokens(), s.tokens.totalTokens(), s.cancelled));
                }
            }
            return rows;
        }

        private double latencyRatio(Stats s) {
            return baseline.meanLatencyMs() == 0 ? 1.0 : s.meanLatencyMs() / baseline.meanLatencyMs();
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
        if (outDir != null) {
            prepare(outDir);
        }
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
        if (config.kind() == EngineOptions.Kind.OPENAI && (settings.seed() < Integer.MIN_VALUE
                || questionSeed(settings.seed(), items.size() - 1) + most - 1 > Integer.MAX_VALUE)) {
            throw CliException.usage("with the openai engine, seeds travel as 32-bit integers: --seed plus "
                    + ContemplateCli.MAX_AGENTS + " per question must stay below " + Integer.MAX_VALUE);
        }
        EngineSetup.Request request = new EngineSetup.Request(settings.seed(), most, settings.budget(),
                settings.temperature(), settings.maxTokens(), SimulatedScenarios.forDataset(truths),
                settings.voting().name().startsWith("weighted"));
        Budget budget = Budget.builder().deadline(settings.budget()).build();
        try (EngineSetup setup = EngineSetup.open(config, request)) {
            // N = 1 is run once: one agent's only sample ends its run under any rule
            Stats baseline = new Stats(1);
            Map<String, Map<Integer, Stats>> byRule = new LinkedHashMap<>();
            List<Cell> cells = new ArrayList<>();
            for (StoppingRule rule : settings.rules()) {
                Map<Integer, Stats> row = new LinkedHashMap<>();
                for (int n : counts) {
                    if (n == 1) {
                        row.put(1, baseline);
                    } else {
                        Stats stats = new Stats(n);
                        row.put(n, stats);
                        cells.add(new Cell(rule, n, stats));
                    }
                }
                byRule.put(rule.name(), row);
            }
            Table table = new Table(byRule, baseline);
            Progress progress = new Progress(parent.err(), parent.interactive(), items.size());
            for (int q = 0; q < items.size(); q++) {
                Dataset.Item item = items.get(q);
                long seed = questionSeed(settings.seed(), q);
                String text = setup.read(item.question()).orElseThrow();
                Contemplator single = contemplator(setup, settings, settings.rule(), 1, seed, budget);
                EngineSetup.Outcome one = setup.run(single, text, settings.mode(), budget);
                baseline.add(one, right(one, item, settings));
                for (Cell cell : cells) {
                    Contemplator c = contemplator(setup, settings, cell.rule(), cell.agents(), seed, budget);
                    EngineSetup.Outcome outcome = setup.run(c, text, settings.mode(), budget);
                    cell.stats().add(outcome, right(outcome, item, settings));
                }
                progress.questionDone(table);
            }
            progress.clear();
            Instant date = Instant.now();
            BenchRun report = report(data, items.size(), setup, config, settings, counts, table, date);
            List<Path> written = List.of();
            if (outDir != null) {
                try {
                    written = BenchReport.write(report, outDir);
                } catch (IOException e) {
                    throw CliException.usage("cannot write the report into " + outDir + ": " + e.getMessage(), e);
                }
            }
            PrintWriter out = parent.out();
            if (run.json) {
                out.println(Json.write(json(data, items.size(), setup, config, settings, table, date, written)));
            } else {
                out.print(human(data, items.size(), setup, config, settings, table, written));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /**
     * Returns whether the outcome's answer is the item's: by key when the vote keyed extracted answers, else by the
     * answer the extractor reads in the verdict's reply (a semantic vote's representative, a synthesis).
     */
    private static boolean right(EngineSetup.Outcome outcome, Dataset.Item item, RunOptions.Settings settings) {
        Verdict v = outcome.verdict();
        if (v == null) {
            return false;
        }
        boolean keyed = !settings.voting().name().equals("semantic")
                && settings.aggregator().name().equals("vote");
        return keyed ? v.answer().key().equals(item.answerKey())
                : settings.extractor().extract(v.text()).map(a -> a.key().equals(item.answerKey())).orElse(false);
    }

    private static Contemplator contemplator(EngineSetup setup, RunOptions.Settings settings, StoppingRule rule,
            int agents, long seed, Budget budget) {
        return setup.contemplator()
                .team(setup.team(agents, seed))
                .voting(setup.voting(settings))
                .aggregator(settings.aggregator())
                .stoppingRule(rule)
                .scheduling(settings.scheduling())
                .mode(settings.mode())
                .budget(budget)
                .build();
    }

    /** Creates the output directory up front, so a bad --out fails before the bench runs. */
    private static void prepare(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw CliException.usage("--out " + dir + " is a file, not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CliException.usage("cannot create --out directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw CliException.usage("cannot write into --out directory " + dir);
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

    private static List<String> ruleNames(RunOptions.Settings settings) {
        return settings.rules().stream().map(StoppingRule::name).toList();
    }

    static BenchRun report(Dataset data, int questions, EngineSetup setup, EngineOptions.Config config,
            RunOptions.Settings settings, List<Integer> counts, Table table, Instant date) {
        return new BenchRun(setup.description(), setup.simulated(), setup.clockName(), data.path().toString(),
                questions, data.problems().size(), settings.seed(), date,
                settings.mode().name().toLowerCase(Locale.ROOT), ruleNames(settings), counts, config.team(),
                RunOptions.extractorName(settings.extractor()) + " (vote " + settings.voting().name() + ", last step "
                        + settings.aggregator().name() + ")", settings.budget().toMillis(), setup.temperature(),
                setup.maxTokens(), baseline(setup) + ", run once and shared by every rule", table.rows());
    }

    static ObjectNode json(Dataset data, int questions, EngineSetup setup, EngineOptions.Config config,
            RunOptions.Settings settings, Table table, Instant date, List<Path> written) {
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
        ArrayNode rules = o.putArray("stoppingRules");
        ruleNames(settings).forEach(rules::add);
        o.put("team", config.team());
        ArrayNode personas = o.putArray("personas");
        setup.personas().forEach(p -> personas.add(p.name()));
        o.put("extractor", RunOptions.extractorName(settings.extractor()));
        o.put("vote", settings.voting().name());
        o.put("aggregator", settings.aggregator().name());
        o.put("budgetMs", settings.budget().toMillis());
        o.put("seed", settings.seed());
        o.put("temperature", setup.temperature());
        o.put("maxTokens", setup.maxTokens());
        o.put("baseline", baseline(setup));
        o.put("baselineShared", true);
        o.put("date", date.toString());
        ArrayNode results = o.putArray("results");
        for (BenchRow r : table.rows()) {
            ObjectNode n = results.addObject();
            n.put("stoppingRule", r.stoppingRule());
            n.put("agents", r.agents());
            n.put("questions", r.questions());
            n.put("correct", r.correct());
            n.put("accuracy", r.accuracy());
            n.put("accuracyStdErr", round(r.accuracyStdErr()));
            n.put("accuracyLow95", round(r.accuracyLow95()));
            n.put("accuracyHigh95", round(r.accuracyHigh95()));
            n.put("accuracyGain", r.accuracyGain());
            n.put("noAnswer", r.noAnswer());
            n.put("incomplete", r.incomplete());
            n.put("meanLatencyMs", round(r.meanLatencyMs()));
            n.put("p95LatencyMs", round(r.p95LatencyMs()));
            n.put("latencyRatio", round(r.latencyRatio()));
            n.put("meanSamples", round(r.meanSamples()));
            n.put("meanSamplesCompleted", round(r.meanSamplesCompleted()));
            ObjectNode tokens = n.putObject("tokens");
            tokens.put("input", r.inputTokens());
            tokens.put("output", r.outputTokens());
            tokens.put("total", r.totalTokens());
            tokens.put("meanPerQuestion", round(r.meanTokensPerQuestion()));
            n.put("cancellations", r.cancellations());
        }
        if (!written.isEmpty()) {
            ObjectNode files = o.putObject("report");
            files.put("csv", written.get(0).toString());
            files.put("html", written.get(1).toString());
        }
        return o;
    }

    static String human(Dataset data, int questions, EngineSetup setup, EngineOptions.Config config,
            RunOptions.Settings settings, Table table, List<Path> written) {
        StringBuilder b = new StringBuilder();
        b.append("Bench of ").append(data.path()).append(": ").append(questions).append(" questions");
        if (!data.problems().isEmpty()) {
            int n = data.problems().size();
            b.append(" (").append(n).append(n == 1 ? " line skipped)" : " lines skipped)");
        }
        b.append('\n');
        b.append("Engine   ").append(setup.description()).append(setup.simulated()
                ? " -- SIMULATED results, not a model's" : "").append('\n');
        List<String> rules = ruleNames(settings);
        b.append("Settings ").append(settings.mode().name().toLowerCase(Locale.ROOT)).append(" mode, ")
                .append(rules.size() == 1 ? "rule " : "rules ").append(String.join(", ", rules))
                .append(", extractor ").append(settings.extractor())
                .append(", budget ").append(Durations.format(settings.budget())).append(", seed ")
                .append(settings.seed()).append('\n');
        List<String> personas = setup.personas().stream().map(p -> p.name()).toList();
        String team = !config.mixed() ? "clones of " + config.team()
                : personas.size() == 1 ? "one persona (" + personas.get(0) + ")"
                : "mixed: " + String.join(", ", personas) + ", cycled over the agents";
        b.append("Team     ").append(team).append(", temperature ").append(SvgChart.number(setup.temperature()))
                .append('\n');
        b.append("Baseline ").append(baseline(setup)).append(rules.size() > 1 ? ", run once and shared by every rule"
                : "").append('\n');
        for (Map.Entry<String, Map<Integer, Stats>> e : table.byRule().entrySet()) {
            b.append('\n');
            if (rules.size() > 1) {
                b.append("Rule ").append(e.getKey()).append('\n');
            }
            b.append(String.format(Locale.ROOT, "%6s %9s %12s %9s %9s %9s %8s %8s %9s %9s %9s%n", "agents",
                    "accuracy", "95% interval", "gain", "mean ms", "p95 ms", "latency", "samples", "tokens/q",
                    "cancelled", "no answer"));
            for (Stats s : e.getValue().values()) {
                double ratio = table.latencyRatio(s);
                b.append(String.format(Locale.ROOT,
                        "%6d %8.1f%% %12s %+6.1f pp %9.1f %9.1f %7.2fx %8.2f %9.1f %9d %9d%n", s.agents,
                        100 * s.accuracy(), interval(s),
                        100 * (s.accuracy() - table.baseline().accuracy()), s.meanLatencyMs(), s.p95LatencyMs(),
                        ratio, s.meanSamples(), s.meanTokens(), s.cancelled, s.noVerdict));
            }
        }
        if (setup.simulated()) {
            b.append("(simulated engine: latencies on a virtual clock)\n");
        }
        if (!written.isEmpty()) {
            b.append("Report   ").append(written.get(1)).append(" (numbers in ").append(written.get(0))
                    .append(")\n");
        }
        return b.toString();
    }

    /** The accuracy's 95% Wilson interval in percent, e.g. {@code 55.1-84.3%}. */
    private static String interval(Stats s) {
        double[] w = BenchRow.wilson(s.correct, s.questions);
        return String.format(Locale.ROOT, "%.0f-%.0f%%", 100 * w[0], 100 * w[1]);
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

        /** Shows the accuracy so far of the first rule's agent counts; the other rules are counted. */
        void questionDone(Table table) {
            done++;
            if (!enabled) {
                return;
            }
            StringBuilder line = new StringBuilder("bench: ").append(done).append('/').append(total)
                    .append(" questions | accuracy");
            Map.Entry<String, Map<Integer, Stats>> first = table.byRule().entrySet().iterator().next();
            for (Stats s : first.getValue().values()) {
                line.append(String.format(Locale.ROOT, " N=%d %.1f%%", s.agents, 100 * s.accuracy()));
            }
            if (table.byRule().size() > 1) {
                int more = table.byRule().size() - 1;
                line.append(" (").append(first.getKey()).append("; ").append(more)
                        .append(more == 1 ? " more rule)" : " more rules)");
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

package dev.contemplate.examples.cli;

import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.research.report.BenchReport;
import dev.contemplate.research.report.BenchRun;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.research.bench.Bench;
import dev.contemplate.research.bench.BenchProgress;
import dev.contemplate.research.bench.BenchResult;
import dev.contemplate.research.dataset.Dataset;
import dev.contemplate.research.dataset.SkippedLine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
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

/**
 * {@code contemplate bench}: accuracy, latency and tokens over a data set, for several team sizes; the picocli front
 * end (options, progress, JSON and text output, the report files) of {@code contemplate-research}'s {@link Bench}.
 */
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

    /**
     * Returns the base seed of question {@code index}: agent i samples with it plus i ({@link Bench#questionSeed}).
     */
    static long questionSeed(long seed, int index) {
        return Bench.questionSeed(seed, index);
    }

    @Override
    public Integer call() {
        List<Integer> counts = counts();
        RunOptions.Settings settings = run.settings();
        if (limit != null && limit < 1) {
            throw CliException.usage("--limit must be at least 1 but was " + limit);
        }
        EngineOptions.Config config = engineOptions.resolve(parent.env());
        RunOptions.checkProtocol(settings, config);
        if (outDir != null) {
            prepare(outDir);
        }
        Dataset data = read(dataset, settings.extractor());
        if (strict && !data.skipped().isEmpty()) {
            SkippedLine first = data.skipped().get(0);
            throw CliException.usage(dataset + " line " + first.line() + ": " + first.reason());
        }
        if (config.kind() == EngineOptions.Kind.EMBEDDED) {
            Dataset all = data;
            data = data.keep(item -> EngineSetup.readQuestion(config, item.question()).isPresent(),
                    "the embedded arithmetic model cannot read this question");
            if (strict && data.skipped().size() > all.skipped().size()) {
                int line = data.skipped().stream().filter(p -> !all.skipped().contains(p)).findFirst()
                        .orElseThrow().line();
                throw CliException.usage(dataset + " line " + line + ": the embedded arithmetic model cannot read "
                        + "this question; it reads " + EmbeddedEngines.QUESTION_FAMILY);
            }
        }
        reportProblems(data);
        if (data.items().isEmpty()) {
            throw CliException.usage("data set " + dataset + " has no readable question");
        }
        Dataset questions = limit != null ? data.first(limit) : data;
        List<Dataset.Item> items = questions.items();

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
            Progress progress = new Progress(parent.err(), parent.interactive());
            BenchResult result = Bench.builder()
                    .dataset(questions)
                    .contemplators((agents, rule, seed) -> contemplator(setup, settings, rule, agents, seed, budget))
                    .agents(counts)
                    .stoppingRules(settings.rules())
                    .protocols(settings.protocols())
                    .seed(settings.seed())
                    .mode(settings.mode())
                    .clock(setup.clock())
                    .prompt(question -> setup.read(question).orElseThrow())
                    .costMeter(setup.costMeter())
                    .onProgress(progress::questionDone)
                    .run();
            progress.clear();
            Instant date = Instant.now();
            BenchRun report = BenchOutput.report(data, setup, config, settings, result, date);
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
                out.println(Json.write(BenchOutput.json(data, setup, config, settings, result, date, written)));
            } else {
                out.print(BenchOutput.human(data, setup, config, settings, result, written));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** Reads the data set, keyed by the run's extractor; an unreadable file is a usage error. */
    private static Dataset read(Path path, AnswerExtractor extractor) {
        try {
            return Dataset.read(path, extractor);
        } catch (NoSuchFileException e) {
            throw CliException.usage("cannot read data set " + path + ": no such file", e);
        } catch (MalformedInputException e) {
            throw CliException.usage("cannot read data set " + path + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw CliException.usage("cannot read data set " + path + ": " + e.getMessage(), e);
        }
    }

    private static Contemplator contemplator(EngineSetup setup, RunOptions.Settings settings, StoppingRule rule,
            int agents, long seed, Budget budget) {
        return settings.lastStep(setup.contemplator())
                .team(setup.team(agents, seed))
                .voting(setup.voting(settings))
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
        if (data.skipped().isEmpty()) {
            return;
        }
        PrintWriter err = parent.err();
        int shown = 0;
        for (SkippedLine p : data.skipped()) {
            if (shown++ == 20) {
                err.println("contemplate bench: warning: " + (data.skipped().size() - 20) + " more lines skipped");
                break;
            }
            err.println("contemplate bench: warning: " + data.source() + " line " + p.line() + " skipped: "
                    + p.reason());
        }
        err.flush();
    }

    /** A progress line on standard error, only when it is a terminal. */
    static final class Progress {
        private final PrintWriter err;
        private final boolean enabled;
        private final long start = System.nanoTime();
        private int width;

        Progress(PrintWriter err, boolean enabled) {
            this.err = err;
            this.enabled = enabled;
        }

        /** Shows the accuracy so far of the first rule's agent counts; the other rules are counted. */
        void questionDone(BenchProgress progress) {
            if (!enabled) {
                return;
            }
            int done = progress.done();
            int total = progress.total();
            StringBuilder line = new StringBuilder("bench: ").append(done).append('/').append(total)
                    .append(" questions | accuracy");
            List<String> rules = progress.rules();
            String first = rules.get(0);
            for (BenchProgress.Cell c : progress.cells()) {
                if (c.rule().equals(first)) {
                    line.append(String.format(Locale.ROOT, " N=%d %.1f%%", c.agents(), 100 * c.accuracy()));
                }
            }
            if (rules.size() > 1) {
                int more = rules.size() - 1;
                line.append(" (").append(first).append("; ").append(more)
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

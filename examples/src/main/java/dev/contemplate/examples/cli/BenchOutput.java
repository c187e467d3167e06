package dev.contemplate.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.research.bench.Bench;
import dev.contemplate.research.bench.BenchCell;
import dev.contemplate.research.bench.BenchResult;
import dev.contemplate.research.bench.ConfidenceInterval;
import dev.contemplate.research.dataset.Dataset;
import dev.contemplate.research.dataset.SkippedLine;
import dev.contemplate.research.report.BenchRow;
import dev.contemplate.research.report.BenchRun;
import dev.contemplate.research.report.ReportFormat;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code contemplate bench} prints and writes: the JSON object, the text summary and the report's run. */
final class BenchOutput {

    private BenchOutput() {
    }

    static String baseline(EngineSetup setup) {
        return "1 agent: the team's first persona (" + setup.personas().get(0).name() + ")";
    }

    static List<String> ruleNames(RunOptions.Settings settings) {
        return settings.rules().stream().map(StoppingRule::name).toList();
    }

    static BenchRun report(Dataset data, EngineSetup setup, EngineOptions.Config config,
            RunOptions.Settings settings, BenchResult result, Instant date) {
        return new BenchRun(setup.description(), setup.simulated(), setup.clockName(), data.source(),
                result.questions(), data.skipped().size(), settings.seed(), date,
                settings.mode().name().toLowerCase(Locale.ROOT), result.stoppingRules(), result.agentCounts(),
                config.team(),
                RunOptions.extractorName(settings.extractor()) + " (vote " + settings.voting().name() + ", last step "
                        + settings.aggregatorNames() + ", " + protocols(settings) + ")",
                settings.budget().toMillis(), setup.temperature(),
                setup.maxTokens(), baseline(setup) + ", run once and shared by every rule", rows(result));
    }

    /** Returns the report's rows: one per cell, rule by rule. */
    static List<BenchRow> rows(BenchResult result) {
        List<BenchRow> rows = new ArrayList<>();
        for (BenchCell c : result.cells()) {
            rows.add(new BenchRow(c.rule(), c.agents(), c.questions(), c.correct(), c.noAnswer(), c.incomplete(),
                    c.accuracy(), c.accuracyStdErr(), c.accuracyGain(), c.latency().meanMs(), c.latency().p95Ms(),
                    c.latencyRatio(), c.meanSamples(), c.meanSamplesCompleted(), c.meanTokensPerQuestion(),
                    c.tokens().inputTokens(), c.tokens().outputTokens(), c.tokens().totalTokens(),
                    c.cancellations()));
        }
        return rows;
    }

    static ObjectNode json(Dataset data, EngineSetup setup, EngineOptions.Config config,
            RunOptions.Settings settings, BenchResult result, Instant date, List<Path> written) {
        ObjectNode o = Json.object();
        o.put("dataset", data.source());
        o.put("questions", result.questions());
        o.put("skippedLines", data.skipped().size());
        ArrayNode skipped = o.putArray("skipped");
        for (SkippedLine p : data.skipped()) {
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
        o.put("aggregator", settings.aggregatorNames());
        ArrayNode protocols = o.putArray("protocols");
        settings.protocols().forEach(p -> protocols.add(p.name()));
        o.put("budgetMs", settings.budget().toMillis());
        o.put("seed", settings.seed());
        o.put("temperature", setup.temperature());
        o.put("maxTokens", setup.maxTokens());
        o.put("baseline", baseline(setup));
        o.put("baselineShared", true);
        o.put("date", date.toString());
        ArrayNode results = o.putArray("results");
        for (BenchCell c : result.cells()) {
            ObjectNode n = results.addObject();
            // with several protocols a row's label is "protocol rule"
            boolean compared = settings.protocols().size() > 1;
            // the baseline is one agent answering once, under every protocol
            n.put("protocol", c.baseline() ? "independent"
                    : compared ? c.rule().substring(0, c.rule().indexOf(' ')) : settings.protocol().name());
            n.put("stoppingRule", compared ? c.rule().substring(c.rule().indexOf(' ') + 1) : c.rule());
            n.put("agents", c.agents());
            n.put("questions", c.questions());
            n.put("correct", c.correct());
            n.put("accuracy", c.accuracy());
            n.put("accuracyStdErr", round(c.accuracyStdErr()));
            n.put("accuracyLow95", round(c.accuracy95().low()));
            n.put("accuracyHigh95", round(c.accuracy95().high()));
            n.put("accuracyGain", c.accuracyGain());
            n.put("noAnswer", c.noAnswer());
            n.put("incomplete", c.incomplete());
            n.put("meanLatencyMs", round(c.latency().meanMs()));
            n.put("p95LatencyMs", round(c.latency().p95Ms()));
            n.put("latencyRatio", round(c.latencyRatio()));
            n.put("meanSamples", round(c.meanSamples()));
            n.put("meanSamplesCompleted", round(c.meanSamplesCompleted()));
            n.put("meanCalls", round(c.meanCalls()));
            ObjectNode tokens = n.putObject("tokens");
            tokens.put("input", c.tokens().inputTokens());
            tokens.put("output", c.tokens().outputTokens());
            tokens.put("total", c.tokens().totalTokens());
            tokens.put("meanPerQuestion", round(c.meanTokensPerQuestion()));
            n.put("cancellations", c.cancellations());
            if (EngineCosts.present(result.cells())) {
                EngineCosts.json(n, c, baselineOf(result, c.rule()));
            }
        }
        if (!written.isEmpty()) {
            ObjectNode files = o.putObject("report");
            files.put("csv", written.get(0).toString());
            files.put("html", written.get(1).toString());
            files.put("frontier", written.get(2).toString());
        }
        return o;
    }

    static String human(Dataset data, EngineSetup setup, EngineOptions.Config config,
            RunOptions.Settings settings, BenchResult result, List<Path> written) {
        StringBuilder b = new StringBuilder();
        b.append("Bench of ").append(data.source()).append(": ").append(result.questions()).append(" questions");
        if (!data.skipped().isEmpty()) {
            int n = data.skipped().size();
            b.append(" (").append(n).append(n == 1 ? " line skipped)" : " lines skipped)");
        }
        b.append('\n');
        b.append("Engine   ").append(setup.description()).append(setup.simulated()
                ? " -- SIMULATED results, not a model's" : "").append('\n');
        List<String> rules = ruleNames(settings);
        b.append("Settings ").append(settings.mode().name().toLowerCase(Locale.ROOT)).append(" mode, ")
                .append(rules.size() == 1 ? "rule " : "rules ").append(String.join(", ", rules))
                .append(", extractor ").append(settings.extractor())
                .append(", ").append(protocols(settings))
                .append(", budget ").append(Durations.format(settings.budget())).append(", seed ")
                .append(settings.seed()).append('\n');
        List<String> personas = setup.personas().stream().map(p -> p.name()).toList();
        String team = !config.mixed() ? "clones of " + config.team()
                : personas.size() == 1 ? "one persona (" + personas.get(0) + ")"
                : "mixed: " + String.join(", ", personas) + ", cycled over the agents";
        b.append("Team     ").append(team).append(", temperature ")
                .append(ReportFormat.number(setup.temperature())).append('\n');
        b.append("Baseline ").append(baseline(setup)).append(result.stoppingRules().size() > 1
                ? ", run once and shared by every " + (settings.protocols().size() > 1 ? "row" : "rule") : "")
                .append('\n');
        for (String rule : result.stoppingRules()) {
            b.append('\n');
            if (result.stoppingRules().size() > 1) {
                b.append(settings.protocols().size() > 1 ? "Protocol and rule " : "Rule ").append(rule).append('\n');
            }
            b.append(String.format(Locale.ROOT, "%6s %9s %12s %9s %9s %9s %8s %8s %7s %9s %9s %9s%n", "agents",
                    "accuracy", "95% interval", "gain", "mean ms", "p95 ms", "latency", "samples", "calls",
                    "tokens/q", "cancelled", "no answer"));
            for (BenchCell c : result.cells(rule)) {
                b.append(String.format(Locale.ROOT,
                        "%6d %8.1f%% %12s %+6.1f pp %9.1f %9.1f %7.2fx %8.2f %7.2f %9.1f %9d %9d%n", c.agents(),
                        100 * c.accuracy(), interval(c), 100 * c.accuracyGain(), c.latency().meanMs(),
                        c.latency().p95Ms(), c.latencyRatio(), c.meanSamples(), c.meanCalls(),
                        c.meanTokensPerQuestion(), c.cancellations(), c.noAnswer()));
            }
            if (EngineCosts.present(result.cells(rule))) {
                EngineCosts.text(b, result.cells(rule), baselineOf(result, rule));
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

    /** Returns {@code protocol debate:2} or {@code protocols independent, debate:2} for the settings line. */
    static String protocols(RunOptions.Settings settings) {
        List<String> names = settings.protocols().stream().map(p -> p.name()).toList();
        return (names.size() == 1 ? "protocol " : "protocols ") + String.join(", ", names);
    }

    /** The single-agent baseline's cell under {@code rule}. */
    static BenchCell baselineOf(BenchResult result, String rule) {
        return result.cells(rule).stream().filter(BenchCell::baseline).findFirst().orElseThrow();
    }

    /** The accuracy's 95% Wilson interval in percent, e.g. {@code 55.1-84.3%}. */
    static String interval(BenchCell c) {
        ConfidenceInterval w = c.accuracy95();
        return String.format(Locale.ROOT, "%.0f-%.0f%%", 100 * w.low(), 100 * w.high());
    }

    /** Rounds to three decimals for the JSON output. */
    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}

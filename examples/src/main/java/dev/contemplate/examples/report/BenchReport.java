package dev.contemplate.examples.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Writes a bench run as {@code bench.csv}, one row per stopping rule and agent count with every metric, and as a
 * self-contained {@code report.html}: four inline SVG charts (accuracy against agents, accuracy against mean tokens
 * per question, latency ratio against agents, mean samples used per stopping rule), a table of the numbers and
 * the run's settings. The page loads nothing: no script, font, style sheet or image URL. A run of the simulated
 * engine says SIMULATED in the page's title, its heading, a banner and every chart's title.
 *
 * <p>Accuracy error bars and the table's intervals are 95% Wilson score intervals over the questions: the
 * uncertainty from the finite number of questions, not from the engine's randomness over repeated runs.
 */
public final class BenchReport {

    /** The name of the CSV file {@link #write} writes. */
    public static final String CSV_FILE = "bench.csv";

    /** The name of the HTML file {@link #write} writes. */
    public static final String HTML_FILE = "report.html";

    /** The CSV columns, in order; the names match the fields of {@code bench --json}'s {@code results[]}. */
    public static final List<String> CSV_COLUMNS = List.of("stoppingRule", "agents", "questions", "correct",
            "accuracy", "accuracyStdErr", "accuracyLow95", "accuracyHigh95", "accuracyGain", "meanLatencyMs",
            "p95LatencyMs", "latencyRatio", "meanSamples", "meanSamplesCompleted", "meanTokensPerQuestion",
            "inputTokens", "outputTokens", "totalTokens", "cancellations",
            "noAnswer", "incomplete", "simulated");

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private BenchReport() {
    }

    /**
     * Writes {@value #CSV_FILE} and {@value #HTML_FILE} into {@code dir}, creating it if needed.
     *
     * @return the two files written
     * @throws IOException if the directory or a file cannot be written
     */
    public static List<Path> write(BenchRun run, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path csv = dir.resolve(CSV_FILE);
        Path html = dir.resolve(HTML_FILE);
        Files.writeString(csv, csv(run), StandardCharsets.UTF_8);
        Files.writeString(html, html(run), StandardCharsets.UTF_8);
        return List.of(csv, html);
    }

    /** Returns the CSV: a header of {@link #CSV_COLUMNS}, then one line per row, lines ending with CRLF (RFC 4180). */
    public static String csv(BenchRun run) {
        StringBuilder b = new StringBuilder();
        b.append(String.join(",", CSV_COLUMNS)).append("\r\n");
        for (BenchRow r : run.rows()) {
            List<String> cells = List.of(csvText(r.stoppingRule()), Integer.toString(r.agents()),
                    Integer.toString(r.questions()), Integer.toString(r.correct()), csvNumber(r.accuracy()),
                    csvNumber(r.accuracyStdErr()), csvNumber(r.accuracyLow95()), csvNumber(r.accuracyHigh95()),
                    csvNumber(r.accuracyGain()), csvNumber(r.meanLatencyMs()),
                    csvNumber(r.p95LatencyMs()), csvNumber(r.latencyRatio()), csvNumber(r.meanSamples()),
                    csvNumber(r.meanSamplesCompleted()),
                    csvNumber(r.meanTokensPerQuestion()), Long.toString(r.inputTokens()),
                    Long.toString(r.outputTokens()), Long.toString(r.totalTokens()), Long.toString(r.cancellations()),
                    Integer.toString(r.noAnswer()), Integer.toString(r.incomplete()),
                    Boolean.toString(run.simulated()));
            b.append(String.join(",", cells)).append("\r\n");
        }
        return b.toString();
    }

    /** Quotes a text cell when it holds a comma, a quote or a line break. */
    static String csvText(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /** Six significant digits, no exponent, no trailing zeros; empty for a value that is not finite. */
    static String csvNumber(double v) {
        if (!Double.isFinite(v)) {
            return "";
        }
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** Returns the HTML page. */
    public static String html(BenchRun run) {
        String sim = run.simulated() ? " (SIMULATED)" : "";
        String name = Path.of(run.dataset()).getFileName() == null ? run.dataset()
                : Path.of(run.dataset()).getFileName().toString();
        StringBuilder b = new StringBuilder(32_000);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(esc((run.simulated() ? "SIMULATED - " : "") + "Contemplate bench: " + name))
                .append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        b.append("<h1>Contemplate bench: ").append(esc(name));
        if (run.simulated()) {
            b.append(" <span class=\"simulated\">SIMULATED</span>");
        }
        b.append("</h1>\n");
        if (run.simulated()) {
            b.append("<p class=\"banner\"><strong>SIMULATED engine.</strong> Answers are drawn from programmed "
                    + "distributions, not produced by a model, and latencies are measured on a virtual clock. These "
                    + "numbers exercise the method (voting, stopping rules, budgets); they say nothing about any "
                    + "model.</p>\n");
        }
        b.append("<p class=\"summary\">").append(run.questions())
                .append(run.questions() == 1 ? " question" : " questions")
                .append(" &#183; stopping rules ").append(esc(String.join(", ", run.stoppingRules())))
                .append(" &#183; agents ").append(esc(joinInts(run.agentCounts())))
                .append(" &#183; team ").append(esc(run.team()))
                .append(" &#183; seed ").append(run.seed())
                .append(" &#183; ").append(esc(DATE.format(run.date().truncatedTo(ChronoUnit.SECONDS))))
                .append("<br/>").append(esc(run.engine())).append("</p>\n");

        b.append("<div class=\"charts\">\n");
        figure(b, accuracyChart(run, sim), "Accuracy of the majority verdict against the number of agents, one line "
                + "per stopping rule. N = 1 is the baseline, shared by every rule.");
        figure(b, tokenChart(run, sim), "Accuracy against the mean tokens (input and output) spent per question; "
                + "each point is labelled with its agent count.");
        figure(b, latencyChart(run, sim), "Mean latency per question divided by the single-agent baseline's mean "
                + "latency.");
        figure(b, samplesChart(run, sim), "Mean samples used per question (agents started: answered, failed or "
                + "cancelled) for each stopping rule and agent count; the inner bar and the number in parentheses "
                + "are the samples completed before the stop (the rest were cancelled), the dashed outline the N "
                + "agents available.");
        b.append("</div>\n");

        b.append("<h2>Results").append(esc(sim)).append("</h2>\n");
        resultsTable(b, run);
        b.append("<h2>Settings</h2>\n<table class=\"settings\">\n");
        setting(b, "engine", run.engine() + (run.simulated() ? "  [SIMULATED]" : ""));
        setting(b, "clock", run.clock());
        setting(b, "data set", run.dataset());
        setting(b, "questions", run.questions() + (run.skippedLines() > 0 ? " (" + run.skippedLines()
                + " lines skipped)" : ""));
        setting(b, "seed", Long.toString(run.seed()));
        setting(b, "date", DATE.format(run.date().truncatedTo(ChronoUnit.SECONDS)));
        setting(b, "mode", run.mode());
        setting(b, "stopping rules", String.join(", ", run.stoppingRules()));
        setting(b, "agent counts", joinInts(run.agentCounts()));
        setting(b, "team", run.team());
        setting(b, "baseline", run.baseline());
        setting(b, "extractor", run.extractor());
        setting(b, "budget", run.budgetMs() + " ms per question");
        setting(b, "temperature", SvgChart.number(run.temperature()));
        setting(b, "max tokens", Integer.toString(run.maxTokens()));
        b.append("</table>\n");
        b.append("<p class=\"notes\">Accuracy intervals: 95% Wilson score intervals over the questions, the "
                + "uncertainty due to the finite data set (not the engine's randomness across runs; rows share their "
                + "first agents' samples, so differences between rows are paired). Samples: agents started "
                + "per question. Latency ratio: mean latency over the N = 1 mean latency. Tokens: input and output "
                + "tokens per question, as the engine reported them. The same numbers are in ")
                .append(CSV_FILE).append(".</p>\n");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private static final String STYLE = """
            body { font-family: sans-serif; margin: 20px auto; max-width: 1200px; color: #222; padding: 0 10px; }
            h1 { font-size: 24px; margin: 0 0 8px 0; }
            h2 { font-size: 18px; margin: 24px 0 8px 0; }
            .simulated { background: #b00020; color: #fff; padding: 2px 10px; border-radius: 4px; font-size: 20px; }
            .banner { background: #fdecea; border: 2px solid #b00020; padding: 8px 12px; border-radius: 4px; }
            .summary { color: #333; line-height: 1.5; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px; }
            figure { margin: 0; flex: 1 1 560px; max-width: 590px; border: 1px solid #ddd; border-radius: 4px;
                     padding: 4px; background: #fff; }
            figure svg { width: 100%; height: auto; display: block; }
            figcaption { font-size: 12px; color: #444; padding: 4px 6px 6px 6px; }
            table { border-collapse: collapse; font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 3px 8px; }
            table.results td { white-space: nowrap; }
            th { background: #f2f2f2; }
            table.results td { text-align: right; }
            table.results td.rule { text-align: left; }
            table.results tr.baseline td { color: #555; }
            table.settings th { text-align: left; }
            .notes { font-size: 12px; color: #444; max-width: 1000px; }
            """;

    private static void figure(StringBuilder b, String svg, String caption) {
        b.append("<figure>\n").append(svg).append("\n<figcaption>").append(esc(caption))
                .append("</figcaption>\n</figure>\n");
    }

    private static List<Double> counts(BenchRun run) {
        return run.agentCounts().stream().map(Integer::doubleValue).toList();
    }

    private static String subtitleQuestions(BenchRun run) {
        return run.questions() + (run.questions() == 1 ? " question" : " questions");
    }

    static String accuracyChart(BenchRun run, String sim) {
        SvgChart.LineChart chart = SvgChart.lines("Accuracy vs agents" + sim)
                .subtitle(subtitleQuestions(run) + "; error bars: 95% Wilson intervals")
                .xAxis(new SvgChart.Axis("agents (N)", SvgChart::integer).ticks(counts(run)).bounds(0, Double.NaN))
                .yAxis(new SvgChart.Axis("accuracy", SvgChart::percentTick).bounds(0, 1));
        for (String rule : run.stoppingRules()) {
            chart.series(series(rule, run.rows(rule), BenchRow::agents, BenchRow::accuracy, BenchRow::accuracyLow95,
                    BenchRow::accuracyHigh95, r -> SvgChart.percent(r.accuracy())));
        }
        return chart.render();
    }

    static String tokenChart(BenchRun run, String sim) {
        SvgChart.LineChart chart = SvgChart.lines("Accuracy vs mean tokens per question" + sim)
                .subtitle(subtitleQuestions(run) + "; points labelled with their agent count N")
                .xAxis(new SvgChart.Axis("mean tokens per question (input + output)", SvgChart::number)
                        .bounds(0, Double.NaN))
                .yAxis(new SvgChart.Axis("accuracy", SvgChart::percentTick).bounds(0, 1));
        for (String rule : run.stoppingRules()) {
            chart.series(series(rule, run.rows(rule), BenchRow::meanTokensPerQuestion, BenchRow::accuracy, null, null,
                    r -> "N=" + r.agents()));
        }
        return chart.render();
    }

    static String latencyChart(BenchRun run, String sim) {
        double base = run.rows().stream().filter(r -> r.agents() == 1).mapToDouble(BenchRow::meanLatencyMs)
                .findFirst().orElse(Double.NaN);
        SvgChart.LineChart chart = SvgChart.lines("Latency ratio vs agents" + sim)
                .subtitle("mean latency per question / mean latency of N = 1"
                        + (Double.isNaN(base) ? "" : " (" + SvgChart.number(base) + " ms)")
                        + (run.clock().equals("virtual") ? ", virtual clock" : ""))
                .xAxis(new SvgChart.Axis("agents (N)", SvgChart::integer).ticks(counts(run)).bounds(0, Double.NaN))
                .yAxis(new SvgChart.Axis("latency ratio", BenchReport::times).bounds(0, Double.NaN))
                .reference(1, "baseline N = 1");
        for (String rule : run.stoppingRules()) {
            chart.series(series(rule, run.rows(rule), BenchRow::agents, BenchRow::latencyRatio, null, null,
                    r -> times(r.latencyRatio())));
        }
        return chart.render();
    }

    static String samplesChart(BenchRun run, String sim) {
        SvgChart.BarChart chart = SvgChart.bars("Mean samples used per stopping rule" + sim)
                .subtitle("samples = agents started; in parentheses, those completed before the stop")
                .categories("stopping rule", run.stoppingRules())
                .legend("completed before the stop", "N agents available")
                .yAxis(new SvgChart.Axis("mean samples used per question", SvgChart::number).bounds(0, Double.NaN));
        for (int n : run.agentCounts()) {
            List<Double> values = new ArrayList<>();
            List<Double> limits = new ArrayList<>();
            List<Double> completed = new ArrayList<>();
            for (String rule : run.stoppingRules()) {
                BenchRow row = run.rows(rule).stream().filter(r -> r.agents() == n).findFirst().orElse(null);
                values.add(row == null ? Double.NaN : row.meanSamples());
                completed.add(row == null ? Double.NaN : row.meanSamplesCompleted());
                limits.add((double) n);
            }
            chart.bars(new SvgChart.Bars("N=" + n, values, limits, completed));
        }
        return chart.render();
    }

    /** One line of rows; {@code low} and {@code high} give error bars, or are null for none. */
    private static SvgChart.Series series(String name, List<BenchRow> rows, ToDoubleFunction<BenchRow> x,
            ToDoubleFunction<BenchRow> y, @Nullable ToDoubleFunction<BenchRow> low,
            @Nullable ToDoubleFunction<BenchRow> high, Function<BenchRow, String> label) {
        List<SvgChart.Point> points = new ArrayList<>();
        for (BenchRow r : rows) {
            double v = y.applyAsDouble(r);
            double lo = low == null ? v : Math.min(v, low.applyAsDouble(r));
            double hi = high == null ? v : Math.max(v, high.applyAsDouble(r));
            points.add(new SvgChart.Point(x.applyAsDouble(r), v, lo, hi, label.apply(r)));
        }
        return new SvgChart.Series(name, points);
    }

    /** Writes a ratio: {@code 1.85x}. */
    static String times(double v) {
        return String.format(Locale.ROOT, "%.2f\u00d7", v);
    }

    private static void resultsTable(StringBuilder b, BenchRun run) {
        b.append("<table class=\"results\">\n<tr><th>stopping rule</th><th>agents</th><th>accuracy</th>"
                + "<th>95% interval</th><th>gain vs N=1</th><th>mean latency ms</th><th>p95 latency ms</th>"
                + "<th>latency ratio</th><th>mean samples</th><th>completed</th><th>tokens / question</th>"
                + "<th>cancelled</th>"
                + "<th>no answer</th><th>incomplete</th><th>correct / questions</th></tr>\n");
        for (BenchRow r : run.rows()) {
            b.append(r.agents() == 1 ? "<tr class=\"baseline\">" : "<tr>")
                    .append("<td class=\"rule\">").append(esc(r.stoppingRule())).append("</td>")
                    .append(td(Integer.toString(r.agents())))
                    .append(td(SvgChart.percent(r.accuracy())))
                    .append(td(String.format(Locale.ROOT, "%.1f-%.1f%%", 100 * r.accuracyLow95(),
                            100 * r.accuracyHigh95())))
                    .append(td(String.format(Locale.ROOT, "%+.1f pp", 100 * r.accuracyGain())))
                    .append(td(String.format(Locale.ROOT, "%.1f", r.meanLatencyMs())))
                    .append(td(String.format(Locale.ROOT, "%.1f", r.p95LatencyMs())))
                    .append(td(times(r.latencyRatio())))
                    .append(td(String.format(Locale.ROOT, "%.2f", r.meanSamples())))
                    .append(td(String.format(Locale.ROOT, "%.2f", r.meanSamplesCompleted())))
                    .append(td(String.format(Locale.ROOT, "%.1f", r.meanTokensPerQuestion())))
                    .append(td(Long.toString(r.cancellations())))
                    .append(td(Integer.toString(r.noAnswer())))
                    .append(td(Integer.toString(r.incomplete())))
                    .append(td(r.correct() + " / " + r.questions()))
                    .append("</tr>\n");
        }
        b.append("</table>\n");
    }

    private static String td(String text) {
        return "<td>" + esc(text) + "</td>";
    }

    private static void setting(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static String joinInts(List<Integer> values) {
        return String.join(", ", values.stream().map(String::valueOf).toList());
    }

    private static String esc(String text) {
        return SvgChart.escape(text);
    }
}

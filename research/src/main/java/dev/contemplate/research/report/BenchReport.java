package dev.contemplate.research.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jfree.chart.JFreeChart;

/**
 * Writes a bench run as {@code bench.csv}, one row per stopping rule and agent count with every metric, and as a
 * self-contained {@code report.html}: four charts drawn by JFreeChart and inlined as SVG (accuracy against agents,
 * accuracy against mean tokens per question, latency ratio against agents, mean samples used per stopping rule), a
 * table of the numbers and the run's settings. The page loads nothing: no script, font, style sheet or image URL. A
 * run of the simulated engine says SIMULATED in the page's title, its heading, a banner and every chart's title.
 *
 * <p>Accuracy error bars and the table's intervals are 95% Wilson score intervals over the questions: the
 * uncertainty from the finite number of questions, not from the engine's randomness over repeated runs.
 */
public final class BenchReport {

    /** The name of the CSV file {@link #write} writes. */
    public static final String CSV_FILE = "bench.csv";

    /** The name of the HTML file {@link #write} writes. */
    public static final String HTML_FILE = "report.html";

    /** The file name of the accuracy-latency frontier chart, also written on its own for documents that embed it. */
    public static final String FRONTIER_FILE = "frontier.svg";

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
     * Writes {@value #CSV_FILE}, {@value #HTML_FILE} and {@value #FRONTIER_FILE} into {@code dir}, creating it if
     * needed.
     *
     * @return the files written, in that order
     * @throws IOException if the directory or a file cannot be written
     */
    public static List<Path> write(BenchRun run, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path csv = dir.resolve(CSV_FILE);
        Path html = dir.resolve(HTML_FILE);
        Files.writeString(csv, csv(run), StandardCharsets.UTF_8);
        Files.writeString(html, html(run), StandardCharsets.UTF_8);
        Path frontier = dir.resolve(FRONTIER_FILE);
        Files.writeString(frontier, "<?xml version='1.0' encoding='UTF-8'?>\n"
                + BenchCharts.svg(BenchCharts.frontier(run, run.simulated() ? " (SIMULATED)" : ""), "frontier") + "\n",
                StandardCharsets.UTF_8);
        return List.of(csv, html, frontier);
    }

    /** The CSV format: RFC 4180, the header {@link #CSV_COLUMNS}, lines ending with CRLF. */
    private static final CSVFormat CSV = CSVFormat.RFC4180.builder()
            .setHeader(CSV_COLUMNS.toArray(String[]::new))
            .setRecordSeparator("\r\n")
            .get();

    /**
     * Returns the CSV (RFC 4180): a header of {@link #CSV_COLUMNS}, then one record per row, lines ending with CRLF;
     * numbers have six significant digits ({@link ReportFormat#csvNumber}), a value that is not finite is empty.
     */
    public static String csv(BenchRun run) {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSV)) {
            for (BenchRow r : run.rows()) {
                printer.printRecord(r.stoppingRule(), r.agents(), r.questions(), r.correct(), num(r.accuracy()),
                        num(r.accuracyStdErr()), num(r.accuracyLow95()), num(r.accuracyHigh95()),
                        num(r.accuracyGain()), num(r.meanLatencyMs()), num(r.p95LatencyMs()), num(r.latencyRatio()),
                        num(r.meanSamples()), num(r.meanSamplesCompleted()), num(r.meanTokensPerQuestion()),
                        r.inputTokens(), r.outputTokens(), r.totalTokens(), r.cancellations(), r.noAnswer(),
                        r.incomplete(), run.simulated());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static String num(double v) {
        return ReportFormat.csvNumber(v);
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
        figure(b, BenchCharts.accuracy(run, sim), "chart-accuracy", "Accuracy of the majority verdict against the "
                + "number of agents, one line per stopping rule; at each N the rules' points are set a little apart so "
                + "equal results stay visible. N = 1 is the baseline, shared by every rule.");
        figure(b, BenchCharts.tokens(run, sim), "chart-tokens", "Accuracy against the mean tokens (input and output) "
                + "spent per question; each point is labelled with its agent count.");
        figure(b, BenchCharts.frontier(run, sim), "chart-frontier", "The accuracy-latency frontier: accuracy "
                + "against the latency ratio, each point labelled with its agent count; the dashed line is the "
                + "baseline's latency.");
        figure(b, BenchCharts.latency(run, sim), "chart-latency", "Mean latency per question divided by the "
                + "single-agent baseline's mean latency; the dashed line is the baseline.");
        figure(b, BenchCharts.samples(run, sim), "chart-samples", "Mean samples used per question (agents started: "
                + "answered, failed or cancelled) for each stopping rule and agent count; the inner bar and the number "
                + "in parentheses are the samples completed before the stop (the rest were cancelled), the dashed "
                + "outline the N agents available.");
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
        setting(b, "temperature", ReportFormat.number(run.temperature()));
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

    private static void figure(StringBuilder b, JFreeChart chart, String id, String caption) {
        b.append("<figure>\n").append(BenchCharts.svg(chart, id)).append("\n<figcaption>").append(esc(caption))
                .append("</figcaption>\n</figure>\n");
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
                    .append(td(ReportFormat.percent(r.accuracy())))
                    .append(td(String.format(Locale.ROOT, "%.1f-%.1f%%", 100 * r.accuracyLow95(),
                            100 * r.accuracyHigh95())))
                    .append(td(String.format(Locale.ROOT, "%+.1f pp", 100 * r.accuracyGain())))
                    .append(td(String.format(Locale.ROOT, "%.1f", r.meanLatencyMs())))
                    .append(td(String.format(Locale.ROOT, "%.1f", r.p95LatencyMs())))
                    .append(td(ReportFormat.times(r.latencyRatio())))
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
        return ReportFormat.escape(text);
    }
}

package dev.contemplate.research.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The bench's CSV and HTML report, from a hand-made run. */
class BenchReportTest {

    @TempDir
    Path dir;

    private static BenchRow row(String rule, int agents, double accuracy, double latencyRatio, double samples,
            double completed, double tokens) {
        int questions = 40;
        return new BenchRow(rule, agents, questions, (int) Math.round(accuracy * questions), 0, 0, accuracy,
                Math.sqrt(accuracy * (1 - accuracy) / questions), accuracy - 0.6, 1200 * latencyRatio,
                1900 * latencyRatio, latencyRatio, samples, completed, tokens, 100L * agents, (long) tokens * 40,
                (long) tokens * 40 + 100L * agents, (long) ((samples - completed) * questions));
    }

    static BenchRun run(boolean simulated) {
        List<BenchRow> rows = new ArrayList<>();
        for (String rule : List.of("beta:0.95", "esc:5", "fixed")) {
            rows.add(row(rule, 1, 0.6, 1.0, 1, 1, 48.5));
            rows.add(row(rule, 5, 0.725, 1.85, 5, rule.equals("fixed") ? 5 : 4.25, 210.25));
            rows.add(row(rule, 9, 0.8, 2.4, 9, rule.equals("fixed") ? 9 : 6.5, 355.75));
        }
        return new BenchRun(simulated ? "simulated (seed 3; not a model); virtual clock" : "embedded (arithmetic)",
                simulated, simulated ? "virtual" : "real", "/data/gsm8k <test>.jsonl", 40, 2, 3,
                Instant.parse("2025-01-02T03:04:05Z"), "contemplate", List.of("beta:0.95", "esc:5", "fixed"),
                List.of(1, 5, 9), "mixed", "numeric", 60_000, 0.7, 256,
                "1 agent: the team's first persona (plain), run once and shared by every rule", rows);
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder b = f.newDocumentBuilder();
        return b.parse(new InputSource(new StringReader(xml)));
    }

    /** The text of every {@code <text>} element under {@code svg}. */
    static List<String> texts(Element svg) {
        NodeList nodes = svg.getElementsByTagNameNS(ChartSvg.NAMESPACE, "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    @Test
    void theHtmlIsWellFormedWithOneSvgPerChartAndLoadsNothing() throws Exception {
        String html = BenchReport.html(run(true));
        Document doc = parse(html); // the whole page is well-formed XML
        NodeList svgs = doc.getElementsByTagNameNS(ChartSvg.NAMESPACE, "svg");
        assertThat(svgs.getLength()).isEqualTo(5);
        assertThat(html.split("<svg ", -1)).hasSize(1 + 5);
        List<String> titles = new ArrayList<>();
        List<List<String>> texts = new ArrayList<>();
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            titles.add(svg.getElementsByTagNameNS(ChartSvg.NAMESPACE, "title").item(0).getTextContent());
            texts.add(texts(svg));
            assertThat(texts.get(i)).hasSizeGreaterThan(10);
        }
        assertThat(titles).containsExactly("Accuracy vs agents (SIMULATED)",
                "Accuracy vs mean tokens per question (SIMULATED)", "Accuracy vs latency ratio (SIMULATED)",
                "Latency ratio vs agents (SIMULATED)", "Mean samples used per stopping rule (SIMULATED)");
        // each chart names its series, its axes and writes its values next to the points and bars
        assertThat(texts.get(0)).contains("Accuracy vs agents (SIMULATED)", "beta:0.95", "esc:5", "fixed",
                "agents (N)", "accuracy", "1", "5", "9", "60.0%", "72.5%", "80.0%");
        assertThat(texts.get(1)).contains("mean tokens per question (input + output)", "N=1", "N=5", "N=9");
        assertThat(texts.get(2)).contains("accuracy", "N=1", "N=5", "N=9");
        assertThat(texts.get(3)).contains("latency ratio", "baseline N = 1", "1.00\u00d7", "1.85\u00d7",
                "2.40\u00d7");
        assertThat(texts.get(4)).contains("stopping rule", "N=1", "N=5", "N=9", "completed before the stop",
                "N agents available", "5 (4.25)", "9 (6.5)", "5", "9");
        // the only URLs are namespace names, and the only references are to the chart's own clip paths
        String names = html.replaceAll("xmlns(:\\w+)?='[^']*'", "").replaceAll("xmlns(:\\w+)?=\"[^\"]*\"", "");
        assertThat(names).doesNotContain("http:", "https:");
        assertThat(html.replace("url(#chart-", "")).doesNotContain("url(");
        assertThat(html).doesNotContain("<script", "src=", "href=", "@import", "<link", "<image", "@font-face");
        // settings
        assertThat(doc.getElementsByTagName("title").item(0).getTextContent()).startsWith("SIMULATED");
        assertThat(html).contains("SIMULATED engine.", "/data/gsm8k &lt;test&gt;.jsonl", "seed",
                "2025-01-02 03:04:05 UTC", "72.5%", "1.85\u00d7");
    }

    @Test
    void theChartsAreTheSameForTheSameRunAndTheirIdsDoNotClash() throws Exception {
        String html = BenchReport.html(run(true));
        assertThat(BenchReport.html(run(true))).isEqualTo(html);
        Matcher ids = Pattern.compile(" id='([^']+)'").matcher(html);
        Set<String> seen = new HashSet<>();
        while (ids.find()) {
            assertThat(seen.add(ids.group(1))).as("id %s is unique", ids.group(1)).isTrue();
        }
        assertThat(seen).contains("chart-accuracy", "chart-tokens", "chart-latency", "chart-samples");
    }

    @Test
    void aRunOfARealEngineIsNotLabelledSimulated() throws Exception {
        String html = BenchReport.html(run(false));
        parse(html);
        assertThat(html).doesNotContain("SIMULATED");
        assertThat(html).contains("Accuracy vs agents", "embedded (arithmetic)");
    }

    @Test
    void theCsvHasAHeaderAndOneRowPerRuleAndAgentCount() throws IOException {
        String csv = BenchReport.csv(run(true));
        List<String> lines = csv.lines().toList();
        assertThat(csv).endsWith("\r\n");
        assertThat(lines).hasSize(1 + 3 * 3);
        assertThat(lines.get(0)).isEqualTo(String.join(",", BenchReport.CSV_COLUMNS));
        for (String line : lines) {
            assertThat(line.split(",", -1)).hasSize(BenchReport.CSV_COLUMNS.size());
        }
        assertThat(lines.get(2)).startsWith("beta:0.95,5,40,29,0.725,0.0706");
        double[] wilson = BenchRow.wilson(29, 40);
        assertThat(lines.get(2)).contains("," + ReportFormat.csvNumber(wilson[0]) + ","
                + ReportFormat.csvNumber(wilson[1]) + ",");
        assertThat(lines.get(2)).contains(",1.85,5,4.25,210.25,");
        assertThat(lines.get(9)).startsWith("fixed,9,").endsWith(",true");
        assertThat(ReportFormat.csvNumber(1.0 / 3)).isEqualTo("0.333333");
        assertThat(ReportFormat.csvNumber(0.1)).isEqualTo("0.1");
        assertThat(ReportFormat.csvNumber(1446.2333333)).isEqualTo("1446.23");
        assertThat(ReportFormat.csvNumber(Double.NaN)).isEmpty();
    }

    @Test
    void aCsvCellWithACommaQuoteOrLineBreakIsQuotedAndReadsBack() throws IOException {
        String rule = "say \"hi\", then\nstop";
        BenchRun plain = run(false);
        BenchRow first = plain.rows().get(0);
        BenchRow odd = new BenchRow(rule, first.agents(), first.questions(), first.correct(), first.noAnswer(),
                first.incomplete(), Double.NaN, first.accuracyStdErr(), first.accuracyGain(), first.meanLatencyMs(),
                first.p95LatencyMs(), first.latencyRatio(), first.meanSamples(), first.meanSamplesCompleted(),
                first.meanTokensPerQuestion(), first.inputTokens(), first.outputTokens(), first.totalTokens(),
                first.cancellations());
        BenchRun run = new BenchRun(plain.engine(), false, plain.clock(), plain.dataset(), plain.questions(),
                plain.skippedLines(), plain.seed(), plain.date(), plain.mode(), List.of(rule), List.of(1),
                plain.team(), plain.extractor(), plain.budgetMs(), plain.temperature(), plain.maxTokens(),
                plain.baseline(), List.of(odd));
        String csv = BenchReport.csv(run);
        assertThat(csv).contains("\"say \"\"hi\"\", then\nstop\",1,");
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv))) {
            List<CSVRecord> records = parser.getRecords();
            assertThat(parser.getHeaderNames()).isEqualTo(BenchReport.CSV_COLUMNS);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).get("stoppingRule")).isEqualTo(rule);
            assertThat(records.get(0).get("accuracy")).isEmpty();
            assertThat(records.get(0).get("simulated")).isEqualTo("false");
        }
    }

    @Test
    void theWilsonIntervalStaysInsideZeroToOneAndNeverCollapses() {
        double[] all = BenchRow.wilson(5, 5);
        assertThat(all[1]).isEqualTo(1.0);
        assertThat(all[0]).isCloseTo(0.5655, org.assertj.core.data.Offset.offset(1e-4));
        double[] none = BenchRow.wilson(0, 5);
        assertThat(none[0]).isZero();
        assertThat(none[1]).isCloseTo(0.4345, org.assertj.core.data.Offset.offset(1e-4));
        double[] half = BenchRow.wilson(50, 100);
        assertThat(half[0]).isCloseTo(0.4038, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(half[1]).isCloseTo(0.5962, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(BenchRow.wilson(0, 0)).containsExactly(0, 1);
    }

    @Test
    void writeCreatesTheDirectoryAndItsFiles() throws Exception {
        Path out = dir.resolve("a/b");
        List<Path> files = BenchReport.write(run(true), out);
        assertThat(files).containsExactly(out.resolve("bench.csv"), out.resolve("report.html"),
                out.resolve("frontier.svg"));
        String frontier = Files.readString(out.resolve("frontier.svg"));
        assertThat(texts(parse(frontier.substring(frontier.indexOf("<svg"))).getDocumentElement()))
                .contains("Accuracy vs latency ratio (SIMULATED)");
        assertThat(Files.readString(out.resolve("bench.csv"))).isEqualTo(BenchReport.csv(run(true)));
        assertThat(Files.readString(out.resolve("report.html"))).startsWith("<!DOCTYPE html>");
    }
}

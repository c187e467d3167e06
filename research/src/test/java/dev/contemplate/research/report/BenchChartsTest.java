package dev.contemplate.research.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The report's charts: what they plot, and the SVG they are written as. */
class BenchChartsTest {

    private static final BenchRun RUN = BenchReportTest.run(true);

    private static Element svg(JFreeChart chart, String id) throws Exception {
        return BenchReportTest.parse(BenchCharts.svg(chart, id)).getDocumentElement();
    }

    private static List<String> legend(LegendItemCollection items) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.getItemCount(); i++) {
            LegendItem item = items.get(i);
            out.add(item.getLabel());
        }
        return out;
    }

    private static final Pattern STROKE = Pattern.compile("(?:^|;)\\s*stroke\\s*:\\s*([^;]+)");

    /** The colour a shape is stroked in: its own stroke, else the nearest enclosing element's. */
    private static String stroke(Element e) {
        for (Node n = e; n instanceof Element el; n = n.getParentNode()) {
            if (el.hasAttribute("stroke")) {
                return el.getAttribute("stroke").trim();
            }
            Matcher style = STROKE.matcher(el.getAttribute("style"));
            if (style.find()) {
                return style.group(1).trim();
            }
        }
        return "none";
    }

    /** The vertical lines drawn in {@code rgb}, such as error bars. */
    private static int verticalLines(Element svg, String rgb) {
        NodeList lines = svg.getElementsByTagNameNS(ChartSvg.NAMESPACE, "line");
        int n = 0;
        for (int i = 0; i < lines.getLength(); i++) {
            Element line = (Element) lines.item(i);
            boolean vertical = line.getAttribute("x1").equals(line.getAttribute("x2"))
                    && !line.getAttribute("y1").equals(line.getAttribute("y2"));
            n += vertical && stroke(line).equals(rgb) ? 1 : 0;
        }
        return n;
    }

    @Test
    void theAccuracyChartHasOneLinePerRuleWithWilsonErrorBars() throws Exception {
        JFreeChart chart = BenchCharts.accuracy(RUN, "");
        XYPlot plot = chart.getXYPlot();
        YIntervalSeriesCollection data = (YIntervalSeriesCollection) plot.getDataset();
        assertThat(data.getSeriesCount()).isEqualTo(3);
        assertThat(List.of(data.getSeriesKey(0), data.getSeriesKey(1), data.getSeriesKey(2)))
                .containsExactly("beta:0.95", "esc:5", "fixed");
        assertThat(plot.getRenderer()).isInstanceOfSatisfying(XYErrorRenderer.class,
                r -> assertThat(r.getDrawYError() && r.getDefaultLinesVisible() && r.getDefaultShapesVisible())
                        .isTrue());
        BenchRow row = RUN.rows("esc:5").get(1);
        assertThat(data.getYValue(1, 1)).isEqualTo(row.accuracy());
        assertThat(data.getStartYValue(1, 1)).isEqualTo(row.accuracyLow95());
        assertThat(data.getEndYValue(1, 1)).isEqualTo(row.accuracyHigh95());
        // the rules' points at one count sit a little apart, around the count
        double mean = (data.getXValue(0, 1) + data.getXValue(1, 1) + data.getXValue(2, 1)) / 3;
        assertThat(mean).isCloseTo(5, within(1e-9));
        assertThat(data.getXValue(0, 1)).isLessThan(data.getXValue(1, 1));
        assertThat(data.getXValue(1, 1)).isLessThan(data.getXValue(2, 1));
        assertThat(data.getXValue(2, 1) - data.getXValue(0, 1)).isLessThan(1);

        Element svg = svg(chart, "acc");
        List<String> texts = BenchReportTest.texts(svg);
        assertThat(texts).contains("Accuracy vs agents", "beta:0.95", "esc:5", "fixed", "agents (N)", "accuracy",
                "1", "5", "9", "60.0%", "72.5%", "80.0%");
        // a value shared by the three rules at the same count is written once
        assertThat(texts).filteredOn("72.5%"::equals).hasSize(1);
        // a vertical bar per point in each rule's colour (Okabe and Ito blue, vermilion, green)
        assertThat(verticalLines(svg, "rgb(0,114,178)")).isEqualTo(3);
        assertThat(verticalLines(svg, "rgb(213,94,0)")).isEqualTo(3);
        assertThat(verticalLines(svg, "rgb(0,158,115)")).isEqualTo(3);
    }

    @Test
    void theLatencyChartDrawsTheBaselineAsADashedLineInTheLegend() throws Exception {
        JFreeChart chart = BenchCharts.latency(RUN, " (SIMULATED)");
        XYPlot plot = chart.getXYPlot();
        List<Marker> markers = new ArrayList<>(plot.getRangeMarkers(Layer.FOREGROUND));
        assertThat(markers).singleElement().isInstanceOfSatisfying(ValueMarker.class,
                m -> assertThat(m.getValue()).isEqualTo(1.0));
        assertThat(legend(plot.getLegendItems())).containsExactly("beta:0.95", "esc:5", "fixed", "baseline N = 1");
        List<String> texts = BenchReportTest.texts(svg(chart, "lat"));
        assertThat(texts).contains("Latency ratio vs agents (SIMULATED)", "latency ratio", "baseline N = 1",
                "1.00\u00d7", "1.85\u00d7", "2.40\u00d7");
        assertThat(texts.get(1)).contains("(1200 ms), virtual clock");
    }

    @Test
    void theTokenChartLabelsEachPointWithItsAgentCount() throws Exception {
        List<String> texts = BenchReportTest.texts(svg(BenchCharts.tokens(RUN, ""), "tok"));
        assertThat(texts).contains("mean tokens per question (input + output)", "accuracy", "N=1", "N=5", "N=9");
        // N=1 is the same point for every rule: labelled once
        assertThat(texts).filteredOn("N=1"::equals).hasSize(1);
    }

    @Test
    void theFrontierPlotsAccuracyAgainstTheLatencyRatioWithEachPointLabelled() throws Exception {
        JFreeChart chart = BenchCharts.frontier(RUN, "");
        org.jfree.chart.plot.XYPlot plot = chart.getXYPlot();
        BenchRow nine = RUN.rows().stream().filter(r -> r.agents() == 9 && r.stoppingRule().equals("fixed")).findFirst()
                .orElseThrow();
        int series = plot.getDataset().indexOf("fixed");
        int item = -1;
        for (int i = 0; i < plot.getDataset().getItemCount(series); i++) {
            if (plot.getDataset().getXValue(series, i) == nine.latencyRatio()) {
                item = i;
            }
        }
        assertThat(item).as("the N = 9 point at its latency ratio").isNotNegative();
        assertThat(plot.getDataset().getYValue(series, item)).isEqualTo(nine.accuracy());
        List<String> texts = BenchReportTest.texts(svg(chart, "fr"));
        assertThat(texts).contains("Accuracy vs latency ratio", "accuracy", "N=1", "N=9");
    }

    @Test
    void theSamplesChartHasABarPerCountWithTheCompletedPartAndTheLimit() throws Exception {
        JFreeChart chart = BenchCharts.samples(RUN, "");
        CategoryPlot plot = chart.getCategoryPlot();
        assertThat(plot.getDatasetCount()).isEqualTo(3);
        assertThat(plot.getDataset(1).getColumnKeys()).containsExactly("beta:0.95", "esc:5", "fixed");
        assertThat(plot.getDataset(1).getValue("N=9", "esc:5").doubleValue()).isEqualTo(9);
        assertThat(plot.getDataset(2).getValue("N=9", "esc:5").doubleValue()).isEqualTo(6.5);
        assertThat(plot.getDataset(0).getValue("N=9", "esc:5").doubleValue()).isEqualTo(9);
        assertThat(legend(plot.getLegendItems())).containsExactly("N=1", "N=5", "N=9", "completed before the stop",
                "N agents available");
        assertThat(BenchReportTest.texts(svg(chart, "sam"))).contains("stopping rule",
                "mean samples used per question", "beta:0.95", "esc:5", "fixed", "1", "5 (4.25)", "9 (6.5)", "9");
        assertThat(SamplesChart.barLabel(9, 6.5)).isEqualTo("9 (6.5)");
        assertThat(SamplesChart.barLabel(5, 5)).isEqualTo("5");
        assertThat(SamplesChart.barLabel(5, Double.NaN)).isEqualTo("5");
    }

    @Test
    void theSvgIsOneScalableElementWithItsTitleAndIdsOfItsOwn() throws Exception {
        JFreeChart chart = BenchCharts.accuracy(RUN, "");
        String svg = BenchCharts.svg(chart, "chart-x");
        Element root = svg(chart, "chart-x");
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo(ChartSvg.NAMESPACE);
        assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 580 380");
        assertThat(root.getAttribute("aria-label")).isEqualTo("Accuracy vs agents");
        assertThat(root.getFirstChild().getNodeName()).isEqualTo("title");
        assertThat(root.getFirstChild().getTextContent()).isEqualTo("Accuracy vs agents");
        Matcher ids = Pattern.compile(" id='([^']+)'").matcher(svg);
        while (ids.find()) {
            assertThat(ids.group(1)).startsWith("chart-x");
        }
        // an element to inline: no XML declaration or document type
        assertThat(svg).startsWith("<svg ").endsWith("</svg>").doesNotContain("<?xml", "<!DOCTYPE");
        assertThat(svg).contains("sans-serif").doesNotContain("NaN", "Infinity");
        // coordinates with two decimals at most
        assertThat(svg).doesNotContainPattern("='[^']*\\d\\.\\d{3}");
        assertThat(BenchCharts.svg(BenchCharts.accuracy(RUN, ""), "chart-x")).isEqualTo(svg);
    }

    @Test
    void chartsWithoutRowsSaySoAndStayWellFormed() throws Exception {
        BenchRun empty = new BenchRun("e", false, "real", "d.jsonl", 0, 0, 1, Instant.EPOCH, "contemplate",
                List.of(), List.of(), "mixed", "numeric", 1000, 0.7, 16, "none", List.of());
        for (JFreeChart chart : List.of(BenchCharts.accuracy(empty, ""), BenchCharts.tokens(empty, ""),
                BenchCharts.latency(empty, ""), BenchCharts.frontier(empty, ""), BenchCharts.samples(empty, ""))) {
            String svg = BenchCharts.svg(chart, "e");
            assertThat(BenchReportTest.texts(svg(chart, "e"))).contains("no data");
            assertThat(svg).doesNotContain("NaN", "Infinity");
        }
    }
}

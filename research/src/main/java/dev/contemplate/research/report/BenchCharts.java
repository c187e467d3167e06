package dev.contemplate.research.report;

import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.Range;
import org.jfree.data.general.DatasetUtils;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The bench report's four charts, built with JFreeChart from a {@link BenchRun} and written by Batik's SVG generator
 * as one {@code <svg>} element each, to be inlined in the page: text stays text (DejaVu Sans, else Verdana, else any
 * sans-serif), nothing is loaded, and the same run gives the same SVG. Point labels are placed clear of other labels,
 * markers, error bars and lines where a side of the point is free.
 */
final class BenchCharts {

    /** The width of a chart in its own units (pixels at 100%). */
    static final int WIDTH = 580;

    /** The height of a chart in its own units. */
    static final int HEIGHT = 380;

    private BenchCharts() {
    }

    /**
     * Accuracy against the agent count, one line per stopping rule, with the 95% Wilson interval as an error bar.
     * The rules' points at one count are set a little apart, so equal accuracies do not hide one another.
     */
    static JFreeChart accuracy(BenchRun run, String sim) {
        List<String> rules = run.stoppingRules();
        double dodge = dodge(run.agentCounts(), rules.size());
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<List<PointRenderer.Mark>> marks = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            YIntervalSeries series = new YIntervalSeries(rules.get(i), false, true);
            double offset = (i - (rules.size() - 1) / 2.0) * dodge;
            List<PointRenderer.Mark> line = new ArrayList<>();
            for (BenchRow r : run.rows(rules.get(i))) {
                double a = r.accuracy();
                series.add(r.agents() + offset, a, Math.min(a, r.accuracyLow95()), Math.max(a, r.accuracyHigh95()));
                line.add(new PointRenderer.Mark(r.agents(), a, ReportFormat.percent(a)));
            }
            data.addSeries(series);
            marks.add(line);
        }
        PointRenderer renderer = new PointRenderer(PointRenderer.Labels.of(marks, true), true);
        for (int i = 0; i < rules.size(); i++) {
            // labels beside the points, clear of the vertical error bars
            renderer.setSeriesPositiveItemLabelPosition(i,
                    i < (rules.size() - 1) / 2.0 ? PointRenderer.LEFT : PointRenderer.RIGHT);
        }
        NumberAxis yAxis = ChartStyle.shareAxis("accuracy", DatasetUtils.findRangeBounds(data), 0.03);
        XYPlot plot = new XYPlot(data, ChartStyle.countAxis(run.agentCounts(), dodge * rules.size()), yAxis,
                renderer);
        return ChartStyle.chart("Accuracy vs agents" + sim,
                questions(run) + "; error bars: 95% Wilson intervals", plot);
    }

    /** Accuracy against the mean tokens per question, one line per stopping rule, points labelled N=k. */
    static JFreeChart tokens(BenchRun run, String sim) {
        NumberAxis xAxis = new NumberAxis("mean tokens per question (input + output)");
        xAxis.setNumberFormatOverride(new DecimalFormat("0.###", ChartStyle.ROOT));
        XYPlot plot = accuracyAgainst(run, BenchRow::meanTokensPerQuestion, xAxis);
        return ChartStyle.chart("Accuracy vs mean tokens per question" + sim, questions(run)
                + "; points labelled with their agent count N", plot);
    }

    /**
     * The accuracy-latency frontier: accuracy against the latency ratio, one line per stopping rule, points labelled
     * N=k, with a dashed line at the baseline's latency. What extra agents buy, against what the reply pays in time.
     */
    static JFreeChart frontier(BenchRun run, String sim) {
        NumberAxis xAxis = ChartStyle.axis("latency ratio (mean latency / mean latency of N = 1)");
        xAxis.setNumberFormatOverride(new DecimalFormat("0.0'\u00d7'", ChartStyle.ROOT));
        xAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = accuracyAgainst(run, BenchRow::latencyRatio, xAxis);
        plot.addDomainMarker(new ValueMarker(1.0, ChartStyle.REFERENCE, ChartStyle.DASHED));
        return ChartStyle.chart("Accuracy vs latency ratio" + sim, questions(run)
                + "; points labelled with their agent count N", plot);
    }

    /** Accuracy against {@code x} on {@code xAxis}, one line per stopping rule, each point labelled N=k. */
    private static XYPlot accuracyAgainst(BenchRun run, ToDoubleFunction<BenchRow> x, NumberAxis xAxis) {
        List<List<PointRenderer.Mark>> marks = new ArrayList<>();
        YIntervalSeriesCollection data = lines(run, x, BenchRow::accuracy, r -> "N=" + r.agents(), marks);
        PointRenderer renderer = new PointRenderer(PointRenderer.Labels.of(marks, false), false);
        renderer.sides(run.stoppingRules().size());
        xAxis.setUpperMargin(0.1);
        NumberAxis yAxis = ChartStyle.shareAxis("accuracy", DatasetUtils.findRangeBounds(data), 0.05);
        return new XYPlot(data, xAxis, yAxis, renderer);
    }

    /** The mean latency over the baseline's against the agent count, with a dashed line at the baseline, 1×. */
    static JFreeChart latency(BenchRun run, String sim) {
        double base = run.rows().stream().filter(r -> r.agents() == 1).mapToDouble(BenchRow::meanLatencyMs)
                .findFirst().orElse(Double.NaN);
        List<List<PointRenderer.Mark>> marks = new ArrayList<>();
        YIntervalSeriesCollection data = lines(run, r -> r.agents(), BenchRow::latencyRatio,
                r -> ReportFormat.times(r.latencyRatio()), marks);
        PointRenderer renderer = new PointRenderer(PointRenderer.Labels.of(marks, false), false);
        renderer.sides(run.stoppingRules().size());
        // the span of the ratios and the baseline, with room above and below for labels
        Range span = Range.expandToInclude(DatasetUtils.findRangeBounds(data), 1);
        double room = 0.12 * Math.max(span.getLength(), 0.1);
        NumberAxis yAxis = ChartStyle.axis("latency ratio");
        yAxis.setNumberFormatOverride(new DecimalFormat("0.00'\u00d7'", ChartStyle.ROOT));
        yAxis.setRange(Math.max(0, span.getLowerBound() - room), span.getUpperBound() + room);
        XYPlot plot = new XYPlot(data, ChartStyle.countAxis(run.agentCounts(), 0), yAxis, renderer);
        plot.addRangeMarker(new ValueMarker(1.0, ChartStyle.REFERENCE, ChartStyle.DASHED));
        String subtitle = "mean latency per question / mean latency of N = 1"
                + (Double.isNaN(base) ? "" : " (" + ReportFormat.number(base) + " ms)")
                + (run.clock().equals("virtual") ? ", virtual clock" : "");
        JFreeChart chart = ChartStyle.chart("Latency ratio vs agents" + sim, subtitle, plot);
        LegendItemCollection legend = plot.getLegendItems();
        legend.add(new LegendItem("baseline N = 1", null, null, null, renderer.getLegendLine(), ChartStyle.DASHED,
                ChartStyle.REFERENCE));
        plot.setFixedLegendItems(legend);
        return chart;
    }

    /**
     * The mean samples used per question, grouped by stopping rule, one bar per agent count: the bar is the agents
     * started, the narrow bar inside it those completed before the stop, the dashed outline the N agents available.
     */
    static JFreeChart samples(BenchRun run, String sim) {
        return SamplesChart.of(run, sim);
    }

    /**
     * Returns {@code chart} as one {@code <svg>} element with the given id, scaled by its {@code viewBox}, its title
     * as the element's {@code <title>}; ids inside it start with {@code id}, so several charts can share a page.
     */
    static String svg(JFreeChart chart, String id) {
        return ChartSvg.svg(chart, id);
    }

    /** One line per stopping rule, in the order run; {@code marks} receives each point's place and label. */
    private static YIntervalSeriesCollection lines(BenchRun run, ToDoubleFunction<BenchRow> x,
            ToDoubleFunction<BenchRow> y, Function<BenchRow, String> label, List<List<PointRenderer.Mark>> marks) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (String rule : run.stoppingRules()) {
            YIntervalSeries series = new YIntervalSeries(rule, false, true);
            List<PointRenderer.Mark> line = new ArrayList<>();
            for (BenchRow r : run.rows(rule)) {
                double v = y.applyAsDouble(r);
                series.add(x.applyAsDouble(r), v, v, v);
                line.add(new PointRenderer.Mark(x.applyAsDouble(r), v, label.apply(r)));
            }
            data.addSeries(series);
            marks.add(line);
        }
        return data;
    }

    /** How far apart, in agents, the series' points at one count are set: a few pixels, less than a gap. */
    private static double dodge(List<Integer> counts, int series) {
        if (series < 2 || counts.isEmpty()) {
            return 0;
        }
        List<Integer> sorted = counts.stream().sorted().distinct().toList();
        double gap = Double.POSITIVE_INFINITY;
        for (int k = 1; k < sorted.size(); k++) {
            gap = Math.min(gap, sorted.get(k) - sorted.get(k - 1));
        }
        double step = 0.022 * Math.max(1, sorted.get(sorted.size() - 1) - sorted.get(0));
        return Double.isInfinite(gap) ? step : Math.min(step, 0.6 * gap / series);
    }

    private static String questions(BenchRun run) {
        return run.questions() + (run.questions() == 1 ? " question" : " questions");
    }
}

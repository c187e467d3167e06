package dev.contemplate.research.report;

import static dev.contemplate.research.report.ChartStyle.DASHED;
import static dev.contemplate.research.report.ChartStyle.REFERENCE;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

/** The bar chart of the mean samples used per question, by stopping rule and agent count. */
final class SamplesChart {

    private SamplesChart() {
    }

    /** See {@link BenchCharts#samples}. */
    static JFreeChart of(BenchRun run, String sim) {
        DefaultCategoryDataset limits = new DefaultCategoryDataset();
        DefaultCategoryDataset used = new DefaultCategoryDataset();
        DefaultCategoryDataset completed = new DefaultCategoryDataset();
        double hi = 0;
        int longest = 0;
        for (int n : run.agentCounts()) {
            for (String rule : run.stoppingRules()) {
                BenchRow row = run.rows(rule).stream().filter(r -> r.agents() == n).findFirst().orElse(null);
                String key = "N=" + n;
                limits.addValue(n, key, rule);
                used.addValue(row == null ? null : row.meanSamples(), key, rule);
                completed.addValue(row == null ? null : row.meanSamplesCompleted(), key, rule);
                hi = Math.max(hi, Math.max(n, row == null ? 0 : row.meanSamples()));
                if (row != null) {
                    longest = Math.max(longest, barLabel(row.meanSamples(), row.meanSamplesCompleted()).length());
                }
            }
        }
        int counts = run.agentCounts().size();
        int bars = counts * run.stoppingRules().size();
        // bars at most 48 wide, side by side in their group: wider margins either side take what is left
        double plotWidth = BenchCharts.WIDTH - 120.0;
        double categoryMargin = run.stoppingRules().size() > 1 ? 0.2 : 0;
        double itemMargin = counts > 1 ? 0.03 : 0;
        double margin = Math.max(0.03, (1 - categoryMargin - itemMargin - 48.0 * bars / plotWidth) / 2);
        double barWidth = plotWidth * (1 - 2 * margin - categoryMargin - itemMargin) / Math.max(1, bars);
        // a label wider than its bar is written upwards
        boolean upright = longest * 6.0 > barWidth;
        // bars too narrow to carry a label go without: the report's table has the values
        boolean labelled = barWidth >= 7;
        double labelHeight = !labelled ? 10 : upright ? longest * 6.0 + 8 : 16;
        double headroom = Math.min(0.6, labelHeight / (BenchCharts.HEIGHT - 150.0));

        CategoryAxis xAxis = new CategoryAxis("stopping rule");
        xAxis.setCategoryMargin(categoryMargin);
        xAxis.setLowerMargin(margin);
        xAxis.setUpperMargin(margin);
        NumberAxis yAxis = ChartStyle.axis("mean samples used per question");
        yAxis.setNumberFormatOverride(new DecimalFormat("0.###", ChartStyle.ROOT));
        yAxis.setRange(0, hi <= 0 ? 1 : hi / (1 - headroom));

        CategoryPlot plot = new CategoryPlot();
        plot.setDomainAxis(xAxis);
        plot.setRangeAxis(yAxis);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        BarRenderer outline = bars(itemMargin, 1);
        outline.setDefaultPaint(new Color(0, 0, 0, 0));
        outline.setAutoPopulateSeriesPaint(false);
        outline.setDefaultOutlinePaint(REFERENCE);
        outline.setDefaultOutlineStroke(DASHED);
        BarRenderer bar = bars(itemMargin, 1);
        bar.setDefaultOutlinePaint(new Color(0x08306b));
        bar.setDefaultOutlineStroke(new BasicStroke(0.5f));
        bar.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator() {
            private static final long serialVersionUID = 1L;

            @Override
            public String generateLabel(CategoryDataset dataset, int row, int column) {
                Number v = used.getValue(row, column);
                Number part = completed.getValue(row, column);
                return v == null ? "" : barLabel(v.doubleValue(), part == null ? Double.NaN : part.doubleValue());
            }
        });
        bar.setDefaultItemLabelsVisible(labelled);
        bar.setDefaultPositiveItemLabelPosition(upright
                ? new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.CENTER_LEFT, TextAnchor.CENTER_LEFT,
                        -Math.PI / 2)
                : new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
        bar.setItemLabelInsets(new RectangleInsets(3, 3, 3, 3));
        // the completed part: a bar 0.45 as wide inside the bar of the agents started
        BarRenderer inner = bars(itemMargin, 0.45);
        inner.setDefaultPaint(ChartStyle.PART);
        inner.setAutoPopulateSeriesPaint(false);
        inner.setDrawBarOutline(false);
        plot.setDataset(0, limits);
        plot.setRenderer(0, outline);
        plot.setDataset(1, used);
        plot.setRenderer(1, bar);
        plot.setDataset(2, completed);
        plot.setRenderer(2, inner);
        outline.setDefaultSeriesVisibleInLegend(false);
        inner.setDefaultSeriesVisibleInLegend(false);
        JFreeChart chart = ChartStyle.chart("Mean samples used per stopping rule" + sim,
                "samples = agents started; in parentheses, those completed before the stop", plot);
        // after the theme, which clears series colours
        for (int i = 0; i < counts; i++) {
            bar.setSeriesPaint(i, ChartStyle.shade(i, counts));
        }
        bar.setDefaultItemLabelFont(ChartStyle.LABEL_FONT);
        LegendItemCollection legend = plot.getLegendItems();
        Shape square = new Rectangle2D.Double(-6, -6, 12, 12);
        legend.add(new LegendItem("completed before the stop", null, null, null, square, ChartStyle.PART));
        legend.add(new LegendItem("N agents available", null, null, null, true, square, false, Color.WHITE, true,
                REFERENCE, DASHED, false, square, DASHED, REFERENCE));
        plot.setFixedLegendItems(legend);
        return chart;
    }

    /** The value label of a bar: its value, and the completed part in parentheses when it differs. */
    static String barLabel(double value, double part) {
        String text = ReportFormat.number(value);
        if (!Double.isNaN(part) && !ReportFormat.number(part).equals(text)) {
            text += " (" + ReportFormat.number(part) + ")";
        }
        return text;
    }

    /** Bars side by side in their group, outlined, {@code width} of their slot wide. */
    private static BarRenderer bars(double itemMargin, double width) {
        BarRenderer renderer = new BarRenderer() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void calculateBarWidth(CategoryPlot p, Rectangle2D area, int index,
                    CategoryItemRendererState state) {
                super.calculateBarWidth(p, area, index, state);
                state.setBarWidth(state.getBarWidth() * width);
            }
        };
        renderer.setItemMargin(itemMargin);
        renderer.setMaximumBarWidth(1);
        renderer.setDrawBarOutline(true);
        renderer.setAutoPopulateSeriesOutlinePaint(false);
        renderer.setAutoPopulateSeriesOutlineStroke(false);
        return renderer;
    }
}

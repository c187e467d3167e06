package dev.contemplate.research.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.Range;

/** The charts' shared look (a JFreeChart theme: fonts, colours, series markers) and their axes. */
final class ChartStyle {

    static {
        // charts are drawn off screen: no window system is needed or touched
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // rotated text (vertical axis titles, upright bar labels) is written as SVG text, not as glyph outlines
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    /** Colours of the series, told apart by people with the common colour-vision deficiencies (Okabe and Ito). */
    static final List<Color> PALETTE = List.of(new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000),
            new Color(0x999999));

    /** Shades of blue, light to dark, for ordered series such as agent counts. */
    private static final List<Color> SHADES = List.of(new Color(0xc6dbef), new Color(0x9ecae1),
            new Color(0x6baed6), new Color(0x4292c6), new Color(0x2171b5), new Color(0x08519c), new Color(0x08306b));

    static final Color PART = new Color(0xD55E00);
    static final Color REFERENCE = new Color(0x555555);
    static final Color SHARED_LABEL = new Color(0x333333);
    static final Color INK = new Color(0x222222);
    private static final Color LINE = new Color(0x333333);

    /**
     * The family text is measured and written in: DejaVu Sans where the JVM has it, falling back in the page on
     * Verdana (much the same widths) and then any sans-serif, so text lands nearly where it was measured; else the
     * JVM's sans-serif.
     */
    static final String FONT = Arrays.asList(GraphicsEnvironment.getLocalGraphicsEnvironment()
            .getAvailableFontFamilyNames(Locale.ROOT)).contains("DejaVu Sans") ? "DejaVu Sans" : Font.SANS_SERIF;

    /** The font of point and bar labels. */
    static final Font LABEL_FONT = new Font(FONT, Font.PLAIN, 10);

    static final Stroke DASHED = new BasicStroke(1.25f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {5f, 4f}, 0f);

    static final DecimalFormatSymbols ROOT = DecimalFormatSymbols.getInstance(Locale.ROOT);

    /** The markers of the series in turn: circle, square, triangle, diamond. */
    private static final Shape[] MARKERS = {new Ellipse2D.Double(-4.5, -4.5, 9, 9),
        new Rectangle2D.Double(-4, -4, 8, 8), ShapeUtils.createUpTriangle(5.5f), ShapeUtils.createDiamond(5.5f)};

    private static final StandardChartTheme THEME = theme();

    private ChartStyle() {
    }

    private static StandardChartTheme theme() {
        StandardChartTheme theme = new StandardChartTheme("report");
        theme.setExtraLargeFont(new Font(FONT, Font.BOLD, 15));
        theme.setLargeFont(new Font(FONT, Font.PLAIN, 12));
        theme.setRegularFont(new Font(FONT, Font.PLAIN, 11));
        theme.setSmallFont(LABEL_FONT);
        theme.setTitlePaint(new Color(0x111111));
        theme.setSubtitlePaint(new Color(0x444444));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setLegendBackgroundPaint(Color.WHITE);
        theme.setLegendItemPaint(INK);
        theme.setAxisLabelPaint(INK);
        theme.setTickLabelPaint(LINE);
        theme.setItemLabelPaint(INK);
        theme.setRangeGridlinePaint(new Color(0xe3e3e3));
        theme.setDomainGridlinePaint(new Color(0xf0f0f0));
        theme.setAxisOffset(RectangleInsets.ZERO_INSETS);
        theme.setBarPainter(new StandardBarPainter());
        theme.setShadowVisible(false);
        theme.setDrawingSupplier(new DefaultDrawingSupplier(PALETTE.toArray(new Paint[0]),
                new Paint[] {Color.WHITE}, new Stroke[] {new BasicStroke(2f)}, new Stroke[] {new BasicStroke(1f)},
                MARKERS));
        return theme;
    }

    /** A chart with a title, a subtitle and the legend under them, in the report's theme. */
    static JFreeChart chart(String title, String subtitle, Plot plot) {
        plot.setOutlineVisible(false);
        plot.setNoDataMessage("no data");
        plot.setNoDataMessageFont(new Font(FONT, Font.PLAIN, 13));
        plot.setNoDataMessagePaint(new Color(0x777777));
        JFreeChart chart = new JFreeChart(title, plot);
        chart.removeLegend();
        chart.setPadding(new RectangleInsets(4, 6, 6, 14));
        TextTitle sub = new TextTitle(subtitle);
        chart.addSubtitle(sub);
        LegendTitle legend = new LegendTitle(plot);
        legend.setPosition(RectangleEdge.TOP);
        legend.setFrame(BlockBorder.NONE);
        legend.setMargin(new RectangleInsets(4, 0, 6, 0));
        chart.addSubtitle(legend);
        THEME.apply(chart);
        sub.setFont(new Font(FONT, Font.PLAIN, 11));
        if (plot instanceof XYPlot xy) {
            lines(xy.getDomainAxis(), xy.getRangeAxis());
        } else if (plot instanceof CategoryPlot category) {
            lines(category.getDomainAxis(), category.getRangeAxis());
        }
        return chart;
    }

    private static void lines(Axis... axes) {
        for (Axis axis : axes) {
            axis.setAxisLinePaint(LINE);
            axis.setTickMarkPaint(LINE);
        }
    }

    /** A number axis that does not insist on showing zero. */
    static NumberAxis axis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(false);
        return axis;
    }

    /**
     * A vertical axis of shares between 0 and 1, from round tick to round tick around {@code span}, with at least
     * {@code room} above its top for labels; 0 to 1 without a span.
     */
    static NumberAxis shareAxis(String label, Range span, double room) {
        NumberAxis axis = axis(label);
        axis.setNumberFormatOverride(new DecimalFormat("0.#%", ROOT));
        if (span == null) {
            axis.setRange(0, 1);
            return axis;
        }
        double lo = Math.max(0, Math.floor(span.getLowerBound() * 10 + 1e-9) / 10);
        double hi = Math.min(1, Math.ceil((span.getUpperBound() + room) * 10 - 1e-9) / 10);
        axis.setRange(lo, Math.max(hi, lo + 0.1));
        return axis;
    }

    /** The agent-count axis: ticks at the counts run, a little room either side ({@code spread} for dodging). */
    static NumberAxis countAxis(List<Integer> counts, double spread) {
        List<Double> at = counts.stream().map(Integer::doubleValue).toList();
        NumberAxis axis = new CountAxis("agents (N)", at);
        double min = at.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = at.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        double pad = Math.max(0.07 * (max - min), 0.5) + spread / 2;
        // more room on the right, where the last points' labels go
        axis.setRange(Math.max(0, min - pad), max + pad + 0.05 * (max - min));
        return axis;
    }

    /** Bar {@code i}'s colour: shades of blue from light to dark, spread over {@code n} bars. */
    static Color shade(int i, int n) {
        if (n <= SHADES.size()) {
            return SHADES.get(SHADES.size() - n + i);
        }
        double t = (double) i / (n - 1);
        return new Color((int) Math.round(0xc6 + (0x08 - 0xc6) * t), (int) Math.round(0xdb + (0x30 - 0xdb) * t),
                (int) Math.round(0xef + (0x6b - 0xef) * t));
    }

    /** A number axis with ticks at given values only; a label too close to the previous one is left out. */
    private static final class CountAxis extends NumberAxis {
        private static final long serialVersionUID = 1L;
        private final List<Double> at;

        CountAxis(String label, List<Double> at) {
            super(label);
            this.at = List.copyOf(at);
        }

        @Override
        public List<NumberTick> refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea,
                RectangleEdge edge) {
            g2.setFont(getTickLabelFont());
            FontMetrics metrics = g2.getFontMetrics();
            List<NumberTick> ticks = new ArrayList<>();
            double lastEnd = Double.NEGATIVE_INFINITY;
            for (double v : at) {
                if (!getRange().contains(v)) {
                    continue;
                }
                String text = ReportFormat.number(v);
                double px = valueToJava2D(v, dataArea, edge);
                double half = metrics.stringWidth(text) / 2.0;
                boolean room = px - half >= lastEnd + 4;
                if (room) {
                    lastEnd = px + half;
                }
                ticks.add(new NumberTick(v, room ? text : "", TextAnchor.TOP_CENTER, TextAnchor.TOP_CENTER, 0.0));
            }
            return ticks;
        }

        @Override
        public boolean equals(Object obj) {
            return obj instanceof CountAxis other && other.at.equals(at) && super.equals(obj);
        }

        @Override
        public int hashCode() {
            return super.hashCode() * 31 + at.hashCode();
        }
    }
}

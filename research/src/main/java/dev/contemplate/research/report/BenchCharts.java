package dev.contemplate.research.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.batik.svggen.DOMGroupManager;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.apache.batik.svggen.SVGIDGenerator;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.IntervalXYDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The bench report's four charts, built with JFreeChart from a {@link BenchRun} and written by Batik's SVG generator
 * as one {@code <svg>} element each, to be inlined in the page: text stays text (DejaVu Sans, else Verdana, else any
 * sans-serif), nothing is loaded, and the same run gives the same SVG. Point labels are placed clear of other labels,
 * markers, error bars and lines where a side of the point is free.
 */
final class BenchCharts {

    static {
        // charts are drawn off screen: no window system is needed or touched
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // rotated text (vertical axis titles, upright bar labels) is written as SVG text, not as glyph outlines
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    /** The SVG namespace. */
    static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";

    /** The width of a chart in its own units (pixels at 100%). */
    static final int WIDTH = 580;

    /** The height of a chart in its own units. */
    static final int HEIGHT = 380;

    /** Colours of the series, told apart by people with the common colour-vision deficiencies (Okabe and Ito). */
    static final List<Color> PALETTE = List.of(new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000),
            new Color(0x999999));

    /** Shades of blue, light to dark, for ordered series such as agent counts. */
    private static final List<Color> SHADES = List.of(new Color(0xc6dbef), new Color(0x9ecae1),
            new Color(0x6baed6), new Color(0x4292c6), new Color(0x2171b5), new Color(0x08519c), new Color(0x08306b));

    private static final Color PART = new Color(0xD55E00);
    private static final Color REFERENCE = new Color(0x555555);
    private static final Color SHARED_LABEL = new Color(0x333333);
    private static final Color INK = new Color(0x222222);
    private static final Color GRID = new Color(0xe3e3e3);
    /**
     * The family text is measured and written in: DejaVu Sans where the JVM has it, falling back in the page on
     * Verdana (much the same widths) and then any sans-serif, so text lands nearly where it was measured; else the
     * JVM's sans-serif.
     */
    private static final String FONT = Arrays.asList(GraphicsEnvironment.getLocalGraphicsEnvironment()
            .getAvailableFontFamilyNames(Locale.ROOT)).contains("DejaVu Sans") ? "DejaVu Sans" : Font.SANS_SERIF;
    private static final Stroke DASHED = new BasicStroke(1.25f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {5f, 4f}, 0f);
    private static final DecimalFormatSymbols ROOT = DecimalFormatSymbols.getInstance(Locale.ROOT);

    /** Where each series writes its point labels, so labels of neighbouring lines fall on different sides. */
    private static final List<ItemLabelPosition> LABEL_SIDES = List.of(
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE11, TextAnchor.BOTTOM_RIGHT),
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE4, TextAnchor.TOP_LEFT),
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT),
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE8, TextAnchor.TOP_RIGHT),
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER),
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6, TextAnchor.TOP_CENTER));

    private static final ItemLabelPosition LEFT = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE9,
            TextAnchor.CENTER_RIGHT);
    private static final ItemLabelPosition RIGHT = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3,
            TextAnchor.CENTER_LEFT);

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
        List<List<Mark>> marks = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            YIntervalSeries series = new YIntervalSeries(rules.get(i), false, true);
            double offset = (i - (rules.size() - 1) / 2.0) * dodge;
            List<Mark> line = new ArrayList<>();
            for (BenchRow r : run.rows(rules.get(i))) {
                double a = r.accuracy();
                series.add(r.agents() + offset, a, Math.min(a, r.accuracyLow95()), Math.max(a, r.accuracyHigh95()));
                line.add(new Mark(r.agents(), a, ReportFormat.percent(a)));
            }
            data.addSeries(series);
            marks.add(line);
        }
        Renderer renderer = new Renderer(Labels.of(marks, true), true);
        for (int i = 0; i < rules.size(); i++) {
            // labels beside the points, clear of the vertical error bars
            renderer.setSeriesPositiveItemLabelPosition(i, i < (rules.size() - 1) / 2.0 ? LEFT : RIGHT);
        }
        double[] y = span(run.rows(), BenchRow::accuracyLow95, BenchRow::accuracyHigh95);
        NumberAxis yAxis = shareAxis("accuracy", y[0], y[1], 0.03);
        XYPlot plot = new XYPlot(data, countAxis(run.agentCounts(), dodge * rules.size()), yAxis, renderer);
        return chart("Accuracy vs agents" + sim, questions(run) + "; error bars: 95% Wilson intervals", plot);
    }

    /** Accuracy against the mean tokens per question, one line per stopping rule, points labelled N=k. */
    static JFreeChart tokens(BenchRun run, String sim) {
        List<List<Mark>> marks = new ArrayList<>();
        YIntervalSeriesCollection data = lines(run, BenchRow::meanTokensPerQuestion, BenchRow::accuracy,
                r -> "N=" + r.agents(), marks);
        Renderer renderer = new Renderer(Labels.of(marks, false), false);
        sides(renderer, run.stoppingRules().size());
        NumberAxis xAxis = new NumberAxis("mean tokens per question (input + output)");
        xAxis.setNumberFormatOverride(new DecimalFormat("0.###", ROOT));
        xAxis.setAutoRangeIncludesZero(true);
        xAxis.setUpperMargin(0.1);
        double[] y = span(run.rows(), BenchRow::accuracy, BenchRow::accuracy);
        XYPlot plot = new XYPlot(data, xAxis, shareAxis("accuracy", y[0], y[1], 0.05), renderer);
        return chart("Accuracy vs mean tokens per question" + sim, questions(run)
                + "; points labelled with their agent count N", plot);
    }

    /** The mean latency over the baseline's against the agent count, with a dashed line at the baseline, 1×. */
    static JFreeChart latency(BenchRun run, String sim) {
        double base = run.rows().stream().filter(r -> r.agents() == 1).mapToDouble(BenchRow::meanLatencyMs)
                .findFirst().orElse(Double.NaN);
        List<List<Mark>> marks = new ArrayList<>();
        YIntervalSeriesCollection data = lines(run, r -> r.agents(), BenchRow::latencyRatio,
                r -> ReportFormat.times(r.latencyRatio()), marks);
        Renderer renderer = new Renderer(Labels.of(marks, false), false);
        sides(renderer, run.stoppingRules().size());
        double[] y = span(run.rows(), BenchRow::latencyRatio, BenchRow::latencyRatio);
        double lo = Double.isNaN(y[0]) ? 1 : Math.min(1, y[0]);
        double hi = Double.isNaN(y[1]) ? 1 : Math.max(1, y[1]);
        double room = Math.max(hi - lo, 0.1);
        NumberAxis yAxis = axis("latency ratio");
        yAxis.setNumberFormatOverride(new DecimalFormat("0.00'\u00d7'", ROOT));
        yAxis.setRange(Math.max(0, lo - 0.12 * room), hi + 0.12 * room);
        XYPlot plot = new XYPlot(data, countAxis(run.agentCounts(), 0), yAxis, renderer);
        ValueMarker baseline = new ValueMarker(1.0, REFERENCE, DASHED);
        plot.addRangeMarker(baseline);
        String subtitle = "mean latency per question / mean latency of N = 1"
                + (Double.isNaN(base) ? "" : " (" + ReportFormat.number(base) + " ms)")
                + (run.clock().equals("virtual") ? ", virtual clock" : "");
        JFreeChart chart = chart("Latency ratio vs agents" + sim, subtitle, plot);
        LegendItemCollection legend = plot.getLegendItems();
        legend.add(new LegendItem("baseline N = 1", null, null, null, new Line2D.Double(-10, 0, 10, 0), DASHED,
                REFERENCE));
        plot.setFixedLegendItems(legend);
        return chart;
    }

    /**
     * The mean samples used per question, grouped by stopping rule, one bar per agent count: the bar is the agents
     * started, the narrow bar inside it those completed before the stop, the dashed outline the N agents available.
     */
    static JFreeChart samples(BenchRun run, String sim) {
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
        int bars = run.agentCounts().size() * run.stoppingRules().size();
        // bars at most 48 wide, side by side in their group: wider margins either side take what is left
        double plotWidth = WIDTH - 120.0;
        double categoryMargin = run.stoppingRules().size() > 1 ? 0.2 : 0;
        double itemMargin = itemMargin(run.agentCounts().size());
        double margin = Math.max(0.03, (1 - categoryMargin - itemMargin - 48.0 * bars / plotWidth) / 2);
        double barWidth = plotWidth * (1 - 2 * margin - categoryMargin - itemMargin) / Math.max(1, bars);
        // a label wider than its bar is written upwards
        boolean upright = longest * 6.0 > barWidth;
        // bars too narrow to carry a label go without: the report's table has the values
        boolean labelled = barWidth >= 7;
        double labelHeight = !labelled ? 10 : upright ? longest * 6.0 + 8 : 16;
        double headroom = Math.min(0.6, labelHeight / (HEIGHT - 150.0));

        CategoryAxis xAxis = new CategoryAxis("stopping rule");
        xAxis.setLabelFont(new Font(FONT, Font.PLAIN, 12));
        xAxis.setTickLabelFont(new Font(FONT, Font.PLAIN, 11));
        xAxis.setTickLabelPaint(INK);
        xAxis.setLabelPaint(INK);
        xAxis.setAxisLinePaint(new Color(0x333333));
        xAxis.setAxisLineStroke(new BasicStroke(1f));
        xAxis.setCategoryMargin(categoryMargin);
        xAxis.setLowerMargin(margin);
        xAxis.setUpperMargin(margin);
        NumberAxis yAxis = axis("mean samples used per question");
        yAxis.setNumberFormatOverride(new DecimalFormat("0.###", ROOT));
        yAxis.setRange(0, hi <= 0 ? 1 : hi / (1 - headroom));

        CategoryPlot plot = new CategoryPlot();
        plot.setDomainAxis(xAxis);
        plot.setRangeAxis(yAxis);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        BarRenderer outline = bars(run.agentCounts().size());
        outline.setDefaultPaint(new Color(0, 0, 0, 0));
        outline.setAutoPopulateSeriesPaint(false);
        outline.setDrawBarOutline(true);
        outline.setDefaultOutlinePaint(REFERENCE);
        outline.setDefaultOutlineStroke(DASHED);
        outline.setAutoPopulateSeriesOutlinePaint(false);
        outline.setAutoPopulateSeriesOutlineStroke(false);
        BarRenderer bar = bars(run.agentCounts().size());
        for (int i = 0; i < run.agentCounts().size(); i++) {
            bar.setSeriesPaint(i, shade(i, run.agentCounts().size()));
        }
        bar.setDrawBarOutline(true);
        bar.setDefaultOutlinePaint(new Color(0x08306b));
        bar.setDefaultOutlineStroke(new BasicStroke(0.5f));
        bar.setAutoPopulateSeriesOutlinePaint(false);
        bar.setAutoPopulateSeriesOutlineStroke(false);
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
        bar.setDefaultItemLabelFont(new Font(FONT, Font.PLAIN, 10));
        bar.setDefaultItemLabelPaint(INK);
        bar.setDefaultPositiveItemLabelPosition(upright
                ? new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.CENTER_LEFT, TextAnchor.CENTER_LEFT,
                        -Math.PI / 2)
                : new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
        bar.setItemLabelInsets(new RectangleInsets(3, 3, 3, 3));
        BarRenderer inner = new BarRenderer() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void calculateBarWidth(CategoryPlot p, Rectangle2D area, int index,
                    CategoryItemRendererState state) {
                super.calculateBarWidth(p, area, index, state);
                state.setBarWidth(state.getBarWidth() * 0.45);
            }
        };
        styleBars(inner, run.agentCounts().size());
        inner.setDefaultPaint(PART);
        inner.setAutoPopulateSeriesPaint(false);
        plot.setDataset(0, limits);
        plot.setRenderer(0, outline);
        plot.setDataset(1, used);
        plot.setRenderer(1, bar);
        plot.setDataset(2, completed);
        plot.setRenderer(2, inner);
        outline.setDefaultSeriesVisibleInLegend(false);
        inner.setDefaultSeriesVisibleInLegend(false);
        JFreeChart chart = chart("Mean samples used per stopping rule" + sim,
                "samples = agents started; in parentheses, those completed before the stop", plot);
        LegendItemCollection legend = plot.getLegendItems();
        Shape square = new Rectangle2D.Double(-6, -6, 12, 12);
        legend.add(new LegendItem("completed before the stop", null, null, null, square, PART));
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

    /**
     * Batik's generator formats numbers with {@code DecimalFormat}s shared by all its instances, which are not safe
     * to use from several threads at once: one chart is written at a time.
     */
    private static final Object BATIK = new Object();

    /** Attributes the generator puts on the root that an inline, scaled chart does without. */
    private static final List<String> ROOT_EXTRAS = List.of("width", "height", "version", "contentScriptType",
            "contentStyleType", "zoomAndPan", "preserveAspectRatio");

    /** The families as the generator names them, and as the page asks for them. */
    private static final Map<String, String> FONT_FAMILIES = Map.of("'DejaVu Sans'",
            "DejaVu Sans, Verdana, sans-serif");

    /**
     * Returns {@code chart} as one {@code <svg>} element with the given id, scaled by its {@code viewBox}, its title
     * as the element's {@code <title>}; ids inside it start with {@code id}, so several charts can share a page.
     * Text stays {@code <text>}, coordinates have two decimals at most, and the same chart gives the same string.
     */
    static String svg(JFreeChart chart, String id) {
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            doc = factory.newDocumentBuilder().getDOMImplementation().createDocument(SVG_NAMESPACE, "svg", null);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        Element root;
        synchronized (BATIK) {
            SVGGeneratorContext context = SVGGeneratorContext.createDefault(doc);
            context.setIDGenerator(new PrefixedIds(id));
            context.setComment(null);
            context.setPrecision(2);
            context.setEmbeddedFontsOn(false);
            SVGGeneratorContext.GraphicContextDefaults defaults = new SVGGeneratorContext.GraphicContextDefaults();
            defaults.setFont(new Font(FONT, Font.PLAIN, 12));
            context.setGraphicContextDefaults(defaults);
            SVGGraphics2D g = new Canvas(context);
            g.setSVGCanvasSize(new Dimension(WIDTH, HEIGHT));
            chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
            root = g.getRoot(doc.getDocumentElement());
            g.dispose();
        }
        tidy(root, id);
        String title = chart.getTitle() == null ? id : chart.getTitle().getText();
        root.setAttribute("id", id);
        root.setAttribute("viewBox", "0 0 " + WIDTH + " " + HEIGHT);
        root.setAttribute("role", "img");
        root.setAttribute("aria-label", title);
        Element heading = doc.createElementNS(SVG_NAMESPACE, "title");
        heading.setTextContent(title);
        root.insertBefore(heading, root.getFirstChild());
        StringBuilder out = new StringBuilder(64 * 1024);
        write(root, out, true);
        return out.toString();
    }

    /**
     * Batik's generator, writing text as text, that measures text with fractional advances as browsers lay it out (so
     * centred and right-aligned text lands where it was measured), keeps normalised strokes crisp, and leaves out a
     * clip to the whole chart: the {@code <svg>} element clips to its viewBox anyway, and the clip would otherwise be
     * referenced by every element.
     */
    private static final class Canvas extends SVGGraphics2D {
        private static final Rectangle2D ALL = new Rectangle2D.Double(0, 0, WIDTH, HEIGHT);
        private final Graphics2D metrics;

        Canvas(SVGGeneratorContext context) {
            super(context, false);
            metrics = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
            metrics.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            metrics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                    RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        }

        private Canvas(Canvas g) {
            super(g);
            metrics = g.metrics;
        }

        @Override
        public Graphics create() {
            return new Canvas(this);
        }

        @Override
        public FontMetrics getFontMetrics(Font f) {
            return metrics.getFontMetrics(f);
        }

        /** A stroke JFreeChart asks to be normalised (axis lines, grid lines, ticks) is drawn with crisp edges. */
        @Override
        public void draw(Shape s) {
            if (getRenderingHint(RenderingHints.KEY_STROKE_CONTROL) == RenderingHints.VALUE_STROKE_NORMALIZE
                    && getStroke() instanceof BasicStroke) {
                Element shape = getShapeConverter().toSVG(s);
                if (shape != null) {
                    shape.setAttribute("shape-rendering", "crispEdges");
                    getDOMGroupManager().addElement(shape, DOMGroupManager.DRAW);
                }
                return;
            }
            super.draw(s);
        }

        @Override
        public void clip(Shape s) {
            if (getClip() == null && getTransform().createTransformedShape(s).contains(ALL)) {
                return;
            }
            super.clip(s);
        }
    }

    /** Ids {@code <chart id>-<kind><n>}, counted per kind from 1 for each chart. */
    private static final class PrefixedIds extends SVGIDGenerator {
        private final String prefix;

        PrefixedIds(String prefix) {
            this.prefix = prefix + "-";
        }

        @Override
        public String generateID(String kind) {
            return prefix + super.generateID(kind);
        }
    }

    /**
     * Leaves {@code root} ready to inline: no size (the viewBox scales it), no empty definitions, every id
     * prefixed, and fonts named with their page fallbacks.
     */
    private static void tidy(Element root, String id) {
        for (String name : ROOT_EXTRAS) {
            root.removeAttribute(name);
        }
        root.removeAttributeNS("http://www.w3.org/2000/xmlns/", "xlink");
        tidyTree(root, id);
    }

    private static void tidyTree(Element e, String id) {
        if (e.getLocalName().equals("defs") && !e.hasChildNodes()) {
            e.getParentNode().removeChild(e);
            return;
        }
        if (e.hasAttribute("id") && !e.getAttribute("id").startsWith(id + "-") && e.getParentNode() != null
                && e.getParentNode().getNodeType() == Node.ELEMENT_NODE) {
            // the generator's fixed ids (its shared definitions) are not from the id generator
            e.setAttribute("id", id + "-" + e.getAttribute("id"));
        }
        String family = e.getAttribute("font-family");
        if (!family.isEmpty()) {
            e.setAttribute("font-family", FONT_FAMILIES.getOrDefault(family, family));
        }
        List<Element> children = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                children.add(child);
            }
        }
        for (Element child : children) {
            tidyTree(child, id);
        }
    }

    /**
     * Writes {@code e} as XML: attributes sorted by name in single quotes, a line break between sibling elements,
     * text escaped; the namespace is declared on the root only.
     */
    private static void write(Element e, StringBuilder out, boolean root) {
        out.append('<').append(e.getTagName());
        if (root) {
            out.append(" xmlns='").append(SVG_NAMESPACE).append('\'');
        }
        NamedNodeMap attributes = e.getAttributes();
        List<Attr> sorted = new ArrayList<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            if (!a.getName().equals("xmlns") && !a.getName().startsWith("xmlns:")) {
                sorted.add(a);
            }
        }
        sorted.sort(Comparator.comparing(Attr::getName));
        for (Attr a : sorted) {
            out.append(' ').append(a.getName()).append("='").append(ReportFormat.escape(a.getValue())).append('\'');
        }
        if (!e.hasChildNodes()) {
            out.append("/>");
            return;
        }
        out.append('>');
        boolean elementsOnly = true;
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            elementsOnly &= n.getNodeType() == Node.ELEMENT_NODE;
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                if (elementsOnly && n != e.getFirstChild()) {
                    out.append('\n');
                }
                write(child, out, false);
            } else if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                out.append(ReportFormat.escape(n.getNodeValue()));
            }
        }
        out.append("</").append(e.getTagName()).append('>');
    }

    /** A point's place before any dodging, and its label. */
    private record Mark(double x, double y, String label) {
    }

    /**
     * The point labels of a chart, by series and item. A label that several series share at the same place (the
     * shared baseline, equal results) is written once, in a neutral colour.
     */
    private record Labels(List<List<String>> texts, List<List<Boolean>> shared) {

        /** Keeps each shared label on its last series ({@code last}) or its first. */
        static Labels of(List<List<Mark>> marks, boolean last) {
            Map<String, Integer> counts = new HashMap<>();
            Map<String, Integer> owner = new HashMap<>();
            for (int i = 0; i < marks.size(); i++) {
                for (Mark m : marks.get(i)) {
                    String key = key(m);
                    counts.merge(key, 1, Integer::sum);
                    if (last || !owner.containsKey(key)) {
                        owner.put(key, i);
                    }
                }
            }
            List<List<String>> texts = new ArrayList<>();
            List<List<Boolean>> shared = new ArrayList<>();
            for (int i = 0; i < marks.size(); i++) {
                List<String> t = new ArrayList<>();
                List<Boolean> s = new ArrayList<>();
                for (Mark m : marks.get(i)) {
                    String key = key(m);
                    t.add(owner.get(key) == i ? m.label() : "");
                    s.add(counts.get(key) > 1);
                }
                texts.add(t);
                shared.add(s);
            }
            return new Labels(texts, shared);
        }

        private static String key(Mark m) {
            return m.label() + "@" + m.x() + "," + m.y();
        }

        /** The number of labels written. */
        int count() {
            return (int) texts.stream().flatMap(List::stream).filter(t -> !t.isEmpty()).count();
        }

        String text(int series, int item) {
            return series < texts.size() && item < texts.get(series).size() ? texts.get(series).get(item) : "";
        }

        boolean isShared(int series, int item) {
            return series < shared.size() && item < shared.get(series).size() && shared.get(series).get(item);
        }
    }

    /**
     * Lines with markers, point labels and, where the data set has them, vertical error bars. A label goes on its
     * series' preferred side of the point unless that side leaves the plot or covers an earlier label, a marker, an
     * error bar or a line; then on the free side nearest in {@link #FALLBACK}, or the least covered one. On a
     * crowded chart a label with no free side is left out (the report's table has every value).
     */
    private static final class Renderer extends XYErrorRenderer {
        private static final long serialVersionUID = 1L;
        /** Above this many labels, a label that would cover something is left out. */
        private static final int CROWDED = 24;
        private static final List<ItemLabelPosition> FALLBACK = List.of(RIGHT,
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE1, TextAnchor.BOTTOM_LEFT),
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER), LEFT,
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE11, TextAnchor.BOTTOM_RIGHT),
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6, TextAnchor.TOP_CENTER),
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE5, TextAnchor.TOP_LEFT),
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE7, TextAnchor.TOP_RIGHT));
        private final transient Labels labels;
        /** Markers and error bars drawn so far, in Java2D space. */
        private final transient List<Rectangle2D> marks = new ArrayList<>();
        /** Line segments drawn so far. */
        private final transient List<Line2D> segments = new ArrayList<>();
        /** Labels placed so far. */
        private final transient List<Rectangle2D> placed = new ArrayList<>();
        private transient Rectangle2D area = new Rectangle2D.Double();

        Renderer(Labels labels, boolean errorBars) {
            this.labels = labels;
            setDrawXError(false);
            setDrawYError(errorBars);
            setCapLength(8);
            setErrorStroke(new BasicStroke(1.25f));
            setDefaultLinesVisible(true);
            setDefaultShapesVisible(true);
            setUseOutlinePaint(true);
            setDrawOutlines(true);
            setDefaultOutlinePaint(Color.WHITE);
            setDefaultOutlineStroke(new BasicStroke(1f));
            setAutoPopulateSeriesOutlinePaint(false);
            setAutoPopulateSeriesOutlineStroke(false);
            setAutoPopulateSeriesStroke(false);
            setDefaultStroke(new BasicStroke(2f));
            for (int i = 0; i < PALETTE.size(); i++) {
                setSeriesPaint(i, PALETTE.get(i));
                setSeriesShape(i, marker(i));
            }
            setDefaultItemLabelGenerator((dataset, series, item) -> this.labels.text(series, item));
            setDefaultItemLabelsVisible(true);
            setDefaultItemLabelFont(new Font(FONT, Font.PLAIN, 10));
            setLegendLine(new Line2D.Double(-11, 0, 11, 0));
            setItemLabelInsets(new RectangleInsets(5, 6, 5, 6));
        }

        @Override
        public Paint getItemLabelPaint(int row, int column) {
            return labels.isShared(row, column) ? SHARED_LABEL : lookupSeriesPaint(row);
        }

        @Override
        public XYItemRendererState initialise(Graphics2D g2, Rectangle2D dataArea, XYPlot plot, XYDataset data,
                @Nullable PlotRenderingInfo info) {
            marks.clear();
            segments.clear();
            placed.clear();
            area = dataArea;
            for (Layer layer : List.of(Layer.FOREGROUND, Layer.BACKGROUND)) {
                Collection<Marker> markers = plot.getRangeMarkers(layer);
                for (Marker m : markers == null ? List.<Marker>of() : markers) {
                    if (m instanceof ValueMarker marker) {
                        double y = plot.getRangeAxis().valueToJava2D(marker.getValue(), dataArea,
                                plot.getRangeAxisEdge());
                        segments.add(new Line2D.Double(dataArea.getMinX(), y, dataArea.getMaxX(), y));
                    }
                }
            }
            return super.initialise(g2, dataArea, plot, data, info);
        }

        @Override
        public void drawItem(Graphics2D g2, XYItemRendererState state, Rectangle2D dataArea,
                @Nullable PlotRenderingInfo info, XYPlot plot, ValueAxis domainAxis, ValueAxis rangeAxis,
                XYDataset dataset, int series, int item, @Nullable CrosshairState crosshairState, int pass) {
            if (pass == 0) {
                RectangleEdge xEdge = plot.getDomainAxisEdge();
                RectangleEdge yEdge = plot.getRangeAxisEdge();
                double x = domainAxis.valueToJava2D(dataset.getXValue(series, item), dataArea, xEdge);
                double y = rangeAxis.valueToJava2D(dataset.getYValue(series, item), dataArea, yEdge);
                marks.add(new Rectangle2D.Double(x - 5.5, y - 5.5, 11, 11));
                if (item > 0) {
                    segments.add(new Line2D.Double(
                            domainAxis.valueToJava2D(dataset.getXValue(series, item - 1), dataArea, xEdge),
                            rangeAxis.valueToJava2D(dataset.getYValue(series, item - 1), dataArea, yEdge), x, y));
                }
                if (getDrawYError() && dataset instanceof IntervalXYDataset intervals) {
                    double top = rangeAxis.valueToJava2D(intervals.getEndYValue(series, item), dataArea, yEdge);
                    double bottom = rangeAxis.valueToJava2D(intervals.getStartYValue(series, item), dataArea, yEdge);
                    marks.add(new Rectangle2D.Double(x - getCapLength() / 2, Math.min(top, bottom), getCapLength(),
                            Math.abs(bottom - top)));
                }
            }
            super.drawItem(g2, state, dataArea, info, plot, domainAxis, rangeAxis, dataset, series, item,
                    crosshairState, pass);
        }

        @Override
        protected void drawItemLabel(Graphics2D g2, PlotOrientation orientation, XYDataset dataset, int series,
                int item, double x, double y, boolean negative) {
            String label = labels.text(series, item);
            if (label.isEmpty()) {
                return;
            }
            g2.setFont(getItemLabelFont(series, item));
            g2.setPaint(getItemLabelPaint(series, item));
            List<ItemLabelPosition> sides = new ArrayList<>();
            sides.add(getPositiveItemLabelPosition(series, item));
            sides.addAll(FALLBACK);
            Point2D best = null;
            ItemLabelPosition bestSide = sides.get(0);
            Rectangle2D bestBox = null;
            double bestCost = Double.POSITIVE_INFINITY;
            for (ItemLabelPosition side : sides) {
                Point2D at = calculateLabelAnchorPoint(side.getItemLabelAnchor(), x, y, orientation);
                Rectangle2D box = TextUtils.calculateRotatedStringBounds(label, g2, (float) at.getX(),
                        (float) at.getY(), side.getTextAnchor(), 0, side.getRotationAnchor()).getBounds2D();
                double cost = cost(box);
                if (cost < bestCost) {
                    best = at;
                    bestSide = side;
                    bestBox = box;
                    bestCost = cost;
                }
                if (cost == 0) {
                    break;
                }
            }
            if (bestCost > 0 && labels.count() > CROWDED) {
                return;
            }
            placed.add(bestBox);
            TextUtils.drawRotatedString(label, g2, (float) best.getX(), (float) best.getY(),
                    bestSide.getTextAnchor(), 0, bestSide.getRotationAnchor());
        }

        /** How badly a label's box would sit: outside the plot, over labels, markers, error bars or lines. */
        private double cost(Rectangle2D box) {
            double cost = area.contains(box) ? 0 : 1e6;
            for (Rectangle2D label : placed) {
                cost += 10 * overlap(box, label);
            }
            for (Rectangle2D mark : marks) {
                cost += 2 * overlap(box, mark);
            }
            for (Line2D segment : segments) {
                cost += box.intersectsLine(segment) ? 40 : 0;
            }
            return cost;
        }

        private static double overlap(Rectangle2D a, Rectangle2D b) {
            Rectangle2D both = a.createIntersection(b);
            return both.isEmpty() ? 0 : both.getWidth() * both.getHeight();
        }
    }

    /** One line per stopping rule, in the order run; {@code marks} receives each point's place and label. */
    private static YIntervalSeriesCollection lines(BenchRun run, ToDoubleFunction<BenchRow> x,
            ToDoubleFunction<BenchRow> y, Function<BenchRow, String> label, List<List<Mark>> marks) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (String rule : run.stoppingRules()) {
            YIntervalSeries series = new YIntervalSeries(rule, false, true);
            List<Mark> line = new ArrayList<>();
            for (BenchRow r : run.rows(rule)) {
                double v = y.applyAsDouble(r);
                series.add(x.applyAsDouble(r), v, v, v);
                line.add(new Mark(x.applyAsDouble(r), v, label.apply(r)));
            }
            data.addSeries(series);
            marks.add(line);
        }
        return data;
    }

    /** Gives the series' labels different sides of their points. */
    private static void sides(Renderer renderer, int series) {
        for (int i = 0; i < series; i++) {
            renderer.setSeriesPositiveItemLabelPosition(i, LABEL_SIDES.get(i % LABEL_SIDES.size()));
        }
    }

    /** How far apart, in agents, the series' points at one count are set: a few pixels, less than a gap. */
    private static double dodge(List<Integer> counts, int series) {
        if (series < 2 || counts.isEmpty()) {
            return 0;
        }
        int min = counts.stream().mapToInt(Integer::intValue).min().orElse(1);
        int max = counts.stream().mapToInt(Integer::intValue).max().orElse(1);
        double gap = Double.POSITIVE_INFINITY;
        List<Integer> sorted = counts.stream().sorted().distinct().toList();
        for (int k = 1; k < sorted.size(); k++) {
            gap = Math.min(gap, sorted.get(k) - sorted.get(k - 1));
        }
        double step = 0.022 * Math.max(1, max - min);
        return Double.isInfinite(gap) ? step : Math.min(step, 0.6 * gap / series);
    }

    /** The lowest of {@code low} and the highest of {@code high} over the rows; {@code {NaN, NaN}} for none. */
    private static double[] span(List<BenchRow> rows, ToDoubleFunction<BenchRow> low,
            ToDoubleFunction<BenchRow> high) {
        double lo = Double.NaN;
        double hi = Double.NaN;
        for (BenchRow r : rows) {
            double a = low.applyAsDouble(r);
            double b = high.applyAsDouble(r);
            lo = Double.isNaN(lo) || a < lo ? a : lo;
            hi = Double.isNaN(hi) || b > hi ? b : hi;
        }
        return new double[] {lo, hi};
    }

    /**
     * A vertical axis of shares between 0 and 1, from round tick to round tick around [low, high], with at least
     * {@code room} above the highest value for labels.
     */
    private static NumberAxis shareAxis(String label, double low, double high, double room) {
        NumberAxis axis = axis(label);
        TickUnits units = new TickUnits();
        NumberFormat whole = new DecimalFormat("0%", ROOT);
        NumberFormat tenth = new DecimalFormat("0.0%", ROOT);
        for (double size : new double[] {0.001, 0.0025, 0.005}) {
            units.add(new NumberTickUnit(size, tenth));
        }
        for (double size : new double[] {0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5}) {
            units.add(new NumberTickUnit(size, whole));
        }
        axis.setStandardTickUnits(units);
        if (Double.isNaN(low) || Double.isNaN(high)) {
            axis.setRange(0, 1);
            return axis;
        }
        double lo = Math.max(0, Math.floor(low * 10 + 1e-9) / 10);
        double hi = Math.min(1, Math.ceil((high + room) * 10 - 1e-9) / 10);
        axis.setRange(lo, Math.max(hi, lo + 0.1));
        return axis;
    }

    /** The agent-count axis: ticks at the counts run, a little room either side ({@code spread} for dodging). */
    private static NumberAxis countAxis(List<Integer> counts, double spread) {
        List<Double> at = counts.stream().map(Integer::doubleValue).toList();
        NumberAxis axis = new CountAxis("agents (N)", at);
        style(axis);
        double min = at.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = at.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        double pad = Math.max(0.07 * (max - min), 0.5) + spread / 2;
        // more room on the right, where the last points' labels go
        axis.setRange(Math.max(0, min - pad), max + pad + 0.05 * (max - min));
        return axis;
    }

    private static NumberAxis axis(String label) {
        NumberAxis axis = new NumberAxis(label);
        style(axis);
        axis.setAutoRangeIncludesZero(false);
        return axis;
    }

    private static void style(ValueAxis axis) {
        axis.setLabelFont(new Font(FONT, Font.PLAIN, 12));
        axis.setTickLabelFont(new Font(FONT, Font.PLAIN, 11));
        axis.setLabelPaint(INK);
        axis.setTickLabelPaint(new Color(0x333333));
        axis.setAxisLinePaint(new Color(0x333333));
        axis.setTickMarkPaint(new Color(0x333333));
        axis.setAxisLineStroke(new BasicStroke(1f));
        axis.setTickMarkStroke(new BasicStroke(1f));
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

    /** A chart with a title, a subtitle, the legend under them, on white. */
    private static JFreeChart chart(String title, String subtitle, Plot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setNoDataMessage("no data");
        plot.setNoDataMessageFont(new Font(FONT, Font.PLAIN, 13));
        plot.setNoDataMessagePaint(new Color(0x777777));
        if (plot instanceof XYPlot xy) {
            xy.setAxisOffset(RectangleInsets.ZERO_INSETS);
            xy.setRangeGridlinePaint(GRID);
            xy.setRangeGridlineStroke(new BasicStroke(1f));
            xy.setDomainGridlinePaint(new Color(0xf0f0f0));
            xy.setDomainGridlineStroke(new BasicStroke(1f));
        } else if (plot instanceof CategoryPlot category) {
            category.setAxisOffset(RectangleInsets.ZERO_INSETS);
            category.setRangeGridlinePaint(GRID);
            category.setRangeGridlineStroke(new BasicStroke(1f));
        }
        JFreeChart chart = new JFreeChart(title, new Font(FONT, Font.BOLD, 15), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 6, 6, 14));
        chart.getTitle().setPaint(new Color(0x111111));
        TextTitle sub = new TextTitle(subtitle, new Font(FONT, Font.PLAIN, 11));
        sub.setPaint(new Color(0x444444));
        chart.addSubtitle(sub);
        LegendTitle legend = new LegendTitle(plot);
        legend.setPosition(RectangleEdge.TOP);
        legend.setFrame(BlockBorder.NONE);
        legend.setItemFont(new Font(FONT, Font.PLAIN, 11));
        legend.setItemPaint(INK);
        legend.setBackgroundPaint(Color.WHITE);
        legend.setMargin(new RectangleInsets(4, 0, 6, 0));
        chart.addSubtitle(legend);
        return chart;
    }

    private static BarRenderer bars(int series) {
        BarRenderer renderer = new BarRenderer();
        styleBars(renderer, series);
        return renderer;
    }

    private static void styleBars(BarRenderer renderer, int series) {
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(itemMargin(series));
        renderer.setMaximumBarWidth(1);
    }

    /** The share of a bar chart's width left between the bars of a group. */
    private static double itemMargin(int series) {
        return series > 1 ? 0.03 : 0;
    }

    /** Bar {@code i}'s colour: shades of blue from light to dark, spread over {@code n} bars. */
    private static Color shade(int i, int n) {
        if (n <= SHADES.size()) {
            return SHADES.get(SHADES.size() - n + i);
        }
        double t = (double) i / (n - 1);
        return new Color((int) Math.round(0xc6 + (0x08 - 0xc6) * t), (int) Math.round(0xdb + (0x30 - 0xdb) * t),
                (int) Math.round(0xef + (0x6b - 0xef) * t));
    }

    /** The marker of series {@code i}: circle, square, triangle, diamond. */
    private static Shape marker(int i) {
        return switch (i % 4) {
            case 0 -> new Ellipse2D.Double(-4.5, -4.5, 9, 9);
            case 1 -> new Rectangle2D.Double(-4, -4, 8, 8);
            case 2 -> ShapeUtils.createUpTriangle(5.5f);
            default -> ShapeUtils.createDiamond(5.5f);
        };
    }

    private static String questions(BenchRun run) {
        return run.questions() + (run.questions() == 1 ? " question" : " questions");
    }
}

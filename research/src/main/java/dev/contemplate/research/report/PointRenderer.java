package dev.contemplate.research.report;

import java.awt.BasicStroke;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.geom.Line2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.CrosshairState;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRendererState;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.IntervalXYDataset;
import org.jfree.data.xy.XYDataset;
import org.jspecify.annotations.Nullable;

/** Lines with markers, optional error bars and point labels placed on a side of their point that covers nothing. */
final class PointRenderer extends XYErrorRenderer {

    /** Left of the point. */
    static final ItemLabelPosition LEFT = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE9, TextAnchor.CENTER_RIGHT);

    /** Right of the point. */
    static final ItemLabelPosition RIGHT = new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT);

    /** Where each series writes its point labels, so labels of neighbouring lines fall on different sides. */
    private static final List<ItemLabelPosition> SIDES = List.of(
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE11, TextAnchor.BOTTOM_RIGHT),
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE4, TextAnchor.TOP_LEFT), RIGHT,
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE8, TextAnchor.TOP_RIGHT),
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER),
            new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6, TextAnchor.TOP_CENTER));

    /** A point's place before any dodging, and its label. */
    record Mark(double x, double y, String label) {
    }

    /**
     * The point labels of a chart, by series and item. A label that several series share at the same place (the
     * shared baseline, equal results) is written once, in a neutral colour.
     */
    record Labels(List<List<String>> texts, List<List<Boolean>> shared) {

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

    PointRenderer(Labels labels, boolean errorBars) {
        this.labels = labels;
        setDrawXError(false);
        setDrawYError(errorBars);
        setCapLength(8);
        setErrorStroke(new BasicStroke(1.25f));
        setDefaultLinesVisible(true);
        setUseOutlinePaint(true);
        setDefaultItemLabelGenerator((dataset, series, item) -> this.labels.text(series, item));
        setDefaultItemLabelsVisible(true);
        setLegendLine(new Line2D.Double(-11, 0, 11, 0));
        setItemLabelInsets(new RectangleInsets(5, 6, 5, 6));
    }

    /** Gives the series' labels different sides of their points, so labels of neighbouring lines part. */
    void sides(int series) {
        for (int i = 0; i < series; i++) {
            setSeriesPositiveItemLabelPosition(i, SIDES.get(i % SIDES.size()));
        }
    }

    @Override
    public Font getItemLabelFont(int row, int column) {
        return ChartStyle.LABEL_FONT;
    }

    @Override
    public Paint getItemLabelPaint(int row, int column) {
        return labels.isShared(row, column) ? ChartStyle.SHARED_LABEL : lookupSeriesPaint(row);
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

package dev.contemplate.examples.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Small charts as inline SVG, for reports that must open without a network: a line chart (one line per series,
 * optional error bars and a dashed reference line) and a grouped bar chart. Each chart is one {@code <svg>} element
 * with a title, a legend, axes with ticks, grid lines and axis labels, and every data value written next to its
 * point or bar. Text uses the generic {@code sans-serif} family, so no font is fetched; the only URL in the output
 * is the SVG namespace. The output is well-formed XML.
 *
 * <pre>{@code
 * String svg = SvgChart.lines("Accuracy vs agents")
 *         .xAxis(new SvgChart.Axis("agents", SvgChart::integer))
 *         .yAxis(new SvgChart.Axis("accuracy", SvgChart::percent).bounds(0, 1))
 *         .series(new SvgChart.Series("beta:0.95", List.of(new SvgChart.Point(1, 0.6, 0.5, 0.7, "60%"))))
 *         .render();
 * }</pre>
 */
public final class SvgChart {

    /** The SVG namespace, the only URL a chart contains. */
    public static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";

    /** The width of a chart in its own units (pixels at 100%). */
    public static final int WIDTH = 580;

    /** The height of a chart in its own units. */
    public static final int HEIGHT = 380;

    /** Colours of the series, told apart by people with the common colour-vision deficiencies (Okabe and Ito). */
    static final List<String> PALETTE = List.of("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
            "#000000", "#999999");

    /** Shades of blue, light to dark, for ordered series such as agent counts. */
    static final List<String> SHADES = List.of("#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c",
            "#08306b");

    private static final int LEFT = 72;
    private static final int RIGHT = 22;
    private static final int BOTTOM = 58;
    private static final int TITLE_Y = 22;
    private static final double CHAR_WIDTH = 0.58;
    private static final String PART_COLOUR = "#D55E00";
    /** Above this many labelled points, a label that would overlap something is left out. */
    private static final int CROWDED = 24;
    /** Bars narrower than this carry no value label. */
    private static final double LABELLED_BAR = 7;
    /** The legend marker of a dashed reference line. */
    private static final int REFERENCE = -3;

    private SvgChart() {
    }

    /**
     * One data point, with an optional error bar from {@code low} to {@code high}.
     *
     * @param x the horizontal value
     * @param y the vertical value
     * @param low the bottom of its error bar, {@code y} for none
     * @param high the top of its error bar, {@code y} for none
     * @param label the text written next to the point, empty for none
     */
    public record Point(double x, double y, double low, double high, String label) {
        /** @throws IllegalArgumentException if a value is not finite or the bar does not contain {@code y} */
        public Point {
            Objects.requireNonNull(label, "label");
            if (!Double.isFinite(x) || !Double.isFinite(y) || !(low <= y) || !(high >= y) || Double.isInfinite(low)
                    || Double.isInfinite(high)) {
                throw new IllegalArgumentException("a point needs finite values and an error bar around it but was ("
                        + x + ", " + y + " in [" + low + ", " + high + "])");
            }
        }

        /** A point without an error bar. */
        public Point(double x, double y, String label) {
            this(x, y, y, y, label);
        }

        boolean hasErrorBar() {
            return low < y || high > y;
        }
    }

    /**
     * One line: its name in the legend and its points, joined in the order given.
     *
     * @param name the legend's text
     * @param points the points
     */
    public record Series(String name, List<Point> points) {
        /** Copies the points. */
        public Series {
            Objects.requireNonNull(name, "name");
            points = List.copyOf(points);
        }
    }

    /**
     * One bar in every group: its name in the legend, one value per category, the most each value could be (drawn
     * as a dashed outline) and a part of each value (drawn as a narrower dark bar inside it); NaN leaves any of
     * them out.
     *
     * @param name the legend's text
     * @param values one value per category
     * @param limits one limit per category, drawn as a dashed outline
     * @param parts one part per category, drawn inside the bar
     */
    public record Bars(String name, List<Double> values, List<Double> limits, List<Double> parts) {
        /**
         * Copies the lists.
         *
         * @throws IllegalArgumentException if the lists differ in length
         */
        public Bars {
            Objects.requireNonNull(name, "name");
            values = List.copyOf(values);
            limits = List.copyOf(limits);
            parts = List.copyOf(parts);
            if (limits.size() != values.size() || parts.size() != values.size()) {
                throw new IllegalArgumentException("one limit and one part per value are needed");
            }
        }
    }

    /**
     * An axis: its label, how its values are written, and optionally fixed tick positions and bounds.
     *
     * @param label the axis title
     * @param format writes a value (ticks, data labels)
     * @param ticks the tick positions, or null to choose round numbers
     * @param min the lowest value the axis may show, or NaN for none
     * @param max the highest value the axis may show, or NaN for none
     */
    public record Axis(String label, DoubleFunction<String> format, @Nullable List<Double> ticks, double min,
            double max) {

        /** An axis with automatic ticks and no bounds. */
        public Axis(String label, DoubleFunction<String> format) {
            this(label, format, null, Double.NaN, Double.NaN);
        }

        /** Returns this axis with ticks at {@code positions} (those too close to the previous one are dropped). */
        public Axis ticks(List<Double> positions) {
            return new Axis(label, format, List.copyOf(positions), min, max);
        }

        /** Returns this axis never showing values below {@code low} or above {@code high}. */
        public Axis bounds(double low, double high) {
            return new Axis(label, format, ticks, low, high);
        }
    }

    /** Writes a whole number: {@code 15}. */
    public static String integer(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** Writes a share as a percentage with one decimal: {@code 0.725} as {@code 72.5%}. */
    public static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** Writes a share as a percentage for an axis tick: whole percentages without decimals ({@code 70%}). */
    public static String percentTick(double v) {
        double p = 100 * v;
        return Math.abs(p - Math.rint(p)) < 1e-6 ? String.format(Locale.ROOT, "%.0f%%", p) : percent(v);
    }

    /** Returns a line chart titled {@code title}. */
    public static LineChart lines(String title) {
        return new LineChart(title);
    }

    /** Returns a grouped bar chart titled {@code title}. */
    public static BarChart bars(String title) {
        return new BarChart(title);
    }

    /** A line chart; configure it, then {@link #render()}. Not thread-safe. */
    public static final class LineChart {
        private final String title;
        private String subtitle = "";
        private Axis x = new Axis("x", SvgChart::number);
        private Axis y = new Axis("y", SvgChart::number);
        private final List<Series> series = new ArrayList<>();
        private double reference = Double.NaN;
        private String referenceLabel = "";

        private LineChart(String title) {
            this.title = Objects.requireNonNull(title, "title");
        }

        /** Sets a second line under the title (what the error bars are, what the labels say). */
        public LineChart subtitle(String value) {
            this.subtitle = Objects.requireNonNull(value, "subtitle");
            return this;
        }

        /** Sets the horizontal axis. */
        public LineChart xAxis(Axis value) {
            this.x = Objects.requireNonNull(value, "x axis");
            return this;
        }

        /** Sets the vertical axis. */
        public LineChart yAxis(Axis value) {
            this.y = Objects.requireNonNull(value, "y axis");
            return this;
        }

        /** Adds a series; series take the palette's colours and markers in the order added. */
        public LineChart series(Series value) {
            series.add(Objects.requireNonNull(value, "series"));
            return this;
        }

        /** Draws a dashed horizontal line at {@code value}, labelled {@code label}. */
        public LineChart reference(double value, String label) {
            this.reference = value;
            this.referenceLabel = Objects.requireNonNull(label, "label");
            return this;
        }

        /** Returns the chart as one {@code <svg>} element. */
        public String render() {
            List<Legend> legend = new ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                legend.add(new Legend(series.get(i).name(), PALETTE.get(i % PALETTE.size()), i, false));
            }
            if (!Double.isNaN(reference)) {
                legend.add(new Legend(referenceLabel, "#555555", REFERENCE, false));
            }
            Canvas c = new Canvas(title, subtitle, legend);
            double xLo = Double.POSITIVE_INFINITY;
            double xHi = Double.NEGATIVE_INFINITY;
            double yLo = Double.POSITIVE_INFINITY;
            double yHi = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (Point p : s.points()) {
                    xLo = Math.min(xLo, p.x());
                    xHi = Math.max(xHi, p.x());
                    yLo = Math.min(yLo, p.low());
                    yHi = Math.max(yHi, p.high());
                }
            }
            if (!Double.isNaN(reference)) {
                yLo = Math.min(yLo, reference);
                yHi = Math.max(yHi, reference);
            }
            if (xLo > xHi) {
                c.empty("no data");
                return c.close();
            }
            Scale xs = Scale.padded(xLo, xHi, x, c.left, c.right);
            Scale ys = Scale.nice(yLo, yHi, y, c.bottom, c.top);
            c.grid(ys, y);
            c.xTicks(xs, x);
            c.axes(x.label(), y.label());
            List<Box> obstacles = new ArrayList<>();
            if (!Double.isNaN(reference) && reference >= ys.lo && reference <= ys.hi) {
                double ry = ys.px(reference);
                c.line(c.left, ry, c.right, ry, "#555555", 1, "5 4");
                lineObstacles(obstacles, c.left, ry, c.right, ry);
            }
            for (int i = 0; i < series.size(); i++) {
                String colour = PALETTE.get(i % PALETTE.size());
                Series s = series.get(i);
                StringBuilder path = new StringBuilder();
                for (Point p : s.points()) {
                    path.append(path.length() == 0 ? "" : " ").append(fmt(xs.px(p.x()))).append(',')
                            .append(fmt(ys.px(p.y())));
                }
                if (s.points().size() > 1) {
                    c.b.append("<polyline points=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour)
                            .append("\" stroke-width=\"2\"/>\n");
                    for (int k = 1; k < s.points().size(); k++) {
                        lineObstacles(obstacles, xs.px(s.points().get(k - 1).x()), ys.px(s.points().get(k - 1).y()),
                                xs.px(s.points().get(k).x()), ys.px(s.points().get(k).y()));
                    }
                }
                for (Point p : s.points()) {
                    double px = xs.px(p.x());
                    double py = ys.px(p.y());
                    if (p.hasErrorBar()) {
                        double top = ys.px(Math.min(ys.hi, p.high()));
                        double low = ys.px(Math.max(ys.lo, p.low()));
                        c.line(px, top, px, low, colour, 1, "");
                        c.line(px - 4, top, px + 4, top, colour, 1, "");
                        c.line(px - 4, low, px + 4, low, colour, 1, "");
                        obstacles.add(new Box(px - 4, top, px + 4, low));
                    }
                    c.marker(i, px, py, colour);
                    obstacles.add(new Box(px - 5.5, py - 5.5, px + 5.5, py + 5.5));
                }
            }
            Map<String, Integer> shared = new HashMap<>();
            for (Series s : series) {
                for (Point p : s.points()) {
                    shared.merge(p.label() + "@" + p.x() + "," + p.y(), 1, Integer::sum);
                }
            }
            Set<String> labelled = new HashSet<>();
            List<Box> placed = new ArrayList<>();
            // a crowded chart writes only the labels that fit without overlapping; the report's table has them all
            boolean crowded = shared.size() > CROWDED;
            for (int i = 0; i < series.size(); i++) {
                for (Point p : series.get(i).points()) {
                    String key = p.label() + "@" + p.x() + "," + p.y();
                    if (p.label().isEmpty() || !labelled.add(key)) {
                        continue; // the same value at the same place (the shared baseline) is written once
                    }
                    // a label shared by several series is written in neutral grey, else in its series' colour
                    String colour = shared.get(key) > 1 ? "#333333" : PALETTE.get(i % PALETTE.size());
                    Label l = place(p.label(), xs.px(p.x()), ys.px(p.y()), c, obstacles, placed);
                    if (crowded && l.cost() > 0) {
                        continue;
                    }
                    placed.add(l.box());
                    c.text(l.x(), l.y(), l.anchor(), 10, colour, p.label(), " class=\"value\"");
                }
            }
            return c.close();
        }
    }

    /** A grouped bar chart: one group per category, one bar per {@link Bars} in each. Not thread-safe. */
    public static final class BarChart {
        private final String title;
        private String subtitle = "";
        private String categoryLabel = "";
        private Axis y = new Axis("y", SvgChart::number);
        private final List<String> categories = new ArrayList<>();
        private final List<Bars> bars = new ArrayList<>();
        private String partLabel = "part";
        private String limitLabel = "limit";

        private BarChart(String title) {
            this.title = Objects.requireNonNull(title, "title");
        }

        /** Sets a second line under the title. */
        public BarChart subtitle(String value) {
            this.subtitle = Objects.requireNonNull(value, "subtitle");
            return this;
        }

        /** Sets the categories, left to right, and the label under them. */
        public BarChart categories(String label, List<String> names) {
            this.categoryLabel = Objects.requireNonNull(label, "label");
            categories.clear();
            categories.addAll(names);
            return this;
        }

        /** Sets the vertical axis. */
        public BarChart yAxis(Axis value) {
            this.y = Objects.requireNonNull(value, "y axis");
            return this;
        }

        /** Sets the legend's text for the parts (the inner bars) and for the limits (the dashed outlines). */
        public BarChart legend(String parts, String limits) {
            this.partLabel = Objects.requireNonNull(parts, "parts");
            this.limitLabel = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The value label of a bar: its value, and its part in parentheses when the part differs. */
        private String label(Bars b, int k) {
            double v = b.values().get(k);
            double part = b.parts().get(k);
            String text = y.format().apply(v);
            if (!Double.isNaN(part) && !y.format().apply(part).equals(text)) {
                text += " (" + y.format().apply(part) + ")";
            }
            return text;
        }

        /**
         * Adds one bar to every group, coloured from light to dark in the order added.
         *
         * @throws IllegalArgumentException if it does not have one value per category
         */
        public BarChart bars(Bars value) {
            if (value.values().size() != categories.size()) {
                throw new IllegalArgumentException("bars '" + value.name() + "' have " + value.values().size()
                        + " values for " + categories.size() + " categories");
            }
            bars.add(value);
            return this;
        }

        /** Bar {@code i}'s colour: shades of blue from light to dark, spread over the bars. */
        private String colour(int i) {
            if (bars.size() <= SHADES.size()) {
                return SHADES.get(SHADES.size() - bars.size() + i);
            }
            double t = (double) i / (bars.size() - 1);
            int[] from = {0xc6, 0xdb, 0xef};
            int[] to = {0x08, 0x30, 0x6b};
            StringBuilder hex = new StringBuilder("#");
            for (int k = 0; k < 3; k++) {
                hex.append(String.format(Locale.ROOT, "%02x", (int) Math.round(from[k] + (to[k] - from[k]) * t)));
            }
            return hex.toString();
        }

        /** Returns the chart as one {@code <svg>} element. */
        public String render() {
            List<Legend> legend = new ArrayList<>();
            for (int i = 0; i < bars.size(); i++) {
                legend.add(new Legend(bars.get(i).name(), colour(i), i, true));
            }
            boolean limits = bars.stream().anyMatch(b -> b.limits().stream().anyMatch(v -> !v.isNaN()));
            boolean parts = bars.stream().anyMatch(b -> b.parts().stream().anyMatch(v -> !v.isNaN()));
            if (parts) {
                legend.add(new Legend(partLabel, PART_COLOUR, -2, true));
            }
            if (limits) {
                legend.add(new Legend(limitLabel, "#555555", -1, true));
            }
            Canvas c = new Canvas(title, subtitle, legend);
            double hi = Double.NEGATIVE_INFINITY;
            double lo = 0;
            for (Bars b : bars) {
                for (int k = 0; k < categories.size(); k++) {
                    double v = b.values().get(k);
                    double l = b.limits().get(k);
                    if (!Double.isNaN(v)) {
                        hi = Math.max(hi, v);
                        lo = Math.min(lo, v);
                    }
                    if (!Double.isNaN(l)) {
                        hi = Math.max(hi, l);
                    }
                }
            }
            if (categories.isEmpty() || bars.isEmpty() || hi == Double.NEGATIVE_INFINITY) {
                c.empty("no data");
                return c.close();
            }
            double groupWidth = (c.right - c.left) / (double) categories.size();
            double barWidth = Math.min(48, groupWidth * 0.8 / bars.size());
            boolean vertical = false;
            double longest = 0;
            for (Bars b : bars) {
                for (int k = 0; k < categories.size(); k++) {
                    if (!Double.isNaN(b.values().get(k))) {
                        double w = textWidth(label(b, k), 10);
                        longest = Math.max(longest, w);
                        vertical |= w + 2 > barWidth;
                    }
                }
            }
            if (barWidth < LABELLED_BAR) {
                vertical = false;
            }
            // room above the highest bar for its label
            double plotHeight = c.bottom - c.top;
            double headroom = Math.min(0.6, ((vertical ? longest : 12) + 8) / plotHeight);
            Scale ys = Scale.nice(lo, hi + (hi - lo) * headroom / (1 - headroom), y, c.bottom, c.top);
            c.grid(ys, y);
            for (int k = 0; k < categories.size(); k++) {
                double centre = c.left + groupWidth * (k + 0.5);
                String name = categories.get(k);
                c.text(centre, c.bottom + 17, "middle", 11, "#222222", clip(name, groupWidth, 11), "");
            }
            c.axes(categoryLabel, y.label());
            for (int k = 0; k < categories.size(); k++) {
                double start = c.left + groupWidth * (k + 0.5) - barWidth * bars.size() / 2;
                for (int i = 0; i < bars.size(); i++) {
                    Bars b = bars.get(i);
                    double v = b.values().get(k);
                    double l = b.limits().get(k);
                    double bx = start + i * barWidth;
                    double zero = ys.px(Math.max(ys.lo, 0));
                    if (!Double.isNaN(l)) {
                        double ly = ys.px(l);
                        c.b.append("<rect x=\"").append(fmt(bx + 1)).append("\" y=\"").append(fmt(ly))
                                .append("\" width=\"").append(fmt(barWidth - 2)).append("\" height=\"")
                                .append(fmt(Math.max(0, zero - ly))).append("\" fill=\"none\" stroke=\"#555555\" "
                                        + "stroke-width=\"1\" stroke-dasharray=\"3 3\"/>\n");
                    }
                    if (Double.isNaN(v)) {
                        continue;
                    }
                    double vy = ys.px(v);
                    c.b.append("<rect x=\"").append(fmt(bx + 1)).append("\" y=\"").append(fmt(Math.min(vy, zero)))
                            .append("\" width=\"").append(fmt(barWidth - 2)).append("\" height=\"")
                            .append(fmt(Math.abs(zero - vy))).append("\" fill=\"").append(colour(i))
                            .append("\" stroke=\"#08306b\" stroke-width=\"0.5\"><title>")
                            .append(escape(b.name() + ", " + categories.get(k) + ": " + y.format().apply(v)))
                            .append("</title></rect>\n");
                    double part = b.parts().get(k);
                    if (!Double.isNaN(part)) {
                        double py = ys.px(part);
                        double inner = Math.max(1, (barWidth - 2) * 0.45);
                        c.b.append("<rect x=\"").append(fmt(bx + barWidth / 2 - inner / 2)).append("\" y=\"")
                                .append(fmt(Math.min(py, zero))).append("\" width=\"").append(fmt(inner))
                                .append("\" height=\"").append(fmt(Math.abs(zero - py))).append("\" fill=\"")
                                .append(PART_COLOUR).append("\"><title>")
                                .append(escape(b.name() + ", " + categories.get(k) + ", " + partLabel + ": "
                                        + y.format().apply(part)))
                                .append("</title></rect>\n");
                    }
                    String label = label(b, k);
                    double cx = bx + barWidth / 2;
                    if (barWidth < LABELLED_BAR) {
                        continue; // too narrow to carry a label: the value is in the bar's tooltip and the table
                    }
                    if (vertical) {
                        c.b.append("<text class=\"value\" x=\"").append(fmt(cx + 3.5)).append("\" y=\"")
                                .append(fmt(vy - 3)).append("\" font-size=\"10\" fill=\"#222222\" "
                                        + "text-anchor=\"start\" transform=\"rotate(-90 ").append(fmt(cx + 3.5))
                                .append(' ').append(fmt(vy - 3)).append(")\">").append(escape(label))
                                .append("</text>\n");
                    } else {
                        c.text(cx, vy - 4, "middle", 10, "#222222", label, " class=\"value\"");
                    }
                }
            }
            return c.close();
        }
    }

    /** A rectangle in chart units: what a label or a marker covers. */
    private record Box(double x1, double y1, double x2, double y2) {
        boolean overlaps(Box o) {
            return x1 < o.x2 && o.x1 < x2 && y1 < o.y2 && o.y1 < y2;
        }

        double overlap(Box o) {
            double w = Math.min(x2, o.x2) - Math.max(x1, o.x1);
            double h = Math.min(y2, o.y2) - Math.max(y1, o.y1);
            return w > 0 && h > 0 ? w * h : 0;
        }
    }

    /** Covers a line segment with small boxes, so labels avoid crossing lines where they can. */
    private static void lineObstacles(List<Box> obstacles, double x1, double y1, double x2, double y2) {
        double length = Math.hypot(x2 - x1, y2 - y1);
        int steps = Math.max(1, (int) (length / 3));
        for (int i = 0; i <= steps; i++) {
            double x = x1 + (x2 - x1) * i / steps;
            double y = y1 + (y2 - y1) * i / steps;
            obstacles.add(new Box(x - 1.5, y - 1.5, x + 1.5, y + 1.5));
        }
    }

    /** A placed value label: its anchor point, its text anchor and the box it covers. */
    private record Label(double x, double y, String anchor, Box box, double cost) {
    }

    /**
     * Places a value label next to its point: right, above, below, left, then the diagonals, farther out if
     * needed; the first spot inside the plot that covers no marker, error bar or earlier label wins, else the spot
     * that overlaps least.
     */
    private static Label place(String text, double px, double py, Canvas c, List<Box> obstacles, List<Box> placed) {
        double w = textWidth(text, 10);
        double h = 10;
        Label best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (double gap : new double[] {8, 16}) {
            double[][] spots = {
                {px + gap, py + 3.5, 0}, {px, py - gap - 1, 1}, {px, py + gap + 9, 1}, {px - gap, py + 3.5, 2},
                {px + gap - 2, py - gap, 0}, {px + gap - 2, py + gap + 7, 0}, {px - gap + 2, py - gap, 2},
                {px - gap + 2, py + gap + 7, 2}};
            for (double[] spot : spots) {
                double left = spot[2] == 0 ? spot[0] : spot[2] == 1 ? spot[0] - w / 2 : spot[0] - w;
                Box box = new Box(left - 1, spot[1] - h, left + w + 1, spot[1] + 2);
                String anchor = spot[2] == 0 ? "start" : spot[2] == 1 ? "middle" : "end";
                double cost = 0;
                if (box.x1() < c.left || box.x2() > c.right + RIGHT - 2 || box.y1() < c.top - 4
                        || box.y2() > c.bottom) {
                    cost += 1e6;
                }
                for (Box o : obstacles) {
                    cost += o.overlap(box) * 2;
                }
                for (Box o : placed) {
                    cost += o.overlap(box) * 10;
                }
                if (cost < bestCost) {
                    bestCost = cost;
                    best = new Label(spot[0], spot[1], anchor, box, cost);
                }
                if (cost == 0) {
                    return best;
                }
            }
        }
        return best;
    }

    /** A legend entry: a line with a marker, or a square for bars; marker -1 is a dashed square. */
    private record Legend(String name, String colour, int marker, boolean square) {
    }

    /** A linear map from values to pixels, with its tick positions. */
    private static final class Scale {
        final double lo;
        final double hi;
        final double from;
        final double to;
        final List<Double> ticks;

        private Scale(double lo, double hi, double from, double to, List<Double> ticks) {
            this.lo = lo;
            this.hi = hi;
            this.from = from;
            this.to = to;
            this.ticks = ticks;
        }

        double px(double v) {
            return from + (v - lo) / (hi - lo) * (to - from);
        }

        /** A range from round tick to round tick around {@code [min, max]}, kept within the axis' bounds. */
        static Scale nice(double min, double max, Axis axis, double from, double to) {
            if (max - min < 1e-12) {
                double pad = Math.max(Math.abs(max) * 0.1, 1e-3);
                min -= pad;
                max += pad;
            }
            double step = step(max - min, 5);
            double lo = Math.floor(min / step + 1e-9) * step;
            double hi = Math.ceil(max / step - 1e-9) * step;
            if ((hi - max) < 0.06 * (hi - lo)) {
                hi += step; // room for the labels above the highest points
            }
            if (!Double.isNaN(axis.min())) {
                lo = Math.max(lo, axis.min());
            }
            if (!Double.isNaN(axis.max())) {
                hi = Math.min(hi, axis.max());
            }
            List<Double> ticks = new ArrayList<>();
            if (axis.ticks() != null) {
                ticks.addAll(axis.ticks());
            } else {
                for (double t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
                    ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
                }
            }
            return new Scale(lo, hi, from, to, ticks);
        }

        /** The data's range with a little room on both sides, so no point sits on an edge. */
        static Scale padded(double min, double max, Axis axis, double from, double to) {
            double span = max - min;
            double pad = span < 1e-12 ? Math.max(Math.abs(max) * 0.1, 1) : span * 0.07;
            double lo = min - pad;
            double hi = max + pad;
            if (!Double.isNaN(axis.min())) {
                lo = Math.max(lo, axis.min());
            }
            if (!Double.isNaN(axis.max())) {
                hi = Math.min(hi, axis.max());
            }
            List<Double> ticks = new ArrayList<>();
            if (axis.ticks() != null) {
                ticks.addAll(axis.ticks());
            } else {
                double step = step(hi - lo, 6);
                for (double t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
                    ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
                }
            }
            return new Scale(lo, hi, from, to, ticks);
        }

        /** A round step (1, 2 or 5 times a power of ten) giving about {@code target} ticks over {@code span}. */
        static double step(double span, int target) {
            double raw = span / target;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / magnitude;
            double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
            return nice * magnitude;
        }
    }

    /** The SVG being written: frame, title, legend, plot area. */
    private static final class Canvas {
        final StringBuilder b = new StringBuilder();
        final double left = LEFT;
        final double right = WIDTH - RIGHT;
        final double top;
        final double bottom = HEIGHT - BOTTOM;

        Canvas(String title, String subtitle, List<Legend> legend) {
            b.append("<svg xmlns=\"").append(SVG_NAMESPACE).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                    .append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                    .append("\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"")
                    .append(escape(title)).append("\">\n");
            b.append("<title>").append(escape(title)).append("</title>\n");
            b.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                    .append("\" fill=\"#ffffff\"/>\n");
            text(WIDTH / 2.0, TITLE_Y, "middle", 15, "#111111", clip(title, WIDTH - 20, 15), " font-weight=\"bold\"");
            double y = TITLE_Y + 4;
            if (!subtitle.isEmpty()) {
                y += 15;
                text(WIDTH / 2.0, y, "middle", 11, "#444444", clip(subtitle, WIDTH - 20, 11), "");
            }
            // the legend: rows of entries, centred, wrapped at the chart's width
            List<List<Legend>> rows = new ArrayList<>();
            List<Double> widths = new ArrayList<>();
            List<Legend> row = new ArrayList<>();
            double rowWidth = 0;
            for (Legend l : legend) {
                double w = 30 + textWidth(l.name(), 11) + 14;
                if (!row.isEmpty() && rowWidth + w > WIDTH - 30) {
                    rows.add(row);
                    widths.add(rowWidth);
                    row = new ArrayList<>();
                    rowWidth = 0;
                }
                row.add(l);
                rowWidth += w;
            }
            if (!row.isEmpty()) {
                rows.add(row);
                widths.add(rowWidth);
            }
            for (int r = 0; r < rows.size(); r++) {
                y += 18;
                double x = (WIDTH - widths.get(r)) / 2;
                for (Legend l : rows.get(r)) {
                    legendEntry(l, x, y);
                    x += 30 + textWidth(l.name(), 11) + 14;
                }
            }
            top = y + 16;
        }

        private void legendEntry(Legend l, double x, double y) {
            if (l.square()) {
                boolean dashed = l.marker() == -1;
                b.append("<rect x=\"").append(fmt(x + 8)).append("\" y=\"").append(fmt(y - 9)).append("\" width=\"12\" "
                        + "height=\"12\" fill=\"").append(dashed ? "none" : l.colour()).append("\" stroke=\"")
                        .append(dashed ? "#555555" : "#08306b").append("\" stroke-width=\"")
                        .append(dashed ? "1\" stroke-dasharray=\"3 3" : "0.5").append("\"/>\n");
            } else if (l.marker() == REFERENCE) {
                line(x, y - 3, x + 26, y - 3, l.colour(), 1, "5 4");
            } else {
                line(x, y - 3, x + 26, y - 3, l.colour(), 2, "");
                marker(l.marker(), x + 13, y - 3, l.colour());
            }
            text(x + 30, y + 1, "start", 11, "#222222", l.name(), "");
        }

        void empty(String message) {
            text(WIDTH / 2.0, (top + bottom) / 2, "middle", 13, "#777777", message, "");
        }

        /** Horizontal grid lines and the vertical axis' tick labels. */
        void grid(Scale ys, Axis axis) {
            for (double t : ys.ticks) {
                if (t < ys.lo - 1e-9 || t > ys.hi + 1e-9) {
                    continue;
                }
                double py = ys.px(t);
                line(left, py, right, py, "#e3e3e3", 1, "");
                line(left - 4, py, left, py, "#333333", 1, "");
                text(left - 7, py + 4, "end", 11, "#333333", axis.format().apply(t), "");
            }
        }

        /** The horizontal axis' ticks and their labels, leaving out labels too close to the previous one. */
        void xTicks(Scale xs, Axis axis) {
            double lastEnd = Double.NEGATIVE_INFINITY;
            for (double t : xs.ticks) {
                if (t < xs.lo - 1e-9 || t > xs.hi + 1e-9) {
                    continue;
                }
                double px = xs.px(t);
                String label = axis.format().apply(t);
                double half = textWidth(label, 11) / 2;
                line(px, top, px, bottom, "#f0f0f0", 1, "");
                line(px, bottom, px, bottom + 4, "#333333", 1, "");
                if (px - half >= lastEnd + 4) {
                    text(px, bottom + 17, "middle", 11, "#333333", label, "");
                    lastEnd = px + half;
                }
            }
        }

        /** The two axis lines and their titles. */
        void axes(String xLabel, String yLabel) {
            line(left, top, left, bottom, "#333333", 1, "");
            line(left, bottom, right, bottom, "#333333", 1, "");
            text((left + right) / 2, HEIGHT - 14, "middle", 12, "#222222", xLabel, "");
            double cy = (top + bottom) / 2;
            b.append("<text x=\"16\" y=\"").append(fmt(cy)).append("\" font-size=\"12\" fill=\"#222222\" "
                    + "text-anchor=\"middle\" transform=\"rotate(-90 16 ").append(fmt(cy)).append(")\">")
                    .append(escape(yLabel)).append("</text>\n");
        }

        void marker(int index, double x, double y, String colour) {
            String fill = " fill=\"" + colour + "\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n";
            switch (Math.floorMod(index, 4)) {
                case 0 -> b.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y))
                        .append("\" r=\"4.5\"").append(fill);
                case 1 -> b.append("<rect x=\"").append(fmt(x - 4)).append("\" y=\"").append(fmt(y - 4))
                        .append("\" width=\"8\" height=\"8\"").append(fill);
                case 2 -> b.append("<polygon points=\"").append(fmt(x)).append(',').append(fmt(y - 5.5)).append(' ')
                        .append(fmt(x + 5)).append(',').append(fmt(y + 3.5)).append(' ').append(fmt(x - 5))
                        .append(',').append(fmt(y + 3.5)).append('"').append(fill);
                default -> b.append("<polygon points=\"").append(fmt(x)).append(',').append(fmt(y - 5.5))
                        .append(' ').append(fmt(x + 5.5)).append(',').append(fmt(y)).append(' ').append(fmt(x))
                        .append(',').append(fmt(y + 5.5)).append(' ').append(fmt(x - 5.5)).append(',')
                        .append(fmt(y)).append('"').append(fill);
            }
        }

        void line(double x1, double y1, double x2, double y2, String colour, double width, String dash) {
            b.append("<line x1=\"").append(fmt(x1)).append("\" y1=\"").append(fmt(y1)).append("\" x2=\"")
                    .append(fmt(x2)).append("\" y2=\"").append(fmt(y2)).append("\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"").append(fmt(width)).append('"');
            if (!dash.isEmpty()) {
                b.append(" stroke-dasharray=\"").append(dash).append('"');
            }
            b.append("/>\n");
        }

        void text(double x, double y, String anchor, int size, String colour, String content, String extra) {
            b.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" font-size=\"")
                    .append(size).append("\" fill=\"").append(colour).append("\" text-anchor=\"").append(anchor)
                    .append('"').append(extra).append('>').append(escape(content)).append("</text>\n");
        }

        String close() {
            return b.append("</svg>").toString();
        }
    }

    /** Writes a number with up to three significant decimals: {@code 12}, {@code 1.25}, {@code 0.004}. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        double a = Math.abs(v);
        int decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /** The approximate width of {@code text} in the sans-serif font at {@code size}. */
    static double textWidth(String text, int size) {
        return text.length() * size * CHAR_WIDTH;
    }

    private static String clip(String text, double width, int size) {
        int max = (int) (width / (size * CHAR_WIDTH));
        return text.length() <= max || max < 4 ? text : text.substring(0, max - 3) + "...";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Escapes {@code &}, {@code <}, {@code >}, {@code "} and {@code '} for XML text and attributes. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') {
                        out.append(' '); // not allowed in XML 1.0
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }
}

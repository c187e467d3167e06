package dev.contemplate.research.report;

import java.awt.BasicStroke;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.batik.svggen.DOMGroupManager;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.apache.batik.svggen.SVGIDGenerator;
import org.jfree.chart.JFreeChart;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/** Writes a chart as one inline {@code <svg>} element through Batik's SVG generator. */
final class ChartSvg {

    /** The SVG namespace. */
    static final String NAMESPACE = "http://www.w3.org/2000/svg";

    private ChartSvg() {
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
            doc = factory.newDocumentBuilder().getDOMImplementation().createDocument(NAMESPACE, "svg", null);
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
            defaults.setFont(new Font(ChartStyle.FONT, Font.PLAIN, 12));
            context.setGraphicContextDefaults(defaults);
            SVGGraphics2D g = new Canvas(context);
            g.setSVGCanvasSize(new Dimension(BenchCharts.WIDTH, BenchCharts.HEIGHT));
            chart.draw(g, new Rectangle2D.Double(0, 0, BenchCharts.WIDTH, BenchCharts.HEIGHT));
            root = g.getRoot(doc.getDocumentElement());
            g.dispose();
        }
        tidy(root, id);
        String title = chart.getTitle() == null ? id : chart.getTitle().getText();
        root.setAttribute("id", id);
        root.setAttribute("viewBox", "0 0 " + BenchCharts.WIDTH + " " + BenchCharts.HEIGHT);
        root.setAttribute("role", "img");
        root.setAttribute("aria-label", title);
        Element heading = doc.createElementNS(NAMESPACE, "title");
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
        private static final Rectangle2D ALL = new Rectangle2D.Double(0, 0, BenchCharts.WIDTH, BenchCharts.HEIGHT);
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
            out.append(" xmlns='").append(NAMESPACE).append('\'');
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
}

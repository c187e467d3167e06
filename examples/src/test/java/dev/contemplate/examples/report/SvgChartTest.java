package dev.contemplate.examples.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** Inline SVG charts: well-formed, with their title, legend, ticks and values. */
class SvgChartTest {

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }

    private static List<String> texts(Document doc) {
        NodeList nodes = doc.getElementsByTagNameNS(SvgChart.SVG_NAMESPACE, "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    private static long verticalLines(Document doc, String colour) {
        NodeList lines = doc.getElementsByTagNameNS(SvgChart.SVG_NAMESPACE, "line");
        long n = 0;
        for (int i = 0; i < lines.getLength(); i++) {
            Element l = (Element) lines.item(i);
            if (l.getAttribute("x1").equals(l.getAttribute("x2")) && l.getAttribute("stroke").equals(colour)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aLineChartHasItsTitleLegendTicksAndEveryValue() throws Exception {
        String svg = SvgChart.lines("Accuracy <vs> agents")
                .subtitle("error bars: 95%")
                .xAxis(new SvgChart.Axis("agents", SvgChart::integer).ticks(List.of(1.0, 3.0, 5.0)))
                .yAxis(new SvgChart.Axis("accuracy", SvgChart::percentTick).bounds(0, 1))
                .series(new SvgChart.Series("beta & co", List.of(new SvgChart.Point(1, 0.6, 0.5, 0.7, "60.0%"),
                        new SvgChart.Point(3, 0.7, 0.6, 0.8, "70.0%"), new SvgChart.Point(5, 0.75, 0.7, 0.8, "75.0%"))))
                .series(new SvgChart.Series("esc:5", List.of(new SvgChart.Point(1, 0.6, 0.5, 0.7, "60.0%"),
                        new SvgChart.Point(5, 0.8, "80.0%"))))
                .reference(0.6, "baseline")
                .render();
        Document doc = parse(svg);
        Element root = doc.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo(SvgChart.SVG_NAMESPACE);
        assertThat(root.getElementsByTagNameNS(SvgChart.SVG_NAMESPACE, "title").item(0).getTextContent())
                .isEqualTo("Accuracy <vs> agents");
        List<String> texts = texts(doc);
        assertThat(texts).contains("Accuracy <vs> agents", "error bars: 95%", "beta & co", "esc:5", "baseline",
                "agents", "accuracy", "1", "3", "5", "70.0%", "75.0%", "80.0%");
        // the shared first point is labelled once
        assertThat(texts.stream().filter("60.0%"::equals)).hasSize(1);
        assertThat(texts).anyMatch(t -> t.matches("\\d+%")); // round percentage ticks
        assertThat(doc.getElementsByTagNameNS(SvgChart.SVG_NAMESPACE, "polyline").getLength()).isEqualTo(2);
        // one vertical error bar per point that has one, in its series' colour
        assertThat(verticalLines(doc, "#0072B2")).isEqualTo(3);
        assertThat(verticalLines(doc, "#D55E00")).isEqualTo(1);
        assertThat(svg).doesNotContain("http://www.w3.org/1999").contains("font-family=\"sans-serif\"");
    }

    @Test
    void aBarChartWritesEachValueWithItsPart() throws Exception {
        String svg = SvgChart.bars("Samples")
                .categories("rule", List.of("beta:0.95", "esc:5"))
                .yAxis(new SvgChart.Axis("samples", SvgChart::number).bounds(0, Double.NaN))
                .legend("completed", "available")
                .bars(new SvgChart.Bars("N=1", List.of(1.0, 1.0), List.of(1.0, 1.0), List.of(1.0, 1.0)))
                .bars(new SvgChart.Bars("N=8", List.of(8.0, 6.0), List.of(8.0, 8.0), List.of(4.5, Double.NaN)))
                .render();
        Document doc = parse(svg);
        List<String> texts = texts(doc);
        assertThat(texts).contains("Samples", "beta:0.95", "esc:5", "N=1", "N=8", "completed", "available", "1",
                "8 (4.5)", "6", "rule", "samples");
        assertThatThrownBy(() -> SvgChart.bars("x").categories("c", List.of("a"))
                .bars(new SvgChart.Bars("b", List.of(1.0, 2.0), List.of(1.0, 2.0), List.of(1.0, 2.0))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chartsWithoutDataSaySoAndStayWellFormed() throws Exception {
        assertThat(texts(parse(SvgChart.lines("Empty").render()))).contains("Empty", "no data");
        assertThat(texts(parse(SvgChart.bars("Empty").render()))).contains("Empty", "no data");
        // a single point still gets a range around it
        String one = SvgChart.lines("One").series(new SvgChart.Series("s", List.of(new SvgChart.Point(3, 2,
                "2")))).render();
        assertThat(texts(parse(one))).contains("One", "2");
        assertThat(one).doesNotContain("NaN", "Infinity");
    }

    @Test
    void formatsAndEscaping() {
        assertThat(SvgChart.number(12)).isEqualTo("12");
        assertThat(SvgChart.number(1.25)).isEqualTo("1.25");
        assertThat(SvgChart.number(0.0041)).isEqualTo("0.004");
        assertThat(SvgChart.number(12.34)).isEqualTo("12.3");
        assertThat(SvgChart.percent(0.725)).isEqualTo("72.5%");
        assertThat(SvgChart.percentTick(0.7)).isEqualTo("70%");
        assertThat(SvgChart.percentTick(0.725)).isEqualTo("72.5%");
        assertThat(SvgChart.escape("a<b & \"c\" 'd'\u0001")).isEqualTo("a&lt;b &amp; &quot;c&quot; &#39;d&#39; ");
        assertThatThrownBy(() -> new SvgChart.Point(Double.NaN, 1, "")).isInstanceOf(
                IllegalArgumentException.class);
        assertThatThrownBy(() -> new SvgChart.Point(1, 0.5, 0.6, 0.7, "")).isInstanceOf(
                IllegalArgumentException.class);
    }
}

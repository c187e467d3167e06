/** Research as a library: data sets, bench runs with their statistics, replays of published samples, reports. */
module dev.contemplate.research {
    requires transitive dev.contemplate.orchestrator;
    requires com.fasterxml.jackson.databind;
    requires org.apache.commons.csv;
    requires org.apache.commons.statistics.descriptive;
    requires org.apache.commons.statistics.interval;
    requires org.jfree.jfreechart;
    requires org.apache.xmlgraphics.batik.svggen;
    requires java.desktop;
    requires java.xml;

    exports dev.contemplate.research.bench;
    exports dev.contemplate.research.dataset;
    exports dev.contemplate.research.replay;
    exports dev.contemplate.research.report;
}

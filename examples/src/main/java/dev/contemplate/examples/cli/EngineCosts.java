package dev.contemplate.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.research.bench.BenchCell;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The embedded engine's own time per question beside a bench's wall time: how much of a team's latency ratio is
 * ONNX Runtime's forward passes over the rows the team actually decoded (the floor on this machine), how much the
 * engine's own work in its steps, and how much sits above the engine (orchestration, delivery, waiting).
 */
final class EngineCosts {

    static final String STEPS = "steps";
    static final String ROW_STEPS = "rowSteps";
    static final String PREFILLS = "prefills";
    static final String DECODE_MS = "decodeMs";
    static final String PREFILL_MS = "prefillMs";
    static final String COPY_MS = "cacheCopyMs";
    static final String HOST_MS = "hostMs";

    private EngineCosts() {
    }

    /** One cell's per-question means and its ratios against the baseline's; null without engine counters. */
    record Row(int agents, double steps, double rowsPerStep, double prefills, double prefillMs, double forwardMs,
            double cacheCopyMs, double hostMs, double engineMs, double aboveEngineMs, double forwardRatio,
            double engineRatio, double latencyRatio) {

        static Row of(BenchCell c, BenchCell baseline) {
            Map<String, Double> m = c.costs();
            Map<String, Double> b = baseline.costs();
            double steps = m.get(STEPS);
            double forward = m.get(DECODE_MS) + m.get(PREFILL_MS);
            double engine = forward + m.get(COPY_MS) + m.get(HOST_MS);
            double baseForward = b.get(DECODE_MS) + b.get(PREFILL_MS);
            double baseEngine = baseForward + b.get(COPY_MS) + b.get(HOST_MS);
            return new Row(c.agents(), steps, steps == 0 ? 0 : m.get(ROW_STEPS) / steps, m.get(PREFILLS),
                    m.get(PREFILL_MS), forward, m.get(COPY_MS), m.get(HOST_MS),
                    engine, c.latency().meanMs() - engine, baseForward == 0 ? 1 : forward / baseForward,
                    baseEngine == 0 ? 1 : engine / baseEngine, c.latencyRatio());
        }
    }

    /** Returns whether the cells carry the engine's counters. */
    static boolean present(List<BenchCell> cells) {
        return !cells.isEmpty() && cells.get(0).costs().containsKey(STEPS);
    }

    /** Adds {@code engine: {...}} to a result's JSON object. */
    static void json(ObjectNode n, BenchCell c, BenchCell baseline) {
        Row r = Row.of(c, baseline);
        ObjectNode e = n.putObject("engine");
        e.put("stepsPerQuestion", BenchOutput.round(r.steps()));
        e.put("meanRowsPerStep", BenchOutput.round(r.rowsPerStep()));
        e.put("prefillsPerQuestion", BenchOutput.round(r.prefills()));
        e.put("prefillMs", BenchOutput.round(r.prefillMs()));
        e.put("forwardMs", BenchOutput.round(r.forwardMs()));
        e.put("cacheCopyMs", BenchOutput.round(r.cacheCopyMs()));
        e.put("hostMs", BenchOutput.round(r.hostMs()));
        e.put("engineMs", BenchOutput.round(r.engineMs()));
        e.put("aboveEngineMs", BenchOutput.round(r.aboveEngineMs()));
        e.put("forwardRatio", BenchOutput.round(r.forwardRatio()));
        e.put("engineRatio", BenchOutput.round(r.engineRatio()));
    }

    /** Appends the table of the engine's time per question, one line per agent count. */
    static void text(StringBuilder b, List<BenchCell> cells, BenchCell baseline) {
        b.append("Engine time per question (mean; forward = inside ONNX Runtime, the floor of the ratio):\n");
        b.append(String.format(Locale.ROOT, "%6s %8s %9s %11s %8s %11s %10s %9s %8s%n", "agents", "steps",
                "rows/step", "forward ms", "forward", "engine ms", "engine", "above ms", "latency"));
        for (BenchCell c : cells) {
            Row r = Row.of(c, baseline);
            b.append(String.format(Locale.ROOT, "%6d %8.1f %9.2f %11.2f %7.2fx %11.2f %9.2fx %9.2f %7.2fx%n",
                    r.agents(), r.steps(), r.rowsPerStep(), r.forwardMs(), r.forwardRatio(), r.engineMs(),
                    r.engineRatio(), r.aboveEngineMs(), r.latencyRatio()));
        }
    }
}

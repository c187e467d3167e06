package dev.contemplate.research.bench;

import java.util.List;
import java.util.Objects;

/**
 * What a bench measured: one cell per stopping rule and agent count.
 *
 * @param questions the questions run
 * @param seed the base seed; question q's agent i sampled with {@code Bench.questionSeed(seed, q) + i}
 * @param clock {@code virtual} or {@code real}: the clock the latencies were measured on
 * @param agentCounts the agent counts, the baseline 1 first
 * @param stoppingRules the rules' names, in the order run
 * @param cells the cells rule by rule, each rule's agent counts in order; the baseline's cell (run once) under every
 *     rule
 */
public record BenchResult(int questions, long seed, String clock, List<Integer> agentCounts,
        List<String> stoppingRules, List<BenchCell> cells) {

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException if there is not one cell per rule and agent count
     * @throws NullPointerException if a component is null
     */
    public BenchResult {
        Objects.requireNonNull(clock, "clock");
        agentCounts = List.copyOf(agentCounts);
        stoppingRules = List.copyOf(stoppingRules);
        cells = List.copyOf(cells);
        if (cells.size() != agentCounts.size() * stoppingRules.size()) {
            throw new IllegalArgumentException("a result needs one cell per rule and agent count ("
                    + agentCounts.size() * stoppingRules.size() + ") but has " + cells.size());
        }
    }

    /** Returns the single-agent baseline's cell, under the first rule. */
    public BenchCell baseline() {
        return cells.get(0);
    }

    /**
     * Returns the cells of {@code rule}, in agent-count order.
     *
     * @throws IllegalArgumentException if no rule has that name, naming the rules run
     */
    public List<BenchCell> cells(String rule) {
        List<BenchCell> of = cells.stream().filter(c -> c.rule().equals(rule)).toList();
        if (of.isEmpty()) {
            throw new IllegalArgumentException("no rule '" + rule + "' in this bench; rules: "
                    + String.join(", ", stoppingRules));
        }
        return of;
    }

    /**
     * Returns the cell of {@code rule} and {@code agents}.
     *
     * @throws IllegalArgumentException if there is no such cell, naming the rules or counts run
     */
    public BenchCell cell(String rule, int agents) {
        return cells(rule).stream().filter(c -> c.agents() == agents).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no agent count " + agents + " in this bench; counts: "
                        + agentCounts));
    }
}

package dev.contemplate.research.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One run of {@code contemplate bench}: its settings and its rows.
 *
 * @param engine the engine's one-line description
 * @param simulated whether the engine is the simulated one, whose numbers are no model's
 * @param clock {@code virtual} for the simulated engine's clock, else {@code real}
 * @param dataset the data set's path as given
 * @param questions the questions run
 * @param skippedLines the data set's lines that were skipped
 * @param seed the base seed
 * @param date when the run ended
 * @param mode the contemplation mode, e.g. {@code contemplate}
 * @param stoppingRules the rules' names, in the order run
 * @param agentCounts the agent counts, the baseline 1 first
 * @param team {@code mixed}, or the persona every agent is a clone of
 * @param extractor the answer extractor's name
 * @param budgetMs the latency budget of one contemplation, in milliseconds
 * @param temperature the sampling temperature
 * @param maxTokens the most tokens one agent generates
 * @param baseline what the N = 1 baseline is, in words
 * @param rows one row per rule and agent count, rule by rule, each rule's counts in order
 */
public record BenchRun(String engine, boolean simulated, String clock, String dataset, int questions,
        int skippedLines, long seed, Instant date, String mode, List<String> stoppingRules, List<Integer> agentCounts,
        String team, String extractor, long budgetMs, double temperature, int maxTokens, String baseline,
        List<BenchRow> rows) {

    /** Validates and copies the components. */
    public BenchRun {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(mode, "mode");
        stoppingRules = List.copyOf(stoppingRules);
        agentCounts = List.copyOf(agentCounts);
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(extractor, "extractor");
        Objects.requireNonNull(baseline, "baseline");
        rows = List.copyOf(rows);
    }

    /** Returns the rows of {@code rule}, in agent-count order. */
    public List<BenchRow> rows(String rule) {
        return rows.stream().filter(r -> r.stoppingRule().equals(rule)).toList();
    }
}

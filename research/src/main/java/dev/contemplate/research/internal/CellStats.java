package dev.contemplate.research.internal;

import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.AgentRun;
import dev.contemplate.orchestrator.Verdict;
import dev.contemplate.research.bench.BenchCell;
import dev.contemplate.research.bench.BenchProgress;
import dev.contemplate.research.bench.ConfidenceInterval;
import dev.contemplate.research.bench.LatencySummary;
import dev.contemplate.research.bench.QuestionOutcome;
import dev.contemplate.research.bench.RunOutcome;
import dev.contemplate.research.dataset.Dataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What one agent count under one rule did over the questions so far. Not thread-safe. */
public final class CellStats {

    private final int agents;
    private int correct;
    private int noAnswer;
    private int incomplete;
    private long samples;
    private long calls;
    private long cancelled;
    private TokenUsage tokens = TokenUsage.ZERO;
    private final List<Long> latenciesMicros = new ArrayList<>();
    private final List<QuestionOutcome> outcomes = new ArrayList<>();
    private final Map<String, Double> costs = new LinkedHashMap<>();

    /** @param agents the cell's agent count */
    public CellStats(int agents) {
        this.agents = agents;
    }

    /** Returns the agent count. */
    public int agents() {
        return agents;
    }

    /** Counts the run of question {@code index}, {@code item}, judged {@code right}. */
    public void add(int index, Dataset.Item item, RunOutcome outcome, boolean right) {
        if (right) {
            correct++;
        }
        Verdict verdict = outcome.verdict();
        List<AgentOutcome> agentOutcomes;
        TokenUsage spent = TokenUsage.ZERO;
        if (verdict != null) {
            agentOutcomes = verdict.agents();
            spent = verdict.tokens().total();
            if (!verdict.complete()) {
                incomplete++;
            }
        } else {
            noAnswer++;
            agentOutcomes = outcome.failure() == null ? List.of() : outcome.failure().agents();
            for (AgentOutcome a : agentOutcomes) {
                spent = spent.plus(a.usage());
            }
        }
        tokens = tokens.plus(spent);
        int started = 0;
        int cut = 0;
        if (verdict != null && !verdict.runs().isEmpty()) {
            // every round's generations: a debate asks each agent more than once
            agentOutcomes = verdict.runs().stream().map(AgentRun::outcome).toList();
        }
        for (AgentOutcome a : agentOutcomes) {
            if (a.started()) {
                started++;
            }
            if (a.status() == AgentOutcome.Status.CANCELLED) {
                cut++;
            }
        }
        samples += started;
        calls += started + outcome.aggregationCalls();
        cancelled += cut;
        latenciesMicros.add(outcome.latency().toNanos() / 1000);
        outcomes.add(new QuestionOutcome(index, item.line(), right, verdict != null,
                verdict != null && verdict.complete(), Optional.ofNullable(verdict).map(Verdict::stopReason),
                outcome.latency(), started, cut, spent));
    }

    /** Adds the cost meter's differences across one run. */
    public void addCosts(Map<String, Double> before, Map<String, Double> after) {
        after.forEach((name, value) -> costs.merge(name, value - before.getOrDefault(name, 0.0), Double::sum));
    }

    /** Returns the accuracy so far under {@code rule}'s name. */
    public BenchProgress.Cell progress(String rule) {
        return new BenchProgress.Cell(rule, agents, outcomes.size(), correct);
    }

    /** Returns the latencies so far. */
    public LatencySummary latency() {
        return LatencySummary.ofMicros(latenciesMicros);
    }

    /** Returns {@code correct / questions}, 0 without questions. */
    public double accuracy() {
        return outcomes.isEmpty() ? 0 : (double) correct / outcomes.size();
    }

    /**
     * Returns the cell under {@code rule}, with its gain and latency ratio against the baseline's accuracy and
     * latency.
     */
    public BenchCell cell(String rule, double baselineAccuracy, LatencySummary baselineLatency) {
        LatencySummary latency = latency();
        double ratio = baselineLatency.meanMs() == 0 ? 1.0 : latency.meanMs() / baselineLatency.meanMs();
        int questions = outcomes.size();
        return new BenchCell(rule, agents, questions, correct, noAnswer, incomplete,
                ConfidenceInterval.wilson95(correct, questions), accuracy() - baselineAccuracy, latency, ratio,
                samples, cancelled, tokens, outcomes, meanCosts(questions), calls);
    }

    private Map<String, Double> meanCosts(int questions) {
        Map<String, Double> means = new LinkedHashMap<>();
        costs.forEach((name, sum) -> means.put(name, questions == 0 ? 0 : sum / questions));
        return means;
    }
}

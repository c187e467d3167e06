package dev.contemplate.research.bench;

import dev.contemplate.inference.TokenUsage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The numbers of one stopping rule and agent count over a bench's questions. The single-agent baseline is run once
 * and reported under every rule: its cells differ only in {@link #rule()}.
 *
 * @param rule the stopping rule's name, e.g. {@code beta:0.95}
 * @param agents the agent count N
 * @param questions the questions run
 * @param correct the questions whose verdict matched the data set's answer
 * @param noAnswer the questions that ended without a verdict (counted wrong)
 * @param incomplete the verdicts cut short by the budget
 * @param accuracy95 the accuracy's 95% Wilson score interval over the questions
 * @param accuracyGain the accuracy minus the baseline's
 * @param latency the latency per question
 * @param latencyRatio the mean latency over the baseline's mean latency (1 when the baseline's is 0)
 * @param samples the agent generations started over every question (answered, failed or cancelled), in every round
 *     of the deliberation
 * @param cancellations the agents cancelled (by the rule or the budget) over every question
 * @param tokens the tokens of every question together
 * @param outcomes each question's run, in data-set order
 * @param costs the {@link CostMeter}'s readings, each the mean difference per question across a run; empty without a
 *     meter
 * @param calls the engine calls over every question: the agents' generations started ({@code samples}) and the
 *     aggregation's calls
 */
public record BenchCell(String rule, int agents, int questions, int correct, int noAnswer, int incomplete,
        ConfidenceInterval accuracy95, double accuracyGain, LatencySummary latency, double latencyRatio, long samples,
        long cancellations, TokenUsage tokens, List<QuestionOutcome> outcomes, Map<String, Double> costs,
        long calls) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if a component is null
     */
    public BenchCell {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(accuracy95, "accuracy95");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(tokens, "tokens");
        outcomes = List.copyOf(outcomes);
        costs = Collections.unmodifiableMap(new LinkedHashMap<>(costs));
    }

    /** Returns the mean engine calls per question (agents' generations and aggregation calls), 0 without questions. */
    public double meanCalls() {
        return questions == 0 ? 0 : (double) calls / questions;
    }

    /** Returns whether this is the single-agent baseline. */
    public boolean baseline() {
        return agents == 1;
    }

    /** Returns {@code correct / questions}, 0 without questions. */
    public double accuracy() {
        return questions == 0 ? 0 : (double) correct / questions;
    }

    /** Returns the standard error of the accuracy over the questions, {@code sqrt(a (1 - a) / questions)}. */
    public double accuracyStdErr() {
        double a = accuracy();
        return questions == 0 ? 0 : Math.sqrt(a * (1 - a) / questions);
    }

    /** Returns the mean agents started per question. */
    public double meanSamples() {
        return questions == 0 ? 0 : (double) samples / questions;
    }

    /**
     * Returns the mean agents per question that ended (answered or failed) before the stop: the samples the rule
     * saw, {@link #meanSamples()} less the cancelled ones.
     */
    public double meanSamplesCompleted() {
        return questions == 0 ? 0 : (double) (samples - cancellations) / questions;
    }

    /** Returns the mean tokens (input and output) per question. */
    public double meanTokensPerQuestion() {
        return questions == 0 ? 0 : (double) tokens.totalTokens() / questions;
    }
}

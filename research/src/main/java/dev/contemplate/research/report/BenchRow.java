package dev.contemplate.research.report;

import dev.contemplate.research.bench.ConfidenceInterval;
import java.util.Objects;

/**
 * The numbers of one stopping rule and agent count over a bench's questions.
 *
 * @param stoppingRule the rule's name, e.g. {@code beta:0.95}
 * @param agents the agent count N
 * @param questions the questions run
 * @param correct the questions whose verdict matched the data set's answer
 * @param noAnswer the questions that ended without a verdict (counted wrong)
 * @param incomplete the verdicts cut short by the budget
 * @param accuracy {@code correct / questions}
 * @param accuracyStdErr the standard error of the accuracy, {@code sqrt(a (1 - a) / questions)}; see also
 *     {@link #accuracyLow95()} and {@link #accuracyHigh95()}
 * @param accuracyGain the accuracy minus the single-agent baseline's
 * @param meanLatencyMs the mean latency per question, in milliseconds
 * @param p95LatencyMs the nearest-rank 95th percentile of the latency per question, in milliseconds
 * @param latencyRatio the mean latency over the baseline's mean latency
 * @param meanSamples the mean agents started per question (answered, failed or cancelled)
 * @param meanSamplesCompleted the mean agents per question that ended (answered or failed) before the stop: the
 *     samples the stopping rule saw; {@code meanSamples} less the cancelled ones
 * @param meanTokensPerQuestion the mean tokens (input and output) per question
 * @param inputTokens the input tokens of every question together
 * @param outputTokens the output tokens of every question together
 * @param totalTokens input plus output tokens
 * @param cancellations the agents cancelled (by the rule or the budget) over every question
 */
public record BenchRow(String stoppingRule, int agents, int questions, int correct, int noAnswer, int incomplete,
        double accuracy, double accuracyStdErr, double accuracyGain, double meanLatencyMs, double p95LatencyMs,
        double latencyRatio, double meanSamples, double meanSamplesCompleted, double meanTokensPerQuestion,
        long inputTokens, long outputTokens, long totalTokens, long cancellations) {

    /** @throws NullPointerException if {@code stoppingRule} is null */
    public BenchRow {
        Objects.requireNonNull(stoppingRule, "stoppingRule");
    }

    /** Returns the lower end of the accuracy's 95% Wilson score interval over the questions. */
    public double accuracyLow95() {
        return wilson(correct, questions)[0];
    }

    /** Returns the upper end of the accuracy's 95% Wilson score interval over the questions. */
    public double accuracyHigh95() {
        return wilson(correct, questions)[1];
    }

    /**
     * Returns the 95% Wilson score interval {@code {low, high}} of a proportion of {@code successes} in {@code n}
     * trials: unlike the normal approximation it stays inside [0, 1] and does not collapse to a point at 0% or
     * 100%. {@code {0, 1}} when {@code n} is 0.
     *
     * @throws IllegalArgumentException if {@code successes} is negative or more than a positive {@code n}
     */
    public static double[] wilson(int successes, int n) {
        ConfidenceInterval interval = ConfidenceInterval.wilson95(successes, Math.max(n, 0));
        return new double[] {interval.low(), interval.high()};
    }
}

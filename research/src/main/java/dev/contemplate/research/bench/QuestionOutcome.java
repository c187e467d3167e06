package dev.contemplate.research.bench;

import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.StopReason;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One question's run in one bench cell: what paired comparisons between cells (the same question, the same first
 * agents' seeds) are made of.
 *
 * @param index the question's index in the data set, from 0
 * @param line the question's line in the data set
 * @param correct whether the verdict's answer was the data set's
 * @param answered whether there was a verdict (a failed contemplation has none, and counts as wrong)
 * @param complete whether the verdict was reached within the budget (false without a verdict)
 * @param stopReason why the contemplation stopped, empty without a verdict
 * @param latency the time from start to verdict or failure, on the bench's clock
 * @param samples the agents started (answered, failed or cancelled)
 * @param cancelled the agents cancelled by the rule or the budget
 * @param tokens every token the run spent
 */
public record QuestionOutcome(int index, int line, boolean correct, boolean answered, boolean complete,
        Optional<StopReason> stopReason, Duration latency, int samples, int cancelled, TokenUsage tokens) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    public QuestionOutcome {
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(tokens, "tokens");
    }
}

package dev.contemplate.research.replay;

import java.util.List;
import java.util.Objects;

/**
 * One stopping rule's replay.
 *
 * @param rule the rule's name, e.g. {@code esc:5}
 * @param accuracy the share of questions answered correctly, across shuffles
 * @param samples the mean samples used per question, across shuffles
 * @param accuracyPerShuffle each shuffle's accuracy, shuffle 0 first
 * @param samplesPerShuffle each shuffle's mean samples used, shuffle 0 first
 */
public record RuleResult(String rule, Spread accuracy, Spread samples, List<Double> accuracyPerShuffle,
        List<Double> samplesPerShuffle) {

    /** Copies the lists. */
    public RuleResult {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(accuracy, "accuracy");
        Objects.requireNonNull(samples, "samples");
        accuracyPerShuffle = List.copyOf(accuracyPerShuffle);
        samplesPerShuffle = List.copyOf(samplesPerShuffle);
    }
}

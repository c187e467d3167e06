package dev.contemplate.aggregation;

import dev.contemplate.agents.Candidate;
import dev.contemplate.inference.TokenLogprobs;

/**
 * How sure an agent was of its candidate, from its token log-probabilities, as a weight in (0, 1] for a weighted
 * vote (in the spirit of DeepConf, Fu et al. 2025). A candidate without log-probabilities weighs 1 under every
 * measure, so that engines that do not report them still take part in the vote unchanged.
 */
public enum Confidence {
    /** {@code exp(mean log-probability)}: the geometric mean of the token probabilities. */
    MEAN {
        @Override
        double of(TokenLogprobs logprobs) {
            return Math.exp(logprobs.mean());
        }
    },
    /**
     * {@code exp(lowest mean log-probability over 16 consecutive tokens)}: DeepConf's lowest group confidence, which
     * marks a trace that guessed at one step even when it was sure elsewhere.
     */
    LOWEST_GROUP {
        @Override
        double of(TokenLogprobs logprobs) {
            return Math.exp(logprobs.lowestGroupMean(GROUP));
        }
    },
    /**
     * {@code exp(sum of log-probabilities)}: the probability of the whole text. It favours short texts, and long texts
     * underflow to the smallest weight and tie; suited to short answers of similar length (the demo model's).
     */
    SEQUENCE {
        @Override
        double of(TokenLogprobs logprobs) {
            return Math.exp(logprobs.sum());
        }
    };

    /** The window of {@link #LOWEST_GROUP}, in tokens. */
    public static final int GROUP = 16;

    abstract double of(TokenLogprobs logprobs);

    /**
     * Returns the candidate's confidence in (0, 1]; 1 without log-probabilities. An underflow to 0 is lifted to the
     * smallest positive double so that every vote keeps a positive weight.
     */
    public double of(Candidate candidate) {
        if (candidate.logprobs().isEmpty() || candidate.logprobs().get().isEmpty()) {
            return 1.0;
        }
        return Math.max(Double.MIN_VALUE, Math.min(1.0, of(candidate.logprobs().get())));
    }
}

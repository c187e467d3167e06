package dev.contemplate.research.replay;

import dev.contemplate.inference.TokenLogprobs;
import java.util.Objects;
import java.util.Optional;

/**
 * One recorded sample as a vote sees it: the text an agent would have produced, and whether it is right.
 *
 * @param text the sample's full text: the raw text (ESC, free-form), the recorded answer as written (adaptive,
 *     compact), or empty for a sample without one (a JSON {@code null})
 * @param correct whether the sample is right: its label in a free-form file, else whether its extracted answer's key
 *     equals the gold key (a sample without an answer is wrong)
 * @param logprobs the per-token log-probabilities of the text when they were recorded (free-form files), which the
 *     weighted vote turns into a confidence; empty otherwise
 */
public record ReplaySample(String text, boolean correct, Optional<TokenLogprobs> logprobs) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    public ReplaySample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(logprobs, "logprobs");
    }

    /** Returns a sample without log-probabilities. */
    public ReplaySample(String text, boolean correct) {
        this(text, correct, Optional.empty());
    }
}

package dev.contemplate.inference.onnx.internal;

import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.TokenLogprobs;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.onnx.Tokenizer;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * One sequence being generated, a member of a {@link Row}: its text, and the log-probability of each token it
 * generated (in its own array, so that the members of a shared row each keep theirs). Decode loop's thread only.
 */
final class Sequence {

    final Job job;
    final int index;
    final @Nullable SplittableRandom random;
    final TextState text;
    final int promptLength;
    private final int eos;
    private final int contextLength;
    int generated;
    /** The log-probability of each generated token, in {@code [0, generated)}; grows by doubling. */
    private double[] logprobs;
    @Nullable FinishReason finish;

    Sequence(Job job, int index, Tokenizer tokenizer, int contextLength) {
        this.job = job;
        this.index = index;
        this.random = job.sampling.temperature() > 0 ? new SplittableRandom(job.seeds[index]) : null;
        this.text = new TextState(tokenizer, job.sampling.stop());
        this.promptLength = job.prompt.length;
        this.eos = tokenizer.eosTokenId();
        this.contextLength = contextLength;
        this.logprobs = new double[16];
    }

    /**
     * Takes a sampled token (the end-of-sequence token too) and its log-probability: decides whether the sequence
     * ends, and streams the text that became final.
     *
     * @param logprob the token's log-probability under the model's raw distribution, finite and at most 0
     * @return whether the sequence finished
     */
    boolean accept(int token, double logprob) {
        if (generated == logprobs.length) {
            logprobs = Arrays.copyOf(logprobs, 2 * generated);
        }
        logprobs[generated++] = logprob;
        if (token == eos) {
            return end(FinishReason.STOP);
        }
        String delta = text.add(token);
        if (job.streaming) {
            job.delta(index, delta, new TokenUsage(promptLength, generated));
        }
        if (text.stopped()) {
            return end(FinishReason.STOP);
        }
        if (generated >= job.sampling.maxTokens() || promptLength + generated >= contextLength) {
            return end(FinishReason.LENGTH);
        }
        return false;
    }

    private boolean end(FinishReason reason) {
        String rest = text.flush();
        if (job.streaming) {
            job.delta(index, rest, new TokenUsage(promptLength, generated));
        }
        finish = reason;
        return true;
    }

    Generation generation() {
        return new Generation(index, text.released(), finish == null ? FinishReason.OTHER : finish,
                new TokenUsage(promptLength, generated),
                Optional.of(TokenLogprobs.of(Arrays.copyOf(logprobs, generated))));
    }
}

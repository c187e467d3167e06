package dev.contemplate.orchestrator.internal;

import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.TokenUsage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one agent has spent, over all its attempts (a retry and a hedge are attempts too): each attempt reports the
 * cumulative usage its engine streams with every delta, and its final usage when it completes; the agent's spend is
 * the sum of its attempts' latest reports. Every change is passed on to the contemplation, which enforces the token
 * budget while tokens stream. An engine that does not meter its stream is estimated from the text (four characters a
 * token, the prompt's included) and the spend is marked estimated.
 *
 * <p>Thread-safety: attempts may run concurrently (hedging); one attempt's reports are serial (Reactive Streams).
 */
final class AgentMeter {

    /** Characters per token when an engine reports nothing. */
    private static final int CHARS_PER_TOKEN = 4;

    private final GenerationRequest request;
    private final Listener listener;
    private final AtomicLong input = new AtomicLong();
    private final AtomicLong output = new AtomicLong();
    private final AtomicInteger deltas = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile boolean estimated;

    /**
     * Creates a meter.
     *
     * @param request the agent's request (its prompt is estimated when the engine reports nothing)
     * @param listener hears every change of the spend
     */
    AgentMeter(GenerationRequest request, Listener listener) {
        this.request = request;
        this.listener = listener;
    }

    /** Hears changes of an agent's spend. */
    interface Listener {
        /**
         * The agent's spend changed by {@code tokens} (rarely negative: an engine's final count below its streamed
         * estimate).
         *
         * @param streaming true for a delta's report, false for a completed generation's final count
         */
        void spent(long tokens, boolean streaming);
    }

    /** Starts metering one attempt: a call that reached the engine. */
    Attempt attempt() {
        attempts.incrementAndGet();
        return new Attempt();
    }

    /** Returns whether a call of this agent reached the engine (a guard may refuse every one). */
    boolean ran() {
        return attempts.get() > 0;
    }

    /** Returns what every attempt spent so far. */
    TokenUsage spent() {
        return new TokenUsage(Math.max(0, input.get()), Math.max(0, output.get()));
    }

    /** Returns how {@link #spent()} is known. */
    Metering metering() {
        return estimated ? Metering.ESTIMATED : Metering.EXACT;
    }

    /** Returns the text deltas streamed, over all attempts. */
    int deltas() {
        return deltas.get();
    }

    private long promptEstimate() {
        long chars = 0;
        for (Message m : request.messages()) {
            chars += m.text().length();
        }
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /** One attempt: its last reported usage. */
    final class Attempt {
        private long lastInput;
        private long lastOutput;
        private long unreportedChars;

        /** Takes a streamed delta, returning whether it was the agent's first. */
        boolean delta(GenerationEvent.TextDelta delta) {
            long in;
            long out;
            if (delta.metering() == Metering.UNREPORTED) {
                estimated = true;
                unreportedChars += delta.text().length();
                in = lastInput == 0 ? promptEstimate() : lastInput;
                out = (unreportedChars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
            } else {
                if (delta.metering() == Metering.ESTIMATED) {
                    estimated = true;
                }
                in = delta.usage().inputTokens();
                out = delta.usage().outputTokens();
            }
            listener.spent(update(in, out), true);
            return deltas.incrementAndGet() == 1;
        }

        /** The attempt completed with the engine's final count, which replaces what its stream reported. */
        void completed(TokenUsage usage) {
            listener.spent(update(usage.inputTokens(), usage.outputTokens()), false);
        }

        private long update(long in, long out) {
            long di = in - lastInput;
            long dout = out - lastOutput;
            lastInput = in;
            lastOutput = out;
            input.addAndGet(di);
            output.addAndGet(dout);
            return di + dout;
        }
    }
}

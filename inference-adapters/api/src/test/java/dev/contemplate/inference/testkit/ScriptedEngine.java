package dev.contemplate.inference.testkit;

import dev.contemplate.inference.EngineCapabilities;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.TokenLogprobs;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.UnsupportedCapabilityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A programmable in-process engine for tests: a function maps each request to a {@link Script} (text, latency,
 * failure), and the engine plays it on an injected {@link Scheduler}, so tests run in virtual time. It counts
 * started, completed, failed and cancelled generations, and how many are active right now, so tests can prove that
 * cancellation reaches the engine.
 */
public final class ScriptedEngine implements InferenceEngine {

    /**
     * What one generation does.
     *
     * @param tokens the text, split into the deltas to emit
     * @param firstTokenLatency time before the first delta
     * @param perTokenLatency time between deltas
     * @param failure if not null, the error signalled after {@code failAfterTokens} deltas
     * @param failAfterTokens how many deltas precede the failure
     * @param finishReason the finish reason of a successful generation
     * @param logprobs the log-probabilities that the successful generation reports (any size: they are scripted,
     *     not derived from the deltas)
     */
    public record Script(List<String> tokens, Duration firstTokenLatency, Duration perTokenLatency,
            @Nullable Throwable failure, int failAfterTokens, FinishReason finishReason,
            Optional<TokenLogprobs> logprobs) {

        private static final Pattern TOKEN = Pattern.compile("\\s*\\S+|\\s+");

        /**
         * Copies the token list.
         *
         * @throws NullPointerException if {@code tokens} or {@code logprobs} is null
         */
        public Script {
            tokens = List.copyOf(tokens);
            Objects.requireNonNull(logprobs, "logprobs");
        }

        /** Returns a script without log-probabilities. */
        public Script(List<String> tokens, Duration firstTokenLatency, Duration perTokenLatency,
                @Nullable Throwable failure, int failAfterTokens, FinishReason finishReason) {
            this(tokens, firstTokenLatency, perTokenLatency, failure, failAfterTokens, finishReason,
                    Optional.empty());
        }

        /**
         * Returns a script that emits {@code text} (split at word boundaries) evenly over {@code totalLatency};
         * the first delta absorbs the rounding, so the last one arrives exactly at {@code totalLatency}.
         */
        public static Script text(String text, Duration totalLatency) {
            List<String> toks = split(text);
            if (toks.isEmpty()) {
                return new Script(toks, totalLatency, Duration.ZERO, null, 0, FinishReason.STOP);
            }
            Duration per = totalLatency.dividedBy(toks.size());
            Duration first = totalLatency.minus(per.multipliedBy(toks.size() - 1L));
            return new Script(toks, first, per, null, 0, FinishReason.STOP);
        }

        /** Returns a script that fails with {@code error} after {@code latency}, having emitted nothing. */
        public static Script failure(Throwable error, Duration latency) {
            return new Script(List.of(), latency, Duration.ZERO, error, 0, FinishReason.STOP);
        }

        /** Returns a copy of this script that fails with {@code error} after {@code afterTokens} deltas. */
        public Script failingAfter(int afterTokens, Throwable error) {
            return new Script(tokens, firstTokenLatency, perTokenLatency, error, afterTokens, finishReason, logprobs);
        }

        /** Returns a copy of this script with another finish reason. */
        public Script finishing(FinishReason reason) {
            return new Script(tokens, firstTokenLatency, perTokenLatency, failure, failAfterTokens, reason, logprobs);
        }

        /**
         * Returns a copy of this script whose generation reports these per-token log-probabilities, for example
         * to test a confidence-weighted vote.
         *
         * @throws IllegalArgumentException if a value is NaN, infinite or positive (see {@link TokenLogprobs#of})
         */
        public Script withLogprobs(double... values) {
            return new Script(tokens, firstTokenLatency, perTokenLatency, failure, failAfterTokens, finishReason,
                    Optional.of(TokenLogprobs.of(values)));
        }

        static List<String> split(String text) {
            List<String> out = new ArrayList<>();
            Matcher m = TOKEN.matcher(text);
            while (m.find()) {
                out.add(m.group());
            }
            return out;
        }
    }

    private final String name;
    private final Function<GenerationRequest, Script> script;
    private final Scheduler scheduler;
    private final boolean seeds;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    private final List<GenerationRequest> cancelledRequests = new CopyOnWriteArrayList<>();

    private ScriptedEngine(Builder b) {
        this.name = b.name;
        this.script = Objects.requireNonNull(b.script, "script");
        this.scheduler = b.scheduler;
        this.seeds = b.seeds;
    }

    /** Returns a builder; {@link Builder#script} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns an engine that answers every request with {@code script}, on the parallel scheduler. */
    public static ScriptedEngine constant(Script script) {
        return builder().script(r -> script).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(true, seeds);
    }

    @Override
    public Flux<GenerationEvent> stream(GenerationRequest request) {
        return Flux.defer(() -> {
            if (!seeds && request.sampling().seed().isPresent()) {
                return Flux.error(new UnsupportedCapabilityException(name, "seed",
                        "this engine does not honour seeds; remove the seed or use an engine that supports seeds"));
            }
            Script s = script.apply(request);
            requests.add(request);
            long input = request.messages().stream().map(Message::text).mapToLong(t -> Script.split(t).size()).sum();
            int emitCount = s.failure() != null ? Math.min(s.failAfterTokens(), s.tokens().size()) : s.tokens().size();
            Flux<GenerationEvent> deltas = Flux.range(0, emitCount)
                    .concatMap(i -> Mono.delay(i == 0 ? s.firstTokenLatency() : s.perTokenLatency(), scheduler)
                            .map(x -> (GenerationEvent) new GenerationEvent.TextDelta(s.tokens().get(i),
                                    new TokenUsage(input, i + 1), Metering.EXACT)));
            Mono<GenerationEvent> end;
            if (s.failure() != null) {
                Throwable error = s.failure() instanceof InferenceException
                        ? s.failure()
                        : new TransientInferenceException(name, "scripted failure", s.failure());
                Duration wait = emitCount == 0 ? s.firstTokenLatency() : Duration.ZERO;
                end = Mono.delay(wait, scheduler).then(Mono.error(error));
            } else {
                Generation g = new Generation(0, String.join("", s.tokens()), s.finishReason(),
                        new TokenUsage(input, s.tokens().size()), s.logprobs());
                Mono<Long> wait = emitCount == 0 ? Mono.delay(s.firstTokenLatency(), scheduler) : Mono.just(0L);
                end = wait.thenReturn(new GenerationEvent.Completed(g));
            }
            // a generation counts as completed once its Completed event is out: a cancel that arrives while the
            // subscriber is still handling that last event stops nothing and is not counted as a cancellation
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            return deltas.concatWith(end)
                    .doOnSubscribe(sub -> {
                        started.incrementAndGet();
                        maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                    })
                    .doOnNext(e -> {
                        if (e instanceof GenerationEvent.Completed && done.compareAndSet(false, true)) {
                            completed.incrementAndGet();
                            active.decrementAndGet();
                        }
                    })
                    .doOnError(e -> {
                        if (done.compareAndSet(false, true)) {
                            failed.incrementAndGet();
                            active.decrementAndGet();
                        }
                    })
                    .doOnCancel(() -> {
                        if (done.compareAndSet(false, true)) {
                            cancelled.incrementAndGet();
                            cancelledRequests.add(request);
                            active.decrementAndGet();
                        }
                    });
        });
    }

    /** Returns how many generations were subscribed. */
    public int started() {
        return started.get();
    }

    /** Returns how many generations completed normally. */
    public int completed() {
        return completed.get();
    }

    /** Returns how many generations ended with an error. */
    public int failed() {
        return failed.get();
    }

    /** Returns how many generations were cancelled by their subscriber. */
    public int cancelled() {
        return cancelled.get();
    }

    /** Returns how many generations are running now. */
    public int active() {
        return active.get();
    }

    /** Returns the most generations that ran at the same time. */
    public int maxActive() {
        return maxActive.get();
    }

    /** Returns every request received, in subscription order. */
    public List<GenerationRequest> requests() {
        return List.copyOf(requests);
    }

    /** Returns the requests whose generation was cancelled. */
    public List<GenerationRequest> cancelledRequests() {
        return List.copyOf(cancelledRequests);
    }

    /** Builds a {@link ScriptedEngine}. */
    public static final class Builder {
        private String name = "scripted";
        private @Nullable Function<GenerationRequest, Script> script;
        private Scheduler scheduler = Schedulers.parallel();
        private boolean seeds = true;

        private Builder() {
        }

        /** Sets the engine's name. */
        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        /** Sets the function from request to script (required). */
        public Builder script(Function<GenerationRequest, Script> value) {
            this.script = Objects.requireNonNull(value, "script");
            return this;
        }

        /** Sets the scheduler that times the deltas (use a virtual-time scheduler in tests). */
        public Builder scheduler(Scheduler value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** Sets whether the engine claims to honour seeds (default true); if not, seeded requests fail. */
        public Builder seeds(boolean value) {
            this.seeds = value;
            return this;
        }

        /** Returns the engine. */
        public ScriptedEngine build() {
            return new ScriptedEngine(this);
        }
    }
}

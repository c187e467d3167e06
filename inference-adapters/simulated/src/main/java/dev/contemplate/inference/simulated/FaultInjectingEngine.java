package dev.contemplate.inference.simulated;

import dev.contemplate.inference.EngineCapabilities;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.RateLimitedException;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.simulated.internal.FaultPlanner;
import dev.contemplate.inference.simulated.internal.FaultPlanner.Plan;
import dev.contemplate.inference.simulated.internal.Garbage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A test and research tool: wraps any engine and injects seeded faults into its generations, so that a caller's
 * handling of errors, rate limits, hung and slow streams, cut, empty and corrupt outputs can be exercised
 * reproducibly.
 *
 * <pre>{@code
 * FaultInjectingEngine faulty = FaultInjectingEngine.wrap(engine)
 *         .seed(7)
 *         .transientErrors(0.05).rateLimits(0.05).stalls(0.02)
 *         .slowStreams(0.1, Duration.ofMillis(300))
 *         .truncations(0.05).emptyOutputs(0.02).garbage(0.02)
 *         .scheduler(virtualTimeScheduler)
 *         .build();
 * }</pre>
 *
 * <h2>Which fault a generation gets</h2>
 * Every subscription to {@link #stream} is one generation and draws at most one {@link Fault}. Generations are
 * numbered {@code n = 0, 1, 2, ...} in subscription order by a counter of this wrapper. Generation {@code n} draws
 * from {@code new SplittableRandom(s(n))}, where {@code s(n)} is the {@code n}-th value (counting from 0) of
 * {@code new SplittableRandom(seed).nextLong()}; its first draw {@code u = nextDouble()} picks the fault: the first
 * of {@code TRANSIENT_ERROR, PERMANENT_ERROR, RATE_LIMIT, STALL, SLOW_STREAM, TRUNCATED, EMPTY, GARBAGE} (the order of
 * {@link Fault}) whose cumulative rate exceeds {@code u}, or {@link Fault#NONE} when {@code u} is at least the sum of
 * the rates. The fault's own parameters come next from the same source, in this order:
 * <ul>
 *   <li>errors and {@code STALL}: {@code d = nextBoolean() ? 0 : 1 + nextInt(8)}, the deltas let through first;</li>
 *   <li>{@code RATE_LIMIT}, then: {@code k = nextInt(21)}, a retry-after of {@code k * 100} ms, none when
 *       {@code k = 0};</li>
 *   <li>{@code TRUNCATED}: {@code keep = nextInt(9)}, the most deltas kept;</li>
 *   <li>{@code GARBAGE}: the junk characters, delta by delta.</li>
 * </ul>
 * So the same seed and the same order of subscriptions replay the same faults; {@link #faultOf(long)} tells which
 * fault a generation draws without running it.
 *
 * <h2>What each fault does</h2>
 * <ul>
 *   <li>{@link Fault#NONE}: the inner engine's stream, unchanged.</li>
 *   <li>{@link Fault#TRANSIENT_ERROR}, {@link Fault#PERMANENT_ERROR}, {@link Fault#RATE_LIMIT}: an error signal
 *       carrying a {@link TransientInferenceException}, a {@link PermanentInferenceException} or a
 *       {@link RateLimitedException} that names this wrapper. With {@code d = 0} it comes at subscription and the
 *       inner engine is not called; otherwise the first {@code d} deltas of the inner stream pass and the error
 *       replaces its next event (a delta or its completion), cancelling the inner generation.</li>
 *   <li>{@link Fault#STALL}: the first {@code d} deltas pass (with {@code d = 0} the inner engine is not called),
 *       then nothing more: the rest of the inner stream, its completion and any error of it are dropped, and the
 *       stream never ends until its subscriber cancels it.</li>
 *   <li>{@link Fault#SLOW_STREAM}: each delta is held for the configured duration on the scheduler after it
 *       arrived and after the previous delta went out, so {@code n} deltas take at least {@code n} times that long;
 *       the completion follows the last delta.</li>
 *   <li>{@link Fault#TRUNCATED}: deltas go out one inner event late; when the inner stream completes, or when a
 *       delta beyond the first {@code keep} would go out, the inner generation is cancelled and the stream completes
 *       with the deltas sent so far and {@link FinishReason#LENGTH}: the first {@code min(keep, n - 1)} of the inner
 *       stream's {@code n} deltas, so at least its last delta is always lost (nothing when {@code n = 0}). Usage:
 *       what the last delta sent reported when the inner engine meters its stream, else the deltas sent as output
 *       tokens, with the prompt count when it is known.</li>
 *   <li>{@link Fault#EMPTY}: the inner generation runs to its end, its deltas are dropped, and it completes with an
 *       empty text, the inner finish reason and the inner prompt count with no output tokens.</li>
 *   <li>{@link Fault#GARBAGE}: every delta's text is replaced by seeded junk at least as long (printable ASCII,
 *       digits included, C0 control characters, unpaired surrogates, astral characters, invisible and
 *       direction-changing characters, whitespace); the completed text is the junk deltas' concatenation, with the
 *       inner finish reason and usage. The text always holds at least one C0 control character and one unpaired
 *       surrogate (an inner stream without deltas gets one junk delta).</li>
 * </ul>
 * Apart from these, the inner engine's own errors pass through unchanged (they name the inner engine), and
 * cancelling a stream cancels the inner generation and any pending delay. Log-probabilities are dropped wherever
 * the text is changed.
 *
 * <h2>Counts</h2>
 * The wrapper counts generations ({@link #generations()}), injected faults by kind ({@link #injected(Fault)}) and
 * live generations ({@link #liveGenerations()}: subscribed and not yet completed, failed or cancelled), so a test can
 * prove that nothing is left running.
 *
 * <p>The capabilities are the inner engine's; {@link #generate} runs through {@link #stream}, so each generation
 * draws its own fault. {@link #close()} closes the inner engine; the scheduler is the caller's. Instances are
 * thread-safe.
 */
public final class FaultInjectingEngine implements InferenceEngine {

    /** A kind of fault injected into one generation. */
    public enum Fault {
        /** No fault: the inner stream unchanged. */
        NONE,
        /** A {@link TransientInferenceException}, before any delta or after some. */
        TRANSIENT_ERROR,
        /** A {@link PermanentInferenceException}, before any delta or after some. */
        PERMANENT_ERROR,
        /** A {@link RateLimitedException}, with or without a retry-after hint, before any delta or after some. */
        RATE_LIMIT,
        /** The stream stops sending, after some deltas or none, and never ends until cancelled. */
        STALL,
        /** Every delta is delayed by a fixed duration. */
        SLOW_STREAM,
        /** The text is cut to a prefix and completes with {@link FinishReason#LENGTH}. */
        TRUNCATED,
        /** The generation completes with an empty text. */
        EMPTY,
        /** The text is replaced by seeded junk. */
        GARBAGE
    }

    /**
     * What one generation drew, told to the {@linkplain Builder#onInjection observer} when it is subscribed.
     *
     * @param generation the generation's number, in subscription order from 0
     * @param fault the fault drawn, {@link Fault#NONE} for none
     * @param request the request of the generation
     */
    public record Injection(long generation, Fault fault, GenerationRequest request) {
        /**
         * Validates the components.
         *
         * @throws IllegalArgumentException if {@code generation} is negative
         * @throws NullPointerException if {@code fault} or {@code request} is null
         */
        public Injection {
            if (generation < 0) {
                throw new IllegalArgumentException("generation must be >= 0 but was " + generation);
            }
            Objects.requireNonNull(fault, "fault");
            Objects.requireNonNull(request, "request");
        }
    }

    /** The most deltas let through before an error or a stall. */
    static final int MAX_DELTAS_BEFORE_FAULT = FaultPlanner.MAX_DELTAS_BEFORE_FAULT;

    /** The most deltas a truncated generation keeps. */
    static final int MAX_KEPT_DELTAS = FaultPlanner.MAX_KEPT_DELTAS;

    /** The injectable faults, in drawing order. */
    private static final Fault[] INJECTABLE = {Fault.TRANSIENT_ERROR, Fault.PERMANENT_ERROR, Fault.RATE_LIMIT,
        Fault.STALL, Fault.SLOW_STREAM, Fault.TRUNCATED, Fault.EMPTY, Fault.GARBAGE};

    /** The slack allowed when checking that the rates sum to at most 1. */
    private static final double EPSILON = 1e-9;

    private final InferenceEngine inner;
    private final String name;
    private final long seed;
    private final double[] rates;
    private final Duration slowDelta;
    private final Scheduler scheduler;
    private final Consumer<Injection> observer;
    private final FaultPlanner planner;

    private final AtomicLong counter = new AtomicLong();
    private final AtomicLongArray injected = new AtomicLongArray(Fault.values().length);
    private final AtomicInteger live = new AtomicInteger();

    private FaultInjectingEngine(Builder b) {
        this.inner = b.inner;
        this.name = "faulty(" + b.inner.name() + ")";
        this.seed = b.seed;
        this.rates = b.rates.clone();
        this.slowDelta = b.slowDelta;
        this.scheduler = b.scheduler;
        this.observer = b.observer;
        this.planner = new FaultPlanner(seed, rates, INJECTABLE);
    }

    /**
     * Returns a builder that wraps {@code engine}: seed 0, no faults, the parallel scheduler.
     *
     * @param engine the engine whose generations get faults
     * @throws NullPointerException if {@code engine} is null
     */
    public static Builder wrap(InferenceEngine engine) {
        return new Builder(Objects.requireNonNull(engine, "engine"));
    }

    /** Returns {@code "faulty(" + inner.name() + ")"}. */
    @Override
    public String name() {
        return name;
    }

    /** Returns the wrapped engine's model. */
    @Override
    public String model() {
        return inner.model();
    }

    /** Returns the inner engine's capabilities. */
    @Override
    public EngineCapabilities capabilities() {
        return inner.capabilities();
    }

    /** Returns the wrapped engine. */
    public InferenceEngine inner() {
        return inner;
    }

    /** Returns the seed the faults are drawn from. */
    public long seed() {
        return seed;
    }

    /**
     * Returns the probability that a generation draws {@code fault}; for {@link Fault#NONE}, what the other rates
     * leave (never negative).
     *
     * @throws NullPointerException if {@code fault} is null
     */
    public double rate(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        if (fault != Fault.NONE) {
            return rates[fault.ordinal()];
        }
        double sum = 0;
        for (double r : rates) {
            sum += r;
        }
        return Math.max(0, 1 - sum);
    }

    /**
     * Streams one generation of the inner engine with the fault this subscription draws (see the class comment).
     * The publisher is cold: each subscription is a new generation with its own draw.
     *
     * @throws NullPointerException if {@code request} is null
     */
    @Override
    public Flux<GenerationEvent> stream(GenerationRequest request) {
        Objects.requireNonNull(request, "request");
        return Flux.defer(() -> {
            Plan plan = planner.plan(counter.getAndIncrement());
            injected.incrementAndGet(plan.fault().ordinal());
            observer.accept(new Injection(plan.generation(), plan.fault(), request));
            AtomicBoolean ended = new AtomicBoolean();
            Runnable end = () -> {
                if (ended.compareAndSet(false, true)) {
                    live.decrementAndGet();
                }
            };
            return inject(plan, request)
                    .doOnSubscribe(s -> live.incrementAndGet())
                    .doOnNext(e -> {
                        if (e instanceof GenerationEvent.Completed) {
                            end.run();
                        }
                    })
                    .doOnError(e -> end.run())
                    .doOnComplete(end)
                    .doOnCancel(end);
        });
    }

    /**
     * Returns the fault that generation {@code generation} draws (or drew), by the rule of the class comment, without
     * running anything or changing a count.
     *
     * @throws IllegalArgumentException if {@code generation} is negative
     */
    public Fault faultOf(long generation) {
        if (generation < 0) {
            throw new IllegalArgumentException("generation must be >= 0 but was " + generation);
        }
        return planner.plan(generation).fault();
    }

    /** Returns how many generations were subscribed: every draw, with or without a fault. */
    public long generations() {
        return counter.get();
    }

    /**
     * Returns how many generations drew {@code fault}; for {@link Fault#NONE}, how many ran without a fault.
     *
     * @throws NullPointerException if {@code fault} is null
     */
    public long injected(Fault fault) {
        return injected.get(Objects.requireNonNull(fault, "fault").ordinal());
    }

    /** Returns how many generations are subscribed now and have neither completed, failed nor been cancelled. */
    public int liveGenerations() {
        return live.get();
    }

    /** Closes the inner engine. Idempotent when the inner engine's close is. */
    @Override
    public void close() {
        inner.close();
    }

    /** Returns the wrapper's name and seed, for logs. */
    @Override
    public String toString() {
        return "FaultInjectingEngine[" + name + ", seed " + seed + "]";
    }

    /** Returns the seed of generation {@code n}: the n-th {@code nextLong()} of {@code new SplittableRandom(seed)}. */
    static long generationSeed(long seed, long n) {
        return FaultPlanner.generationSeed(seed, n);
    }

    private Flux<GenerationEvent> inject(Plan plan, GenerationRequest request) {
        return switch (plan.fault()) {
            case NONE -> inner.stream(request);
            case TRANSIENT_ERROR, PERMANENT_ERROR, RATE_LIMIT -> failing(plan, request);
            case STALL -> stalling(plan, request);
            case SLOW_STREAM -> inner.stream(request).concatMap(e -> e instanceof GenerationEvent.TextDelta
                    ? Mono.delay(slowDelta, scheduler).thenReturn(e)
                    : Mono.just(e));
            case TRUNCATED -> truncating(plan, request);
            case EMPTY -> inner.stream(request)
                    .filter(GenerationEvent.Completed.class::isInstance)
                    .map(e -> {
                        Generation g = ((GenerationEvent.Completed) e).generation();
                        return new GenerationEvent.Completed(new Generation(g.index(), "", g.finishReason(),
                                new TokenUsage(g.usage().inputTokens(), 0)));
                    });
            case GARBAGE -> garbling(plan, request);
        };
    }

    private InferenceException error(Plan plan) {
        String where = plan.deltas() == 0 ? "before any delta" : "after " + plan.deltas() + " deltas";
        return switch (plan.fault()) {
            case TRANSIENT_ERROR -> new TransientInferenceException(name,
                    "injected transient failure " + where + " (generation " + plan.generation() + ")", null);
            case PERMANENT_ERROR -> new PermanentInferenceException(name,
                    "injected permanent failure " + where + " (generation " + plan.generation() + ")", null);
            case RATE_LIMIT -> new RateLimitedException(name, "injected rate limit " + where + " (generation "
                    + plan.generation() + ")", plan.retryAfter(), null);
            default -> throw new IllegalStateException("not an error fault: " + plan.fault());
        };
    }

    private Flux<GenerationEvent> failing(Plan plan, GenerationRequest request) {
        InferenceException error = error(plan);
        if (plan.deltas() == 0) {
            return Flux.error(error);
        }
        AtomicInteger passed = new AtomicInteger();
        // takeWhile cancels the inner generation at the first event it refuses, then the error follows
        return inner.stream(request)
                .takeWhile(e -> e instanceof GenerationEvent.TextDelta && passed.getAndIncrement() < plan.deltas())
                .concatWith(Mono.error(error));
    }

    private Flux<GenerationEvent> stalling(Plan plan, GenerationRequest request) {
        if (plan.deltas() == 0) {
            return Flux.never();
        }
        AtomicInteger passed = new AtomicInteger();
        return inner.stream(request)
                .filter(e -> e instanceof GenerationEvent.TextDelta && passed.getAndIncrement() < plan.deltas())
                .onErrorResume(e -> Flux.empty())
                .concatWith(Flux.never());
    }

    private Flux<GenerationEvent> truncating(Plan plan, GenerationRequest request) {
        int keep = plan.deltas();
        List<GenerationEvent.TextDelta> sent = new ArrayList<>();
        GenerationEvent.TextDelta[] held = new GenerationEvent.TextDelta[1];
        return inner.stream(request).handle((e, sink) -> {
            if (e instanceof GenerationEvent.TextDelta d) {
                GenerationEvent.TextDelta previous = held[0];
                held[0] = d;
                if (previous != null) {
                    if (sent.size() == keep) {
                        sink.next(cut(sent, d, null));
                        sink.complete(); // cancels the inner generation
                        return;
                    }
                    sent.add(previous);
                    sink.next(previous);
                }
            } else if (e instanceof GenerationEvent.Completed c) {
                sink.next(cut(sent, held[0], c.generation()));
                sink.complete();
            }
        });
    }

    /** The completion of a truncated generation: the deltas sent, with what is known of their usage. */
    private static GenerationEvent.Completed cut(List<GenerationEvent.TextDelta> sent,
            GenerationEvent.@Nullable TextDelta held, @Nullable Generation completed) {
        StringBuilder text = new StringBuilder();
        for (GenerationEvent.TextDelta d : sent) {
            text.append(d.text());
        }
        GenerationEvent.TextDelta last = sent.isEmpty() ? null : sent.get(sent.size() - 1);
        long input;
        long output;
        if (last != null && last.metering() != Metering.UNREPORTED) {
            input = completed != null ? completed.usage().inputTokens() : last.usage().inputTokens();
            output = last.usage().outputTokens();
        } else {
            input = completed != null ? completed.usage().inputTokens()
                    : held != null && held.metering() != Metering.UNREPORTED ? held.usage().inputTokens() : 0;
            output = sent.size();
        }
        return new GenerationEvent.Completed(new Generation(completed == null ? 0 : completed.index(),
                text.toString(), FinishReason.LENGTH, new TokenUsage(input, output)));
    }

    private Flux<GenerationEvent> garbling(Plan plan, GenerationRequest request) {
        SplittableRandom random = plan.random();
        StringBuilder text = new StringBuilder();
        return inner.stream(request).concatMapIterable(e -> {
            if (e instanceof GenerationEvent.TextDelta d) {
                String junk = Garbage.junk(random, d.text().length(), text.length() == 0);
                text.append(junk);
                return List.of(new GenerationEvent.TextDelta(junk, d.usage(), d.metering()));
            }
            Generation g = ((GenerationEvent.Completed) e).generation();
            List<GenerationEvent> out = new ArrayList<>(2);
            if (text.length() == 0) {
                String junk = Garbage.junk(random, 1, true);
                text.append(junk);
                out.add(new GenerationEvent.TextDelta(junk));
            }
            out.add(new GenerationEvent.Completed(new Generation(g.index(), text.toString(), g.finishReason(),
                    g.usage())));
            return out;
        });
    }

    /**
     * Builds a {@link FaultInjectingEngine}. Every rate is a probability in [0, 1], and together they must sum to at
     * most 1 (the rest is {@link Fault#NONE}). Setters validate at once; {@link #build()} checks the sum. Not
     * thread-safe.
     */
    public static final class Builder {
        private final InferenceEngine inner;
        private final double[] rates = new double[Fault.values().length];
        private long seed;
        private Duration slowDelta = Duration.ofSeconds(1);
        private Scheduler scheduler = Schedulers.parallel();
        private Consumer<Injection> observer = i -> { };

        private Builder(InferenceEngine inner) {
            this.inner = inner;
        }

        /** Sets the seed the faults are drawn from (default 0). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Sets the rate of {@link Fault#TRANSIENT_ERROR}.
         *
         * @throws IllegalArgumentException if {@code rate} is not in [0, 1]
         */
        public Builder transientErrors(double rate) {
            return rate(Fault.TRANSIENT_ERROR, "transientErrors", rate);
        }

        /**
         * Sets the rate of {@link Fault#PERMANENT_ERROR}.
         *
         * @throws IllegalArgumentException if {@code rate} is not in [0, 1]
         */
        public Builder permanentErrors(double rate) {
            return rate(Fault.PERMANENT_ERROR, "permanentErrors", rate);
        }

        /**
         * Sets the rate of {@link Fault#RATE_LIMIT}.
         *
         * @throws IllegalArgumentException if {@code rate} is not in [0, 1]
         */
        public Builder rateLimits(double rate) {
            return rate(Fault.RATE_LIMIT, "rateLimits", rate);
        }

        /**
         * Sets the rate of {@link Fault#STALL}.
         *
         * @throws IllegalArgumentException if {@code rate} is not in [0, 1]
         */
        public Builder stalls(double rate) {
            return rate(Fault.STALL, "stalls", rate);
        }

        /**
         * Sets the rate of {@link Fault#SLOW_STREAM} and the delay added to each delta.
         *
         * @throws IllegalArgumentException if {@code rate} is not in [0, 1] or {@code perDelta} is not positive
         * @throws NullPointerException if {@code perDelta} is null
         */
        public Builder slowStreams(double rate, Duration perDelta) {
            Objects.requireNonNull(perDelta, "perDelta");
            if (perDelta.isNegative() || perDelta.isZero()) {
                throw new IllegalArgumentException("slowStreams perDelta must be positive but was " + perDelta);
            }
            rate(Fault.SLOW_STREAM, "slowStreams", rate);
            this.slowDelta = perDelta;
            return this;
        }

        /**
         * Sets the rate of {@link Fault#TRUNCATED}.
         *
         * @throws IllegalArgumentException if {@code rate} is not in [0, 1]
         */
        public Builder truncations(double rate) {
            return rate(Fault.TRUNCATED, "truncations", rate);
        }

        /**
         * Sets the rate of {@link Fault#EMPTY}.
         *
         * @throws IllegalArgumentException if {@code rate} is not in [0, 1]
         */
        public Builder emptyOutputs(double rate) {
            return rate(Fault.EMPTY, "emptyOutputs", rate);
        }

        /**
         * Sets the rate of {@link Fault#GARBAGE}.
         *
         * @throws IllegalArgumentException if {@code rate} is not in [0, 1]
         */
        public Builder garbage(double rate) {
            return rate(Fault.GARBAGE, "garbage", rate);
        }

        /**
         * Sets the scheduler that times slow streams (default {@link Schedulers#parallel()}; a virtual-time scheduler
         * in tests). The engine never disposes it.
         *
         * @throws NullPointerException if {@code value} is null
         */
        public Builder scheduler(Scheduler value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /**
         * Sets an observer told of every generation's draw, at its subscription, on the subscribing thread, before
         * anything is emitted. It must be quick and thread-safe; if it throws, that generation fails with its
         * exception. Default: none.
         *
         * @throws NullPointerException if {@code value} is null
         */
        public Builder onInjection(Consumer<Injection> value) {
            this.observer = Objects.requireNonNull(value, "observer");
            return this;
        }

        /**
         * Returns the engine.
         *
         * @throws IllegalArgumentException if the rates sum to more than 1, naming each non-zero rate
         */
        public FaultInjectingEngine build() {
            double sum = 0;
            Map<Fault, Double> set = new EnumMap<>(Fault.class);
            for (Fault f : INJECTABLE) {
                sum += rates[f.ordinal()];
                if (rates[f.ordinal()] > 0) {
                    set.put(f, rates[f.ordinal()]);
                }
            }
            if (sum > 1 + EPSILON) {
                throw new IllegalArgumentException("fault rates must sum to at most 1 but sum to " + sum + " " + set);
            }
            return new FaultInjectingEngine(this);
        }

        private Builder rate(Fault fault, String setting, double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(setting + " rate must be in [0, 1] but was " + rate);
            }
            rates[fault.ordinal()] = rate;
            return this;
        }
    }
}

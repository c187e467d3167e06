package dev.contemplate.inference.simulated;

import dev.contemplate.inference.EngineCapabilities;
import dev.contemplate.inference.EngineClosedException;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.simulated.internal.Plan;
import dev.contemplate.inference.simulated.internal.Planner;
import dev.contemplate.inference.simulated.internal.RoundScenarios;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A seeded, programmable simulated engine: a research tool for studying stopping rules, waves and budgets against
 * a known ground truth, without a model. It is never a default engine, and its {@link #name()} always starts with
 * {@code simulated} so that nothing it produces can pass for a model's output.
 *
 * <pre>{@code
 * SimulatedEngine engine = SimulatedEngine.builder()
 *         .scenario(question -> Scenario.builder()
 *                 .answer("42", 0.6).answer("41", 0.2)            // the rest: texts without an answer
 *                 .firstTokenLatency(Duration.ofMillis(150))
 *                 .medianTokenLatency(Duration.ofMillis(25), 0.3) // log-normal per-token delay
 *                 .outputTokens(20, 60)
 *                 .build())
 *         .scheduler(virtualTimeScheduler)                       // or real time: Schedulers.parallel()
 *         .seed(7)
 *         .build();
 * }</pre>
 *
 * <h2>What it does</h2>
 * For each request it picks the {@link Scenario} of the request's last user message (the function set with
 * {@link Builder#scenario(Function)}, else the default {@link Builder#scenario(Scenario)}), draws one outcome from
 * it (an answer, a failure or no answer), and streams a text token by token (a token is a word with its leading
 * space): a few reasoning steps written without digits ({@code "Step one: work it out. Step two: work it."}), then
 * {@code "The answer is 42."}, or {@code "I cannot settle on a result."} when the outcome is no answer. The text
 * has the scenario's length, or just the final sentence when that is longer. An answer with {@linkplain
 * Scenario#answerPhrasings() phrasings} (a free-form answer) is written as one of them instead, picked by the request's
 * seed, and nothing else: a phrasing's tokens are its words, each with the whitespace before it. Deltas are timed on
 * the engine's {@link Scheduler}, so a virtual-time scheduler replays hours of generation in milliseconds. A failure is
 * a {@link TransientInferenceException} after the first-token latency. A request whose scenario function throws (or
 * that has no user message) fails with a {@link PermanentInferenceException}.
 *
 * <p>Deliberation: a later round of debate, refinement or mixture-of-agents (a last user message that holds other
 * answers as data pieces) plays the scenario of the question before it, with simple assumed dynamics: an agent shown
 * other answers adopts their majority with probability {@link Builder#peerInfluence}; a critic confirms the
 * scenario's most likely answer 90% of the time and lets another pass 25% of the time; a revision draws afresh.
 *
 * <p>The request's token limit cuts the text (finish reason {@code LENGTH}; the answer sentence may be lost, as
 * with a real model), and its stop sequences end it before the first one (finish reason {@code STOP}). Temperature 0
 * means greedy decoding: the most probable outcome every time (ties go to the earlier answer, then to an answer over a
 * failure over no answer), written in its first phrasing when it has phrasings; other temperatures, top-p and top-k are
 * ignored. Usage counts the prompt's words as input tokens and the emitted deltas as output tokens.
 *
 * <h2>Reproducibility</h2>
 * Seeds are honoured: the outcome, the text and every delay derive from the request's seed and its messages, so the
 * same request with the same seed gives the same text with the same latencies, on any scheduler, in any order.
 * A request without a seed takes one from an engine-level random stream seeded with {@link Builder#seed(long)},
 * in subscription order: the same engine seed and the same sequence of subscriptions replay the same run.
 *
 * <h2>Cancellation and statistics</h2>
 * Cancelling a subscription disposes its pending timer: the simulated generation stops and emits nothing more.
 * The engine counts generations started, completed, failed and cancelled, the ones running now, and every token
 * emitted (including those of generations cancelled later), so experiments can measure the compute that early
 * stopping saves. {@link #close()} fails running generations and refuses new ones; it does not dispose the
 * scheduler, which the caller owns. No contention is simulated: any number of generations run at once.
 *
 * <p>Instances are thread-safe.
 */
public final class SimulatedEngine implements InferenceEngine {

    /** The default name; every name starts with it. */
    public static final String DEFAULT_NAME = "simulated";

    /** The default scenario: answer {@code "42"} with probability 0.8, no answer otherwise, default timing. */
    public static final Scenario DEFAULT_SCENARIO = Scenario.answering("42", 0.8);

    private final String name;
    private final Scenario defaultScenario;
    private final @Nullable Function<String, @Nullable Scenario> scenarios;
    private final Scheduler scheduler;
    private final long seed;
    private final double peerInfluence;
    private final SplittableRandom engineRandom;
    private final EngineCapabilities capabilities;
    private final Sinks.One<Boolean> closing = Sinks.one();
    private final AtomicBoolean closed = new AtomicBoolean();

    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final AtomicLong emittedTokens = new AtomicLong();

    private SimulatedEngine(Builder b) {
        this.name = b.name;
        this.defaultScenario = b.defaultScenario;
        this.scenarios = b.scenarios;
        this.scheduler = b.scheduler;
        this.seed = b.seed;
        this.peerInfluence = b.peerInfluence;
        this.engineRandom = new SplittableRandom(b.seed);
        this.capabilities = new EngineCapabilities(true, true);
    }

    /** The default probability that an agent shown other answers adopts their majority. */
    public static final double DEFAULT_PEER_INFLUENCE = 0.5;

    /** Returns a builder: default scenario {@link #DEFAULT_SCENARIO}, the parallel scheduler, engine seed 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the engine's name; it starts with {@value #DEFAULT_NAME}. */
    @Override
    public String name() {
        return name;
    }

    /** Returns the seed of the engine-level stream that seeds unseeded requests. */
    public long seed() {
        return seed;
    }

    /** Returns a one-line description for reports, saying that the output is simulated. */
    public String describe() {
        return name + " (seed " + seed + "; answers drawn from programmed distributions, not a model)";
    }

    /**
     * Returns token streaming, seeds, no shared-prefix sampling, and unlimited concurrency (no contention is
     * simulated).
     */
    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }

    /**
     * Returns the scenario this engine plays for {@code userMessage}.
     *
     * @throws RuntimeException whatever the scenario function throws
     */
    public Scenario scenarioFor(String userMessage) {
        Objects.requireNonNull(userMessage, "userMessage");
        if (scenarios == null) {
            return defaultScenario;
        }
        Scenario s = scenarios.apply(userMessage);
        return s == null ? defaultScenario : s;
    }

    @Override
    public Flux<GenerationEvent> stream(GenerationRequest request) {
        Objects.requireNonNull(request, "request");
        return Flux.defer(() -> {
            if (closed.get()) {
                return Flux.error(new EngineClosedException(name, null));
            }
            Plan plan;
            try {
                plan = plan(request);
            } catch (RuntimeException e) {
                return Flux.error(new PermanentInferenceException(name, "no scenario for this request: "
                        + e.getMessage(), e));
            }
            return play(plan);
        });
    }

    /**
     * Draws the plan of one generation: the question's scenario, then the request's seed (an unseeded request takes
     * the engine stream's next), then the pure {@link Planner#plan}.
     */
    private Plan plan(GenerationRequest request) {
        Scenario s = RoundScenarios.scenario(request, this::scenarioFor, peerInfluence);
        long requestSeed = request.sampling().seed().isPresent() ? request.sampling().seed().getAsLong()
                : nextEngineSeed();
        return Planner.plan(s, requestSeed, request);
    }

    private Flux<GenerationEvent> play(Plan plan) {
        AtomicBoolean completedFlag = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        Flux<GenerationEvent> generation;
        if (plan.failure()) {
            generation = Mono.delay(plan.firstTokenLatency(), scheduler)
                    .then(Mono.<GenerationEvent>error(new TransientInferenceException(name,
                            "simulated engine failure", null)))
                    .flux();
        } else {
            List<String> tokens = plan.tokens();
            Flux<GenerationEvent> deltas = Flux.range(0, tokens.size())
                    .concatMap(i -> Mono.delay(plan.delays().get(i), scheduler)
                            .map(x -> {
                                emittedTokens.incrementAndGet();
                                return (GenerationEvent) new GenerationEvent.TextDelta(tokens.get(i),
                                        new TokenUsage(plan.inputTokens(), i + 1), Metering.EXACT);
                            }));
            Generation g = new Generation(0, String.join("", tokens), plan.finishReason(),
                    new TokenUsage(plan.inputTokens(), tokens.size()));
            Mono<GenerationEvent> end = tokens.isEmpty()
                    ? Mono.delay(plan.firstTokenLatency(), scheduler).thenReturn(new GenerationEvent.Completed(g))
                    : Mono.just(new GenerationEvent.Completed(g));
            generation = deltas.concatWith(end);
        }
        return generation
                .doOnNext(e -> {
                    if (e instanceof GenerationEvent.Completed) {
                        completedFlag.set(true);
                    }
                })
                .takeUntilOther(closing.asMono())
                .concatWith(Flux.defer(() -> completedFlag.get() ? Flux.empty()
                        : Flux.error(new EngineClosedException(name, null))))
                .doOnSubscribe(sub -> {
                    started.incrementAndGet();
                    maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                })
                .doOnNext(e -> {
                    if (e instanceof GenerationEvent.Completed && ended.compareAndSet(false, true)) {
                        completed.incrementAndGet();
                        active.decrementAndGet();
                    }
                })
                .doOnError(e -> {
                    if (ended.compareAndSet(false, true)) {
                        failed.incrementAndGet();
                        active.decrementAndGet();
                    }
                })
                .doOnCancel(() -> {
                    if (ended.compareAndSet(false, true)) {
                        cancelled.incrementAndGet();
                        active.decrementAndGet();
                    }
                });
    }

    private long nextEngineSeed() {
        synchronized (engineRandom) {
            return engineRandom.nextLong();
        }
    }

    /** Returns how many generations were subscribed. */
    public int started() {
        return started.get();
    }

    /** Returns how many generations completed normally. */
    public int completed() {
        return completed.get();
    }

    /** Returns how many generations ended with an error (simulated failures, or closed while running). */
    public int failed() {
        return failed.get();
    }

    /** Returns how many generations were cancelled by their subscriber before they ended. */
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

    /** Returns how many tokens were emitted in all, including those of generations cancelled later. */
    public long emittedTokens() {
        return emittedTokens.get();
    }

    /**
     * Fails running generations with a {@link PermanentInferenceException} and refuses new ones. Idempotent. The
     * scheduler is the caller's and is not disposed.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closing.tryEmitValue(Boolean.TRUE);
        }
    }

    @Override
    public String toString() {
        return "SimulatedEngine[" + name + ", seed " + seed + "]";
    }

    /** Builds a {@link SimulatedEngine}. Not thread-safe. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private Scenario defaultScenario = DEFAULT_SCENARIO;
        private @Nullable Function<String, @Nullable Scenario> scenarios;
        private Scheduler scheduler = Schedulers.parallel();
        private long seed;
        private double peerInfluence = DEFAULT_PEER_INFLUENCE;

        private Builder() {
        }

        /**
         * Sets how likely an agent of a debate or a mixture-of-agents layer, shown other agents' answers, adopts the
         * answer most of them state instead of drawing from the question's scenario (default
         * {@value SimulatedEngine#DEFAULT_PEER_INFLUENCE}). An assumption of the simulation, not a model's behaviour.
         *
         * @throws IllegalArgumentException if {@code value} is not in [0, 1]
         */
        public Builder peerInfluence(double value) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException("peerInfluence must be in [0, 1] but was " + value);
            }
            this.peerInfluence = value;
            return this;
        }

        /**
         * Sets the name (default {@value SimulatedEngine#DEFAULT_NAME}).
         *
         * @throws IllegalArgumentException if it does not start with {@value SimulatedEngine#DEFAULT_NAME}
         */
        public Builder name(String value) {
            Objects.requireNonNull(value, "name");
            if (!value.startsWith(DEFAULT_NAME)) {
                throw new IllegalArgumentException("a simulated engine's name must start with '" + DEFAULT_NAME
                        + "' but was '" + value + "'");
            }
            this.name = value;
            return this;
        }

        /** Sets the scenario of every question the scenario function leaves out (default {@link #DEFAULT_SCENARIO}). */
        public Builder scenario(Scenario value) {
            this.defaultScenario = Objects.requireNonNull(value, "scenario");
            return this;
        }

        /**
         * Sets the scenario per question: a function of the request's last user message. It may return
         * {@code null} to use the default scenario; if it throws, the generation fails with a
         * {@link PermanentInferenceException}. It must be thread-safe, and pure for runs to be reproducible.
         */
        public Builder scenario(Function<String, @Nullable Scenario> value) {
            this.scenarios = Objects.requireNonNull(value, "scenario function");
            return this;
        }

        /**
         * Sets the scheduler that times the deltas (default {@link Schedulers#parallel()}; use a virtual-time
         * scheduler for fast, deterministic experiments and tests). The engine never disposes it.
         */
        public Builder scheduler(Scheduler value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** Sets the seed of the engine-level stream that seeds unseeded requests (default 0). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Returns the engine. */
        public SimulatedEngine build() {
            return new SimulatedEngine(this);
        }
    }
}

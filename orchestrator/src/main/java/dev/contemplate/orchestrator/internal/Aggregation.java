package dev.contemplate.orchestrator.internal;

import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Aggregators;
import dev.contemplate.aggregation.Ballots;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.EngineGuard;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The aggregation step of one contemplation, after its agents stopped: runs the aggregator within what is left of
 * the deadline and the token budget, reports its engine calls as events, and falls back to the vote (saying why) when
 * the aggregator fails, gives no answer or is cut by the deadline. Cancelling the returned stream cancels the
 * aggregator's calls in their engines.
 */
final class Aggregation implements AggregationContext {

    /** Builds the verdict from the final decision. */
    @FunctionalInterface
    interface VerdictFactory {
        /**
         * Returns the verdict.
         *
         * @param decision the final decision
         * @param aggregationTokens what the aggregation calls spent, by engine name
         * @param elapsed time since the contemplation started
         */
        Verdict verdict(Decision decision, Map<String, TokenUsage> aggregationTokens, Duration elapsed);
    }

    private final InferenceEngine engine;
    private final Scheduler clock;
    private final Supplier<Duration> elapsed;
    private final Budget budget;
    private final long tokenAllowance;
    private final Ballots ballots;
    private final Aggregator aggregator;
    private final VerdictFactory verdicts;
    private final Instrumentation.Run probe;
    private final Function<InferenceEngine, EngineGuard> guards;
    /** What the calls spent, by engine name; their sum is the aggregation's spend. */
    private final Map<String, TokenUsage> spentByEngine = new LinkedHashMap<>();
    private volatile @Nullable FluxSink<ContemplationEvent> sink;
    /** Set when the verdict is emitted: events of calls still being cancelled after it are dropped. */
    private final AtomicBoolean decided = new AtomicBoolean();

    Aggregation(InferenceEngine engine, Scheduler clock, Supplier<Duration> elapsed, Budget budget, long tokenAllowance,
            Ballots ballots, Aggregator aggregator, VerdictFactory verdicts, Instrumentation.Run probe,
            Function<InferenceEngine, EngineGuard> guards) {
        this.engine = engine;
        this.guards = guards;
        this.clock = clock;
        this.elapsed = elapsed;
        this.budget = budget;
        this.tokenAllowance = tokenAllowance;
        this.ballots = ballots;
        this.aggregator = aggregator;
        this.verdicts = verdicts;
        this.probe = probe;
    }

    Flux<ContemplationEvent> events() {
        return Flux.create(s -> {
            this.sink = s;
            Disposable d = decision().subscribe(decision -> {
                synchronized (this) {
                    decided.set(true);
                    s.next(new ContemplationEvent.VerdictReady(verdicts.verdict(decision, spentByEngine(), elapsed())));
                    s.complete();
                }
            }, s::error);
            s.onDispose(d);
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    private Mono<Decision> decision() {
        Decision vote = ballots.vote();
        String name = aggregator.name();
        Duration left = remaining();
        if (left.isNegative() || left.isZero()) {
            return Mono.fromSupplier(() -> fallback(vote, Instrumentation.Fallback.DEADLINE, null,
                    "the deadline passed before " + name + " could run"));
        }
        if (tokenAllowance <= 0) {
            return Mono.fromSupplier(() -> fallback(vote, Instrumentation.Fallback.TOKEN_BUDGET, null,
                    "the token budget was spent before " + name + " could run"));
        }
        return Mono.defer(() -> aggregator.aggregate(ballots, this))
                .map(d -> d.answer().isPresent() ? d : fallback(vote, Instrumentation.Fallback.NO_ANSWER, null,
                        name + " gave no answer" + d.provenance().fallback().map(f -> ": " + f).orElse("")))
                .switchIfEmpty(Mono.fromSupplier(() -> fallback(vote, Instrumentation.Fallback.NO_ANSWER, null,
                        name + " gave no answer")))
                .timeout(left, Mono.fromSupplier(() -> fallback(vote, Instrumentation.Fallback.DEADLINE, null,
                        name + " was cut at the deadline after " + left.toMillis() + " ms")), clock)
                .onErrorResume(e -> Mono.fromSupplier(() -> fallback(vote, Instrumentation.Fallback.ERROR, e,
                        name + " failed: " + describe(e))));
    }

    /** Returns the vote's decision saying why it decided, and reports the fallback. */
    private Decision fallback(Decision vote, Instrumentation.Fallback reason, @Nullable Throwable cause,
            String why) {
        probe.fallback(aggregator.name(), reason, cause);
        return vote.withFallback(why);
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Emits {@code event} unless the verdict was already emitted: the verdict stays the last event. */
    private synchronized void emit(FluxSink<ContemplationEvent> sink, ContemplationEvent event) {
        if (!decided.get()) {
            sink.next(event);
        }
    }

    private Duration elapsed() {
        return elapsed.get();
    }

    private synchronized TokenUsage spent() {
        return spentByEngine.values().stream().reduce(TokenUsage.ZERO, TokenUsage::plus);
    }

    private synchronized Map<String, TokenUsage> spentByEngine() {
        return new LinkedHashMap<>(spentByEngine);
    }

    private synchronized void spend(String engineName, TokenUsage usage) {
        if (usage.totalTokens() > 0) {
            spentByEngine.merge(engineName, usage, TokenUsage::plus);
        }
    }

    @Override
    public InferenceEngine engine() {
        return engine;
    }

    @Override
    public Duration remaining() {
        return budget.deadline().minus(elapsed());
    }

    @Override
    public Flux<GenerationEvent> call(String role, InferenceEngine target, GenerationRequest request,
            boolean answer) {
        return Flux.defer(() -> {
            FluxSink<ContemplationEvent> sink = Objects.requireNonNull(this.sink, "calls are made while aggregating");
            long left = tokenAllowance - spent().totalTokens();
            if (left <= 0) {
                IllegalStateException refused = new IllegalStateException("the token budget of "
                        + budget.maxTotalTokens() + " is spent: no " + role + " call");
                emit(sink, new ContemplationEvent.AggregationCallFailed(role, refused, elapsed()));
                return Flux.error(refused);
            }
            GenerationRequest r = Orchestration.withoutUnsupportedSeed(target, request);
            if (r.sampling().maxTokens() > left) {
                // the call may not write more than the budget has left
                r = r.withSampling(r.sampling().toBuilder().maxTokens((int) left).build());
            }
            emit(sink, new ContemplationEvent.AggregationCallStarted(role, target.name(), elapsed()));
            Instrumentation.Call call = probe.aggregationCall(role, target.name());
            AtomicBoolean ended = new AtomicBoolean();
            // what a call cut short (or failed) had spent, as its engine metered the stream, counts too
            AtomicReference<TokenUsage> streamed = new AtomicReference<>(TokenUsage.ZERO);
            Flux<GenerationEvent> events = Guarding.admit(guards.apply(target), call.scope(target.stream(r)));
            if (answer && role.equals(Aggregators.SYNTHESIS_ROLE)) {
                // the synthesiser names its sources on its first line: the caller sees only the answer after it
                events = Aggregators.withoutSourcesLine(events);
            }
            return events
                    .doOnNext(e -> {
                        if (e instanceof GenerationEvent.TextDelta d) {
                            streamed.set(d.usage());
                            if (answer && !d.text().isEmpty()) {
                                emit(sink, new ContemplationEvent.AnswerDelta(d.text(), elapsed()));
                            }
                        } else if (e instanceof GenerationEvent.Completed c) {
                            streamed.set(TokenUsage.ZERO);
                            spend(target.name(), c.generation().usage());
                            if (ended.compareAndSet(false, true)) {
                                call.finished(c.generation().usage());
                            }
                            emit(sink, new ContemplationEvent.AggregationCallFinished(role, c.generation().usage(),
                                    elapsed()));
                        }
                    })
                    .doOnCancel(() -> {
                        spend(target.name(), streamed.getAndSet(TokenUsage.ZERO));
                        if (ended.compareAndSet(false, true)) {
                            call.cancelled();
                        }
                        emit(sink, new ContemplationEvent.AggregationCallFailed(role,
                                new CancellationException("the " + role + " call was cancelled"), elapsed()));
                    })
                    .doOnError(e -> {
                        spend(target.name(), streamed.getAndSet(TokenUsage.ZERO));
                        if (ended.compareAndSet(false, true)) {
                            call.failed(e);
                        }
                        emit(sink, new ContemplationEvent.AggregationCallFailed(role, e, elapsed()));
                    })
                    .doOnComplete(() -> {
                        if (ended.compareAndSet(false, true)) {
                            call.failed(new IllegalStateException("the " + role + " call ended without a result"));
                        }
                    });
        });
    }
}

package dev.contemplate.orchestrator.internal;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Conversation;
import dev.contemplate.agents.Deliberation;
import dev.contemplate.agents.Round;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.aggregation.Vote;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.EngineGuard;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Scheduling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The reactive pipeline of one contemplation. Not part of the public API: use {@code Contemplator}.
 *
 * <p>Shape: rounds run one after the other, each planned by the protocol when the one before closed; within a round,
 * waves of agents ({@code concatMap} over waves, {@code flatMap} within one) emit signals; each signal updates the
 * {@link ContemplationRun}. The stopping rule ends a round (its stragglers cut through the round's stop signal);
 * {@code takeUntil} ends the stream once the run decides to stop and {@code take(deadline)} ends it at the deadline.
 * Ending the stream cancels every running agent's engine subscription synchronously; the run then reports
 * cancellations and the verdict.
 */
public final class Orchestration {

    /**
     * The configuration of a contemplator.
     *
     * @param engine the default engine
     * @param agents the team's agents, in order
     * @param deliberation the protocol shaping each agent's request
     * @param voting how candidates become votes and votes a decision
     * @param aggregator the last step, which may call a judge
     * @param rule the stopping rule
     * @param scheduling when agents start in CONTEMPLATE mode
     * @param clock the scheduler that times deadlines and measures latency
     * @param guards the guard of each engine that has one (by identity); others are unguarded
     * @param instrumentation what is told of each contemplation (metrics, observations, logs)
     */
    public record Config(InferenceEngine engine, List<Agent> agents, Deliberation deliberation,
            Voting voting, Aggregator aggregator, StoppingRule rule, Scheduling scheduling,
            Scheduler clock, Map<InferenceEngine, EngineGuard> guards, Instrumentation instrumentation) {

        /** Returns the engine {@code agent} runs on: its own, or the contemplator's. */
        public InferenceEngine engineOf(Agent agent) {
            return agent.engine().orElse(engine);
        }

        /** Returns the guard of {@code e}, {@link EngineGuard#none()} if it has none. */
        public EngineGuard guardOf(InferenceEngine e) {
            EngineGuard g = guards.get(e);
            return g == null ? EngineGuard.none() : g;
        }
    }

    private Orchestration() {
    }

    /**
     * Returns the cold event stream of one contemplation.
     *
     * @param config the contemplator's configuration
     * @param conversation what the user asks
     * @param mode the mode
     * @param budget the budget
     * @return events ending with the verdict, or an error
     */
    public static Flux<ContemplationEvent> events(Config config, Conversation conversation, Mode mode,
            Budget budget) {
        return Flux.deferContextual(subscriberContext -> {
            List<Agent> planned = plan(config.agents(), mode, budget);
            StoppingRule rule = mode == Mode.FAST ? StoppingRules.fixed() : config.rule();
            // FAST mode asks one agent once
            Deliberation deliberation = mode == Mode.FAST ? Deliberation.independent() : config.deliberation();
            ContemplationRun run = new ContemplationRun(conversation, mode, planned, config, deliberation, rule,
                    budget, subscriberContext);
            return rounds(config, run, mode)
                    .takeUntil(events -> run.stopped())
                    .take(budget.deadline(), config.clock())
                    .concatMapIterable(events -> events)
                    .concatWith(Flux.defer(run::finish))
                    // the instrumentation hears how the contemplation ended; a cancellation after the upstream
                    // (agents, aggregation calls) was cancelled, so children end before their contemplation
                    .doOnNext(run::emitted)
                    .doOnError(run::failed)
                    .doFinally(signal -> {
                        if (signal == SignalType.CANCEL) {
                            run.cancelled();
                        }
                    });
        });
    }

    /**
     * Returns the events of the rounds from the next one on: the protocol plans a round, its turns run, the round
     * closes, and the next is planned, until the protocol is done or the run stops.
     */
    private static Flux<List<ContemplationEvent>> rounds(Config config, ContemplationRun run, Mode mode) {
        return Flux.defer(() -> {
            ContemplationRun.Next next = run.nextRound();
            Round round = next.round();
            Flux<List<ContemplationEvent>> head = Flux.just(next.events());
            if (round == null) {
                return head;
            }
            int number = round.number();
            return head
                    .concatWith(turns(config, run, mode, round).map(signal -> run.apply(number, signal)))
                    .concatWith(Flux.defer(() -> Flux.just(run.endRound(number))))
                    .concatWith(rounds(config, run, mode));
        });
    }

    /**
     * Returns the signals of one round's turns: the first round follows the contemplator's scheduling (all at once,
     * staggered, waves; AUTO mode's growing waves); later rounds start all their turns at once.
     */
    private static Flux<Signal> turns(Config config, ContemplationRun run, Mode mode, Round round) {
        List<Round.Turn> turns = round.turns();
        if (round.number() > 0) {
            return Flux.fromIterable(turns).flatMap(t -> runAgent(config, run, round, t, NO_HOOK), turns.size());
        }
        if (mode == Mode.CONTEMPLATE && config.scheduling() instanceof Scheduling.Staggered st) {
            // the leader's first token (or its end) releases the followers; so does the lead time
            Sinks.Empty<Void> leaderStarted = Sinks.empty();
            Mono<Void> release = Mono.firstWithSignal(
                    Mono.delay(st.lead(), config.clock()).then(), leaderStarted.asMono());
            return Flux.fromIterable(turns).flatMap(t -> t == turns.get(0)
                    ? runAgent(config, run, round, t, () -> leaderStarted.tryEmitEmpty())
                    : release.thenMany(runAgent(config, run, round, t, NO_HOOK)), turns.size());
        }
        return Flux.fromIterable(waves(turns, mode, config.scheduling()))
                .concatMap(wave -> Flux.fromIterable(wave)
                        .flatMap(t -> runAgent(config, run, round, t, NO_HOOK), wave.size()), 1);
    }

    private static final Runnable NO_HOOK = () -> { };

    static List<Agent> plan(List<Agent> team, Mode mode, Budget budget) {
        int n = mode == Mode.FAST ? 1 : Math.min(team.size(), budget.maxAgents());
        return team.subList(0, n);
    }

    static <T> List<List<T>> waves(List<T> planned, Mode mode, Scheduling scheduling) {
        List<List<T>> waves = new ArrayList<>();
        if (mode == Mode.FAST || (mode == Mode.CONTEMPLATE && !(scheduling instanceof Scheduling.Waves))) {
            waves.add(planned);
            return waves;
        }
        int from = 0;
        while (from < planned.size()) {
            int size = mode == Mode.AUTO ? Math.max(1, from) : ((Scheduling.Waves) scheduling).size();
            int to = Math.min(planned.size(), from + size);
            waves.add(planned.subList(from, to));
            from = to;
        }
        return waves;
    }

    /** Returns {@code request} without its seed when {@code engine} cannot honour seeds (it would refuse them). */
    static GenerationRequest withoutUnsupportedSeed(InferenceEngine engine, GenerationRequest request) {
        return !engine.capabilities().seeds() && request.sampling().seed().isPresent()
                ? request.withSampling(request.sampling().withSeed(OptionalLong.empty()))
                : request;
    }

    private static Flux<Signal> runAgent(Config config, ContemplationRun run, Round round, Round.Turn turn,
            Runnable onFirstToken) {
        return Flux.defer(() -> {
            if (!run.roundOpen(round.number())) {
                return Flux.empty(); // a later wave after a stop (the rule, or the token budget ran out)
            }
            Agent agent = turn.agent();
            InferenceEngine engine = config.engineOf(agent);
            GenerationRequest request = withoutUnsupportedSeed(engine, turn.request());
            long start = run.nowMillis();
            AgentMeter meter = new AgentMeter(request, run::spent);
            Instrumentation.Agent probe = run.agentSubscribed(agent);
            Supplier<Mono<Generation>> attempt = () -> {
                AgentMeter.Attempt metered = meter.attempt();
                return probe.scope(engine.stream(request))
                        .doOnNext(e -> {
                            if (e instanceof GenerationEvent.TextDelta d && metered.delta(d)) {
                                onFirstToken.run();
                            }
                        })
                        .ofType(GenerationEvent.Completed.class)
                        .map(GenerationEvent.Completed::generation)
                        .singleOrEmpty()
                        .switchIfEmpty(Mono.error(() -> new PermanentInferenceException(engine.name(),
                                "the generation stream ended without a result", null)))
                        .doOnNext(g -> metered.completed(g.usage()));
            };
            Mono<Signal> result = Guarding.guard(config.guardOf(engine), engine.name(), attempt, config.clock())
                    .doFinally(signal -> onFirstToken.run())
                    .flatMap(g -> {
                        Candidate c = new Candidate(agent, g.text(), g.finishReason(), g.usage(),
                                Duration.ofMillis(run.nowMillis() - start), g.logprobs());
                        // a text that is not a vote (a critique) finishes with the round's step as its answer
                        Mono<Vote> vote = round.votes() == Round.Votes.NONE
                                ? Mono.just(new Vote(agent.id(), agent.ordinal(), Optional.of(Answer.of(round.step()))))
                                : run.counter().cast(c);
                        return vote
                                .<Signal>map(v -> new Signal.Finished(agent, c, v))
                                .onErrorResume(e -> Mono.just(new Signal.Failed(agent, e, Optional.of(c.text()))));
                    })
                    .onErrorResume(e -> Mono.just(Guarding.isRefusal(e) ? new Signal.Shed(agent, e)
                            : new Signal.Failed(agent, e, Optional.empty())))
                    // once the run stops, the generation is cancelled right there, not later by an operator's drain
                    .takeUntilOther(run.roundStop(round.number()));
            return Flux.concat(Mono.just(new Signal.Started(agent, meter)), result);
        });
    }
}

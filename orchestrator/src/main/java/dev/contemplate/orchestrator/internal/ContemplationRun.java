package dev.contemplate.orchestrator.internal;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Conversation;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Ballots;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.AllAgentsFailedException;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.ContemplationTimeoutException;
import dev.contemplate.orchestrator.EngineGuard;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.NoAnswerException;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.TokenAccount;
import dev.contemplate.orchestrator.TokenBudgetExceededException;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.ContextView;

/**
 * The state of one contemplation: which agents run, the tally, outcomes and the stop decision. Signals arrive
 * serialised by Reactor, but the deadline may complete the stream from the timer thread, so every method that
 * touches state is synchronised; once {@link #finish()} ran, late signals are ignored.
 */
final class ContemplationRun {

    private record Running(long startMillis, AgentMeter meter) {
    }

    private final Conversation conversation;
    private final Mode mode;
    private final List<Agent> planned;
    private final Voting.Counter counter;
    private final Aggregator aggregator;
    private final Orchestration.Config config;
    private final StoppingRule rule;
    private final Budget budget;
    private final Scheduler clock;
    private final long startMillis;

    private final Instrumentation.Run probe;
    /** The probes of agents whose engine call was subscribed and whose end was not reported yet. */
    private final Map<String, Instrumentation.Agent> probes = new HashMap<>();
    private boolean ended;

    private final Map<String, Running> running = new HashMap<>();
    private final Map<String, AgentOutcome> outcomes = new HashMap<>();
    private final List<Candidate> candidates = new ArrayList<>();
    private final List<Ballot> ballots = new ArrayList<>();
    private Tally tally = Tally.empty();
    /** Tokens of the generations whose answers were counted. */
    private TokenUsage counted = TokenUsage.ZERO;
    /** Tokens spent without a counted answer: cut, failed, and the losing attempts of answered agents. */
    private TokenUsage cut = TokenUsage.ZERO;
    private boolean estimated;
    /** Every token agents spent so far, streamed or final: the token budget is held against it while tokens stream. */
    private final AtomicLong spent = new AtomicLong();
    private @Nullable StopReason stopReason;
    private boolean finished;
    private final Sinks.Empty<Void> stop = Sinks.empty();

    ContemplationRun(Conversation conversation, Mode mode, List<Agent> planned, Orchestration.Config config,
            StoppingRule rule, Budget budget, ContextView subscriberContext) {
        this.conversation = conversation;
        this.mode = mode;
        this.planned = List.copyOf(planned);
        this.config = config;
        this.counter = config.voting().open(conversation);
        // one agent has nothing to judge or merge: FAST mode takes the vote
        this.aggregator = mode == Mode.FAST ? Aggregator.vote() : config.aggregator();
        this.rule = rule;
        this.budget = budget;
        this.clock = config.clock();
        this.startMillis = clock.now(TimeUnit.MILLISECONDS);
        this.probe = config.instrumentation().start(new Instrumentation.Setup(mode, rule.name(),
                config.voting().name(), aggregator.name(), planned.size(), budget.deadline()), subscriberContext);
    }

    Conversation conversation() {
        return conversation;
    }

    Voting.Counter counter() {
        return counter;
    }

    List<Agent> planned() {
        return planned;
    }

    Duration elapsed() {
        return Duration.ofMillis(clock.now(TimeUnit.MILLISECONDS) - startMillis);
    }

    long nowMillis() {
        return clock.now(TimeUnit.MILLISECONDS);
    }

    synchronized List<Candidate> candidates() {
        return List.copyOf(candidates);
    }

    /**
     * Completes when the run stops (rule, budget, deadline): every agent's generation is cut by it, synchronously,
     * before the verdict is built, whichever thread decided the stop.
     */
    Mono<Void> stopSignal() {
        return stop.asMono();
    }

    synchronized boolean stopped() {
        return stopReason != null;
    }

    /** An agent's engine call is about to be subscribed: returns the probe that hears how it ends. */
    synchronized Instrumentation.Agent agentSubscribed(Agent agent) {
        if (finished || stopReason != null) {
            return Instrumentation.Agent.NONE;
        }
        Instrumentation.Agent p = probe.agentStarted(agent.id());
        probes.put(agent.id(), p);
        return p;
    }

    /** Applies one signal and returns the events it causes. */
    synchronized List<ContemplationEvent> apply(Signal signal) {
        if (finished || stopReason != null) {
            return List.of();
        }
        String id = signal.agent().id();
        Duration now = elapsed();
        List<ContemplationEvent> events = new ArrayList<>(3);
        if (signal instanceof Signal.Started s) {
            running.put(id, new Running(nowMillis(), s.meter()));
            events.add(new ContemplationEvent.AgentStarted(id, config.engineOf(signal.agent()).name(), now));
            return events;
        }
        Running r = running.remove(id);
        Duration latency = r == null ? Duration.ZERO : Duration.ofMillis(nowMillis() - r.startMillis());
        TokenUsage agentSpent = r == null ? TokenUsage.ZERO : r.meter().spent();
        Metering metering = r == null ? Metering.EXACT : r.meter().metering();
        if (signal instanceof Signal.Finished f) {
            Candidate c = f.candidate();
            candidates.add(c);
            ballots.add(new Ballot(c, f.vote()));
            Optional<Answer> answer = f.vote().answer();
            tally = tally.with(f.vote());
            events.add(new ContemplationEvent.CandidateProduced(id, c.text(), answer, now));
            Instrumentation.Agent p = probeOf(id);
            if (answer.isPresent()) {
                counted = counted.plus(c.usage());
                cut(minus(agentSpent, c.usage()), metering); // failed tries before a retry, hedges that lost
                outcomes.put(id, new AgentOutcome.Answered(id, answer.get(), c.text(), c.usage(), latency));
                p.answered(c.usage());
            } else {
                TokenUsage usage = max(agentSpent, c.usage());
                cut(usage, metering);
                NoAnswerException cause = new NoAnswerException(id, c.text().isBlank());
                outcomes.put(id, new AgentOutcome.Failed(id, cause, Optional.of(c.text()), usage, metering,
                        latency));
                events.add(new ContemplationEvent.AgentFailed(id, cause, now));
                p.failed(cause, usage);
            }
            events.add(new ContemplationEvent.TallyUpdated(tally, now));
        } else if (signal instanceof Signal.Failed f) {
            cut(agentSpent, metering);
            outcomes.put(id, new AgentOutcome.Failed(id, f.cause(), f.text(), agentSpent, metering, latency));
            events.add(new ContemplationEvent.AgentFailed(id, f.cause(), now));
            probeOf(id).failed(f.cause(), agentSpent);
        } else if (signal instanceof Signal.Shed sh) {
            if (r != null && r.meter().ran()) {
                // refused after it ran (a retry or hedge the opened breaker stopped): a failure that spent tokens
                cut(agentSpent, metering);
                outcomes.put(id, new AgentOutcome.Failed(id, sh.cause(), Optional.empty(), agentSpent, metering,
                        latency));
                events.add(new ContemplationEvent.AgentFailed(id, sh.cause(), now));
                probeOf(id).failed(sh.cause(), agentSpent);
            } else {
                outcomes.put(id, new AgentOutcome.Shed(id, sh.cause()));
                events.add(new ContemplationEvent.AgentShed(id, sh.cause(), now));
                probeOf(id).shed(sh.cause());
            }
        }
        decideStop();
        if (stopReason != null) {
            stop.tryEmitEmpty();
        }
        return events;
    }

    private void decideStop() {
        int remaining = planned.size() - outcomes.size();
        if (remaining == 0) {
            stopReason = StopReason.ALL_AGENTS_DONE;
        } else if (rule.shouldStop(tally, remaining)) {
            stopReason = StopReason.RULE_SATISFIED;
        } else if (spent.get() >= budget.maxTotalTokens()) {
            stopReason = StopReason.TOKEN_BUDGET;
        }
    }

    /**
     * An agent's spend changed by {@code tokens}: while tokens stream, going past the token budget stops the run at
     * once (the agents are cut right there, the token that went past is the last one spent); a completed
     * generation's final count is judged when its signal is applied, so that an answer whose last token lands on
     * the budget still counts.
     */
    void spent(long tokens, boolean streaming) {
        long total = spent.addAndGet(tokens);
        if (streaming && tokens > 0 && total > budget.maxTotalTokens()) {
            tokenBudgetReached();
        }
    }

    private synchronized void tokenBudgetReached() {
        if (!finished && stopReason == null) {
            stopReason = StopReason.TOKEN_BUDGET;
            stop.tryEmitEmpty();
        }
    }

    private void cut(TokenUsage usage, Metering metering) {
        cut = cut.plus(usage);
        estimated |= metering != Metering.EXACT && usage.totalTokens() > 0;
    }

    private static TokenUsage minus(TokenUsage a, TokenUsage b) {
        return new TokenUsage(Math.max(0, a.inputTokens() - b.inputTokens()),
                Math.max(0, a.outputTokens() - b.outputTokens()));
    }

    private static TokenUsage max(TokenUsage a, TokenUsage b) {
        return new TokenUsage(Math.max(a.inputTokens(), b.inputTokens()),
                Math.max(a.outputTokens(), b.outputTokens()));
    }

    /**
     * Ends the run after the signal stream completed (stop decided, or deadline): marks running agents
     * cancelled and the rest not started, and emits the final events and the verdict, or the error.
     */
    synchronized Flux<ContemplationEvent> finish() {
        finished = true;
        stop.tryEmitEmpty();
        Duration now = elapsed();
        StopReason reason = stopReason != null ? stopReason : StopReason.DEADLINE;
        List<ContemplationEvent> events = new ArrayList<>();
        List<AgentOutcome> ordered = new ArrayList<>(planned.size());
        for (Agent a : planned) {
            AgentOutcome o = outcomes.get(a.id());
            if (o == null) {
                Running r = running.get(a.id());
                if (r != null) {
                    TokenUsage usage = r.meter().spent();
                    cut(usage, r.meter().metering());
                    o = new AgentOutcome.Cancelled(a.id(), r.meter().deltas(), usage, r.meter().metering(),
                            Duration.ofMillis(nowMillis() - r.startMillis()));
                    events.add(new ContemplationEvent.AgentCancelled(a.id(), now));
                } else {
                    o = new AgentOutcome.NotStarted(a.id());
                }
            }
            ordered.add(o);
        }
        endAgents();
        running.clear();
        probe.stopped(reason, tally.samples());
        events.add(new ContemplationEvent.Stopped(reason, now));
        List<Ballot> inTeamOrder = new ArrayList<>(ballots);
        inTeamOrder.sort(Comparator.comparingInt(b -> b.candidate().agent().ordinal()));
        Decision vote = counter.decide(inTeamOrder, tally);
        if (vote.answer().isEmpty()) {
            return Flux.fromIterable(events).concatWith(Flux.error(noVerdict(reason, ordered)));
        }
        Ballots cast = new Ballots(conversation, inTeamOrder, tally, vote);
        Map<String, TokenUsage> byEngine = new LinkedHashMap<>();
        for (int i = 0; i < planned.size(); i++) {
            byEngine.merge(config.engineOf(planned.get(i)).name(), ordered.get(i).usage(), TokenUsage::plus);
        }
        TokenAccount agentTokens = new TokenAccount(counted, cut, TokenUsage.ZERO, estimated, byEngine);
        Aggregation.VerdictFactory verdicts = (decision, aggregationTokens, elapsed) -> new Verdict(
                conversation.question(), mode, decision.answer().orElseThrow(), decision.text(), decision.share(),
                reason.complete(), reason, rule.name(), ordered, tally, decision.provenance(),
                agentTokens.withAggregation(aggregationTokens), elapsed);
        if (aggregator == Aggregator.vote()) {
            events.add(new ContemplationEvent.VerdictReady(verdicts.verdict(vote, TokenUsage.ZERO, now)));
            return Flux.fromIterable(events);
        }
        if (cast.answered().size() < 2) {
            probe.fallback(aggregator.name(), Instrumentation.Fallback.SINGLE_CANDIDATE, null);
            Decision alone = vote.withFallback("only one answered candidate: nothing for " + aggregator.name()
                    + " to compare");
            events.add(new ContemplationEvent.VerdictReady(verdicts.verdict(alone, TokenUsage.ZERO, now)));
            return Flux.fromIterable(events);
        }
        Aggregation aggregation = new Aggregation(config.engine(), clock, this::elapsed, budget,
                budget.maxTotalTokens() - agentTokens.totalTokens(), cast, aggregator, verdicts, probe, config::guardOf);
        return Flux.fromIterable(events).concatWith(aggregation.events());
    }

    /** Removes and returns the probe of agent {@code id}; each agent's end is reported once. */
    private Instrumentation.Agent probeOf(String id) {
        Instrumentation.Agent p = probes.remove(id);
        return p == null ? Instrumentation.Agent.NONE : p;
    }

    /** Reports every agent still subscribed as cancelled, with the deltas it streamed if it was seen running. */
    private void endAgents() {
        for (Map.Entry<String, Instrumentation.Agent> e : probes.entrySet()) {
            Running r = running.get(e.getKey());
            e.getValue().cancelled(r == null ? 0 : r.meter().deltas(),
                    r == null ? TokenUsage.ZERO : r.meter().spent());
        }
        probes.clear();
    }

    /** Hears each event on its way to the subscriber: the verdict ends the contemplation. */
    void emitted(ContemplationEvent event) {
        if (event instanceof ContemplationEvent.VerdictReady v) {
            verdictReady(v.verdict());
        }
    }

    private synchronized void verdictReady(Verdict verdict) {
        if (!ended) {
            ended = true;
            probe.verdict(verdict);
        }
    }

    /** The contemplation ended with {@code error}. */
    synchronized void failed(Throwable error) {
        if (!ended) {
            ended = true;
            endAgents();
            probe.failed(error, elapsed());
        }
    }

    /** The subscriber cancelled the contemplation: agents still subscribed count as cancelled. */
    synchronized void cancelled() {
        finished = true;
        stop.tryEmitEmpty();
        if (!ended) {
            ended = true;
            endAgents();
            running.clear();
            probe.cancelled(elapsed());
        }
    }

    private ContemplationException noVerdict(StopReason reason, List<AgentOutcome> ordered) {
        switch (reason) {
            case DEADLINE:
                return new ContemplationTimeoutException(budget.deadline(), ordered);
            case TOKEN_BUDGET:
                return new TokenBudgetExceededException(budget.maxTotalTokens(), ordered);
            default:
                boolean retryable = ordered.stream().anyMatch(o -> o instanceof AgentOutcome.Shed
                        || o instanceof AgentOutcome.Failed f && EngineGuard.isRetryable(f.cause()));
                return new AllAgentsFailedException(ordered, retryable);
        }
    }
}

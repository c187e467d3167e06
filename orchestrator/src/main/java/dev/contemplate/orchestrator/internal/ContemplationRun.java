package dev.contemplate.orchestrator.internal;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Conversation;
import dev.contemplate.agents.Deliberation;
import dev.contemplate.agents.Round;
import dev.contemplate.agents.RoundResult;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Ballots;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.Metering;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.AgentRun;
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
 * The state of one contemplation: its rounds (the current one's running agents, outcomes, ballots and tally), the
 * standing vote across rounds, and the stop decision. Signals arrive serialised by Reactor, but the deadline may
 * complete the stream from the timer thread, so every method that touches state is synchronised; once
 * {@link #finish()} ran, late signals are ignored.
 */
final class ContemplationRun {

    private record Running(long startMillis, AgentMeter meter) {
    }

    /** One round: what it asked for and what came of it. */
    private static final class RoundLog {
        final Round round;
        final long startMillis;
        long endMillis = -1;
        final Map<String, Running> running = new HashMap<>();
        final Map<String, AgentOutcome> outcomes = new HashMap<>();
        final List<Candidate> candidates = new ArrayList<>();
        final List<Ballot> ballots = new ArrayList<>();
        Tally tally = Tally.empty();
        /** The stopping rule ended the round: its stragglers are cut, later waves not started. */
        boolean ruleSatisfied;
        /** Completes when the round ends early (the rule) or the contemplation stops: its generations are cut. */
        final Sinks.Empty<Void> stop = Sinks.empty();

        RoundLog(Round round, long startMillis) {
            this.round = round;
            this.startMillis = startMillis;
        }

        boolean votes() {
            return round.votes() != Round.Votes.NONE;
        }
    }

    /** What {@link #nextRound()} decided: the round to run (null when the contemplation stops) and its events. */
    record Next(@Nullable Round round, List<ContemplationEvent> events) {
    }

    private final Conversation conversation;
    private final Mode mode;
    private final List<Agent> planned;
    private final Voting.Counter counter;
    private final Aggregator aggregator;
    private final Orchestration.Config config;
    private final Deliberation deliberation;
    private final StoppingRule rule;
    private final Budget budget;
    private final Scheduler clock;
    private final long startMillis;

    private final Instrumentation.Run probe;
    /** The probes of agents whose engine call was subscribed and whose end was not reported yet. */
    private final Map<String, Instrumentation.Agent> probes = new HashMap<>();
    private boolean ended;

    private final List<RoundLog> rounds = new ArrayList<>();
    private final List<RoundResult> results = new ArrayList<>();
    private @Nullable RoundLog current;
    private final List<AgentRun> runs = new ArrayList<>();
    /** Each agent's outcome in the last round that counted votes in which it was asked. */
    private final Map<String, AgentOutcome> latest = new HashMap<>();
    /** Every token agents spent, counted and cut, by engine name; the engines in team order of first use. */
    private final Map<String, TokenUsage> engineTokens = new LinkedHashMap<>();
    /** Tokens of the generations that finished with what they were asked (an answer, a critique). */
    private TokenUsage counted = TokenUsage.ZERO;
    /** Tokens spent without a counted answer: cut, failed, and the losing attempts of answered agents. */
    private TokenUsage cut = TokenUsage.ZERO;
    private boolean estimated;
    /** Every token agents spent so far, streamed or final: the token budget is held against it while tokens stream. */
    private final AtomicLong spent = new AtomicLong();
    private @Nullable StopReason stopReason;
    private boolean finished;

    ContemplationRun(Conversation conversation, Mode mode, List<Agent> planned, Orchestration.Config config,
            Deliberation deliberation, StoppingRule rule, Budget budget, ContextView subscriberContext) {
        this.conversation = conversation;
        this.mode = mode;
        this.planned = List.copyOf(planned);
        this.config = config;
        this.deliberation = deliberation;
        this.counter = config.voting().open(conversation);
        // one agent has nothing to judge or merge: FAST mode takes the vote
        this.aggregator = mode == Mode.FAST ? Aggregator.vote() : config.aggregator();
        this.rule = rule;
        this.budget = budget;
        this.clock = config.clock();
        this.startMillis = clock.now(TimeUnit.MILLISECONDS);
        for (Agent a : this.planned) {
            engineTokens.putIfAbsent(config.engineOf(a).name(), TokenUsage.ZERO);
        }
        this.probe = config.instrumentation().start(new Instrumentation.Setup(mode, rule.name(),
                config.voting().name(), aggregator.name(), planned.size(), budget.deadline()), subscriberContext);
    }

    Voting.Counter counter() {
        return counter;
    }

    Duration elapsed() {
        return Duration.ofMillis(clock.now(TimeUnit.MILLISECONDS) - startMillis);
    }

    long nowMillis() {
        return clock.now(TimeUnit.MILLISECONDS);
    }

    /**
     * Completes when round {@code number} ends early (its stopping rule) or the contemplation stops (rule, budget,
     * deadline, the caller): every generation of the round is cut by it, synchronously, whichever thread decided.
     */
    synchronized Mono<Void> roundStop(int number) {
        RoundLog r = current;
        return r != null && r.round.number() == number ? r.stop.asMono() : Mono.empty();
    }

    synchronized boolean stopped() {
        return stopReason != null;
    }

    /** Returns whether agents of round {@code number} may still start (not after the rule ended it, or a stop). */
    synchronized boolean roundOpen(int number) {
        RoundLog r = current;
        return !finished && stopReason == null && r != null && r.round.number() == number && !r.ruleSatisfied;
    }

    /**
     * Asks the protocol for the next round and opens it; or, when the protocol is done or the deadline or the token
     * budget leaves no room for the round, decides the stop.
     */
    synchronized Next nextRound() {
        if (finished || stopReason != null) {
            return new Next(null, List.of());
        }
        Optional<Round> asked = deliberation.next(new Deliberation.Progress(conversation,
                config.voting().answerFormat(), planned, results));
        if (asked.isEmpty()) {
            boolean ruleEnded = rounds.stream().anyMatch(r -> r.ruleSatisfied);
            return stop(ruleEnded ? StopReason.RULE_SATISFIED : StopReason.ALL_AGENTS_DONE, List.of());
        }
        Round round = asked.get();
        if (round.number() != rounds.size()) {
            throw new IllegalStateException(deliberation.name() + " numbered round " + rounds.size() + " as "
                    + round.number());
        }
        for (Round.Turn t : round.turns()) {
            if (!planned.contains(t.agent())) {
                throw new IllegalStateException(deliberation.name() + " asked agent '" + t.agent().id()
                        + "', which is not among the agents of this contemplation");
            }
        }
        Duration now = elapsed();
        if (!rounds.isEmpty()) {
            long longest = 0;
            for (RoundLog r : rounds) {
                longest = Math.max(longest, r.endMillis - r.startMillis);
            }
            long left = budget.deadline().toMillis() - now.toMillis();
            if (longest > left) {
                return stop(StopReason.DEADLINE, List.of(new ContemplationEvent.RoundSkipped(round.number(),
                        round.step(), "round " + round.number() + " (" + round.step() + ") would take about "
                        + longest + " ms as the longest round did, and " + Math.max(0, left) + " ms are left before "
                        + "the deadline", now)));
            }
            if (spent.get() >= budget.maxTotalTokens()) {
                return stop(StopReason.TOKEN_BUDGET, List.of(new ContemplationEvent.RoundSkipped(round.number(),
                        round.step(), "the token budget of " + budget.maxTotalTokens() + " is spent", now)));
            }
        }
        current = new RoundLog(round, nowMillis());
        List<String> ids = new ArrayList<>(round.turns().size());
        round.turns().forEach(t -> ids.add(t.agent().id()));
        return new Next(round, List.of(new ContemplationEvent.RoundStarted(round.number(), round.step(), ids, now)));
    }

    private Next stop(StopReason reason, List<ContemplationEvent> events) {
        stopReason = reason;
        return new Next(null, events);
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

    /** Applies one signal of round {@code number} and returns the events it causes. */
    synchronized List<ContemplationEvent> apply(int number, Signal signal) {
        RoundLog round = current;
        if (finished || stopReason != null || round == null || round.round.number() != number
                || round.ruleSatisfied) {
            return List.of();
        }
        Agent agent = signal.agent();
        String id = agent.id();
        String engine = config.engineOf(agent).name();
        Duration now = elapsed();
        List<ContemplationEvent> events = new ArrayList<>(3);
        if (signal instanceof Signal.Started s) {
            round.running.put(id, new Running(nowMillis(), s.meter()));
            InferenceEngine e = config.engineOf(agent);
            events.add(new ContemplationEvent.AgentStarted(id, e.name(), e.model(), number, now));
            return events;
        }
        Running r = round.running.remove(id);
        Duration latency = r == null ? Duration.ZERO : Duration.ofMillis(nowMillis() - r.startMillis());
        TokenUsage agentSpent = r == null ? TokenUsage.ZERO : r.meter().spent();
        Metering metering = r == null ? Metering.EXACT : r.meter().metering();
        if (signal instanceof Signal.Finished f) {
            Candidate c = f.candidate();
            round.candidates.add(c);
            Optional<Answer> answer = f.vote().answer();
            events.add(new ContemplationEvent.CandidateProduced(id, c.text(), round.votes() ? answer
                    : Optional.empty(), now));
            if (round.votes()) {
                round.ballots.add(new Ballot(c, f.vote()));
                round.tally = round.tally.with(f.vote());
            }
            Instrumentation.Agent p = probeOf(id);
            if (answer.isPresent()) {
                counted = counted.plus(c.usage());
                engineTokens.merge(engine, c.usage(), TokenUsage::plus);
                cut(minus(agentSpent, c.usage()), metering, engine); // failed tries before a retry, hedges that lost
                round.outcomes.put(id, new AgentOutcome.Answered(id, answer.get(), c.text(), c.usage(), latency));
                p.answered(c.usage());
            } else {
                TokenUsage usage = max(agentSpent, c.usage());
                cut(usage, metering, engine);
                NoAnswerException cause = new NoAnswerException(id, c.text().isBlank());
                round.outcomes.put(id, new AgentOutcome.Failed(id, cause, Optional.of(c.text()), usage, metering,
                        latency));
                events.add(new ContemplationEvent.AgentFailed(id, cause, now));
                p.failed(cause, usage);
            }
            if (round.votes()) {
                events.add(new ContemplationEvent.TallyUpdated(round.tally, now));
            }
        } else if (signal instanceof Signal.Failed f) {
            cut(agentSpent, metering, engine);
            round.outcomes.put(id, new AgentOutcome.Failed(id, f.cause(), f.text(), agentSpent, metering, latency));
            events.add(new ContemplationEvent.AgentFailed(id, f.cause(), now));
            probeOf(id).failed(f.cause(), agentSpent);
        } else if (signal instanceof Signal.Shed sh) {
            if (r != null && r.meter().ran()) {
                // refused after it ran (a retry or hedge the opened breaker stopped): a failure that spent tokens
                cut(agentSpent, metering, engine);
                round.outcomes.put(id, new AgentOutcome.Failed(id, sh.cause(), Optional.empty(), agentSpent,
                        metering, latency));
                events.add(new ContemplationEvent.AgentFailed(id, sh.cause(), now));
                probeOf(id).failed(sh.cause(), agentSpent);
            } else {
                round.outcomes.put(id, new AgentOutcome.Shed(id, sh.cause()));
                events.add(new ContemplationEvent.AgentShed(id, sh.cause(), now));
                probeOf(id).shed(sh.cause());
            }
        }
        int remaining = round.round.turns().size() - round.outcomes.size();
        if (remaining > 0 && round.votes() && rule.shouldStop(ruleTally(round), remaining)) {
            round.ruleSatisfied = true;
            round.stop.tryEmitEmpty();
        } else if (remaining > 0 && spent.get() >= budget.maxTotalTokens()) {
            stopReason = StopReason.TOKEN_BUDGET;
            round.stop.tryEmitEmpty();
        }
        return events;
    }

    /**
     * Returns the tally the stopping rule judges in {@code round}: what would stand if the round stopped now, without
     * the earlier votes of its agents still running (a stop cuts them, and their earlier votes with them). In the
     * first round, and in a round that replaces the votes, that is the round's own tally.
     */
    private Tally ruleTally(RoundLog round) {
        if (rounds.isEmpty() || round.round.votes() != Round.Votes.UPDATE) {
            return round.tally;
        }
        Map<String, Ballot> standing = new LinkedHashMap<>();
        standing().forEach(b -> standing.put(b.agentId(), b.ballot()));
        for (Round.Turn t : round.round.turns()) {
            if (!round.outcomes.containsKey(t.agent().id())) {
                standing.remove(t.agent().id());
            }
        }
        for (Ballot b : round.ballots) {
            update(standing, b);
        }
        return Tally.of(standing.values().stream().map(Ballot::vote).toList());
    }

    /** An answer replaces the agent's earlier ballot; a ballot without an answer only fills a gap. */
    private static <T> void update(Map<String, T> standing, Ballot b, T value) {
        if (b.answered() || !standing.containsKey(b.agentId())) {
            standing.remove(b.agentId());
            standing.put(b.agentId(), value);
        }
    }

    private static void update(Map<String, Ballot> standing, Ballot b) {
        update(standing, b, b);
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
            if (current != null) {
                current.stop.tryEmitEmpty();
            }
        }
    }

    private void cut(TokenUsage usage, Metering metering, String engine) {
        cut = cut.plus(usage);
        engineTokens.merge(engine, usage, TokenUsage::plus);
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

    /** The signals of round {@code number} ended: closes the round (its stragglers count as cancelled). */
    synchronized List<ContemplationEvent> endRound(int number) {
        RoundLog r = current;
        if (finished || r == null || r.round.number() != number) {
            return List.of();
        }
        List<ContemplationEvent> events = new ArrayList<>();
        close(r, events);
        return events;
    }

    /**
     * Closes round {@code r}: cuts its running agents (reported cancelled), records one run per turn, updates each
     * agent's latest outcome and tells the protocol what the round produced.
     */
    private void close(RoundLog r, List<ContemplationEvent> events) {
        r.stop.tryEmitEmpty();
        Duration now = elapsed();
        r.endMillis = nowMillis();
        for (Round.Turn t : r.round.turns()) {
            String id = t.agent().id();
            AgentOutcome o = r.outcomes.get(id);
            if (o == null) {
                Running running = r.running.get(id);
                if (running != null) {
                    TokenUsage usage = running.meter().spent();
                    cut(usage, running.meter().metering(), config.engineOf(t.agent()).name());
                    o = new AgentOutcome.Cancelled(id, running.meter().deltas(), usage, running.meter().metering(),
                            Duration.ofMillis(r.endMillis - running.startMillis()));
                    events.add(new ContemplationEvent.AgentCancelled(id, now));
                    probeOf(id).cancelled(running.meter().deltas(), usage);
                } else {
                    o = new AgentOutcome.NotStarted(id);
                    probeOf(id).cancelled(0, TokenUsage.ZERO); // subscribed as the round ended, if at all
                }
            }
            InferenceEngine engine = config.engineOf(t.agent());
            runs.add(new AgentRun(id, r.round.number(), r.round.step(), engine.name(), engine.model(), o));
            if (r.votes() || !latest.containsKey(id)) {
                latest.put(id, o);
            }
        }
        r.running.clear();
        rounds.add(r);
        current = null;
        List<Ballot> standing = standingBallots();
        boolean unanimous = r.votes() && r.tally.answered() == r.round.turns().size()
                && r.tally.distinctAnswers() == 1;
        results.add(new RoundResult(r.round.number(), r.round.step(), r.candidates, leader(standing), unanimous,
                r.ruleSatisfied));
    }

    /** A ballot that stands, with the round it was cast in. */
    private record Standing(Ballot ballot, RoundLog round) {
        String agentId() {
            return ballot.agentId();
        }
    }

    /**
     * Returns the ballots that stand after the closed rounds, in the order they were cast: each round that votes
     * updates each of its agents' ballots (an answer replaces an earlier ballot; a ballot without an answer only
     * fills a gap); agents that the stopping rule cut in a later round lose their earlier ballot (the rule judged
     * without it); a round that replaces votes clears the earlier ones once it has an answer.
     */
    private List<Standing> standing() {
        Map<String, Standing> standing = new LinkedHashMap<>();
        for (RoundLog r : rounds) {
            if (!r.votes()) {
                continue;
            }
            if (r.round.votes() == Round.Votes.REPLACE && r.ballots.stream().anyMatch(Ballot::answered)) {
                standing.clear();
            }
            if (r.ruleSatisfied) {
                for (Round.Turn t : r.round.turns()) {
                    if (!r.outcomes.containsKey(t.agent().id())) {
                        standing.remove(t.agent().id());
                    }
                }
            }
            for (Ballot b : r.ballots) {
                update(standing, b, new Standing(b, r));
            }
        }
        return new ArrayList<>(standing.values());
    }

    private List<Ballot> standingBallots() {
        return standing().stream().map(Standing::ballot).toList();
    }

    /**
     * Returns the candidate that stands for the vote's leading answer over the standing ballots (in the order they
     * were cast, as their tally counts them), if any.
     */
    private Optional<Candidate> leader(List<Ballot> cast) {
        List<Ballot> ballots = inTeamOrder(cast);
        Decision d = counter.decide(ballots, Tally.of(cast.stream().map(Ballot::vote).toList()));
        if (d.answer().isEmpty()) {
            return Optional.empty();
        }
        String key = d.answer().get().key();
        Candidate first = null;
        for (Ballot b : ballots) {
            if (b.vote().answer().filter(a -> a.key().equals(key)).isPresent()) {
                if (b.candidate().text().equals(d.text())) {
                    return Optional.of(b.candidate());
                }
                first = first == null ? b.candidate() : first;
            }
        }
        return Optional.ofNullable(first);
    }

    private static List<Ballot> inTeamOrder(List<Ballot> ballots) {
        List<Ballot> sorted = new ArrayList<>(ballots);
        sorted.sort(Comparator.comparingInt(b -> b.candidate().agent().ordinal()));
        return sorted;
    }

    /**
     * Ends the run after the signal stream completed (stop decided, or deadline): closes the round under way (its
     * running agents cancelled) and emits the final events and the verdict, or the error.
     */
    synchronized Flux<ContemplationEvent> finish() {
        finished = true;
        List<ContemplationEvent> events = new ArrayList<>();
        RoundLog open = current;
        if (open != null && open.running.isEmpty() && open.outcomes.isEmpty()) {
            // the deadline came as a round opened: nothing of it ran
            open.stop.tryEmitEmpty();
            current = null;
        } else if (open != null) {
            close(open, events);
        }
        Duration now = elapsed();
        StopReason reason = stopReason != null ? stopReason : StopReason.DEADLINE;
        List<Standing> standingVotes = standing();
        Map<String, AgentOutcome> behindVotes = new HashMap<>();
        for (Standing v : standingVotes) {
            if (v.ballot().answered()) {
                behindVotes.put(v.agentId(), v.round().outcomes.get(v.agentId()));
            }
        }
        List<AgentOutcome> ordered = new ArrayList<>(planned.size());
        for (Agent a : planned) {
            AgentOutcome o = behindVotes.getOrDefault(a.id(), latest.get(a.id()));
            ordered.add(o != null ? o : new AgentOutcome.NotStarted(a.id()));
        }
        endAgents();
        List<Ballot> standing = standingVotes.stream().map(Standing::ballot).toList();
        long votingRounds = rounds.stream().filter(RoundLog::votes).count();
        // one round's tally is kept as it grew; across rounds, the standing ballots are counted again
        Tally tally = votingRounds == 1 ? rounds.stream().filter(RoundLog::votes).findFirst().orElseThrow().tally
                : Tally.of(standing.stream().map(Ballot::vote).toList());
        probe.stopped(reason, tally.samples());
        events.add(new ContemplationEvent.Stopped(reason, now));
        List<Ballot> inTeamOrder = inTeamOrder(standing);
        Decision vote = counter.decide(inTeamOrder, tally);
        if (vote.answer().isEmpty()) {
            return Flux.fromIterable(events).concatWith(Flux.error(noVerdict(reason, ordered)));
        }
        Ballots cast = new Ballots(conversation, inTeamOrder, tally, vote);
        TokenAccount agentTokens = new TokenAccount(counted, cut, TokenUsage.ZERO, estimated, engineTokens);
        List<AgentRun> allRuns = List.copyOf(runs);
        Aggregation.VerdictFactory verdicts = (decision, aggregationTokens, elapsed) -> {
            TokenAccount tokens = agentTokens;
            for (Map.Entry<String, TokenUsage> e : aggregationTokens.entrySet()) {
                tokens = tokens.withAggregation(e.getKey(), e.getValue());
            }
            return new Verdict(conversation.question(), mode, decision.answer().orElseThrow(), decision.text(),
                    decision.share(), reason.complete(), reason, rule.name(), ordered, tally, decision.provenance(),
                    tokens, elapsed, allRuns);
        };
        if (aggregator == Aggregator.vote()) {
            events.add(new ContemplationEvent.VerdictReady(verdicts.verdict(vote, Map.of(), now)));
            return Flux.fromIterable(events);
        }
        if (cast.answered().size() < 2) {
            probe.fallback(aggregator.name(), Instrumentation.Fallback.SINGLE_CANDIDATE, null);
            Decision alone = vote.withFallback("only one answered candidate: nothing for " + aggregator.name()
                    + " to compare");
            events.add(new ContemplationEvent.VerdictReady(verdicts.verdict(alone, Map.of(), now)));
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

    /** Reports every agent still subscribed (its round already closed, or none seen running) as cancelled. */
    private void endAgents() {
        RoundLog r = current;
        for (Map.Entry<String, Instrumentation.Agent> e : probes.entrySet()) {
            Running running = r == null ? null : r.running.get(e.getKey());
            e.getValue().cancelled(running == null ? 0 : running.meter().deltas(),
                    running == null ? TokenUsage.ZERO : running.meter().spent());
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
        if (current != null) {
            current.stop.tryEmitEmpty();
        }
        if (!ended) {
            ended = true;
            endAgents();
            if (current != null) {
                current.running.clear();
            }
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

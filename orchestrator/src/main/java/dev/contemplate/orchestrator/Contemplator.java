package dev.contemplate.orchestrator;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Conversation;
import dev.contemplate.agents.Deliberation;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Aggregators;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.orchestrator.internal.Instrumentation;
import dev.contemplate.orchestrator.internal.Instrumentations;
import dev.contemplate.orchestrator.internal.Orchestration;
import io.github.resilience4j.retry.Retry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Contemplate mode: asks a team of agents the same question over a shared engine, votes on their answers (extracted
 * answers, or clusters of free-form answers by meaning), stops as soon as the stopping rule is satisfied, merges the
 * candidates (the vote, or a judge, a synthesis or a verifier), and never outlives its budget.
 *
 * <pre>{@code
 * Contemplator contemplator = Contemplator.builder()
 *         .engine(engine)
 *         .team(Team.builder().size(8).seed(42).build())
 *         .extractor(AnswerExtractors.numeric())
 *         .stoppingRule(StoppingRules.beta(0.95))
 *         .budget(Budget.builder().deadline(Duration.ofSeconds(10)).build())
 *         .build();
 * Verdict verdict = contemplator.contemplate("What is 54+39-25+73?").block();
 * }</pre>
 *
 * <p>Accounting: every token an agent spends counts, the partial output of agents that were cut or failed included
 * (as their engine metered the stream), and the token budget is held while tokens stream: the token that goes past it
 * stops the contemplation there. {@link Verdict#tokens()} separates the answers that counted from what was cut.
 * {@link Builder#guard} puts Resilience4j's guard rails around an engine ({@link EngineGuard}).
 *
 * <p>Guarantees: when the rule fires, the budget ends or the caller cancels, every running agent's engine
 * subscription is cancelled (an embedding of a candidate for a semantic vote that is already under way runs to its end
 * on its own thread, a few milliseconds, and is ignored). An aggregator's calls run within the same deadline and are
 * cancelled the same way. At the deadline the best verdict so far is
 * returned marked incomplete ({@link StopReason#DEADLINE}), or a {@link ContemplationTimeoutException} when no
 * agent had answered. Failed agents are reported and left out; when no agent answers the call fails with
 * {@link AllAgentsFailedException}. With an engine that honours seeds and seeded agents the verdict is
 * reproducible (with a semantic vote, clusters form in the order embeddings finish, so a borderline candidate may
 * join another cluster in another run); for an engine whose {@code capabilities().seeds()} is false the agents' seeds
 * are left out of their requests (the engine would refuse them), so such a run is not reproducible. Instances are
 * immutable and thread-safe; one instance serves any number of concurrent calls.
 *
 * <p>Metrics and observations (traces) are recorded only when a registry is passed to the builder
 * ({@link Builder#meterRegistry}, {@link Builder#observationRegistry}); logs go through SLF4J. What is recorded is
 * listed in {@link ContemplationObservability}; the question and the answers are never part of it.
 */
public final class Contemplator {

    private final Orchestration.Config config;
    private final Budget budget;
    private final Mode defaultMode;
    /** Whether the aggregator was chosen (an aggregator or a judge engine), not derived from the protocol. */
    private final boolean aggregatorChosen;

    private Contemplator(Builder b) {
        InferenceEngine engine = Objects.requireNonNull(b.engine, "an engine is required: call engine(...)");
        Voting voting = b.voting != null ? b.voting : Votings.semantic();
        Aggregator aggregator = b.aggregator != null ? b.aggregator
                : b.judgeEngine != null ? Aggregators.synthesis(b.judgeEngine)
                : b.deliberation.synthesises() ? Aggregators.synthesis()
                : Aggregator.vote();
        Set<InferenceEngine> engines = new LinkedHashSet<>();
        engines.add(engine);
        if (b.judgeEngine != null) {
            engines.add(b.judgeEngine);
        }
        b.team.agents().forEach(a -> a.engine().ifPresent(engines::add));
        Instrumentation instrumentation = Instrumentations.create(b.meterRegistry, b.observationRegistry, engines);
        Map<InferenceEngine, EngineGuard> guards = new IdentityHashMap<>(b.guards);
        if (b.retry != null) {
            for (InferenceEngine e : engines) {
                guards.putIfAbsent(e, EngineGuard.builder().retry(b.retry).build());
            }
        }
        this.config = new Orchestration.Config(engine, b.team.agents(), b.deliberation, voting, aggregator,
                b.rule, b.scheduling, b.clock, Collections.unmodifiableMap(guards), instrumentation);
        this.budget = b.budget;
        this.defaultMode = b.mode;
        this.aggregatorChosen = b.aggregator != null || b.judgeEngine != null;
    }

    private Contemplator(Orchestration.Config config, Budget budget, Mode defaultMode, boolean aggregatorChosen) {
        this.config = config;
        this.budget = budget;
        this.defaultMode = defaultMode;
        this.aggregatorChosen = aggregatorChosen;
    }

    /**
     * Returns a contemplator like this one that deliberates by {@code protocol}: the same engines, team, vote, rule,
     * budget and guards. Unless an aggregator or a judge engine was set, the aggregator follows the protocol as
     * {@link Builder#deliberation} says (a synthesis for mixture-of-agents, else the vote). Used to compare protocols
     * on one configuration.
     *
     * @throws NullPointerException if {@code protocol} is null
     */
    public Contemplator withDeliberation(Deliberation protocol) {
        Objects.requireNonNull(protocol, "protocol");
        Aggregator aggregator = aggregatorChosen ? config.aggregator()
                : protocol.synthesises() ? Aggregators.synthesis() : Aggregator.vote();
        Orchestration.Config c = config;
        return new Contemplator(new Orchestration.Config(c.engine(), c.agents(), protocol, c.voting(), aggregator,
                c.rule(), c.scheduling(), c.clock(), c.guards(), c.instrumentation()), budget, defaultMode,
                aggregatorChosen);
    }

    /** Returns a builder; an engine is required, everything else has defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the agents of the team, in order. */
    public List<Agent> agents() {
        return config.agents();
    }

    /** Returns the default budget. */
    public Budget budget() {
        return budget;
    }

    /** Returns the vote. */
    public Voting voting() {
        return config.voting();
    }

    /** Returns the aggregator. */
    public Aggregator aggregator() {
        return config.aggregator();
    }

    /** Returns the deliberation protocol. */
    public Deliberation deliberation() {
        return config.deliberation();
    }

    /** Returns the stopping rule. */
    public StoppingRule stoppingRule() {
        return config.rule();
    }

    /**
     * Contemplates {@code question} in the default mode with the default budget.
     *
     * @throws IllegalArgumentException if {@code question} is blank
     */
    public Mono<Verdict> contemplate(String question) {
        return contemplate(question, defaultMode, budget);
    }

    /**
     * Contemplates {@code question} in {@code mode} with the default budget.
     *
     * @throws IllegalArgumentException if {@code question} is blank
     */
    public Mono<Verdict> contemplate(String question, Mode mode) {
        return contemplate(question, mode, budget);
    }

    /**
     * Contemplates {@code question}; the returned publisher is cold and emits one verdict or a
     * {@link ContemplationException}. Cancelling it cancels every running agent.
     *
     * @param question the question, not blank
     * @param mode FAST, CONTEMPLATE or AUTO
     * @param callBudget the budget of this call
     * @throws IllegalArgumentException if {@code question} is blank
     */
    public Mono<Verdict> contemplate(String question, Mode mode, Budget callBudget) {
        return contemplate(Conversation.of(Objects.requireNonNull(question, "question")), mode, callBudget);
    }

    /** Contemplates a conversation in the default mode with the default budget. */
    public Mono<Verdict> contemplate(Conversation conversation) {
        return contemplate(conversation, defaultMode, budget);
    }

    /**
     * Contemplates a conversation: every agent receives its system messages, earlier turns and last question, with its
     * persona layered on top. The returned publisher is cold and emits one verdict or a {@link ContemplationException};
     * cancelling it cancels every running agent and aggregation call.
     *
     * @param conversation what the user asks
     * @param mode FAST, CONTEMPLATE or AUTO
     * @param callBudget the budget of this call
     */
    public Mono<Verdict> contemplate(Conversation conversation, Mode mode, Budget callBudget) {
        return events(conversation, mode, callBudget)
                .ofType(ContemplationEvent.VerdictReady.class)
                .map(ContemplationEvent.VerdictReady::verdict)
                .single();
    }

    /**
     * Returns the cold stream of progress events of one contemplation: the agents' events, then
     * {@link ContemplationEvent.Stopped}, then the aggregator's calls if it makes any, then
     * {@link ContemplationEvent.VerdictReady} last; or an error signal carrying a {@link ContemplationException}.
     *
     * @param question the question, not blank
     * @param mode FAST, CONTEMPLATE or AUTO
     * @param callBudget the budget of this call
     * @throws IllegalArgumentException if {@code question} is blank
     */
    public Flux<ContemplationEvent> events(String question, Mode mode, Budget callBudget) {
        Objects.requireNonNull(question, "question");
        return events(Conversation.of(question), mode, callBudget);
    }

    /**
     * Returns the cold stream of progress events of one contemplation of a conversation, as
     * {@link #events(String, Mode, Budget)} does for a bare question.
     *
     * @param conversation what the user asks
     * @param mode FAST, CONTEMPLATE or AUTO
     * @param callBudget the budget of this call
     */
    public Flux<ContemplationEvent> events(Conversation conversation, Mode mode, Budget callBudget) {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(callBudget, "budget");
        return Orchestration.events(config, conversation, mode, callBudget);
    }

    /** Builds a {@link Contemplator}. Not thread-safe; the built contemplator is. */
    public static final class Builder {
        private @Nullable InferenceEngine engine;
        private Team team = Team.builder().size(5).build();
        private Deliberation deliberation = Deliberation.independent();
        private @Nullable Voting voting;
        private @Nullable Aggregator aggregator;
        private @Nullable InferenceEngine judgeEngine;
        private StoppingRule rule = StoppingRules.beta(0.95);
        private Budget budget = Budget.unlimited();
        private Scheduling scheduling = Scheduling.allAtOnce();
        private Scheduler clock = Schedulers.parallel();
        private Mode mode = Mode.CONTEMPLATE;
        private final Map<InferenceEngine, EngineGuard> guards = new IdentityHashMap<>();
        private @Nullable Retry retry;
        private @Nullable MeterRegistry meterRegistry;
        private @Nullable ObservationRegistry observationRegistry;

        private Builder() {
        }

        /** Sets the engine shared by agents that have none of their own (required). */
        public Builder engine(InferenceEngine value) {
            this.engine = Objects.requireNonNull(value, "engine");
            return this;
        }

        /** Sets the team (default: 5 plain step-by-step agents at temperature 0.7, unseeded). */
        public Builder team(Team value) {
            this.team = Objects.requireNonNull(value, "team");
            return this;
        }

        /**
         * Sets the deliberation protocol (default: {@link Deliberation#independent()}, i.e. self-consistency; see
         * {@link Deliberation} for debate, critique-and-refine and mixture-of-agents). Every round runs under the same
         * budget, stopping rule, guards and cancellation; a protocol that {@linkplain Deliberation#synthesises()
         * synthesises} gets a synthesis as its aggregator when none is set. {@link Mode#FAST} asks one agent once,
         * whatever the protocol.
         */
        public Builder deliberation(Deliberation value) {
            this.deliberation = Objects.requireNonNull(value, "deliberation");
            return this;
        }

        /**
         * Votes on answers extracted by {@code value}: shorthand for {@code voting(Votings.majority(value))}. Agents
         * that phrase the question step by step are asked to state their answer in the form the extractor reads.
         */
        public Builder extractor(AnswerExtractor value) {
            this.voting = Votings.majority(Objects.requireNonNull(value, "extractor"));
            return this;
        }

        /**
         * Sets how candidates become votes (default, when neither this nor {@link #extractor} is called:
         * {@link Votings#semantic()}, which clusters free-form answers by meaning, so any question works). The last
         * call of {@code voting} or {@code extractor} wins.
         */
        public Builder voting(Voting value) {
            this.voting = Objects.requireNonNull(value, "voting");
            return this;
        }

        /**
         * Sets the last step, which sees the candidates and may call a judge, a synthesiser or a verifier within the
         * remaining budget (default: {@link Aggregator#vote()}, the vote's own decision, or a synthesis on the
         * {@link #judgeEngine judge engine} when one is set; see {@link Aggregators}).
         */
        public Builder aggregator(Aggregator value) {
            this.aggregator = Objects.requireNonNull(value, "aggregator");
            return this;
        }

        /** Sets the stopping rule (default: {@code beta:0.95}). */
        public Builder stoppingRule(StoppingRule value) {
            this.rule = Objects.requireNonNull(value, "stoppingRule");
            return this;
        }

        /** Sets the default budget (default: {@link Budget#unlimited()}). */
        public Builder budget(Budget value) {
            this.budget = Objects.requireNonNull(value, "budget");
            return this;
        }

        /** Sets when agents start in CONTEMPLATE mode (default: all at once). */
        public Builder scheduling(Scheduling value) {
            this.scheduling = Objects.requireNonNull(value, "scheduling");
            return this;
        }

        /**
         * Sets an engine for merging answers: when no {@link #aggregator} is set, candidates are merged by
         * {@link Aggregators#synthesis(InferenceEngine)} on this engine, one more call within the same budget (falling
         * back to the vote, and saying so, when it fails or the deadline comes).
         */
        public Builder judgeEngine(InferenceEngine value) {
            this.judgeEngine = Objects.requireNonNull(value, "judgeEngine");
            return this;
        }

        /** Sets the default mode (default: CONTEMPLATE). */
        public Builder mode(Mode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /**
         * Sets the scheduler that times deadlines and measures latency (default: {@link Schedulers#parallel()}).
         * Tests pass a virtual-time scheduler.
         */
        public Builder clock(Scheduler value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Guards the calls of {@code target} (the shared engine, an agent's own engine or the judge engine) with
         * Resilience4j: time limit, retry, circuit breaker, bulkhead, rate limiter and hedging, as
         * {@link EngineGuard} describes. A refused call sheds its agent and the verdict says it was
         * {@linkplain Verdict#degraded() degraded}. Default: no guard on any engine. The last guard set for an engine
         * wins.
         *
         * @throws NullPointerException if an argument is null
         */
        public Builder guard(InferenceEngine target, EngineGuard value) {
            guards.put(Objects.requireNonNull(target, "engine"), Objects.requireNonNull(value, "guard"));
            return this;
        }

        /**
         * Retries each agent's generation on every engine with a Resilience4j {@link Retry}: shorthand for a
         * {@link #guard guard} holding only this retry, for each engine known when {@link #build()} runs that has no
         * guard of its own (an engine with a guard retries as its guard says). Configure it to retry only retryable
         * errors, e.g. with {@link EngineGuard#defaultRetryConfig()}. Default: no retry.
         */
        public Builder retry(Retry value) {
            this.retry = Objects.requireNonNull(value, "retry");
            return this;
        }

        /**
         * Records metrics of every contemplation in {@code value}: contemplations by outcome, agents, samples, tokens,
         * time to verdict, deadline overrun, stop reasons and aggregation fallbacks, as listed in
         * {@link ContemplationObservability}. Default: no metrics (nothing is recorded and no meter is registered).
         * Tags never carry the question or answer text.
         *
         * @throws NullPointerException if {@code value} is null
         */
        public Builder meterRegistry(MeterRegistry value) {
            this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
            return this;
        }

        /**
         * Records an observation of every contemplation in {@code value}, with a child observation per agent's engine
         * call and per aggregation call, as listed in {@link ContemplationObservability}; with a tracing handler these
         * are a contemplation span and its child spans. The contemplation's parent is the subscriber's current
         * observation, if any. Default: no observations.
         *
         * @throws NullPointerException if {@code value} is null
         */
        public Builder observationRegistry(ObservationRegistry value) {
            this.observationRegistry = Objects.requireNonNull(value, "observationRegistry");
            return this;
        }

        /**
         * Returns the contemplator.
         *
         * @throws NullPointerException if no engine was set
         */
        public Contemplator build() {
            return new Contemplator(this);
        }
    }
}

package dev.contemplate.orchestrator.langchain4j;

import dev.contemplate.agents.Deliberation;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.langchain4j.LangChain4jEngine;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.EngineGuard;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Scheduling;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Builds a contemplating model over one LangChain4j model, starting from the defaults of {@link Contemplate}.
 * Each option checks its value at once and fails naming it. Not thread-safe; the built models are.
 *
 * @param <M> {@link ContemplatingChatModel} or {@link ContemplatingStreamingChatModel}
 */
public final class ContemplateBuilder<M> {

    /**
     * How a builder makes the engine and the contemplating model of one kind of LangChain4j model.
     *
     * @param <T> the kind of contemplating model
     */
    interface Target<T> {
        /** Returns a builder of an engine over the wrapped model. */
        LangChain4jEngine.Builder engine();

        /** Returns the contemplating model, which passes FAST requests through to the wrapped model. */
        T model(Contemplator contemplator, Mode mode, boolean answerOnly);
    }

    private final Target<M> target;
    private int agents = Contemplate.DEFAULT_AGENTS;
    private double temperature = Contemplate.DEFAULT_TEMPERATURE;
    private int maxTokensPerAgent = Contemplate.DEFAULT_MAX_TOKENS_PER_AGENT;
    private OptionalLong seed = OptionalLong.empty();
    private @Nullable Voting voting;
    private StoppingRule stoppingRule = StoppingRules.parse(Contemplate.DEFAULT_STOPPING_RULE);
    private @Nullable Aggregator aggregator;
    private Deliberation deliberation = Deliberation.independent();
    private Budget budget = Budget.builder().deadline(Contemplate.DEFAULT_DEADLINE).build();
    private Scheduling scheduling = Scheduling.allAtOnce();
    private Mode mode = Mode.CONTEMPLATE;
    private boolean answerOnly;
    private int maxInFlight = LangChain4jEngine.DEFAULT_MAX_IN_FLIGHT;
    private EngineGuard guard = EngineGuard.none();

    ContemplateBuilder(Target<M> target) {
        this.target = target;
    }

    /**
     * Sets the number of agents (default {@value Contemplate#DEFAULT_AGENTS}).
     *
     * @param value at least 1
     * @return this builder
     * @throws IllegalArgumentException naming {@code value} if it is below 1
     */
    public ContemplateBuilder<M> agents(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("agents must be >= 1 but was " + value);
        }
        this.agents = value;
        return this;
    }

    /**
     * Sets every agent's sampling temperature (default {@value Contemplate#DEFAULT_TEMPERATURE}); above 0 the
     * agents' answers differ, which is what the vote needs.
     *
     * @param value a finite number, at least 0
     * @return this builder
     * @throws IllegalArgumentException naming {@code value} if it is negative or not finite
     */
    public ContemplateBuilder<M> temperature(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0 but was " + value);
        }
        this.temperature = value;
        return this;
    }

    /**
     * Sets the most tokens each agent writes (default {@value Contemplate#DEFAULT_MAX_TOKENS_PER_AGENT}).
     *
     * @param value at least 1
     * @return this builder
     * @throws IllegalArgumentException naming {@code value} if it is below 1
     */
    public ContemplateBuilder<M> maxTokensPerAgent(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxTokensPerAgent must be >= 1 but was " + value);
        }
        this.maxTokensPerAgent = value;
        return this;
    }

    /**
     * Sets the base seed: agent {@code i} samples with {@code value + i} (default: unseeded). Only models whose
     * engine passes seeds honour it (LangChain4j's OpenAI models; see {@link LangChain4jEngine}); for others the
     * seed is left out of the requests.
     *
     * @param value the base seed
     * @return this builder
     */
    public ContemplateBuilder<M> seed(long value) {
        this.seed = OptionalLong.of(value);
        return this;
    }

    /**
     * Votes on answers extracted by {@code value}: shorthand for {@code voting(Votings.majority(value))}.
     *
     * @param value the extractor
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public ContemplateBuilder<M> extractor(AnswerExtractor value) {
        this.voting = Votings.majority(Objects.requireNonNull(value, "extractor"));
        return this;
    }

    /**
     * Sets how candidates become votes (default {@link Votings#semantic()}). The last call of {@code voting} or
     * {@code extractor} wins.
     *
     * @param value the vote
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public ContemplateBuilder<M> voting(Voting value) {
        this.voting = Objects.requireNonNull(value, "voting");
        return this;
    }

    /**
     * Sets the stopping rule (default {@value Contemplate#DEFAULT_STOPPING_RULE}).
     *
     * @param value the rule
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public ContemplateBuilder<M> stoppingRule(StoppingRule value) {
        this.stoppingRule = Objects.requireNonNull(value, "stoppingRule");
        return this;
    }

    /**
     * Sets the last step that turns the candidates into the reply (default: the vote's own decision), e.g.
     * {@code Aggregators.synthesis()} or {@code Aggregators.universalSelfConsistency()}, whose call runs on the
     * same model and budget.
     *
     * @param value the aggregator
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public ContemplateBuilder<M> aggregator(Aggregator value) {
        this.aggregator = Objects.requireNonNull(value, "aggregator");
        return this;
    }

    /**
     * Sets how the agents deliberate (default: {@link Deliberation#independent()}): {@code Deliberation.debate(2)},
     * {@code refine(2)} or {@code mixtureOfAgents(2)} add rounds in which agents read each other's answers, on the
     * same model, under the same budget; mixture-of-agents ends with a synthesis unless an aggregator is set.
     *
     * @param value the protocol
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public ContemplateBuilder<M> deliberation(Deliberation value) {
        this.deliberation = Objects.requireNonNull(value, "deliberation");
        return this;
    }

    /**
     * Sets the budget of each request (default: a {@link Contemplate#DEFAULT_DEADLINE 60 s} deadline, no token
     * limit).
     *
     * @param value the budget
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public ContemplateBuilder<M> budget(Budget value) {
        this.budget = Objects.requireNonNull(value, "budget");
        return this;
    }

    /**
     * Sets the budget's deadline, keeping its other limits.
     *
     * @param value a positive duration
     * @return this builder
     * @throws IllegalArgumentException naming {@code value} if it is not positive
     */
    public ContemplateBuilder<M> deadline(Duration value) {
        this.budget = new Budget(value, budget.maxAgents(), budget.maxTotalTokens());
        return this;
    }

    /**
     * Sets when agents start (default: all at once; {@code Scheduling.waves(k)} saves tokens on pay-per-token
     * APIs).
     *
     * @param value the scheduling
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public ContemplateBuilder<M> scheduling(Scheduling value) {
        this.scheduling = Objects.requireNonNull(value, "scheduling");
        return this;
    }

    /**
     * Sets the mode of requests whose model name selects none (default CONTEMPLATE; FAST passes them through).
     *
     * @param value the mode
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public ContemplateBuilder<M> mode(Mode value) {
        this.mode = Objects.requireNonNull(value, "mode");
        return this;
    }

    /**
     * Replies with the answer's short display text instead of the full reply (default false); see
     * {@link ContemplatingChatModel.Builder#answerOnly(boolean)}.
     *
     * @param value whether to reply with the answer only
     * @return this builder
     */
    public ContemplateBuilder<M> answerOnly(boolean value) {
        this.answerOnly = value;
        return this;
    }

    /**
     * Sets how many calls to the wrapped model may run at once (default
     * {@value LangChain4jEngine#DEFAULT_MAX_IN_FLIGHT}); more wait their turn.
     *
     * @param value at least 1
     * @return this builder
     * @throws IllegalArgumentException naming {@code value} if it is below 1
     */
    public ContemplateBuilder<M> maxInFlight(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1 but was " + value);
        }
        this.maxInFlight = value;
        return this;
    }

    /**
     * Guards the model's calls with Resilience4j (time limit, typed retry, circuit breaker, bulkhead, rate limiter,
     * hedging; see {@link EngineGuard}). Default: {@link EngineGuard#none()}, as a LangChain4j model may retry by
     * itself (its {@code maxRetries}); {@link EngineGuard#defaults(String)} suits a model that does not.
     *
     * @param value the guard
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public ContemplateBuilder<M> guard(EngineGuard value) {
        this.guard = Objects.requireNonNull(value, "guard");
        return this;
    }

    /**
     * Returns the contemplating model, which owns its engine (see {@link Contemplate} for its release).
     *
     * @return a new model
     */
    public M build() {
        return buildWrapped().model();
    }

    /**
     * Returns the contemplating model with its contemplator and engine; close it to release the engine.
     *
     * @return a new model, its contemplator and engine
     */
    public Contemplate.Wrapped<M> buildWrapped() {
        LangChain4jEngine engine = target.engine().maxInFlight(maxInFlight).build();
        try {
            SamplingParameters sampling = SamplingParameters.builder().maxTokens(maxTokensPerAgent).build();
            Team.Builder team = Team.builder().size(agents).temperatures(List.of(temperature)).sampling(sampling);
            seed.ifPresent(team::seed);
            Contemplator.Builder contemplator = Contemplator.builder()
                    .engine(engine)
                    .team(team.build())
                    .stoppingRule(stoppingRule)
                    .deliberation(deliberation)
                    .budget(budget)
                    .scheduling(scheduling)
                    .guard(engine, guard)
                    .mode(mode);
            if (voting != null) {
                contemplator.voting(voting);
            }
            if (aggregator != null) {
                contemplator.aggregator(aggregator);
            }
            Contemplator built = contemplator.build();
            return new Contemplate.Wrapped<>(target.model(built, mode, answerOnly), built, engine);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }
}

package dev.contemplate.spring.boot;

import dev.contemplate.agents.Deliberation;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Aggregators;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.EngineGuard;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Scheduling;
import dev.contemplate.orchestrator.langchain4j.ContemplateBuilder;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The {@code contemplate.*} properties read into the values a {@link ContemplateBuilder} takes. {@link #parse} is the
 * one place that reads and checks them (start-up validation uses it), {@link #applyTo} the one place that hands them
 * to the builder, which turns them into a contemplating model.
 *
 * @param mode the default mode
 * @param agents the number of agents
 * @param temperature the agents' temperature
 * @param seed the base seed, or null
 * @param maxTokensPerAgent the most tokens each agent writes
 * @param stoppingRule the stopping rule
 * @param protocol the deliberation protocol
 * @param voting the vote, or null for the builder's default
 * @param aggregator the last step, or null for the vote's own decision
 * @param budget the budget of each request
 * @param scheduling when agents start
 * @param answerOnly whether replies are the answer's display text
 * @param maxInFlight the most calls to the model at once
 * @param guard the guard rails' settings
 */
record ContemplateSettings(Mode mode, int agents, double temperature, @Nullable Long seed, int maxTokensPerAgent,
        StoppingRule stoppingRule, Deliberation protocol, @Nullable Voting voting, @Nullable Aggregator aggregator, Budget budget,
        Scheduling scheduling, boolean answerOnly, int maxInFlight, Guard guard) {

    /** The prefix of every property. */
    static final String PREFIX = "contemplate.";

    /** Receives a problem with one property: its Java field path ({@code budget.deadline}) and the message. */
    interface Problems {
        /** Reports the problem of one property. */
        void report(String field, String message);
    }

    /**
     * Returns the settings of {@code properties}, or null after reporting each bad value to {@code problems} with a
     * message that names its property.
     */
    static @Nullable ContemplateSettings parse(ContemplateProperties properties, Problems problems) {
        List<String> found = new ArrayList<>();
        Problems sink = (field, message) -> {
            found.add(message);
            problems.report(field, message);
        };
        atLeastOne(sink, "agents", "agents", properties.getAgents());
        atLeastOne(sink, "maxTokensPerAgent", "max-tokens-per-agent", properties.getMaxTokensPerAgent());
        atLeastOne(sink, "maxInFlight", "max-in-flight", properties.getMaxInFlight());
        if (properties.getWaves() != null) {
            atLeastOne(sink, "waves", "waves", properties.getWaves());
        }
        double temperature = properties.getTemperature();
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            sink.report("temperature", PREFIX + "temperature must be a finite number >= 0 but was " + temperature);
        }
        Duration deadline = properties.getBudget().getDeadline();
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            sink.report("budget.deadline", PREFIX + "budget.deadline must be positive but was " + deadline);
        }
        Long maxTokens = properties.getBudget().getMaxTokens();
        if (maxTokens != null && maxTokens < 1) {
            sink.report("budget.maxTokens", PREFIX + "budget.max-tokens must be >= 1 but was " + maxTokens);
        }
        StoppingRule rule = spec(sink, "stoppingRule", "stopping-rule", "stopping rule", properties.getStoppingRule(),
                StoppingRules::parse);
        Deliberation protocol = spec(sink, "protocol", "protocol", "protocol", properties.getProtocol(),
                Deliberation::parse);
        AnswerExtractor extractor = properties.getExtractor() == null ? null
                : spec(sink, "extractor", "extractor", "answer extractor", properties.getExtractor(),
                        AnswerExtractors::parse);
        Voting voting = voting(sink, properties.getVote(), properties.getExtractor(), extractor);
        Aggregator aggregator = properties.getJudge() == null ? null
                : spec(sink, "judge", "judge", "judge", properties.getJudge(), Aggregators::parse);
        Guard guard = guard(sink, properties.getGuard());
        if (!found.isEmpty()) {
            return null;
        }
        Budget budget = Budget.builder().deadline(Objects.requireNonNull(deadline))
                .maxTotalTokens(maxTokens != null ? maxTokens : Long.MAX_VALUE).build();
        Scheduling scheduling = properties.getWaves() == null ? Scheduling.allAtOnce()
                : Scheduling.waves(properties.getWaves());
        return new ContemplateSettings(properties.getMode(), properties.getAgents(), temperature, properties.getSeed(),
                properties.getMaxTokensPerAgent(), Objects.requireNonNull(rule), Objects.requireNonNull(protocol), voting,
                aggregator, budget,
                scheduling, properties.isAnswerOnly(), properties.getMaxInFlight(), Objects.requireNonNull(guard));
    }

    /**
     * Returns the settings of {@code properties}.
     *
     * @throws IllegalArgumentException listing every bad value, each naming its property
     */
    static ContemplateSettings of(ContemplateProperties properties) {
        List<String> messages = new ArrayList<>();
        ContemplateSettings settings = parse(properties, (field, message) -> messages.add(message));
        if (settings == null) {
            throw new IllegalArgumentException(String.join("; ", messages));
        }
        return settings;
    }

    /**
     * Hands every setting and {@code engineGuard} (built by {@link Guard#build}, or none when the guard is disabled)
     * to {@code builder} and returns it.
     */
    <M> ContemplateBuilder<M> applyTo(ContemplateBuilder<M> builder, EngineGuard engineGuard) {
        builder.mode(mode).agents(agents).temperature(temperature).maxTokensPerAgent(maxTokensPerAgent)
                .stoppingRule(stoppingRule).deliberation(protocol).budget(budget).scheduling(scheduling).answerOnly(answerOnly)
                .maxInFlight(maxInFlight).guard(engineGuard);
        if (seed != null) {
            builder.seed(seed);
        }
        if (voting != null) {
            builder.voting(voting);
        }
        if (aggregator != null) {
            builder.aggregator(aggregator);
        }
        return builder;
    }

    /**
     * Reads the {@code contemplate.guard.*} properties, reporting each bad value whether or not the guard is enabled;
     * returns null if one is bad.
     */
    private static @Nullable Guard guard(Problems problems, ContemplateProperties.Guard properties) {
        boolean ok = true;
        String instance = properties.getInstance();
        if (instance == null || instance.isBlank()) {
            problems.report("guard.instance", PREFIX + "guard.instance must name a Resilience4j instance but was "
                    + (instance == null || instance.isEmpty() ? "empty" : "'" + instance + "'"));
            ok = false;
        }
        Duration hedgeAfter = properties.getHedgeAfter();
        if (hedgeAfter != null && (hedgeAfter.isNegative() || hedgeAfter.isZero())) {
            problems.report("guard.hedgeAfter", PREFIX + "guard.hedge-after must be positive but was " + hedgeAfter);
            ok = false;
        }
        int maxHedges = properties.getMaxHedges();
        if (maxHedges < 1 || maxHedges > 3) {
            problems.report("guard.maxHedges", PREFIX + "guard.max-hedges must be between 1 and 3 but was "
                    + maxHedges);
            ok = false;
        }
        if (!ok) {
            return null;
        }
        return new Guard(Objects.requireNonNull(instance),
                hedgeAfter == null ? null : new EngineGuard.Hedging(hedgeAfter, maxHedges));
    }

    private static void atLeastOne(Problems problems, String field, String property, int value) {
        if (value < 1) {
            problems.report(field, PREFIX + property + " must be >= 1 but was " + value);
        }
    }

    private static <T> @Nullable T spec(Problems problems, String field, String property, String what,
            @Nullable String value, Function<String, T> parse) {
        if (value == null || value.isBlank()) {
            problems.report(field, PREFIX + property + " must name a " + what + " but was "
                    + (value == null ? "empty" : "'" + value + "'"));
            return null;
        }
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            problems.report(field, PREFIX + property + " '" + value + "' is not a valid " + what + ": "
                    + e.getMessage());
            return null;
        }
    }

    /**
     * Returns the vote: {@code contemplate.vote} read with the extractor, the extractor's majority vote when only it is
     * set, or null (the builder's default, the semantic vote). A vote on extracted answers needs an extractor; the
     * semantic vote takes none.
     */
    private static @Nullable Voting voting(Problems problems, @Nullable String spec, @Nullable String extractorSpec,
            @Nullable AnswerExtractor extractor) {
        if (spec == null) {
            return extractor == null ? null : Votings.majority(extractor);
        }
        // the semantic vote ignores the extractor: exact text stands in until the name is known
        Voting voting = spec(problems, "vote", "vote", "vote", spec,
                s -> Votings.parse(s, extractor != null ? extractor : AnswerExtractors.exactText()));
        if (voting == null) {
            return null;
        }
        boolean semantic = voting.name().equals("semantic");
        if (!semantic && extractorSpec == null) {
            problems.report("extractor", PREFIX + "extractor must be set for " + PREFIX + "vote '" + spec
                    + "', which votes on extracted answers; valid: " + AnswerExtractors.SPECS);
            return null;
        }
        if (semantic && extractorSpec != null) {
            problems.report("extractor", PREFIX + "extractor '" + extractorSpec + "' has no use with " + PREFIX
                    + "vote '" + spec + "', which clusters free-form answers by meaning: remove one of them");
            return null;
        }
        return voting;
    }

    /**
     * The {@code contemplate.guard.*} settings but {@code enabled}, which decides whether the guard is made.
     *
     * @param instance the name of the Resilience4j instances
     * @param hedging the hedging policy, or null for none
     */
    record Guard(String instance, EngineGuard.@Nullable Hedging hedging) {

        /**
         * Returns the guard made of the registries' instances named {@link #instance()}: the retry and circuit breaker
         * from their registries, or with {@link EngineGuard#defaultRetryConfig()} and
         * {@link EngineGuard#defaultCircuitBreakerConfig()} where a registry is null; the bulkhead, rate limiter and
         * time limiter only where their registry is given; and the hedging policy.
         */
        EngineGuard build(@Nullable CircuitBreakerRegistry circuitBreakers, @Nullable RetryRegistry retries,
                @Nullable BulkheadRegistry bulkheads, @Nullable RateLimiterRegistry rateLimiters,
                @Nullable TimeLimiterRegistry timeLimiters) {
            EngineGuard.Builder guard = EngineGuard.builder()
                    .retry(retries != null ? retries.retry(instance)
                            : Retry.of(instance, EngineGuard.defaultRetryConfig()))
                    .circuitBreaker(circuitBreakers != null ? circuitBreakers.circuitBreaker(instance)
                            : CircuitBreaker.of(instance, EngineGuard.defaultCircuitBreakerConfig()));
            if (bulkheads != null) {
                guard.bulkhead(bulkheads.bulkhead(instance));
            }
            if (rateLimiters != null) {
                guard.rateLimiter(rateLimiters.rateLimiter(instance));
            }
            if (timeLimiters != null) {
                guard.timeLimiter(timeLimiters.timeLimiter(instance));
            }
            if (hedging != null) {
                guard.hedging(hedging.delay(), hedging.maxHedges());
            }
            return guard.build();
        }
    }
}

package dev.contemplate.spring.boot;

import dev.contemplate.orchestrator.Mode;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The {@code contemplate.*} properties. Bound and checked at start-up: a bad value fails the start with a message that
 * names the property and the value, such as {@code contemplate.agents must be >= 1 but was 0} (this class validates
 * itself, so no Bean Validation provider is needed). Specs are read by the factories' {@code parse} methods:
 * {@code StoppingRules}, {@code Votings}, {@code AnswerExtractors} and {@code Aggregators}.
 *
 * <p>The defaults are those of {@code Contemplate.builder(model)} (the one-line wrapper of the orchestrator), written
 * here as literals so that the generated IDE metadata shows them; a test keeps the two equal.
 */
@ConfigurationProperties(prefix = "contemplate")
public class ContemplateProperties implements Validator {

    /**
     * Whether to wrap the application's LangChain4j ChatModel and StreamingChatModel beans in contemplating ones.
     */
    private boolean enabled = false;

    /**
     * Mode of requests whose model name selects none: 'contemplate' (the whole team), 'auto' (one agent, more only
     * while the vote is unsettled) or 'fast' (straight through to the application's own model).
     */
    private Mode mode = Mode.CONTEMPLATE;

    /**
     * Number of agents, each one call to the application's model.
     */
    private int agents = 5;

    /**
     * Stopping rule: fixed, fixed:K, unassailable, beta, beta:T, esc or esc:W.
     */
    private String stoppingRule = "beta:0.95";

    /**
     * How the agents deliberate: independent (each answers once), debate:R (up to R rounds reading each other's
     * answers), refine:R (up to R critique-and-revise rounds) or moa:L (L layers, then a synthesis).
     */
    private String protocol = "independent";

    /**
     * How answers are counted: majority, weighted, weighted:lowest-group, weighted:sequence (these need
     * 'contemplate.extractor') or semantic (free-form answers clustered by meaning). Default: semantic, or majority
     * when an extractor is set.
     */
    private @Nullable String vote;

    /**
     * Answer extractor for a majority or weighted vote: numeric, letters, choice, choice:LETTERS, yesno, exact or
     * regex:PATTERN.
     */
    private @Nullable String extractor;

    /**
     * One more call after the vote, on the same model and budget: 'usc' (a judge picks the candidate most
     * consistent with the others) or 'synthesis' (merges the candidates into one answer); 'vote' or unset: none.
     */
    private @Nullable String judge;

    /**
     * Sampling temperature of every agent.
     */
    private double temperature = 0.7;

    /**
     * Base seed: agent i samples with seed + i (honoured by models whose engine passes seeds). Unset: unseeded.
     */
    private @Nullable Long seed;

    /**
     * Most tokens each agent writes.
     */
    private int maxTokensPerAgent = 1024;

    /**
     * Start agents in waves of this size, each only while the stopping rule is unsatisfied (saves tokens on
     * pay-per-token APIs). Unset: all agents at once.
     */
    private @Nullable Integer waves;

    /**
     * Reply with the answer's short display text (such as '42') instead of the full reply.
     */
    private boolean answerOnly = false;

    /**
     * Most calls to the application's model running at once; more wait their turn.
     */
    private int maxInFlight = 16;

    /**
     * Name of the ChatModel bean to wrap, when the application has several.
     */
    private @Nullable String chatModelBean;

    /**
     * Name of the StreamingChatModel bean to wrap, when the application has several.
     */
    private @Nullable String streamingChatModelBean;

    /**
     * Limits of each request.
     */
    private final Budget budget = new Budget();

    /**
     * Resilience4j guard rails around the calls to the application's model.
     */
    private final Guard guard = new Guard();

    /** Creates the properties with their defaults. */
    public ContemplateProperties() {
    }

    /** Returns whether contemplating models are made. */
    public boolean isEnabled() {
        return enabled;
    }

    /** Sets whether contemplating models are made. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Returns the mode of requests whose model name selects none. */
    public Mode getMode() {
        return mode;
    }

    /** Sets the mode of requests whose model name selects none. */
    public void setMode(Mode mode) {
        this.mode = mode;
    }

    /** Returns the number of agents. */
    public int getAgents() {
        return agents;
    }

    /** Sets the number of agents. */
    public void setAgents(int agents) {
        this.agents = agents;
    }

    /** Returns the stopping rule's spec. */
    public String getStoppingRule() {
        return stoppingRule;
    }

    /** Sets the stopping rule's spec. */
    public void setStoppingRule(String stoppingRule) {
        this.stoppingRule = stoppingRule;
    }

    /** Returns the deliberation protocol's spec. */
    public String getProtocol() {
        return protocol;
    }

    /** Sets the deliberation protocol's spec. */
    public void setProtocol(String protocol) {
        this.protocol = protocol;
    }

    /** Returns the vote's name, or null for the default. */
    public @Nullable String getVote() {
        return vote;
    }

    /** Sets the vote's name; null for the default. */
    public void setVote(@Nullable String vote) {
        this.vote = vote;
    }

    /** Returns the answer extractor's spec, or null for none. */
    public @Nullable String getExtractor() {
        return extractor;
    }

    /** Sets the answer extractor's spec; null for none. */
    public void setExtractor(@Nullable String extractor) {
        this.extractor = extractor;
    }

    /** Returns the judge's name, or null for none. */
    public @Nullable String getJudge() {
        return judge;
    }

    /** Sets the judge's name; null for none. */
    public void setJudge(@Nullable String judge) {
        this.judge = judge;
    }

    /** Returns the agents' sampling temperature. */
    public double getTemperature() {
        return temperature;
    }

    /** Sets the agents' sampling temperature. */
    public void setTemperature(double temperature) {
        this.temperature = temperature;
    }

    /** Returns the base seed, or null when unseeded. */
    public @Nullable Long getSeed() {
        return seed;
    }

    /** Sets the base seed; null for unseeded. */
    public void setSeed(@Nullable Long seed) {
        this.seed = seed;
    }

    /** Returns the most tokens each agent writes. */
    public int getMaxTokensPerAgent() {
        return maxTokensPerAgent;
    }

    /** Sets the most tokens each agent writes. */
    public void setMaxTokensPerAgent(int maxTokensPerAgent) {
        this.maxTokensPerAgent = maxTokensPerAgent;
    }

    /** Returns the wave size, or null when all agents start at once. */
    public @Nullable Integer getWaves() {
        return waves;
    }

    /** Sets the wave size; null to start all agents at once. */
    public void setWaves(@Nullable Integer waves) {
        this.waves = waves;
    }

    /** Returns whether replies are the answer's short display text. */
    public boolean isAnswerOnly() {
        return answerOnly;
    }

    /** Sets whether replies are the answer's short display text. */
    public void setAnswerOnly(boolean answerOnly) {
        this.answerOnly = answerOnly;
    }

    /** Returns the most calls to the application's model running at once. */
    public int getMaxInFlight() {
        return maxInFlight;
    }

    /** Sets the most calls to the application's model running at once. */
    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** Returns the name of the ChatModel bean to wrap, or null to wrap the only one. */
    public @Nullable String getChatModelBean() {
        return chatModelBean;
    }

    /** Sets the name of the ChatModel bean to wrap; null to wrap the only one. */
    public void setChatModelBean(@Nullable String chatModelBean) {
        this.chatModelBean = chatModelBean;
    }

    /** Returns the name of the StreamingChatModel bean to wrap, or null to wrap the only one. */
    public @Nullable String getStreamingChatModelBean() {
        return streamingChatModelBean;
    }

    /** Sets the name of the StreamingChatModel bean to wrap; null to wrap the only one. */
    public void setStreamingChatModelBean(@Nullable String streamingChatModelBean) {
        this.streamingChatModelBean = streamingChatModelBean;
    }

    /** Returns the limits of each request. */
    public Budget getBudget() {
        return budget;
    }

    /** Returns the guard rails around the calls to the application's model. */
    public Guard getGuard() {
        return guard;
    }

    /** Supports these properties only. */
    @Override
    public boolean supports(Class<?> clazz) {
        return ContemplateProperties.class.isAssignableFrom(clazz);
    }

    /**
     * Rejects each bad value with a message that names its property, such as {@code contemplate.stopping-rule 'nope'
     * is not a valid stopping rule: ...; valid: fixed, fixed:K, ...}; Spring Boot then fails the start and lists them.
     */
    @Override
    public void validate(Object target, Errors errors) {
        ContemplateSettings.parse((ContemplateProperties) target,
                (field, message) -> errors.rejectValue(field, "contemplate.invalid", message));
    }

    /** The {@code contemplate.budget.*} properties: the limits of each request. */
    public static class Budget {

        /**
         * Time after which the best answer so far is returned, marked incomplete.
         */
        private Duration deadline = Duration.ofSeconds(60);

        /**
         * Most tokens (prompt and output, over all agents and the judge) per request. Unset: no limit.
         */
        private @Nullable Long maxTokens;

        /** Creates the limits with their defaults. */
        public Budget() {
        }

        /** Returns the deadline of each request. */
        public Duration getDeadline() {
            return deadline;
        }

        /** Sets the deadline of each request. */
        public void setDeadline(Duration deadline) {
            this.deadline = deadline;
        }

        /** Returns the token limit of each request, or null for none. */
        public @Nullable Long getMaxTokens() {
            return maxTokens;
        }

        /** Sets the token limit of each request; null for none. */
        public void setMaxTokens(@Nullable Long maxTokens) {
            this.maxTokens = maxTokens;
        }
    }

    /**
     * The {@code contemplate.guard.*} properties: Resilience4j guard rails around the calls to the application's model
     * (see {@code EngineGuard}). The retry, circuit breaker, bulkhead, rate limiter and time limiter are the
     * application's Resilience4j instances of the configured name, taken from its registries (those that
     * resilience4j-spring-boot3 defines and configures with its {@code resilience4j.*} properties).
     */
    public static class Guard {

        /**
         * Whether to guard the calls to the application's model with Resilience4j: a retry and a circuit breaker
         * (from the application's RetryRegistry and CircuitBreakerRegistry, or Contemplate's defaults where it has
         * none), and a bulkhead, rate limiter and time limiter where it has their registries.
         */
        private boolean enabled = false;

        /**
         * Name of the Resilience4j instances taken from the registries (resilience4j.retry.instances.NAME and so on).
         */
        private String instance = "contemplate";

        /**
         * Send a second, identical call for an agent still without an answer after this long (typically the model's
         * p95 latency); the first answer wins. Unset: no hedging.
         */
        private @Nullable Duration hedgeAfter;

        /**
         * Most extra calls per agent when hedging, 1 to 3 (the k-th after k times hedge-after).
         */
        private int maxHedges = 1;

        /** Creates the guard properties with their defaults. */
        public Guard() {
        }

        /** Returns whether the calls are guarded. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether the calls are guarded. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** Returns the name of the Resilience4j instances. */
        public String getInstance() {
            return instance;
        }

        /** Sets the name of the Resilience4j instances. */
        public void setInstance(String instance) {
            this.instance = instance;
        }

        /** Returns the hedging delay, or null for no hedging. */
        public @Nullable Duration getHedgeAfter() {
            return hedgeAfter;
        }

        /** Sets the hedging delay; null for no hedging. */
        public void setHedgeAfter(@Nullable Duration hedgeAfter) {
            this.hedgeAfter = hedgeAfter;
        }

        /** Returns the most extra calls per agent when hedging. */
        public int getMaxHedges() {
            return maxHedges;
        }

        /** Sets the most extra calls per agent when hedging. */
        public void setMaxHedges(int maxHedges) {
            this.maxHedges = maxHedges;
        }
    }
}

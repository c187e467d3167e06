package dev.contemplate.examples.cli;

import dev.contemplate.agents.Persona;
import dev.contemplate.agents.PromptStyle;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.SemanticOptions;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.inference.EngineCapabilities;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.RateLimitedException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.langchain4j.LangChain4jEngine;
import dev.contemplate.inference.simulated.Scenario;
import dev.contemplate.inference.simulated.SimulatedEngine;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.EngineGuard;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.research.bench.BenchClock;
import dev.contemplate.research.bench.CostMeter;
import dev.contemplate.research.bench.RunOutcome;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * One engine, ready to run contemplations: the engine itself, how its teams are made (personas, prompt style,
 * temperature, token limit), how it reads questions, and the clock it runs on. The simulated engine runs on a
 * virtual clock, so its contemplations finish at once and report simulated latencies; the others run in real time.
 * Close it to release the engine.
 */
final class EngineSetup implements AutoCloseable {

    /** The default temperature of engines other than the embedded one. */
    static final double DEFAULT_TEMPERATURE = 0.7;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    /**
     * What a run needs from its engine.
     *
     * @param seed the base seed
     * @param maxAgents the most agents that run at once
     * @param deadline the budget of one contemplation
     * @param temperature the temperature, or null for the engine's default
     * @param maxTokens the token limit per agent, or null for the engine's default
     * @param scenarios the scenarios of the simulated engine
     * @param logprobs whether the vote needs token log-probabilities (an OpenAI-compatible server is asked for them)
     */
    record Request(long seed, int maxAgents, Duration deadline, @Nullable Double temperature,
            @Nullable Integer maxTokens, Function<String, Scenario> scenarios, boolean logprobs) {
    }

    private final EngineOptions.Kind kind;
    private final InferenceEngine engine;
    private final String description;
    private final List<Persona> personas;
    private final PromptStyle style;
    private final double temperature;
    private final int maxTokens;
    private final BenchClock clock;
    private final @Nullable VirtualTimeScheduler virtualClock;
    private final Function<String, Optional<String>> questionReader;

    private EngineSetup(EngineOptions.Kind kind, InferenceEngine engine, String description, List<Persona> personas,
            PromptStyle style, double temperature, int maxTokens, @Nullable VirtualTimeScheduler virtualClock,
            Function<String, Optional<String>> questionReader) {
        this.kind = kind;
        this.engine = engine;
        this.description = description;
        this.personas = List.copyOf(personas);
        this.style = style;
        this.temperature = temperature;
        this.maxTokens = maxTokens;
        this.clock = virtualClock != null ? BenchClock.virtual(virtualClock, virtualClock::advanceTimeBy)
                : BenchClock.realTime();
        this.virtualClock = virtualClock;
        this.questionReader = questionReader;
    }

    /**
     * Returns how the engine of {@code config} reads {@code question}: the text to contemplate (the embedded model's
     * canonical expression, the question itself for the others), or empty when the engine cannot read it. Needs
     * no engine, so a bad question is reported before anything starts.
     */
    static Optional<String> readQuestion(EngineOptions.Config config, String question) {
        return config.kind() == EngineOptions.Kind.EMBEDDED ? EmbeddedEngines.readQuestion(question)
                : Optional.of(question);
    }

    /** Returns the usage message for a question the engine of {@code config} cannot read. */
    static String unreadable(String question) {
        return "the embedded arithmetic model cannot read " + CliException.quote(question) + "; it reads "
                + EmbeddedEngines.QUESTION_FAMILY
                + " (use --engine simulated or openai for other questions)";
    }

    /**
     * Starts the engine of {@code config}.
     *
     * @throws CliException exit {@value ExitCodes#ENGINE_UNAVAILABLE} when the engine cannot start or the server
     *     cannot be reached, or a usage error
     */
    static EngineSetup open(EngineOptions.Config config, Request request) {
        return switch (config.kind()) {
            case EMBEDDED -> embedded(config, request);
            case OPENAI -> openAi(config, request);
            case SIMULATED -> simulated(request);
        };
    }

    private static EngineSetup embedded(EngineOptions.Config config, Request request) {
        List<Persona> personas = EmbeddedEngines.personas();
        if (!config.mixed()) {
            personas = personas.stream().filter(p -> p.name().equals(config.team())).toList();
            if (personas.isEmpty()) {
                throw CliException.usage("unknown team " + CliException.quote(config.team()) + "; valid: "
                        + EngineOptions.MIXED
                        + ", " + EmbeddedEngines.strategyList());
            }
        }
        double t = request.temperature() != null ? request.temperature() : EmbeddedEngines.recommendedTemperature();
        InferenceEngine engine = EmbeddedEngines.engine(config.decodeLoops());
        int tokens = request.maxTokens() != null ? request.maxTokens() : EmbeddedEngines.MAX_TOKENS;
        return new EngineSetup(EngineOptions.Kind.EMBEDDED, engine,
                EmbeddedEngines.describe(engine, personas, config.mixed()), personas, PromptStyle.PLAIN, t, tokens,
                null, q -> readQuestion(config, q));
    }

    private static EngineSetup openAi(EngineOptions.Config config, Request request) {
        String url = config.baseUrl();
        if (request.seed() < Integer.MIN_VALUE || request.seed() + request.maxAgents() - 1 > Integer.MAX_VALUE) {
            throw CliException.usage("with the openai engine, seeds travel as 32-bit integers: --seed plus the number "
                    + "of agents must stay below " + Integer.MAX_VALUE);
        }
        checkReachable(url);
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
                .baseUrl(url)
                .apiKey(config.apiKey())
                .modelName(config.model())
                .timeout(request.deadline().plusSeconds(10))
                .build();
        // a streaming model never retries by itself: retries are left to the orchestrator
        int inFlight = Math.max(1, Math.min(request.maxAgents(), 64));
        LangChain4jEngine engine = LangChain4jEngine.builder(model)
                .name("openai")
                .maxInFlight(inFlight)
                .maxQueued(Math.max(LangChain4jEngine.DEFAULT_MAX_QUEUED, request.maxAgents()))
                .logprobs(request.logprobs())
                .build();
        double t = request.temperature() != null ? request.temperature() : DEFAULT_TEMPERATURE;
        int tokens = request.maxTokens() != null ? request.maxTokens() : 1024;
        // "none", the key without one, is no secret (and a common word in messages)
        String key = config.apiKey();
        InferenceEngine redacted = key == null || key.isBlank() || key.equals("none") ? engine
                : new Redacting(engine, key);
        return new EngineSetup(EngineOptions.Kind.OPENAI, redacted,
                "openai (model " + config.model() + " at " + url + ")", List.of(Persona.PLAIN),
                PromptStyle.STEP_BY_STEP, t, tokens, null, Optional::of);
    }

    private static EngineSetup simulated(Request request) {
        VirtualTimeScheduler clock = VirtualTimeScheduler.create();
        SimulatedEngine engine = SimulatedEngine.builder()
                .scenario(request.scenarios()::apply)
                .scheduler(clock)
                .seed(request.seed())
                .build();
        double t = request.temperature() != null ? request.temperature() : DEFAULT_TEMPERATURE;
        int tokens = request.maxTokens() != null ? request.maxTokens() : 256;
        return new EngineSetup(EngineOptions.Kind.SIMULATED, engine, engine.describe() + "; virtual clock",
                List.of(Persona.PLAIN), PromptStyle.PLAIN, t, tokens, clock, Optional::of);
    }

    /** Fails fast, in one line, when nothing listens at the server's host and port. */
    private static void checkReachable(String url) {
        URI uri = URI.create(url);
        boolean https = uri.getScheme().toLowerCase(Locale.ROOT).equals("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
        } catch (IOException | IllegalArgumentException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.net.UnknownHostException) {
                reason = "unknown host " + uri.getHost();
            }
            throw CliException.unavailable(CliException.quoting("cannot reach the engine at " + url + ": " + reason,
                    url), e);
        }
    }

    EngineOptions.Kind kind() {
        return kind;
    }

    /** The engine's own counters as a bench cost meter: those of the embedded engine, none for the others. */
    CostMeter costMeter() {
        return kind == EngineOptions.Kind.EMBEDDED ? EmbeddedEngines.costMeter(engine) : CostMeter.NONE;
    }

    InferenceEngine engine() {
        return engine;
    }

    /** Returns the one-line description used in every report. */
    String description() {
        return description;
    }

    /** Returns whether this is the simulated engine, whose output is no model's. */
    boolean simulated() {
        return kind == EngineOptions.Kind.SIMULATED;
    }

    /** Returns "virtual" for the simulated engine's clock, else "real". */
    String clockName() {
        return clock.toString();
    }

    /** Returns the clock contemplations run and are timed on: virtual for the simulated engine, else real. */
    BenchClock clock() {
        return clock;
    }

    /** Returns the personas, cycled over the agents; the first is the single agent of N = 1. */
    List<Persona> personas() {
        return personas;
    }

    double temperature() {
        return temperature;
    }

    int maxTokens() {
        return maxTokens;
    }

    /** Returns the text to contemplate for {@code question}, or empty when the engine cannot read it. */
    Optional<String> read(String question) {
        return questionReader.apply(question);
    }

    /** Returns a team of {@code size} agents: personas cycled, agent i seeded with {@code seed + i}. */
    Team team(int size, long seed) {
        return Team.builder()
                .size(size)
                .personas(personas)
                .styles(List.of(style))
                .temperatures(List.of(temperature))
                .sampling(SamplingParameters.builder().maxTokens(maxTokens).build())
                .seed(seed)
                .build();
    }

    /**
     * Returns the vote of a run on this engine: {@code settings}' vote, except that a semantic vote embeds on the
     * caller's thread on the simulated engine's virtual clock (embedding in real time on other threads would let the
     * virtual deadline pass before any vote is counted).
     */
    Voting voting(RunOptions.Settings settings) {
        Voting v = settings.voting();
        return virtualClock != null && v.name().equals("semantic")
                ? Votings.semantic(SemanticOptions.defaults(), Schedulers.immediate()) : v;
    }

    /**
     * Returns a contemplator builder with this engine and clock; a remote engine is guarded by
     * {@link EngineGuard#defaults(String)} (a typed retry with back-off and a circuit breaker), the local ones need
     * no guard.
     */
    Contemplator.Builder contemplator() {
        Contemplator.Builder b = Contemplator.builder().engine(engine).clock(clock.scheduler());
        return kind == EngineOptions.Kind.OPENAI ? b.guard(engine, EngineGuard.defaults(engine.name())) : b;
    }

    /**
     * Runs one contemplation to its verdict or failure, measuring its latency on this setup's clock and handing each
     * of its {@linkplain Contemplator#events events} to {@code listener} as it happens: on the engine's threads in
     * real time, on the caller's thread while the simulated engine's virtual clock is advanced. The listener must not
     * throw.
     */
    RunOutcome run(Contemplator contemplator, String question, Mode mode, Budget budget,
            Consumer<ContemplationEvent> listener) {
        return clock.run(contemplator, question, mode, budget, listener);
    }

    /**
     * An engine whose errors never carry the API key: a server may echo the key it refused in its error body
     * ({@code Incorrect API key provided: Bearer KEY}), which the LangChain4j client puts in its exception's message,
     * and from there it would reach the progress lines, the error line, a verdict's failed agents, and a
     * {@code serve} client. An error that carries the key anywhere in its chain becomes an error of the same engine
     * and retryability whose message has the key replaced by {@value #REDACTED}, without the cause that held it.
     */
    static final class Redacting implements InferenceEngine {

        static final String REDACTED = "[redacted]";

        private final InferenceEngine engine;
        private final String secret;

        Redacting(InferenceEngine engine, String secret) {
            this.engine = engine;
            this.secret = secret;
        }

        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public String model() {
            return engine.model();
        }

        @Override
        public EngineCapabilities capabilities() {
            return engine.capabilities();
        }

        @Override
        public Flux<GenerationEvent> stream(GenerationRequest request) {
            return engine.stream(request).onErrorMap(this::leaks, this::redact);
        }

        @Override
        public Mono<Generation> generate(GenerationRequest request) {
            return engine.generate(request).onErrorMap(this::leaks, this::redact);
        }

        @Override
        public void close() {
            engine.close();
        }

        /** Whether the key is in the message of {@code error} or of one of its causes or suppressed errors. */
        boolean leaks(Throwable error) {
            if (secret.isEmpty()) {
                return false;
            }
            Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            ArrayDeque<Throwable> todo = new ArrayDeque<>(List.of(error));
            while (!todo.isEmpty()) {
                Throwable t = todo.pop();
                if (!seen.add(t)) {
                    continue;
                }
                if (String.valueOf(t.getMessage()).contains(secret) || t.toString().contains(secret)) {
                    return true;
                }
                if (t.getCause() != null) {
                    todo.push(t.getCause());
                }
                todo.addAll(List.of(t.getSuppressed()));
            }
            return false;
        }

        Throwable redact(Throwable error) {
            String message = String.valueOf(error.getMessage()).replace(secret, REDACTED);
            if (error instanceof InferenceException e) {
                String prefix = e.engine() + ": ";
                String own = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
                if (e instanceof RateLimitedException r) {
                    return new RateLimitedException(e.engine(), own, r.retryAfter().orElse(null), null);
                }
                return e.isRetryable() ? new TransientInferenceException(e.engine(), own, null)
                        : new PermanentInferenceException(e.engine(), own, null);
            }
            return new PermanentInferenceException(engine.name(),
                    error.getClass().getSimpleName() + ": " + message, null);
        }
    }

    /** Closes the engine and disposes the virtual clock. */
    @Override
    public void close() {
        engine.close();
        if (virtualClock != null) {
            virtualClock.dispose();
        }
    }
}

package dev.contemplate.examples.cli;

import dev.contemplate.agents.Deliberation;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Aggregators;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.server.ContemplateServer;
import dev.contemplate.server.SamplingOverrides;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code contemplate serve}: serves contemplate mode over the configured engine as an OpenAI-compatible HTTP API
 * ({@link ContemplateServer}) until interrupted (Ctrl-C, or an interrupt of the thread that runs it).
 */
@Command(name = "serve", header = "Serves contemplate mode as an OpenAI-compatible HTTP API.", sortOptions = false,
        usageHelpAutoWidth = true, mixinStandardHelpOptions = true, versionProvider = ContemplateCli.Version.class,
        description = {
            "Answers POST /v1/chat/completions and GET /v1/models over the configured engine (the embedded demo "
                    + "model by default, or an OpenAI-compatible server with --base-url/--api-key/--model). The "
                    + "model name of a request chooses the approach: contemplate (--agents agents), contemplate-N "
                    + "(N agents, capped at --max-agents), contemplate-auto, contemplate-fast, or the upstream model's "
                    + "own name (arithmetic for the embedded engine, --model for openai): one plain generation.",
            "",
            "Request fields temperature, top_p, max_tokens (or max_completion_tokens, per agent), seed (agent i gets "
                    + "seed+i) and stop reach every agent; n > 1 is refused. \"stream\": true sends server-sent "
                    + "chat.completion.chunk events, progress as SSE comments, and data: [DONE]; a client that "
                    + "disconnects cancels its agents. Responses carry a \"contemplate\" object (votes, stop_reason, "
                    + "complete, agents, decided_by) that OpenAI clients ignore. Stop with Ctrl-C."},
        footer = {
            "",
            "Examples:",
            "  contemplate serve --port 8080",
            "  curl -N http://127.0.0.1:8080/v1/chat/completions -H 'Content-Type: application/json' \\",
            "      -d '{\"model\":\"contemplate-5\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"What is 54+39-25+73?\"}]}'",
            "  CONTEMPLATE_SERVER_KEY=secret contemplate serve --api-key-env CONTEMPLATE_SERVER_KEY \\",
            "      --base-url http://localhost:8000/v1 --model qwen --host 0.0.0.0"})
final class ServeCommand implements Callable<Integer> {

    /** The name of the embedded engine's pass-through model. */
    static final String EMBEDDED_MODEL = "arithmetic";

    @ParentCommand
    ContemplateCli parent;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to bind to; 0.0.0.0 serves every interface. Default: ${DEFAULT-VALUE}.")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port; 0 picks a free one (printed at start). Default: ${DEFAULT-VALUE}.")
    int port = 8080;

    @Option(names = "--api-key-env", paramLabel = "VAR",
            description = "Require 'Authorization: Bearer KEY' where KEY is the value of environment variable VAR "
                    + "(read from the environment, never from the command line). Default: no key.")
    @Nullable String apiKeyEnv;

    @Option(names = {"-n", "--agents"}, paramLabel = "N", defaultValue = "5",
            description = "Agents of model 'contemplate' (and the most of 'contemplate-auto'). Default: "
                    + "${DEFAULT-VALUE}.")
    int agents = 5;

    @Option(names = "--max-agents", paramLabel = "N", defaultValue = "16",
            description = "The team's size: the most agents 'contemplate-N' gets, a larger N is capped (at most "
                    + ContemplateCli.MAX_AGENTS + "). Default: ${DEFAULT-VALUE}.")
    int maxAgents = 16;

    @Option(names = "--budget", paramLabel = "DURATION", defaultValue = "60s",
            description = "Deadline of each contemplation: the best answer so far is returned then, marked "
                    + "incomplete. Default: ${DEFAULT-VALUE}.")
    String budget = "60s";

    @Option(names = "--stop", paramLabel = "RULE", defaultValue = "beta:0.95",
            description = "Stopping rule: " + StoppingRules.SPECS + ". Default: ${DEFAULT-VALUE}.")
    String stop = "beta:0.95";

    @Option(names = "--vote", paramLabel = "VOTE",
            description = "majority, weighted or semantic. Default: majority (of numbers) for the embedded engine, "
                    + "semantic for the others, whose questions may have no short answer.")
    @Nullable String vote;

    @Option(names = "--extract", paramLabel = "EXTRACTOR", defaultValue = "numeric",
            description = "Answer extractor of majority and weighted votes: " + AnswerExtractors.SPECS
                    + ". Default: ${DEFAULT-VALUE}.")
    String extract = "numeric";

    @Option(names = "--judge", paramLabel = "JUDGE",
            description = "usc or synthesis: one more call merges the candidates (a synthesis streams token by "
                    + "token). Default: none, the vote decides.")
    @Nullable String judge;

    @Option(names = "--protocol", paramLabel = "PROTOCOL", defaultValue = "independent",
            description = "How the agents of every contemplation deliberate: " + Deliberation.SPECS + " (see ask). "
                    + "Beyond independent it needs --base-url (the embedded demo model reads only arithmetic). "
                    + "Default: ${DEFAULT-VALUE}.")
    String protocol = "independent";

    @Option(names = "--max-concurrent", paramLabel = "N", defaultValue = "16",
            description = "Completions that run at once; more wait. Default: ${DEFAULT-VALUE}.")
    int maxConcurrent = 16;

    @Option(names = "--max-queued", paramLabel = "N", defaultValue = "64",
            description = "Completions that may wait; one more is answered 429 with Retry-After. Default: "
                    + "${DEFAULT-VALUE}.")
    int maxQueued = 64;

    @Mixin
    EngineOptions engineOptions = new EngineOptions();

    @Override
    public Integer call() {
        ContemplateCli.checkAgents(maxAgents);
        if (agents < 1 || agents > maxAgents) {
            throw CliException.usage("--agents must be between 1 and --max-agents (" + maxAgents + ") but was "
                    + agents);
        }
        Duration deadline = parse(() -> Durations.parse(budget));
        StoppingRule rule = parse(() -> StoppingRules.parse(stop));
        AnswerExtractor extractor = parse(() -> AnswerExtractors.parse(extract));
        Deliberation deliberation = parse(() -> Deliberation.parse(protocol));
        // without a judge the protocol chooses the last step: a synthesis for mixture-of-agents, else the vote
        Aggregator aggregator = judge == null ? null : parse(() -> Aggregators.parse(judge));
        ContemplateServer.Builder builder = parse(() -> ContemplateServer.builder().host(host).port(port)
                .maxConcurrent(maxConcurrent).maxQueued(maxQueued));
        String key = apiKey();
        if (key != null) {
            builder.apiKey(key);
        }
        EngineOptions.Config config = engineOptions.resolve(parent.env());
        if (config.kind() == EngineOptions.Kind.SIMULATED) {
            throw CliException.usage("serve answers in real time; the simulated engine runs on a virtual clock: use "
                    + "--engine embedded or openai");
        }
        RunOptions.requireChatModel(deliberation, config, "--base-url (an OpenAI-compatible server)");
        String voteSpec = vote != null ? vote : config.kind() == EngineOptions.Kind.EMBEDDED ? "majority" : "semantic";
        Voting voting = parse(() -> Votings.parse(voteSpec, extractor));
        // the openai engine's connections: every agent of every running contemplation at once, within reason
        int inFlight = (int) Math.min((long) maxAgents * maxConcurrent, 100_000);
        EngineSetup.Request request = new EngineSetup.Request(0, inFlight, deadline, null, null,
                SimulatedScenarios.forQuestions(), voteSpec.startsWith("weighted"));
        boolean interrupted;
        // resources close in reverse order: the stop signal last, so that a Ctrl-C's hook holds the JVM until the
        // server and then the engine have closed
        try (StopSignal stopSignal = new StopSignal(); EngineSetup setup = EngineSetup.open(config, request)) {
            Budget perRequest = Budget.builder().deadline(deadline).maxAgents(agents).build();
            Function<SamplingOverrides, Contemplator> contemplators = overrides -> {
                Contemplator.Builder b = setup.contemplator()
                        .team(overrides.applyTo(setup.team(maxAgents,
                                ThreadLocalRandom.current().nextLong(1, 1L << 30))))
                        .voting(voting)
                        .deliberation(deliberation)
                        .stoppingRule(rule)
                        .budget(perRequest);
                return (aggregator == null ? b : b.aggregator(aggregator)).build();
            };
            String upstream = config.kind() == EngineOptions.Kind.EMBEDDED ? EMBEDDED_MODEL : config.model();
            SamplingParameters defaults = SamplingParameters.builder().temperature(setup.temperature())
                    .maxTokens(setup.maxTokens()).build();
            builder.contemplators(contemplators).upstream(upstream, setup.engine(), defaults);
            try (ContemplateServer server = start(builder)) {
                banner(parent.out(), server, setup, upstream, voting, rule, deadline);
                interrupted = stopSignal.await();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private static ContemplateServer start(ContemplateServer.Builder builder) {
        try {
            return builder.start();
        } catch (IllegalStateException e) {
            throw CliException.usage(e.getMessage() + " (choose another --port or --host)", e);
        }
    }

    private @Nullable String apiKey() {
        if (apiKeyEnv == null) {
            return null;
        }
        String value = parent.env().get(apiKeyEnv);
        if (value == null || value.isBlank()) {
            throw CliException.usage("--api-key-env " + apiKeyEnv + ": the environment variable " + apiKeyEnv
                    + " is not set or empty");
        }
        return value.strip();
    }

    private void banner(PrintWriter out, ContemplateServer server, EngineSetup setup, String upstream, Voting voting,
            StoppingRule rule, Duration deadline) {
        out.println("Serving contemplate mode, OpenAI-compatible, on " + server.baseUrl());
        out.println("  engine   " + setup.description());
        out.println("  models   contemplate (" + agents + " agents), contemplate-N (N <= " + maxAgents
                + "), contemplate-auto, contemplate-fast; " + upstream + " (one plain generation)");
        out.println("  voting   " + voting.name() + ", stop " + rule.name() + ", protocol " + protocol.strip()
                + ", deadline " + Durations.format(deadline));
        out.println("  limits   " + maxConcurrent + " completions at once, " + maxQueued + " waiting; "
                + (apiKeyEnv == null ? "no API key" : "API key from $" + apiKeyEnv));
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }

    /**
     * What stops the server: Ctrl-C (a shutdown hook, which then holds the JVM until the server has closed
     * gracefully, at most 30 s) or an interrupt of the thread that waits. Closing it tells the hook the server is
     * closed and removes the hook.
     */
    private static final class StopSignal implements AutoCloseable {
        private final CountDownLatch stop = new CountDownLatch(1);
        private final CountDownLatch closed = new CountDownLatch(1);
        private final Thread hook;

        StopSignal() {
            hook = new Thread(() -> {
                stop.countDown();
                try {
                    closed.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "contemplate-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /**
         * Waits for the stop; returns whether it was an interrupt (the caller sets the interrupt flag again once the
         * server is closed: a graceful close blocks, which an interrupt would cut short).
         */
        boolean await() {
            try {
                stop.await();
                return false;
            } catch (InterruptedException e) {
                return true;
            }
        }

        @Override
        public void close() {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running and now returns
            }
        }
    }

    private static <T> T parse(Supplier<T> parsing) {
        try {
            return parsing.get();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage(), e);
        }
    }
}

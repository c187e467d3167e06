package dev.contemplate.examples.cli;

import dev.contemplate.agents.Deliberation;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Aggregators;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.Verifiers;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Scheduling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The contemplation options shared by {@code ask} and {@code bench}, and their validation. */
final class RunOptions {

    /**
     * The validated settings of one command.
     *
     * @param rules the stopping rules, at least one, without duplicates, in the order given
     * @param extractor the answer extractor: keys the votes of {@code majority} and {@code weighted}, and reads the
     *     answer of a verdict in {@code bench}
     * @param voting how candidates become votes
     * @param aggregator the last step --judge or --verifier chose, or null to let the protocol choose (a synthesis
     *     for mixture-of-agents, else the vote)
     * @param protocols the deliberation protocols, at least one, without duplicates, in the order given
     */
    record Settings(Mode mode, Duration budget, List<StoppingRule> rules, AnswerExtractor extractor, Voting voting,
            @Nullable Aggregator aggregator, List<Deliberation> protocols, long seed,
            boolean seedChosen, Scheduling scheduling, @Nullable Integer waves, @Nullable Double temperature,
            @Nullable Integer maxTokens) {

        Settings {
            rules = List.copyOf(rules);
            if (rules.isEmpty()) {
                throw new IllegalArgumentException("at least one stopping rule is needed");
            }
            protocols = List.copyOf(protocols);
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("at least one protocol is needed");
            }
        }

        /** Returns the first stopping rule: the only one of {@code ask}. */
        StoppingRule rule() {
            return rules.get(0);
        }

        /** Returns the first protocol: the only one of {@code ask}. */
        Deliberation protocol() {
            return protocols.get(0);
        }

        /** Returns the last step under {@code p}: the chosen one, else a synthesis for a protocol that synthesises. */
        Aggregator aggregatorFor(Deliberation p) {
            return aggregator != null ? aggregator : p.synthesises() ? Aggregators.synthesis() : Aggregator.vote();
        }

        /** Returns the last step's name under each protocol, once each: {@code vote} or {@code vote, synthesis}. */
        String aggregatorNames() {
            return String.join(", ", protocols.stream().map(p -> aggregatorFor(p).name()).distinct().toList());
        }

        /** Sets the protocol's last step on {@code b} (the chosen one; else the protocol's default). */
        Contemplator.Builder lastStep(Contemplator.Builder b) {
            return aggregator == null ? b : b.aggregator(aggregator);
        }
    }

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "contemplate",
            description = "fast (one agent: the team's first), contemplate (the whole team, stopping early when "
                    + "the rule is satisfied) or auto (one agent, then growing waves 1, 2, 4, ... while the rule is "
                    + "unsatisfied). Default: ${DEFAULT-VALUE}.")
    String mode = "contemplate";

    @Option(names = "--budget", paramLabel = "DURATION", defaultValue = "60s",
            description = "Latency budget of one contemplation, never overrun: 3s, 500ms, 2m, 1.5s or PT3S. At the "
                    + "deadline the best answer so far is returned, marked incomplete. Default: ${DEFAULT-VALUE}.")
    String budget = "60s";

    @Option(names = "--stop", paramLabel = "RULE", defaultValue = "beta:0.95", split = ",",
            description = "Stopping rule: beta[:T] (Adaptive-Consistency), esc[:W] (early-stopping "
                    + "self-consistency), unassailable (stop when the leader cannot be caught), fixed (never stop "
                    + "early) or fixed:K (stop after K samples). bench takes several (repeat --stop, or separate "
                    + "them with commas) and runs every agent count under each. Default: ${DEFAULT-VALUE}.")
    List<String> stop = new ArrayList<>(List.of("beta:0.95"));

    @Option(names = "--extract", paramLabel = "EXTRACTOR", defaultValue = "numeric",
            description = "Answer extractor: " + AnswerExtractors.SPECS + ". Default: ${DEFAULT-VALUE}.")
    String extract = "numeric";

    @Option(names = "--vote", paramLabel = "VOTE", defaultValue = "majority",
            description = "How answers are counted: majority (one vote per extracted answer), weighted (each vote "
                    + "weighs the agent's token-probability confidence; the embedded engine reports it) or semantic "
                    + "(free-form answers clustered by meaning with an embedded model, for questions without a short "
                    + "answer). Default: ${DEFAULT-VALUE}.")
    String vote = "majority";

    @Option(names = "--judge", paramLabel = "JUDGE",
            description = "One more call after the vote, on the same engine and budget: usc (a judge picks the "
                    + "candidate most consistent with the others) or synthesis (merges the candidates into one "
                    + "answer). Falls back to the vote, and says so, when it fails or the deadline comes. Default: "
                    + "none.")
    @Nullable String judge;

    @Option(names = "--verifier", paramLabel = "VERIFIER",
            description = "Best-of-N: llm (the engine rates each candidate 0-10; the best wins, ties broken by the "
                    + "vote; one call per candidate). Default: none.")
    @Nullable String verifier;

    @Option(names = "--protocol", paramLabel = "PROTOCOL", defaultValue = "independent", split = ",",
            description = "How the agents deliberate: independent (each answers once; N calls for N agents), "
                    + "debate:R (up to R more rounds in which each agent sees the others' answers and may revise; "
                    + "stops early on a unanimous round; at most N(R+1) calls), refine:R (up to R rounds of a critic "
                    + "reviewing the leading answer and its author revising it; at most N+2R calls) or moa:L "
                    + "(mixture-of-agents: L layers, each seeing the layer before, then one synthesis; N*L+1 "
                    + "calls). Every round runs under the same budget, rule and cancellation. Needs a chat model "
                    + "(--engine openai or simulated) beyond independent. bench takes several (repeat --protocol, or "
                    + "separate them with commas) and runs each on the same seeds. Default: ${DEFAULT-VALUE}.")
    List<String> protocol = new ArrayList<>(List.of("independent"));

    @Option(names = "--seed", paramLabel = "S",
            description = "Base seed: agent i samples with seed S+i (bench: S + 1000 q + i on question q), so a "
                    + "run can be repeated. Default: a random seed, reported in the output.")
    @Nullable Long seed;

    @Option(names = "--waves", paramLabel = "K",
            description = "In contemplate mode, start agents in waves of K, each only if the rule is still "
                    + "unsatisfied (saves tokens on pay-per-token APIs). Default: all agents at once.")
    @Nullable Integer waves;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Sampling temperature of every agent. Default: the embedded model's recommended "
                    + "temperature, else 0.7.")
    @Nullable Double temperature;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "Most tokens each agent generates. Default: " + EmbeddedEngines.MAX_TOKENS
                    + " for the embedded model, 1024 for openai, 256 for simulated.")
    @Nullable Integer maxTokens;

    @Option(names = "--json", description = "Print exactly one JSON object instead of the summary.")
    boolean json;

    /**
     * Validates and parses the options.
     *
     * @throws CliException a usage error naming the first bad value
     */
    Settings settings() {
        Mode m = switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "fast" -> Mode.FAST;
            case "contemplate" -> Mode.CONTEMPLATE;
            case "auto" -> Mode.AUTO;
            default -> throw CliException.usage("unknown mode " + CliException.quote(mode)
                    + "; valid: fast, contemplate, auto");
        };
        Duration d;
        try {
            d = Durations.parse(budget);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage(), e);
        }
        Map<String, StoppingRule> rules = new LinkedHashMap<>();
        for (String spec : stop) {
            try {
                StoppingRule rule = StoppingRules.parse(spec);
                rules.putIfAbsent(rule.name(), rule);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(CliException.quoting(e.getMessage(), spec), e);
            }
        }
        if (rules.isEmpty()) {
            throw CliException.usage("--stop needs a rule; valid: " + StoppingRules.SPECS);
        }
        AnswerExtractor extractor;
        try {
            extractor = AnswerExtractors.parse(extract);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(CliException.quoting(e.getMessage(), extract), e);
        }
        Voting voting;
        try {
            voting = Votings.parse(vote, extractor);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(CliException.quoting(e.getMessage(), vote), e);
        }
        if (judge != null && verifier != null) {
            throw CliException.usage("--judge and --verifier both choose the last step: give one of them");
        }
        Aggregator aggregator = null;
        if (judge != null) {
            try {
                aggregator = Aggregators.parse(judge);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(CliException.quoting(e.getMessage(), judge), e);
            }
        } else if (verifier != null) {
            if (!verifier.strip().toLowerCase(Locale.ROOT).equals("llm")) {
                throw CliException.usage("unknown verifier " + CliException.quote(verifier) + "; valid: llm");
            }
            aggregator = Aggregators.bestOfN(Verifiers.llmRating());
        }
        Map<String, Deliberation> protocols = new LinkedHashMap<>();
        for (String spec : protocol) {
            try {
                Deliberation p = Deliberation.parse(spec);
                protocols.putIfAbsent(p.name(), p);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(CliException.quoting(e.getMessage(), spec), e);
            }
        }
        if (protocols.isEmpty()) {
            throw CliException.usage("--protocol needs a protocol; valid: " + Deliberation.SPECS);
        }
        if (m == Mode.FAST && protocols.values().stream().anyMatch(p -> !(p instanceof Deliberation.Independent))) {
            throw CliException.usage("--mode fast asks one agent once: it takes no --protocol but independent");
        }
        if (waves != null && waves < 1) {
            throw CliException.usage("--waves must be at least 1 but was " + waves);
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 10)) {
            throw CliException.usage("--temperature must be between 0 and 10 but was " + temperature);
        }
        if (maxTokens != null && maxTokens < 1) {
            throw CliException.usage("--max-tokens must be at least 1 but was " + maxTokens);
        }
        boolean chosen = seed == null;
        long s = chosen ? ThreadLocalRandom.current().nextLong(1, 1_000_000_000L) : seed;
        Scheduling scheduling = waves == null ? Scheduling.allAtOnce() : Scheduling.waves(waves);
        return new Settings(m, d, List.copyOf(rules.values()), extractor, voting, aggregator,
                List.copyOf(protocols.values()), s, chosen, scheduling, waves, temperature, maxTokens);
    }

    /**
     * Refuses a protocol with later rounds on the embedded demo model, which reads only arithmetic questions of one
     * form and so could not read the other agents' answers.
     *
     * @throws CliException a usage error naming the protocol and the engines that can run it
     */
    static void checkProtocol(Settings settings, EngineOptions.Config config) {
        for (Deliberation p : settings.protocols()) {
            requireChatModel(p, config, "--engine openai (an OpenAI-compatible server) or --engine simulated");
        }
    }

    /**
     * Refuses {@code protocol} beyond independent on the embedded demo model.
     *
     * @param use the engines to suggest instead, e.g. {@code --base-url (an OpenAI-compatible server)}
     * @throws CliException a usage error naming the protocol and {@code use}
     */
    static void requireChatModel(Deliberation protocol, EngineOptions.Config config, String use) {
        if (config.kind() == EngineOptions.Kind.EMBEDDED && !(protocol instanceof Deliberation.Independent)) {
            throw CliException.usage("--protocol " + protocol.name() + " needs a chat model: the embedded "
                    + "demo model reads only arithmetic questions such as 54+39-25+73, not other agents' answers; use "
                    + use);
        }
    }

    /** Returns how the extractor is named in reports. */
    static String extractorName(AnswerExtractor extractor) {
        return extractor.toString();
    }
}

package dev.contemplate.examples.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The engine options shared by every command, and their resolution against the environment. */
final class EngineOptions {

    /** The environment variable with the base URL of an OpenAI-compatible server. */
    static final String ENV_BASE_URL = "CONTEMPLATE_BASE_URL";
    /** The environment variable with the API key of that server. */
    static final String ENV_API_KEY = "CONTEMPLATE_API_KEY";
    /** The environment variable with the model name on that server. */
    static final String ENV_MODEL = "CONTEMPLATE_MODEL";
    /** The base URL of the openai engine when none is configured. */
    static final String OPENAI_URL = "https://api.openai.com/v1";
    /** The team of {@code --team} by default: every persona the engine has, cycled over the agents. */
    static final String MIXED = "mixed";

    /** Which engine runs the agents. */
    enum Kind {
        /** The project's embedded ONNX engine with its demo arithmetic model. */
        EMBEDDED,
        /** An OpenAI-compatible server through LangChain4j. */
        OPENAI,
        /** The simulated engine: a research tool, not a model. */
        SIMULATED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The resolved engine configuration.
     *
     * @param kind the engine
     * @param baseUrl the server's base URL (openai only)
     * @param apiKey the API key (openai only)
     * @param model the model name (openai only)
     * @param team {@value #MIXED}, or the name of the embedded model's strategy every agent uses
     * @param decodeLoops the embedded engine's decoding loops (1 unless --decode-loops says otherwise)
     */
    record Config(Kind kind, @Nullable String baseUrl, @Nullable String apiKey, @Nullable String model,
            String team, int decodeLoops) {

        /** Returns whether the team cycles every persona of the engine. */
        boolean mixed() {
            return team.equals(MIXED);
        }
    }

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "embedded, openai or simulated. Default: openai when a base URL is configured "
                    + "(--base-url or " + ENV_BASE_URL + "), else embedded (the project's ONNX demo arithmetic "
                    + "model). simulated is a research tool whose answers are drawn from programmed "
                    + "distributions; its output is labelled simulated.")
    @Nullable String engine;

    @Option(names = "--team", paramLabel = "TEAM", defaultValue = MIXED,
            description = "Who the agents are. mixed: the engine's personas cycled over the agents (the embedded "
                    + "model's solution strategies; one plain persona for the other engines). A strategy of the "
                    + "embedded model, by name or tag (e.g. forward or L): every agent is a clone of that persona, "
                    + "differing only by its seed. Default: ${DEFAULT-VALUE}.")
    String team = MIXED;

    @Option(names = "--decode-loops", paramLabel = "N",
            description = "Embedded engine only: how many decoding loops, each on its own thread, share the model "
                    + "(1 to 8); concurrent agents are spread over them. Default: 1.")
    @Nullable Integer decodeLoops;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "Base URL of an OpenAI-compatible server, e.g. http://localhost:8000/v1 (vLLM, SGLang, "
                    + "llama.cpp, Ollama). Default: $" + ENV_BASE_URL + "; " + OPENAI_URL + " for --engine openai "
                    + "without one.")
    @Nullable String baseUrl;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key of that server. Default: $" + ENV_API_KEY + ", else 'none' (required for "
                    + OPENAI_URL + ").")
    @Nullable String apiKey;

    @Option(names = "--model", paramLabel = "NAME",
            description = "Model name on that server (required for openai). Default: $" + ENV_MODEL + ".")
    @Nullable String model;

    /**
     * Resolves the options against {@code env}.
     *
     * @throws CliException a usage error naming the problem
     */
    Config resolve(Map<String, String> env) {
        Kind kind = null;
        if (engine != null) {
            try {
                kind = Kind.valueOf(engine.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("unknown engine " + CliException.quote(engine)
                        + "; valid: embedded, openai, simulated");
            }
        }
        String url = firstNonBlank(baseUrl, env.get(ENV_BASE_URL));
        if (kind == null) {
            kind = url != null ? Kind.OPENAI : Kind.EMBEDDED;
        }
        String teamName = resolveTeam(kind);
        if (decodeLoops != null && kind != Kind.EMBEDDED) {
            throw CliException.usage("--decode-loops is an option of the embedded engine, not of --engine "
                    + kind.label());
        }
        if (decodeLoops != null && (decodeLoops < 1 || decodeLoops > 8)) {
            throw CliException.usage("--decode-loops must be in [1, 8] but was " + decodeLoops);
        }
        int loops = decodeLoops == null ? 1 : decodeLoops;
        if (kind != Kind.OPENAI) {
            if (baseUrl != null || apiKey != null || model != null) {
                throw CliException.usage("--base-url, --api-key and --model are options of --engine openai, not "
                        + "of --engine " + kind.label());
            }
            return new Config(kind, null, null, null, teamName, loops);
        }
        String key = firstNonBlank(apiKey, env.get(ENV_API_KEY));
        String name = firstNonBlank(model, env.get(ENV_MODEL));
        if (url == null) {
            url = OPENAI_URL;
            if (key == null) {
                throw CliException.usage("--engine openai without a base URL uses " + OPENAI_URL
                        + ", which needs an API key: pass --api-key KEY or set " + ENV_API_KEY
                        + " (or point --base-url at your own server)");
            }
        }
        if (name == null) {
            throw CliException.usage("the openai engine needs a model name: pass --model NAME or set " + ENV_MODEL);
        }
        checkUrl(url);
        return new Config(kind, url, key == null ? "none" : key, name, teamName, loops);
    }

    /**
     * Returns {@value #MIXED} or the canonical name of the strategy {@code --team} names.
     *
     * @throws CliException a usage error for an unknown team, or a strategy with an engine other than embedded
     */
    private String resolveTeam(Kind kind) {
        String t = team.strip();
        if (t.equalsIgnoreCase(MIXED)) {
            return MIXED;
        }
        if (t.isEmpty()) {
            throw CliException.usage("--team is empty; valid: " + MIXED + ", or a strategy of the embedded model: "
                    + EmbeddedEngines.strategyList());
        }
        if (kind != Kind.EMBEDDED) {
            throw CliException.usage(CliException.quoting("--team " + t + " names a strategy of the embedded model, "
                    + "but --engine " + kind.label() + " has one persona; use --team " + MIXED + " (the default) with "
                    + "--engine " + kind.label(), t));
        }
        return EmbeddedEngines.persona(t).map(p -> p.name()).orElseThrow(() -> CliException.usage("unknown team "
                + CliException.quote(t) + "; valid: " + MIXED + ", or a strategy of the embedded model by name or tag: "
                + EmbeddedEngines.strategyList()));
    }

    private static void checkUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw CliException.usage("invalid base URL " + CliException.quote(url)
                        + "; expected http(s)://host[:port]/path, e.g. "
                        + "http://localhost:8000/v1");
            }
        } catch (URISyntaxException e) {
            throw CliException.usage("invalid base URL " + CliException.quote(url) + ": " + e.getReason() + " at index "
                    + e.getIndex(), e);
        }
    }

    private static @Nullable String firstNonBlank(@Nullable String a, @Nullable String b) {
        if (a != null && !a.isBlank()) {
            return a.strip();
        }
        return b != null && !b.isBlank() ? b.strip() : null;
    }
}

package dev.contemplate.examples.cli;

import dev.contemplate.agents.Persona;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.onnx.EngineStats;
import dev.contemplate.inference.onnx.OnnxEngine;
import dev.contemplate.inference.onnx.arithmetic.ArithmeticModel;
import dev.contemplate.research.bench.CostMeter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the command line knows about the embedded engine, the default when no other engine is configured:
 * the project's ONNX engine running its demo arithmetic model (module {@code contemplate-inference-onnx-arithmetic}).
 *
 * <p>The model reads one family of questions, a start number and three additions or subtractions
 * ({@code What is 54+39-25+73?}), which {@link #readQuestion} turns into the canonical expression the model is
 * prompted with. Its prompt takes the system message as the solution strategy's tag and the user message as the
 * question, so the team is mixed: agent {@code i} uses strategy {@code i mod strategies} as its persona, with the
 * plain prompt style, the model's recommended temperature, at most {@value #MAX_TOKENS} tokens, and the numeric
 * extractor (the model ends its chain with {@code ;#141}).
 *
 * <p>Every call that touches the model module is guarded: when the module is missing from the class path, or the
 * engine cannot start, the command line reports it in one line and exits with
 * {@value ExitCodes#ENGINE_UNAVAILABLE}.
 */
final class EmbeddedEngines {

    /** The most tokens an agent of the embedded model generates. */
    static final int MAX_TOKENS = 48;

    /** The question family the model reads, for error messages and help. */
    static final String QUESTION_FAMILY = "a start number and three additions or subtractions of numbers 1-99, "
            + "e.g. 'What is 54+39-25+73?'";

    private static final String HINT = "use --engine simulated, or an OpenAI-compatible server with --base-url URL "
            + "(or CONTEMPLATE_BASE_URL)";

    private EmbeddedEngines() {
    }

    /**
     * Returns the canonical expression of {@code question} ({@code 54+39-25+73}), or empty when the model cannot
     * read it.
     */
    static Optional<String> readQuestion(String question) {
        try {
            return ArithmeticModel.normalizeQuestion(question);
        } catch (LinkageError e) {
            throw missing(e);
        }
    }

    /** Returns a new embedded engine with {@code decodeLoops} decoding loops; the caller closes it. */
    static InferenceEngine engine(int decodeLoops) {
        try {
            return ArithmeticModel.engineBuilder().decodeLoops(decodeLoops).build();
        } catch (LinkageError e) {
            throw missing(e);
        } catch (RuntimeException e) {
            throw CliException.unavailable("the embedded engine could not start: " + message(e) + "; " + HINT, e);
        }
    }

    /** Returns one persona per solution strategy: its name, and its tag as the system prompt. */
    static List<Persona> personas() {
        try {
            List<Persona> personas = new ArrayList<>();
            for (var strategy : ArithmeticModel.strategies()) {
                personas.add(Persona.of(strategy.name(), strategy.tag()));
            }
            return personas;
        } catch (LinkageError e) {
            throw missing(e);
        }
    }

    /**
     * Returns the persona of the strategy {@code tagOrName} names (a tag such as {@code L}, or a name such as
     * {@code forward}, ignoring case), or empty when the model has no such strategy.
     */
    static Optional<Persona> persona(String tagOrName) {
        try {
            return ArithmeticModel.strategy(tagOrName).map(s -> Persona.of(s.name(), s.tag()));
        } catch (LinkageError e) {
            throw missing(e);
        }
    }

    /** Returns the strategies for messages: {@code forward (L), backward (B), ...}. */
    static String strategyList() {
        try {
            return String.join(", ", ArithmeticModel.strategies().stream()
                    .map(s -> s.name() + " (" + s.tag() + ")").toList());
        } catch (LinkageError e) {
            throw missing(e);
        }
    }

    /** Returns the sampling temperature the model was tuned for. */
    static double recommendedTemperature() {
        try {
            return ArithmeticModel.recommendedTemperature();
        } catch (LinkageError e) {
            throw missing(e);
        }
    }

    /** Returns the engine's description for reports: the mixed team's strategies, or the one every agent uses. */
    static String describe(InferenceEngine engine, List<Persona> personas, boolean mixed) {
        String team = mixed ? "strategies " + String.join(", ", personas.stream().map(Persona::name).toList())
                : "every agent uses strategy " + personas.get(0).name();
        return "embedded (" + engine.name() + ", demo arithmetic model; " + team + ")";
    }

    private static CliException missing(LinkageError e) {
        return CliException.unavailable("the embedded engine (the default without --engine or a base URL) is not "
                + "available in this build (" + e.getClass().getSimpleName() + ": " + message(e) + "); " + HINT, e);
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Returns the embedded engine's own counters as a bench cost meter (see {@link EngineCosts}): decoding steps,
     * the rows they computed, prefills, the time inside ONNX Runtime and the engine's other time in its steps.
     */
    static CostMeter costMeter(InferenceEngine engine) {
        if (!(engine instanceof OnnxEngine onnx)) {
            return CostMeter.NONE;
        }
        return () -> {
            EngineStats s = onnx.stats();
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(EngineCosts.STEPS, (double) s.steps());
            m.put(EngineCosts.ROW_STEPS, (double) s.rowSteps());
            m.put(EngineCosts.PREFILLS, (double) s.prefills());
            m.put(EngineCosts.DECODE_MS, s.decodeNanos() / 1e6);
            m.put(EngineCosts.PREFILL_MS, s.prefillNanos() / 1e6);
            m.put(EngineCosts.COPY_MS, s.cacheCopyNanos() / 1e6);
            m.put(EngineCosts.HOST_MS, s.hostNanos() / 1e6);
            return m;
        };
    }
}

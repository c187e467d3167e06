package dev.contemplate.inference.onnx.arithmetic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.onnx.CharTokenizer;
import dev.contemplate.inference.onnx.ModelConfig;
import dev.contemplate.inference.onnx.OnnxEngine;
import dev.contemplate.inference.onnx.PromptTemplate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The demo arithmetic model: its ONNX file, vocabulary and {@code model.json} travel inside this jar (under
 * {@code dev/contemplate/inference/onnx/arithmetic/}) and are read from the classpath, so nothing outside the jar is needed.
 *
 * <p>Questions are of one family: a start number from 1 to 99, then exactly three additions or subtractions of
 * numbers from 1 to 99, for example {@code 54+39-25+73}. The model writes three steps in the order of the requested
 * {@link Strategy} and then the answer after {@code #}, for example
 * {@code +054+39=+093;+093-25=+068;+068+73=+141;#141}.
 *
 * <p>The engine's prompt template reads the strategy from the request's system message (a strategy's tag such as
 * {@code L}, or its name such as {@code forward}; without a system message the first strategy is used) and the
 * question from the last user message, which may be phrased ({@link #normalizeQuestion(String)}).
 */
public final class ArithmeticModel {

    private static final String BASE = "dev/contemplate/inference/onnx/arithmetic/";
    private static final String MODEL = BASE + "model.onnx";

    /** The model's name in reports: the demo model, 64 wide. */
    public static final String MODEL_NAME = "contemplate-arithmetic-64";
    private static final String VOCAB = BASE + "vocab.json";
    private static final String CONFIG = BASE + "model.json";

    private static final Pattern EXPRESSION = Pattern.compile(
            "(?<![\\d.])(\\d+)\\s*([+-])\\s*(\\d+)\\s*([+-])\\s*(\\d+)\\s*([+-])\\s*(\\d+)(?![\\d.])");
    private static final String OPERATORS = "+-*/×÷^";

    private ArithmeticModel() {
    }

    /** What {@code model.json} says beyond the model's shape; read once. */
    private static final class Info {
        static final Info INSTANCE = load();

        final ModelConfig config;
        final String promptFormat;
        final String answerMarker;
        final List<Strategy> strategies;
        final double recommendedTemperature;
        final byte[] vocabJson;

        private Info(ModelConfig config, String promptFormat, String answerMarker, List<Strategy> strategies,
                double recommendedTemperature, byte[] vocabJson) {
            this.config = config;
            this.promptFormat = promptFormat;
            this.answerMarker = answerMarker;
            this.strategies = strategies;
            this.recommendedTemperature = recommendedTemperature;
            this.vocabJson = vocabJson;
        }

        private static Info load() {
            byte[] json = resource(CONFIG);
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(json);
            } catch (IOException e) {
                throw new IllegalStateException(CONFIG + " is not valid JSON", e);
            }
            ModelConfig config = ModelConfig.fromJson(new ByteArrayInputStream(json));
            String format = text(root, "prompt_format");
            if (!format.contains("{question}") || !format.contains("{strategy}")) {
                throw new IllegalStateException(CONFIG + ": prompt_format must contain {question} and {strategy}"
                        + " but was '" + format + "'");
            }
            List<Strategy> strategies = new ArrayList<>();
            for (JsonNode s : root.path("strategies")) {
                strategies.add(new Strategy(text(s, "tag"), text(s, "name"), s.path("description").asText("")));
            }
            if (strategies.isEmpty()) {
                throw new IllegalStateException(CONFIG + " lists no strategies");
            }
            double temperature = root.path("recommended_temperature").asDouble(0.7);
            String marker = root.path("answer_marker").asText("#");
            return new Info(config, format, marker, List.copyOf(strategies), temperature, resource(VOCAB));
        }

        private static String text(JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v == null || !v.isTextual()) {
                throw new IllegalStateException(CONFIG + " lacks the text field '" + field + "'");
            }
            return v.asText();
        }
    }

    private static byte[] resource(String path) {
        // through the class, not its loader: on a module path the package's resources are encapsulated
        try (InputStream in = ArithmeticModel.class.getResourceAsStream("/" + path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + path, e);
        }
    }

    /**
     * Returns a builder preconfigured with the model (read from the jar), its configuration, tokenizer and prompt
     * template, and the name {@code arithmetic}; callers may change engine options (rows, queue, threads) before
     * building.
     *
     * @return the builder
     * @throws IllegalStateException if a resource is missing or malformed
     */
    public static OnnxEngine.Builder engineBuilder() {
        return OnnxEngine.builder()
                .name("arithmetic")
                .modelName(MODEL_NAME)
                .model(resource(MODEL), "classpath:" + MODEL)
                .config(config())
                .tokenizer(tokenizer())
                .promptTemplate(promptTemplate());
    }

    /**
     * Returns a new engine with the default options. The caller closes it.
     *
     * @return the engine
     */
    public static OnnxEngine engine() {
        return engineBuilder().build();
    }

    /** Returns the model's shape from {@code model.json}. */
    public static ModelConfig config() {
        return Info.INSTANCE.config;
    }

    /** Returns a new tokenizer over the model's character vocabulary. */
    public static CharTokenizer tokenizer() {
        return CharTokenizer.fromJson(new ByteArrayInputStream(Info.INSTANCE.vocabJson));
    }

    /** Returns the strategies the model knows, in {@code model.json} order. */
    public static List<Strategy> strategies() {
        return Info.INSTANCE.strategies;
    }

    /**
     * Finds a strategy by its tag (exactly, or ignoring case) or its name (ignoring case).
     *
     * @param tagOrName for example {@code L} or {@code forward}
     * @return the strategy, or empty if none matches
     */
    public static Optional<Strategy> strategy(String tagOrName) {
        String t = tagOrName.trim();
        for (Strategy s : strategies()) {
            if (s.tag().equals(t)) {
                return Optional.of(s);
            }
        }
        for (Strategy s : strategies()) {
            if (s.tag().equalsIgnoreCase(t) || s.name().equalsIgnoreCase(t)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Returns the sampling temperature the model's trainers recommend for diverse but mostly correct samples. */
    public static double recommendedTemperature() {
        return Info.INSTANCE.recommendedTemperature;
    }

    /** Returns the prompt format, with {@code {question}} and {@code {strategy}} placeholders. */
    public static String promptFormat() {
        return Info.INSTANCE.promptFormat;
    }

    /** Returns the marker before the final answer in a generation ({@code #}). */
    public static String answerMarker() {
        return Info.INSTANCE.answerMarker;
    }

    /**
     * Returns the prompt text for a question and a strategy, as the model was trained on.
     *
     * @param question a question of the family, phrased or not
     * @param strategy a strategy's tag or name
     * @return the prompt, for example {@code "Q:54+39-25+73=?\nL:"}
     * @throws IllegalArgumentException naming the problem if the question is not of the family or the strategy is
     *     unknown
     */
    public static String prompt(String question, String strategy) {
        Strategy s = strategy(strategy).orElseThrow(() -> new IllegalArgumentException("unknown strategy '"
                + strategy + "'; the model knows " + describeStrategies()));
        String q = normalizeQuestion(question).orElseThrow(() -> new IllegalArgumentException("'" + question
                + "' is not a question the model answers: a number from 1 to 99 followed by exactly three"
                + " additions or subtractions of numbers from 1 to 99, such as 54+39-25+73"));
        return substitute(promptFormat(), q, s.tag());
    }

    private static String substitute(String format, String question, String tag) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            if (format.startsWith("{question}", i)) {
                sb.append(question);
                i += "{question}".length();
            } else if (format.startsWith("{strategy}", i)) {
                sb.append(tag);
                i += "{strategy}".length();
            } else {
                sb.append(format.charAt(i++));
            }
        }
        return sb.toString();
    }

    private static String describeStrategies() {
        return strategies().stream().map(s -> s.tag() + " (" + s.name() + ")").collect(Collectors.joining(", "));
    }

    /**
     * Returns the engine's prompt template: the strategy from the last system message (the first strategy if there
     * is none), the question from the last user message; it rejects, naming the value, an unknown strategy or a
     * question outside the family.
     */
    public static PromptTemplate promptTemplate() {
        return messages -> {
            String strategy = strategies().get(0).tag();
            String question = null;
            for (Message m : messages) {
                if (m.role() == Message.Role.SYSTEM) {
                    strategy = m.text();
                } else if (m.role() == Message.Role.USER) {
                    question = m.text();
                }
            }
            if (question == null) {
                throw new IllegalArgumentException("the request has no user message with a question");
            }
            return prompt(question, strategy);
        };
    }

    /**
     * Finds the question in a text and returns it in the canonical form the model was trained on: no spaces, no
     * leading zeros, for example {@code 54+39-25+73} for {@code "What is 54 + 39 - 25 + 73?"}.
     *
     * <p>The text must contain exactly one expression of the family (a start number from 1 to 99, then exactly
     * three {@code +} or {@code -} operations on numbers from 1 to 99; spaces around operators and a Unicode minus
     * sign are accepted) and no other digits, and no further arithmetic operator right before or after it. Whether
     * every running value stays non-negative, as in the model's training data, is not checked: such questions are
     * accepted, but the model was not trained on negative intermediate values.
     *
     * @param text the question, phrased or not
     * @return the canonical expression, or empty if the text holds no question of the family or more than one
     */
    public static Optional<String> normalizeQuestion(String text) {
        String t = text.replace('\u2212', '-').replace('\uFF0B', '+').replace('\uFF0D', '-');
        Matcher m = EXPRESSION.matcher(t);
        if (!m.find()) {
            return Optional.empty();
        }
        int start = m.start();
        int end = m.end();
        String outside = t.substring(0, start) + " " + t.substring(end);
        if (outside.chars().anyMatch(Character::isDigit)) {
            return Optional.empty();
        }
        if (OPERATORS.indexOf(neighbour(t, start - 1, -1)) >= 0 || OPERATORS.indexOf(neighbour(t, end, 1)) >= 0) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder();
        for (int g = 1; g <= 7; g++) {
            String part = m.group(g);
            if (g % 2 == 1) {
                if (part.length() > 2) {
                    return Optional.empty();
                }
                int v = Integer.parseInt(part);
                if (v < 1 || v > 99) {
                    return Optional.empty();
                }
                sb.append(v);
            } else {
                sb.append(part);
            }
        }
        return Optional.of(sb.toString());
    }

    /** Returns the nearest non-space character from {@code i} in direction {@code step}, or a space if none. */
    private static char neighbour(String s, int i, int step) {
        for (int j = i; j >= 0 && j < s.length(); j += step) {
            char c = s.charAt(j);
            if (!Character.isWhitespace(c)) {
                return c;
            }
        }
        return ' ';
    }

    /**
     * Returns the exact value of a question of the family.
     *
     * @param question a question, phrased or not
     * @return its value, or empty if it is not of the family
     */
    public static OptionalInt solve(String question) {
        Optional<String> q = normalizeQuestion(question);
        if (q.isEmpty()) {
            return OptionalInt.empty();
        }
        Matcher m = Pattern.compile("([+-]?)(\\d+)").matcher(q.get());
        int value = 0;
        while (m.find()) {
            int n = Integer.parseInt(m.group(2));
            value += "-".equals(m.group(1)) ? -n : n;
        }
        return OptionalInt.of(value);
    }

    /**
     * Reads the final answer from a generation: the integer after the last answer marker.
     *
     * @param generation the model's text, for example {@code +054+39=+093;+093-25=+068;+068+73=+141;#141}
     * @return the answer, or empty if the text has none
     */
    public static OptionalInt parseAnswer(String generation) {
        Matcher m = Pattern.compile(Pattern.quote(answerMarker()) + "\\s*(-?\\d+)").matcher(generation);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(last));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}

package dev.contemplate.examples.cli;

import dev.contemplate.inference.simulated.Scenario;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scenarios the command line's simulated engine plays. A question with a known truth (a data set's answer,
 * or the value of an arithmetic expression such as {@code What is 2+2?}) gets the truth with a probability between
 * {@value #MIN_CORRECT} and {@value #MAX_CORRECT} that depends on the question (its difficulty), three wrong
 * answers near it sharing the rest, except {@value #NO_ANSWER} of texts without an answer. Right answers take
 * 20-60 tokens, wrong ones 30-90 (wrong chains of thought run longer), texts without an answer 20-80.
 *
 * <p>Any other question ({@code What is the capital of Australia?}, {@code Explain why the sky is blue}) is a
 * free-form question: the engine cannot know its answer, so it plays a generic scenario templated on the question's
 * words, whose texts are whole free-form answers with paraphrases and near misses (see
 * {@link Scenario#answerPhrasings()}), for the semantic vote to cluster:
 * <ul>
 *   <li>the right answer, {@value #RIGHT}, with the same difficulty-dependent probability as a truth, in three
 *       phrasings: {@code "The capital of Australia is simulated answer 1."}, {@code "Simulated answer 1: that is
 *       what the capital of Australia is."} and {@code "After some thought, the capital of Australia is simulated
 *       answer number one, I am fairly sure."};</li>
 *   <li>a near miss, {@value #NEAR_MISS}, with {@value #NEAR_MISS_SHARE} of the wrong mass, in two phrasings worded
 *       like the right answer's first two ({@code "The capital of Australia is simulated answer 2."}): it differs
 *       only in the one word that matters, as "Sydney" differs from "Canberra";</li>
 *   <li>an unrelated answer, {@value #UNRELATED}, with the rest of the wrong mass, in one phrasing that does not
 *       address the question ({@code "Something else entirely: simulated answer 3 is about the weather, not the
 *       capital of Australia."});</li>
 *   <li>no answer with probability {@value #NO_ANSWER} ({@code "... I cannot settle on a result."}, 20-80
 *       tokens).</li>
 * </ul>
 * The subject is the rest of a {@code what/who/where/which/when is/are/was/were ...} question (with its verb),
 * {@code the explanation of why/how ...} for a {@code why}/{@code how} question or an {@code explain/describe
 * why/how ...} request, and {@code the answer to "<question>"} otherwise. Every text says "simulated", and the engine
 * and the command's output are labelled simulated as for any other question. The right answer is always the most
 * probable one, so a vote that merges its paraphrases and keeps the near miss apart ({@code --vote semantic}) finds
 * it; a plain majority on exact texts splits it three ways.
 *
 * <p>Timing: a first token after 150-400 ms, then log-normal per-token delays of median 25 ms. Everything derives
 * from the question text, so runs are reproducible.
 */
final class SimulatedScenarios {

    static final double MIN_CORRECT = 0.35;
    static final double MAX_CORRECT = 0.85;
    static final double NO_ANSWER = 0.05;
    static final int RIGHT_TOKENS_MIN = 20;
    static final int RIGHT_TOKENS_MAX = 60;
    static final int WRONG_TOKENS_MIN = 30;
    static final int WRONG_TOKENS_MAX = 90;

    /** The free-form scenario's right answer. */
    static final String RIGHT = "simulated answer 1";
    /** The free-form scenario's near miss: worded like the right answer, but wrong. */
    static final String NEAR_MISS = "simulated answer 2";
    /** The free-form scenario's unrelated wrong answer. */
    static final String UNRELATED = "simulated answer 3";
    /** The near miss's share of the free-form scenario's wrong mass; the unrelated answer has the rest. */
    static final double NEAR_MISS_SHARE = 0.55;

    private static final Pattern IS_QUESTION = Pattern.compile(
            "(?i)(?:what|who|where|which|when)\\s+(is|are|was|were)\\s+(.+)");
    private static final Pattern WHY_QUESTION = Pattern.compile(
            "(?i)(?:(?:please\\s+)?(?:explain|describe)(?:\\s+to\\s+me)?\\s+)?((?:why|how)\\s+.+)");
    private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[\\s?.!]+$");

    private static final Pattern EXPRESSION = Pattern.compile("[-+*/()\\d\\s.]*\\d[-+*/()\\d\\s.]*");

    private SimulatedScenarios() {
    }

    /**
     * Returns the scenarios of single questions: arithmetic gets its value as the truth, any other question the
     * free-form scenario of {@link #freeForm(String)}.
     */
    static Function<String, Scenario> forQuestions() {
        return question -> arithmeticValue(question).map(v -> withTruth(question, v))
                .orElseGet(() -> freeForm(question));
    }

    /** Returns the scenarios of a data set: each known question gets its answer key as the truth. */
    static Function<String, Scenario> forDataset(Map<String, String> truthByQuestion) {
        Map<String, String> truths = Map.copyOf(truthByQuestion);
        Function<String, Scenario> fallback = forQuestions();
        return question -> {
            String truth = truths.get(question);
            return truth == null ? fallback.apply(question) : withTruth(question, truth);
        };
    }

    /** The scenario of a question whose right answer is {@code truth}. */
    static Scenario withTruth(String question, String truth) {
        double u = unit(question, 1);
        double correct = MIN_CORRECT + (MAX_CORRECT - MIN_CORRECT) * u;
        double wrong = 1 - correct - NO_ANSWER;
        String[] distractors = distractors(truth);
        Map<String, Double> answers = new LinkedHashMap<>();
        double[] shares = {0.5, 0.3, 0.2};
        double total = 0;
        for (int i = 0; i < distractors.length; i++) {
            total += shares[i];
        }
        for (int i = 0; i < distractors.length; i++) {
            answers.put(distractors[i], wrong * shares[i] / total);
        }
        Scenario.Builder b = timing(question).answer(truth, correct, RIGHT_TOKENS_MIN, RIGHT_TOKENS_MAX);
        answers.forEach((answer, p) -> b.answer(answer, p, WRONG_TOKENS_MIN, WRONG_TOKENS_MAX));
        return b.build();
    }

    /**
     * Returns the free-form scenario of a question without a known truth: a right answer in three phrasings, a near
     * miss in two and an unrelated answer in one, templated on the question's words (see the class comment).
     */
    static Scenario freeForm(String question) {
        double correct = MIN_CORRECT + (MAX_CORRECT - MIN_CORRECT) * unit(question, 1);
        double wrong = 1 - correct - NO_ANSWER;
        String[] sv = subject(question);
        String subject = sv[0];
        String verb = sv[1];
        String head = Character.toUpperCase(subject.charAt(0)) + subject.substring(1);
        return timing(question)
                .answer(RIGHT, correct, List.of(
                        head + " " + verb + " simulated answer 1.",
                        "Simulated answer 1: that is what " + subject + " " + verb + ".",
                        "After some thought, " + subject + " " + verb + " simulated answer number one, I am fairly"
                                + " sure."))
                .answer(NEAR_MISS, wrong * NEAR_MISS_SHARE, List.of(
                        head + " " + verb + " simulated answer 2.",
                        "Simulated answer 2: that is what " + subject + " " + verb + "."))
                .answer(UNRELATED, wrong * (1 - NEAR_MISS_SHARE), List.of(
                        "Something else entirely: simulated answer 3 is about the weather, not " + subject + "."))
                .build();
    }

    /**
     * Returns the subject of a free-form question and its verb: {@code ["the capital of Australia", "is"]} for
     * {@code What is the capital of Australia?}, {@code ["the explanation of why the sky is blue", "is"]} for
     * {@code Explain why the sky is blue}, else {@code ["the answer to \"<question>\"", "is"]}.
     */
    static String[] subject(String question) {
        String q = TRAILING_PUNCTUATION.matcher(question.strip()).replaceAll("");
        if (q.isEmpty()) {
            return new String[] {"the answer to this question", "is"};
        }
        Matcher is = IS_QUESTION.matcher(q);
        if (is.matches()) {
            return new String[] {is.group(2).strip(), is.group(1).toLowerCase(Locale.ROOT)};
        }
        Matcher why = WHY_QUESTION.matcher(q);
        if (why.matches()) {
            String rest = why.group(1);
            return new String[] {"the explanation of " + Character.toLowerCase(rest.charAt(0)) + rest.substring(1),
                "is"};
        }
        return new String[] {"the answer to \"" + q + "\"", "is"};
    }

    private static Scenario.Builder timing(String question) {
        return Scenario.builder()
                .firstTokenLatency(Duration.ofMillis(150 + Math.round(250 * unit(question, 2))))
                .medianTokenLatency(Duration.ofMillis(25), 0.35)
                .outputTokens(20, 80);
    }

    private static String[] distractors(String truth) {
        String[] d = candidates(truth);
        return java.util.Arrays.stream(d).filter(x -> !x.equals(truth)).distinct().toArray(String[]::new);
    }

    private static String[] candidates(String truth) {
        try {
            BigDecimal t = new BigDecimal(truth);
            BigDecimal doubled = t.signum() == 0 ? BigDecimal.TEN : t.add(t);
            return new String[] {key(t.add(BigDecimal.ONE)), key(t.subtract(BigDecimal.ONE)), key(doubled)};
        } catch (NumberFormatException e) {
            return new String[] {"not " + truth, truth + " or something else", "unknown"};
        }
    }

    private static String key(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    /** A number in [0, 1) derived from the question text and {@code salt}, stable across runs. */
    private static double unit(String question, int salt) {
        long h = 0xcbf29ce484222325L ^ salt;
        for (int i = 0; i < question.length(); i++) {
            h = (h ^ question.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (h >>> 11) * 0x1.0p-53;
    }

    /**
     * Returns the value of the integer arithmetic in {@code question} ({@code What is 2+2?}, {@code 54+39-25+73},
     * {@code (3+4)*5}): the longest run of digits, operators and parentheses with an operator, evaluated exactly;
     * empty when there is none or a division is not exact.
     */
    static Optional<String> arithmeticValue(String question) {
        Matcher m = EXPRESSION.matcher(question);
        String best = null;
        while (m.find()) {
            String candidate = m.group().strip();
            boolean hasOperator = candidate.matches(".*\\d\\s*[-+*/]\\s*[-+(\\d].*");
            if (hasOperator && (best == null || candidate.length() > best.length())) {
                best = candidate;
            }
        }
        if (best != null) {
            best = best.replaceAll("\\.+$", "");
        }
        if (best == null || best.contains(".")) {
            return Optional.empty();
        }
        try {
            Parser p = new Parser(best.replaceAll("\\s+", ""));
            BigInteger v = p.expression();
            return p.atEnd() ? Optional.of(v.toString()) : Optional.empty();
        } catch (ArithmeticException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** Recursive descent over + - * / and parentheses, integers only. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos == s.length();
        }

        BigInteger expression() {
            BigInteger v = term();
            while (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                char op = s.charAt(pos++);
                BigInteger r = term();
                v = op == '+' ? v.add(r) : v.subtract(r);
            }
            return v;
        }

        private BigInteger term() {
            BigInteger v = factor();
            while (pos < s.length() && (s.charAt(pos) == '*' || s.charAt(pos) == '/')) {
                char op = s.charAt(pos++);
                BigInteger r = factor();
                if (op == '*') {
                    v = v.multiply(r);
                } else {
                    BigInteger[] qr = v.divideAndRemainder(r);
                    if (qr[1].signum() != 0) {
                        throw new ArithmeticException("inexact division");
                    }
                    v = qr[0];
                }
            }
            return v;
        }

        private BigInteger factor() {
            if (pos < s.length() && s.charAt(pos) == '-') {
                pos++;
                return factor().negate();
            }
            if (pos < s.length() && s.charAt(pos) == '(') {
                pos++;
                BigInteger v = expression();
                if (pos >= s.length() || s.charAt(pos) != ')') {
                    throw new IllegalStateException("unbalanced parentheses");
                }
                pos++;
                return v;
            }
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw new IllegalStateException("a number was expected at " + pos);
            }
            return new BigInteger(s.substring(start, pos));
        }
    }
}

package dev.contemplate.examples.cli;

import dev.contemplate.inference.simulated.Scenario;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * 20-60 tokens, wrong ones 30-90 (wrong chains of thought run longer), texts without an answer 20-80. Other
 * questions get {@code 42} (0.5), {@code 24} (0.2), {@code 7} (0.1) and no answer otherwise, in 20-80 tokens.
 * Timing: a first token after 150-400 ms, then log-normal per-token delays of median 25 ms. Everything derives
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

    private static final Pattern EXPRESSION = Pattern.compile("[-+*/()\\d\\s.]*\\d[-+*/()\\d\\s.]*");

    private SimulatedScenarios() {
    }

    /** Returns the scenarios of single questions: arithmetic gets its value as the truth. */
    static Function<String, Scenario> forQuestions() {
        return question -> arithmeticValue(question).map(v -> withTruth(question, v))
                .orElseGet(() -> unknownTruth(question));
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

    private static Scenario unknownTruth(String question) {
        Map<String, Double> answers = new LinkedHashMap<>();
        answers.put("42", 0.5);
        answers.put("24", 0.2);
        answers.put("7", 0.1);
        return timing(question).answers(answers).build();
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

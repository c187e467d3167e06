package dev.contemplate.aggregation;

import static dev.contemplate.inference.testkit.PropertyCheck.forAll;
import static dev.contemplate.inference.testkit.PropertyCheck.forAllStrings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.contemplate.inference.testkit.PropertyCheck;
import dev.contemplate.aggregation.internal.Texts;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Properties of every built-in {@link AnswerExtractor}, checked on generated text (see {@link PropertyCheck} for
 * seeds and try counts, {@link TextGen} for the text).
 *
 * <p>Each extractor has three kinds of property:
 * <ul>
 *   <li><b>total</b>: {@code extract} never throws on any text (control characters, unpaired surrogates, exotic
 *       whitespace, very long text), is deterministic, and every key it returns has the extractor's key form;</li>
 *   <li><b>idempotent</b>: a key, written back the way the extractor reads answers, extracts to itself. What
 *       "written back" means differs: numeric, yesno and exact read the bare key; choice reads the bare key as a lone
 *       letter; letters reads {@code "The answer is " + key}; regex reads the key where its pattern finds it (the
 *       whole text for {@code (?s).+}, after {@code answer: } for {@code answer: (.+)});</li>
 *   <li><b>semantic</b>: an answer stated the way the extractor documents is the one extracted.</li>
 * </ul>
 * The whole class runs in a few seconds; {@code -Dcontemplate.properties.tries=100000} runs it longer.
 */
class AnswerExtractorPropertiesTest {

    private static final int TRIES = 1000;

    /**
     * Canonical numeric keys: a plain decimal without needless zeros, or a reduced fraction whose denominator makes
     * no finite decimal.
     */
    private static final Pattern NUMERIC_KEY =
            Pattern.compile("0|-?(?:0|[1-9]\\d*)(?:\\.\\d*[1-9])?|-?[1-9]\\d*/[1-9]\\d*");

    private static Optional<String> key(AnswerExtractor extractor, String text) {
        return extractor.extract(text).map(Answer::key);
    }

    /** The properties every extractor has: total, deterministic, a display text that is stripped. */
    private static void total(AnswerExtractor extractor, String text) {
        Optional<Answer> a = extractor.extract(text);
        assertThat(extractor.extract(text)).as("deterministic").isEqualTo(a);
        a.ifPresent(answer -> assertThat(answer.key()).isNotEmpty());
    }

    private static void idempotent(AnswerExtractor extractor, String text) {
        extractor.extract(text).ifPresent(a ->
                assertThat(key(extractor, a.key())).as("key %s", PropertyCheck.show(a.key())).contains(a.key()));
    }

    /** Several texts of 100,000 characters built to make backtracking or big-number arithmetic blow up. */
    static Map<String, String> hugeTexts() {
        int n = 100_000;
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("digits", "1".repeat(n));
        texts.put("a one and zeros", "1" + "0".repeat(n));
        texts.put("a decimal with trailing zeros", "1." + "0".repeat(n));
        texts.put("a tiny fraction", "0." + "0".repeat(n) + "1/1");
        texts.put("a fraction over a tiny decimal", "1/0." + "0".repeat(n) + "1");
        texts.put("a long fraction", "7".repeat(n / 2) + "/" + "3".repeat(n / 2));
        texts.put("answer phrases", "answer is ".repeat(n / 10));
        texts.put("answer phrases with a number first", "12 " + "The answer is x ".repeat(n / 16));
        texts.put("stars", "*".repeat(n));
        texts.put("an answer phrase and stars", "answer: " + "*".repeat(n));
        texts.put("spaces", " ".repeat(n) + "x");
        texts.put("hashes", "#".repeat(n));
        texts.put("boxes", "\\boxed{".repeat(n / 7));
        texts.put("fractions in a box", "\\boxed{" + "\\frac{".repeat(n / 6));
        texts.put("parentheses", "(".repeat(n));
        texts.put("ones and periods", "1.".repeat(n / 2));
        texts.put("ones and commas", "1,".repeat(n / 2));
        texts.put("digit groups", "111,".repeat(n / 4));
        texts.put("ones and slashes", "1/".repeat(n / 2));
        texts.put("letters and spaces", "A ".repeat(n / 2));
        texts.put("letters and stars", "A*".repeat(n / 2));
        texts.put("yes", "yes ".repeat(n / 4));
        texts.put("hash numbers and spaces", ("#1" + " ".repeat(98)).repeat(n / 100));
        texts.put("minus signs", "-".repeat(n));
        texts.put("currency", "$".repeat(n) + "1");
        texts.put("answer is and quotes", "answer is" + "\"".repeat(n));
        texts.put("answer is and spaces", "answer is " + " ".repeat(n) + "1");
        texts.put("answer: and spaces", "answer: " + " ".repeat(n) + "1");
        texts.put("answer is: and tabs", "the answer is:" + "\t".repeat(n) + "\u00e9");
        texts.put("a hash number and spaces", "#1" + " ".repeat(n) + "x");
        texts.put("periods and spaces", "a" + ". ".repeat(n / 2) + "b");
        texts.put("letter, periods and spaces", "A" + ". ".repeat(n / 2) + "b");
        SplittableRandom r = new SplittableRandom(7);
        texts.put("hostile text", TextGen.hostile(n).next(r) + TextGen.hostile(n).next(r) + "x".repeat(n));
        texts.put("any characters", TextGen.anyChars(n).next(r) + "\ud800".repeat(n / 2));
        return texts;
    }

    private static List<AnswerExtractor> all() {
        return List.of(AnswerExtractors.numeric(), AnswerExtractors.choice("ABCDE"), AnswerExtractors.yesNo(),
                AnswerExtractors.exactText(), AnswerExtractors.lastLetters(),
                AnswerExtractors.parse("regex:answer: (\\w+)"), AnswerExtractors.regex("(?s).+", 0));
    }

    @Test
    void everyExtractorReadsHugeAdversarialTextInLinearTime() {
        // quadratic behaviour took minutes on these; linear takes milliseconds (the bound is generous for slow CI)
        for (Map.Entry<String, String> text : hugeTexts().entrySet()) {
            for (AnswerExtractor extractor : all()) {
                assertTimeoutPreemptively(Duration.ofSeconds(2), () -> total(extractor, text.getValue()),
                        () -> extractor + " on " + text.getKey());
            }
        }
    }

    @Test
    void everyExtractorIsTotalOnArbitraryCharacters() {
        List<AnswerExtractor> extractors = all();
        forAllStrings(TRIES, TextGen.anyChars(300), text -> extractors.forEach(e -> total(e, text)));
    }

    @Nested
    class Numeric {

        private final AnswerExtractor numeric = AnswerExtractors.numeric();

        @Test
        void isTotalAndKeysAreCanonicalNumbers() {
            forAllStrings(TRIES, TextGen.hostile(300), text -> {
                total(numeric, text);
                key(numeric, text).ifPresent(k -> {
                    assertThat(k).matches(NUMERIC_KEY);
                    if (k.contains("/")) {
                        String[] pq = k.split("/");
                        BigInteger p = new BigInteger(pq[0]);
                        BigInteger q = new BigInteger(pq[1]);
                        assertThat(p.gcd(q)).as("reduced").isEqualTo(BigInteger.ONE);
                        assertThat(terminates(q)).as("a decimal fraction is keyed as a decimal").isFalse();
                    }
                });
            });
        }

        /** Idempotent: the key read on its own, and the number as written, give the key back. */
        @Test
        void theKeyAndTheTextAsWrittenExtractToTheKey() {
            forAllStrings(TRIES, TextGen.hostile(300), text -> numeric.extract(text).ifPresent(a -> {
                assertThat(key(numeric, a.key())).as("key").contains(a.key());
                assertThat(key(numeric, a.text())).as("text %s", PropertyCheck.show(a.text())).contains(a.key());
            }));
        }

        @Test
        void theAnswerIsAnIntegerExtractsIt() {
            forAll(TRIES, r -> r.nextInt(4) == 0 ? BigInteger.valueOf(r.nextLong())
                    : BigInteger.valueOf(r.nextInt(2001) - 1000), n -> {
                        String expected = n.toString();
                        assertThat(key(numeric, "The answer is " + n)).contains(expected);
                        assertThat(key(numeric, "I tried 3 and 17 first. The answer is " + n + ".")).contains(expected);
                        assertThat(key(numeric, "Answer: " + grouped(n) + "\nCheck: 2 + 2 = 4")).contains(expected);
                        assertThat(key(numeric, n.toString())).contains(expected);
                        assertThat(key(numeric, "so #### " + n)).contains(expected);
                        assertThat(key(numeric, "$\\boxed{" + n + "}$ and not 3")).contains(expected);
                        if (n.signum() >= 0) {
                            assertThat(key(numeric, "The answer is $" + n + ".")).contains(expected);
                            assertThat(key(numeric, "The answer is " + n + "%.")).contains(expected);
                        }
                    });
        }

        @Test
        void theAnswerIsADecimalExtractsItWithoutNeedlessZeros() {
            forAll(TRIES, r -> BigDecimal.valueOf(r.nextLong(-10_000_000, 10_000_000), r.nextInt(8)), d -> {
                String expected = d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
                assertThat(key(numeric, "The answer is " + d.toPlainString())).contains(expected);
                assertThat(key(numeric, "The answer is " + d.toPlainString() + ".")).contains(expected);
                assertThat(key(numeric, "It is about 12.5, so the answer is " + d.toPlainString() + " exactly."))
                        .contains(expected);
            });
        }

        @Test
        void aFractionIsKeyedByItsValue() {
            forAll(TRIES, r -> new long[] {r.nextLong(-100_000, 100_000), r.nextLong(0, 100_000)}, pq -> {
                String text = pq[0] + "/" + pq[1];
                Optional<String> expected = fraction(BigInteger.valueOf(pq[0]), BigInteger.valueOf(pq[1]));
                assertThat(key(numeric, "The answer is " + text)).as(text).isEqualTo(expected);
            });
        }

        /** The oracle: p/q as a plain decimal when that terminates, else reduced, sign on p; empty over zero. */
        private Optional<String> fraction(BigInteger p, BigInteger q) {
            if (q.signum() == 0) {
                return Optional.empty();
            }
            try {
                BigDecimal d = new BigDecimal(p).divide(new BigDecimal(q));
                return Optional.of(d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
            } catch (ArithmeticException nonTerminating) {
                BigInteger g = p.gcd(q);
                return Optional.of(p.divide(g) + "/" + q.divide(g));
            }
        }

        private boolean terminates(BigInteger q) {
            try {
                BigDecimal.ONE.divide(new BigDecimal(q));
                return true;
            } catch (ArithmeticException e) {
                return false;
            }
        }

        private String grouped(BigInteger n) {
            String digits = n.abs().toString();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < digits.length(); i++) {
                if (i > 0 && (digits.length() - i) % 3 == 0) {
                    b.append(',');
                }
                b.append(digits.charAt(i));
            }
            return (n.signum() < 0 ? "-" : "") + b;
        }
    }

    @Nested
    class Choice {

        private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

        /** A random non-empty set of letters, in random order and case. */
        private final PropertyCheck.Gen<String> letterSets = r -> {
            List<Character> all = new ArrayList<>();
            for (char c : ALPHABET.toCharArray()) {
                all.add(c);
            }
            java.util.Collections.shuffle(all, new java.util.Random(r.nextLong()));
            StringBuilder b = new StringBuilder();
            for (char c : all.subList(0, 1 + r.nextInt(r.nextBoolean() ? 5 : 26))) {
                b.append(r.nextInt(4) == 0 ? Character.toLowerCase(c) : c);
            }
            return b.toString();
        };

        @Test
        void isTotalAndOnlyEverYieldsOneOfItsLetters() {
            forAll(TRIES, r -> new String[] {letterSets.next(r), TextGen.hostile(300).next(r)}, ls -> {
                AnswerExtractor choice = AnswerExtractors.choice(ls[0]);
                total(choice, ls[1]);
                key(choice, ls[1]).ifPresent(k -> {
                    assertThat(k).hasSize(1);
                    assertThat(ls[0].toUpperCase(Locale.ROOT)).contains(k);
                });
            });
        }

        @Test
        void isTotalOnHostileTextForTheDefaultLetters() {
            AnswerExtractor choice = AnswerExtractors.choice("ABCDE");
            forAllStrings(TRIES, TextGen.hostile(300), text -> {
                total(choice, text);
                key(choice, text).ifPresent(k -> assertThat(k).matches("[A-E]"));
            });
        }

        /** Idempotent: a key is an upper-case letter, and a lone letter extracts itself. */
        @Test
        void aLoneLetterExtractsItself() {
            forAll(TRIES, r -> {
                String ls = letterSets.next(r);
                String letter = String.valueOf(ls.charAt(r.nextInt(ls.length())));
                return new String[] {ls, letter, TextGen.hostile(80).next(r)};
            }, c -> {
                AnswerExtractor choice = AnswerExtractors.choice(c[0]);
                String upper = c[1].toUpperCase(Locale.ROOT);
                String lower = c[1].toLowerCase(Locale.ROOT);
                assertThat(key(choice, upper)).contains(upper);
                assertThat(key(choice, " " + upper + ".\n")).contains(upper);
                assertThat(key(choice, "(" + lower + ")")).contains(upper);
                assertThat(key(choice, "**" + upper + "**")).contains(upper);
                assertThat(key(choice, c[2] + "\nThe answer is (" + lower + ").")).contains(upper);
                assertThat(key(choice, c[2] + "\nAnswer: " + upper)).contains(upper);
                idempotent(choice, c[2]);
            });
        }

        @Test
        void lettersOutsideTheSetAreNeverAnswers() {
            forAll(TRIES, r -> {
                String ls = letterSets.next(r).toUpperCase(Locale.ROOT);
                char other;
                do {
                    other = ALPHABET.charAt(r.nextInt(26));
                } while (ls.indexOf(other) >= 0 && ls.length() < 26);
                return new String[] {ls, String.valueOf(other)};
            }, c -> {
                if (c[0].contains(c[1])) {
                    return;
                }
                AnswerExtractor choice = AnswerExtractors.choice(c[0]);
                assertThat(key(choice, c[1])).isEmpty();
                assertThat(key(choice, "The answer is (" + c[1] + ").")).isEmpty();
            });
        }
    }

    @Nested
    class YesNo {

        private final AnswerExtractor yesNo = AnswerExtractors.yesNo();

        @Test
        void isTotalAndKeysAreYesOrNo() {
            forAllStrings(TRIES, TextGen.hostile(300), text -> {
                total(yesNo, text);
                key(yesNo, text).ifPresent(k -> assertThat(k).isIn("yes", "no"));
            });
        }

        /** Idempotent: the key, and the word as written, extract to the key. */
        @Test
        void theKeyAndTheWordAsWrittenExtractToTheKey() {
            forAllStrings(TRIES, TextGen.hostile(300), text -> yesNo.extract(text).ifPresent(a -> {
                assertThat(key(yesNo, a.key())).contains(a.key());
                assertThat(key(yesNo, a.text())).contains(a.key());
            }));
        }

        @Test
        void theAnswerIsAWordExtractsItsMeaning() {
            forAll(TRIES, r -> new String[] {TextGen.pick(r, List.of("yes", "no", "true", "false")),
                TextGen.hostile(80).next(r), String.valueOf(r.nextLong())}, w -> {
                    String word = randomCase(w[0], Long.parseLong(w[2]));
                    String expected = w[0].equals("yes") || w[0].equals("true") ? "yes" : "no";
                    assertThat(key(yesNo, w[1] + "\nThe answer is " + word + ".")).contains(expected);
                    assertThat(key(yesNo, w[1] + "\n**Answer:** \"" + word + "\", not maybe")).contains(expected);
                    assertThat(key(yesNo, word)).contains(expected);
                });
        }
    }

    @Nested
    class Regex {

        private final AnswerExtractor whole = AnswerExtractors.regex("(?s).+", 0);
        private final AnswerExtractor afterAnswer = AnswerExtractors.parse("regex:answer: (.+)");
        private final List<AnswerExtractor> patterns = List.of(whole, afterAnswer,
                AnswerExtractors.parse("regex:\\d+"), AnswerExtractors.parse("regex:<(\\w*)>"),
                AnswerExtractors.regex("(a)|(b)", 2), AnswerExtractors.parse("regex:(\\s*)x"),
                AnswerExtractors.parse("regex:(?U)(\\p{L}+)\\s*$"));

        @Test
        void isTotalAndKeysAreFolded() {
            forAllStrings(TRIES, TextGen.hostile(300), text -> {
                for (AnswerExtractor p : patterns) {
                    total(p, text);
                    key(p, text).ifPresent(k -> assertThat(Texts.fold(k)).as(p + " key folded").isEqualTo(k));
                }
            });
        }

        /** Idempotent: the key, where the pattern finds it, extracts to itself. */
        @Test
        void theKeyWhereThePatternFindsItExtractsToItself() {
            forAllStrings(TRIES, TextGen.hostile(300), text -> {
                whole.extract(text).ifPresent(a -> assertThat(key(whole, a.key())).contains(a.key()));
                afterAnswer.extract(text).ifPresent(a ->
                        assertThat(key(afterAnswer, "answer: " + a.key())).contains(a.key()));
            });
        }

        @Test
        void theLastMatchWins() {
            forAll(TRIES, r -> new String[] {TextGen.hostile(60).next(r), word(r, 12), word(r, 12)}, w -> {
                String text = w[0] + "\nanswer: " + w[1] + "\nthen\nanswer: " + w[2] + "\n";
                assertThat(key(afterAnswer, text)).contains(Texts.fold(w[2]));
            });
        }
    }

    @Nested
    class ExactText {

        private final AnswerExtractor exact = AnswerExtractors.exactText();

        @Test
        void isTotalAndKeysAreFoldedWithoutTrailingPeriods() {
            forAllStrings(TRIES, TextGen.hostile(300), text -> {
                total(exact, text);
                key(exact, text).ifPresent(k -> {
                    assertThat(k).isEqualTo(k.strip()).doesNotEndWith(".").doesNotContain("  ");
                    assertThat(Texts.fold(k)).isEqualTo(k);
                });
            });
        }

        /** Idempotent: the key extracts to itself. */
        @Test
        void theKeyExtractsToItself() {
            forAllStrings(TRIES, TextGen.hostile(300), text -> idempotent(exact, text));
        }

        @Test
        void caseSpacingAndTrailingPeriodsDoNotChangeTheKey() {
            forAllStrings(TRIES, TextGen.hostile(120), text -> key(exact, text).ifPresent(k -> {
                assertThat(key(exact, " \t" + text + " .\n..")).contains(k);
                assertThat(key(exact, text.replace(" ", " \n\t "))).contains(k);
                assertThat(key(exact, text.toLowerCase(Locale.ROOT))).contains(k);
            }));
        }
    }

    @Nested
    class LastLetters {

        private final AnswerExtractor letters = AnswerExtractors.lastLetters();

        @Test
        void isTotalAndKeysAreLowerCaseLetters() {
            forAllStrings(TRIES, TextGen.hostile(300), text -> {
                total(letters, text);
                key(letters, text).ifPresent(k -> {
                    assertThat(k).matches("[\\p{L}\\p{M}]+");
                    assertThat(k.toLowerCase(Locale.ROOT)).isEqualTo(k);
                });
            });
        }

        /** Idempotent: "The answer is " + key, and + the word as written, extract to the key. */
        @Test
        void theKeyAfterTheAnswerPhraseExtractsToItself() {
            forAllStrings(TRIES, TextGen.hostile(300), text -> letters.extract(text).ifPresent(a -> {
                assertThat(key(letters, "The answer is " + a.key())).contains(a.key());
                assertThat(key(letters, "The answer is " + a.text())).contains(a.key());
            }));
        }

        @Test
        void theAnswerIsAQuotedWordExtractsTheWordLowerCased() {
            forAll(TRIES, r -> new String[] {TextGen.hostile(80).next(r), word(r, 10)}, w -> {
                String expected = w[1].toLowerCase(Locale.ROOT);
                assertThat(key(letters, w[0] + "\nThe answer is \"" + w[1] + "\".")).contains(expected);
                assertThat(key(letters, w[0] + "\nthe ANSWER is: **" + w[1] + "**")).contains(expected);
            });
        }
    }

    /** A word of 1 to {@code max} letters: ASCII, accented (precomposed or with marks), Greek, supplementary. */
    static String word(SplittableRandom r, int max) {
        String[] pieces = {"a", "z", "Q", "é", "e\u0301", "\u00df", "\u03a3", "\u03c9", "\u0130", "\u0436", "\u4e2d",
            "\ud835\udc9c", "n\u0303", "\u01c5"};
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(max);
        for (int i = 0; i < n; i++) {
            b.append(pieces[r.nextInt(pieces.length)]);
        }
        return b.toString();
    }

    static String randomCase(String s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(r.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return b.toString();
    }
}

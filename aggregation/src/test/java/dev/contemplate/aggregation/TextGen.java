package dev.contemplate.aggregation;

import dev.contemplate.inference.testkit.PropertyCheck;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generators of hostile text for {@link PropertyCheck}: arbitrary Unicode (control characters, exotic whitespace,
 * unpaired surrogates, supplementary characters, letters whose case mapping changes their length) mixed with the
 * fragments the answer extractors look for, so that generated texts often come close to a real answer.
 */
final class TextGen {

    /** Whitespace and near-whitespace: what {@code \s}, {@code strip()} and Unicode disagree about. */
    static final String SPACES = " \t\n\r\u000b\f\u001c\u001d\u001e\u001f\u0085\u00a0\u1680\u2000\u2007\u200a"
            + "\u200b\u2028\u2029\u202f\u205f\u3000\ufeff";

    /** Letters whose case mappings are special: length-changing, titlecase, final sigma, dotted and dotless i. */
    static final String SPECIAL_LETTERS = "\u0130\u0131\u00df\u01c5\u01c4\u01c6\u03a3\u03c3\u03c2\ufb01\u1e9e"
            + "\u0149\u1f88\u0587\u212a\u2126";

    /** Combining marks. */
    static final String MARKS = "\u0300\u0301\u0307\u0327\u20dd";

    /** The fragments that the extractors' patterns are made of. */
    static final List<String> FRAGMENTS = List.of("answer", "Answer", "ANSWER", "answer is", "The answer is ",
            "answer:", "Answer: ", "answer =", "is", ":", "=", "####", "#", "\\boxed{", "\\frac{", "\\dfrac",
            "\\tfrac34", "{,}", "}", "{", "\\!", "\\,", "yes", "No", "TRUE", "false", "(", ")", "*", "**", "\"", "'",
            "\u201c", "\u201d", "\u2018", "\u2019", "0", "1", "7", "42", "007", "1,234", "12,34", "3.14", ".5", "5.",
            "1/3", "6/8", "3/0", "0/0", "/", ",", ".", "..", "-", "+", "\u2212", "$", "\u20ac", "%", "A", "B", "C",
            "E", "F", "Z", "a", "b", "c", "(A)", "(b)", "A.", "B)", "C:", "x", "\n", " ", "  ", "\r\n", "\t");

    private TextGen() {
    }

    /**
     * Returns a generator of strings up to {@code maxLength} characters (usually far shorter; empty now and then),
     * each a mix of arbitrary characters and {@link #FRAGMENTS}.
     */
    static PropertyCheck.Gen<String> hostile(int maxLength) {
        return r -> {
            int length = length(r, maxLength);
            StringBuilder b = new StringBuilder(length + 16);
            int palette = r.nextInt(20);
            if (palette == 0) {
                // whitespace of every kind, and periods, only
                while (b.length() < length) {
                    b.append(r.nextInt(5) == 0 ? '.' : pick(r, SPACES));
                }
                return b.toString();
            }
            while (b.length() < length) {
                int kind = palette == 1 ? r.nextInt(35) : r.nextInt(100);
                if (kind < 35) {
                    b.append(FRAGMENTS.get(r.nextInt(FRAGMENTS.size())));
                } else if (kind < 60) {
                    b.append((char) (0x20 + r.nextInt(0x5f)));
                } else if (kind < 68) {
                    b.append(pick(r, SPACES));
                } else if (kind < 73) {
                    b.append((char) (r.nextBoolean() ? r.nextInt(0x20) : 0x7f + r.nextInt(0x21)));
                } else if (kind < 78) {
                    b.append(pick(r, SPECIAL_LETTERS));
                } else if (kind < 81) {
                    b.append(pick(r, MARKS));
                } else if (kind < 85) {
                    // an unpaired surrogate, high or low
                    b.append((char) (r.nextBoolean() ? 0xd800 + r.nextInt(0x400) : 0xdc00 + r.nextInt(0x400)));
                } else if (kind < 89) {
                    b.appendCodePoint(0x10000 + r.nextInt(0x10ffff - 0x10000));
                } else if (kind < 93) {
                    // a digit of another script: Arabic-Indic, Devanagari, fullwidth
                    b.append(pick(r, "\u0660\u0663\u0969\u096a\uff11\uff12"));
                } else {
                    b.append((char) r.nextInt(0x10000));
                }
            }
            return b.toString();
        };
    }

    /** Returns a generator of strings of arbitrary UTF-16 code units, surrogates included, unpaired or not. */
    static PropertyCheck.Gen<String> anyChars(int maxLength) {
        return r -> {
            int length = length(r, maxLength);
            StringBuilder b = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                b.append((char) r.nextInt(0x10000));
            }
            return b.toString();
        };
    }

    /** Mostly short lengths, sometimes up to {@code max}, 0 now and then. */
    static int length(SplittableRandom r, int max) {
        int roll = r.nextInt(20);
        if (roll == 0) {
            return 0;
        }
        if (roll < 14) {
            return r.nextInt(Math.min(max, 40) + 1);
        }
        return r.nextInt(max + 1);
    }

    static char pick(SplittableRandom r, String chars) {
        return chars.charAt(r.nextInt(chars.length()));
    }

    /** Returns one of {@code items}. */
    static <T> T pick(SplittableRandom r, List<T> items) {
        return items.get(r.nextInt(items.size()));
    }
}

package dev.contemplate.inference.simulated.internal;

import java.util.SplittableRandom;

/**
 * Seeded junk text for the garbage fault: printable ASCII (digits included), C0 control characters, unpaired
 * surrogates, astral characters, invisible and direction-changing characters, and whitespace. A high surrogate is
 * only ever written right before its low half or, unpaired, right before a control character, so a low surrogate
 * written on its own stays unpaired whatever text follows or precedes the junk. Not part of the public API.
 */
public final class Garbage {

    private static final char[] ODD = {'\uFFFD', '\uFEFF', '\u200B', '\u202E', '\u0301', '\u00A0', '\u2028',
        '\uFFFF'};
    private static final String WHITESPACE = " \n\t";

    private Garbage() {
    }

    /**
     * Returns junk of at least {@code length} characters (at least one), drawn from {@code random} only; when
     * {@code marked}, it starts with a C0 control character and an unpaired surrogate.
     *
     * @param random the source of every choice
     * @param length the fewest characters
     * @param marked whether to start with a control character and an unpaired surrogate
     * @return the junk
     */
    public static String junk(SplittableRandom random, int length, boolean marked) {
        StringBuilder b = new StringBuilder(Math.max(length, 1) + 4);
        if (marked) {
            b.append(control(random));
            unpairedSurrogate(random, b);
        }
        while (b.length() < Math.max(length, 1)) {
            int kind = random.nextInt(10);
            switch (kind) {
                case 0, 1, 2, 3 -> b.append((char) (0x21 + random.nextInt(94)));
                case 4 -> b.append(control(random));
                case 5 -> unpairedSurrogate(random, b);
                case 6 -> b.appendCodePoint(0x1F300 + random.nextInt(0x350));
                case 7 -> b.append(ODD[random.nextInt(ODD.length)]);
                default -> b.append(WHITESPACE.charAt(random.nextInt(WHITESPACE.length())));
            }
        }
        return b.toString();
    }

    /** A C0 control character or DEL. */
    private static char control(SplittableRandom random) {
        int c = random.nextInt(33);
        return c == 32 ? '\u007F' : (char) c;
    }

    /** A lone low surrogate, or a lone high surrogate followed by a control character. */
    private static void unpairedSurrogate(SplittableRandom random, StringBuilder b) {
        if (random.nextBoolean()) {
            b.append((char) (0xDC00 + random.nextInt(0x400)));
        } else {
            b.append((char) (0xD800 + random.nextInt(0x400))).append(control(random));
        }
    }
}

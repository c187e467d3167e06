package dev.contemplate.aggregation.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/** Text normalisation shared by the extractors. */
public final class Texts {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private Texts() {
    }

    /**
     * Returns {@code text} with every run of (Unicode) whitespace collapsed to one space, stripped at both ends
     * and lower-cased in the root locale.
     */
    public static String fold(String text) {
        return WHITESPACE.matcher(text).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
    }
}

package dev.contemplate.research.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How the readers phrase a skipped line's reason: one line of printable text of bounded length. */
public final class Reasons {

    /** The most characters of a reason; a longer one is cut and ends with an ellipsis. */
    public static final int MAX_REASON_CHARS = 300;

    private Reasons() {
    }

    /**
     * Returns a reason as one line of printable text: control characters, line and paragraph separators and unpaired
     * surrogates (which a bad-JSON message may quote from the input) written as Java escapes (a backslash, u and four
     * hex digits), cut with an ellipsis after {@value #MAX_REASON_CHARS} characters; {@code malformed} for null.
     */
    public static String printable(@Nullable String reason) {
        String r = reason == null ? "malformed" : reason;
        StringBuilder b = new StringBuilder(Math.min(r.length(), MAX_REASON_CHARS) + 16);
        int i = 0;
        for (; i < r.length() && b.length() < MAX_REASON_CHARS; i++) {
            char c = r.charAt(i);
            int type = Character.getType(c);
            if (Character.isHighSurrogate(c) && i + 1 < r.length() && Character.isLowSurrogate(r.charAt(i + 1))) {
                b.append(c).append(r.charAt(++i));
            } else if (type == Character.CONTROL || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return i < r.length() ? b + "..." : b.toString();
    }

    /** Returns {@code text} on one line: stripped, each line break with its surrounding blanks one space. */
    public static String oneLine(@Nullable String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ").replaceAll("[\\t ]{2,}", " ");
    }

    /** Returns {@code s} cut to {@code max} characters followed by {@code ...} when it is longer. */
    public static String abbreviate(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }
}

package dev.contemplate.examples.cli;

import java.util.Locale;

/**
 * A failure the command line reports as one line on standard error with its exit code: never a stack trace.
 * Create one with {@link #usage}, {@link #unavailable} or {@link #failed}.
 *
 * <p>A message never echoes user input in full: {@link #quote} cuts a question, an option value or a file line to
 * {@value #MAX_QUOTED_CHARS} characters and escapes the control characters in it (a terminal would otherwise show a
 * 100,000-character question back, or obey the escape sequences in it), and every message is made
 * {@link #printable} as a last resort.
 */
final class CliException extends RuntimeException {

    /** The most characters of user input a message quotes: longer input is cut (see {@link #quote}). */
    static final int MAX_QUOTED_CHARS = 80;

    /** The most characters of a message; the middle of a longer one is elided (see {@link #printable}). */
    static final int MAX_MESSAGE_CHARS = 1000;

    /** What is kept of input longer than {@link #MAX_QUOTED_CHARS}, before the ellipsis and its length. */
    private static final int KEPT_CHARS = 60;

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CliException(int exitCode, String message, Throwable cause) {
        super(printable(message), cause);
        this.exitCode = exitCode;
    }

    /** Bad input: options, arguments, the question or the data set (exit {@value ExitCodes#USAGE}). */
    static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message, null);
    }

    /** Bad input, keeping the cause for debugging (exit {@value ExitCodes#USAGE}). */
    static CliException usage(String message, Throwable cause) {
        return new CliException(ExitCodes.USAGE, message, cause);
    }

    /** No engine can run: unreachable server, embedded engine missing (exit {@value ExitCodes#ENGINE_UNAVAILABLE}). */
    static CliException unavailable(String message, Throwable cause) {
        return new CliException(ExitCodes.ENGINE_UNAVAILABLE, message, cause);
    }

    /** The contemplation ended without an answer (exit {@value ExitCodes#NO_ANSWER}). */
    static CliException failed(String message, Throwable cause) {
        return new CliException(ExitCodes.NO_ANSWER, message, cause);
    }

    int exitCode() {
        return exitCode;
    }

    /** Returns {@code text} on one line: line breaks and runs of whitespace become one space. */
    static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ").replaceAll("[\\t ]{2,}", " ");
    }

    /**
     * Returns user input as a message quotes it: in single quotes, {@linkplain #escape escaped}, and when that is
     * longer than {@value #MAX_QUOTED_CHARS} characters cut to its first {@value #KEPT_CHARS} and an ellipsis,
     * followed by the input's length: {@code 'What is 1+2? xxxxxxxx…' (100013 characters)}.
     */
    static String quote(String input) {
        String s = String.valueOf(input);
        StringBuilder b = new StringBuilder();
        if (escape(s, MAX_QUOTED_CHARS, b)) {
            return "'" + b + "'";
        }
        b.setLength(0);
        escape(s, KEPT_CHARS, b);
        return "'" + b + "\u2026' (" + s.length() + " characters)";
    }

    /**
     * Returns {@code message} with each echo of {@code inputs} in it, in single quotes or not, replaced by its
     * {@link #quote}: for messages made by library code (an unknown extractor, rule or vote; picocli's invalid
     * values) that echo the input in full. Input that {@code quote} leaves as it is is left alone.
     */
    static String quoting(String message, String... inputs) {
        String m = String.valueOf(message);
        for (String input : inputs) {
            if (input == null || input.isEmpty()) {
                continue;
            }
            String quoted = quote(input);
            if (!quoted.equals("'" + input + "'")) {
                m = m.replace("'" + input + "'", quoted).replace(input, quoted);
            }
        }
        return m;
    }

    /**
     * Returns a message as the command line prints it: on {@linkplain #oneLine one line}, {@linkplain #escape
     * escaped}, and at most about {@value #MAX_MESSAGE_CHARS} characters (the middle of a longer one elided). Every
     * {@code CliException} message goes through it, and so do the messages of other errors: the last resort for a
     * message that echoes input without {@link #quote}.
     */
    static String printable(String message) {
        StringBuilder b = new StringBuilder();
        escape(oneLine(message), Integer.MAX_VALUE, b);
        if (b.length() <= MAX_MESSAGE_CHARS) {
            return b.toString();
        }
        int head = MAX_MESSAGE_CHARS * 2 / 3;
        int tail = MAX_MESSAGE_CHARS / 4;
        if (Character.isHighSurrogate(b.charAt(head - 1))) {
            head--;
        }
        if (Character.isLowSurrogate(b.charAt(b.length() - tail))) {
            tail--;
        }
        return b.substring(0, head) + " \u2026 (" + (b.length() - head - tail) + " characters elided) \u2026 "
                + b.substring(b.length() - tail);
    }

    /**
     * Appends {@code s} to {@code b} with control characters, line and paragraph separators, bidirectional
     * embedding and override characters and unpaired surrogates escaped ({@code \n}, {@code \r}, {@code \t}, else a
     * backslash, {@code u} and four hex digits), stopping before the first character that would make the appended
     * text longer than {@code max}.
     *
     * @return whether all of {@code s} was appended
     */
    private static boolean escape(String s, int max, StringBuilder b) {
        int start = b.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String piece;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                piece = s.substring(i, i + 2);
            } else {
                piece = escape(c);
            }
            if ((long) b.length() - start + piece.length() > max) {
                return false;
            }
            b.append(piece);
            if (piece.length() == 2 && Character.isSurrogatePair(piece.charAt(0), piece.charAt(1))) {
                i++;
            }
        }
        return true;
    }

    private static String escape(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        int type = Character.getType(c);
        boolean bidi = (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
        if (type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE || bidi) {
            return String.format(Locale.ROOT, "\\u%04x", (int) c);
        }
        return String.valueOf(c);
    }
}

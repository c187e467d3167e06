package dev.contemplate.examples.cli;

/**
 * A failure the command line reports as one line on standard error with its exit code: never a stack trace.
 * Create one with {@link #usage}, {@link #unavailable} or {@link #failed}.
 */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CliException(int exitCode, String message, Throwable cause) {
        super(oneLine(message), cause);
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
}

package dev.contemplate.examples.cli;

/** The command line's exit codes, listed in its {@code --help}. */
final class ExitCodes {

    /** An answer was found (or help was shown). */
    static final int OK = 0;

    /** The contemplation ended without an answer (no agent answered in time, every agent failed), or an
     * unexpected internal error. */
    static final int NO_ANSWER = 1;

    /** Bad input: an unknown or malformed option, an empty or unreadable question, a bad data set. */
    static final int USAGE = 2;

    /** No engine can run: the server cannot be reached, or the embedded engine is missing or cannot start. */
    static final int ENGINE_UNAVAILABLE = 3;

    private ExitCodes() {
    }
}

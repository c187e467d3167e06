package dev.contemplate.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the command line in this process with captured standard output and error. */
final class Cli {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A plain progress line of {@code ask}'s live view: the time since the start, then what happened. */
    static final java.util.regex.Pattern PROGRESS = java.util.regex.Pattern.compile("\\[ *\\d+\\.\\d{3}s\\] \\S.*");

    /**
     * The result of one run.
     *
     * @param exitCode the exit code
     * @param out what was printed on standard output
     * @param err what was printed on standard error
     */
    record Result(int exitCode, String out, String err) {

        /** Parses standard output as exactly one JSON value (fails on trailing content). */
        JsonNode json() {
            try {
                return JSON.readerFor(JsonNode.class)
                        .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .readValue(out);
            } catch (java.io.IOException e) {
                throw new AssertionError("standard output is not one JSON value: " + out, e);
            }
        }

        /** Returns the lines of standard error. */
        java.util.List<String> errLines() {
            return err.lines().toList();
        }

        /** Returns the plain progress lines of {@code ask}'s live view on standard error: {@code [  0.120s] ...}. */
        java.util.List<String> progressLines() {
            return err.lines().filter(l -> PROGRESS.matcher(l).matches()).toList();
        }

        /** Returns the other lines of standard error: messages and errors. */
        java.util.List<String> messageLines() {
            return err.lines().filter(l -> !PROGRESS.matcher(l).matches()).toList();
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    static Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ContemplateCli.execute(args, env, false, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }
}

package dev.contemplate.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code contemplate serve} run in this process on a thread of its own, as {@link Cli#run} runs the other commands,
 * until {@link #close()} interrupts it (the command's way to stop other than Ctrl-C).
 */
final class Serving implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("on (http://\\S+/v1)");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicInteger exitCode = new AtomicInteger(Integer.MIN_VALUE);
    private final Thread thread;
    private final String baseUrl;

    /**
     * Starts {@code serve --port 0} with {@code args} and waits until it serves.
     *
     * @throws AssertionError if the command ends or prints no address within a minute
     */
    Serving(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("serve", "--port", "0"));
        all.addAll(List.of(args));
        thread = new Thread(() -> exitCode.set(ContemplateCli.execute(all.toArray(String[]::new), env, false,
                new PrintWriter(out, true), new PrintWriter(err, true))), "serve-under-test");
        thread.start();
        long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        Matcher m = URL.matcher("");
        while (!m.reset(out.toString()).find()) {
            if (!thread.isAlive() || System.nanoTime() > end) {
                throw new AssertionError("serve did not start (exit " + exitCode.get() + "): " + out + err);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        baseUrl = m.group(1);
    }

    Serving(String... args) {
        this(Map.of(), args);
    }

    /** Returns the server's base URL, {@code http://127.0.0.1:PORT/v1}. */
    String baseUrl() {
        return baseUrl;
    }

    /** Returns what the command printed on standard output so far. */
    String out() {
        return out.toString();
    }

    /** Stops the command (an interrupt) and returns its exit code. */
    int stop() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new AssertionError("serve did not stop within 30 s");
        }
        return exitCode.get();
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            stop();
        }
    }
}

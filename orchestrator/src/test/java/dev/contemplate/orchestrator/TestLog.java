package dev.contemplate.orchestrator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The lines the tests' SLF4J backend (slf4j-simple, configured by {@code simplelogger.properties}) wrote to its file
 * since a mark: the contemplator's logger is at DEBUG there, every other logger at INFO.
 */
final class TestLog {

    private static final Path FILE = Path.of("target", "orchestrator-tests.log");

    private final long mark;

    private TestLog(long mark) {
        this.mark = mark;
    }

    /** Marks the end of the log so far; the backend is initialised first (it truncates the file when it starts). */
    static TestLog mark() {
        LoggerFactory.getLogger(Contemplator.class).trace("mark");
        return new TestLog(size());
    }

    private static long size() {
        try {
            return Files.exists(FILE) ? Files.size(FILE) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the contemplator's lines written since the mark. */
    List<String> lines() {
        return allLines().stream().filter(l -> l.contains(Contemplator.class.getName())).toList();
    }

    /** Returns every line written since the mark, stack traces included. */
    List<String> allLines() {
        try {
            byte[] all = Files.readAllBytes(FILE);
            // a file shorter than the mark was started anew (by another test JVM): read it whole
            int from = mark <= all.length ? (int) mark : 0;
            return new String(Arrays.copyOfRange(all, from, all.length), StandardCharsets.UTF_8).lines()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.contemplate.inference.onnx.internal;

import ai.onnxruntime.OrtException;
import java.util.function.Consumer;

/**
 * The table of live rows, kept dense in {@code [0, live)} in step with the rows of the key/value cache: placing,
 * forking and removing rows (a removed row's place is filled by the last row, cache included), the window sized for
 * the longest row, and one decoding step over all rows. Counts the live sequences against {@code maxRows}, so that a
 * fork always finds a free row. Decode loop's thread only.
 */
final class RowTable {

    private final DecodeBatch batch;
    private final Counters counters;
    private final int maxRows;
    private final Row[] rows;
    private final int[] tokens;
    private final int[] lengths;
    private int live;
    private int liveSequences;

    /**
     * Creates an empty table.
     *
     * @param batch the cache whose rows the table's rows are
     * @param maxRows the most rows, and the most sequences
     * @param counters where the live rows and sequences are published, and forks and cancellations counted
     */
    RowTable(DecodeBatch batch, int maxRows, Counters counters) {
        this.batch = batch;
        this.counters = counters;
        this.maxRows = maxRows;
        this.rows = new Row[maxRows];
        this.tokens = new int[maxRows];
        this.lengths = new int[maxRows];
    }

    /** Returns how many rows are live. */
    int live() {
        return live;
    }

    /** Returns live row {@code r}. */
    Row row(int r) {
        return rows[r];
    }

    /** Returns how many more sequences may be admitted. */
    int free() {
        return maxRows - liveSequences;
    }

    /** Makes the live rows and sequences visible to {@link Counters#snapshot}. */
    void publish() {
        counters.liveRows = live;
        counters.liveSequences = liveSequences;
    }

    /** Removes the members of cancelled (or otherwise ended) requests, and rows left empty; runs before each step. */
    void removeEnded() {
        for (int r = live - 1; r >= 0; r--) {
            Row row = rows[r];
            for (int m = row.members.size() - 1; m >= 0; m--) {
                Sequence s = row.members.get(m);
                if (s.job.ended()) {
                    if (s.job.isCancelled()) {
                        counters.cancelled++;
                    }
                    row.members.remove(m);
                    liveSequences--;
                }
            }
            if (row.members.isEmpty()) {
                remove(r);
            }
        }
        publish();
    }

    /** Removes every row that has no members left. */
    void removeEmpty() {
        for (int r = live - 1; r >= 0; r--) {
            if (rows[r].members.isEmpty()) {
                remove(r);
            }
        }
    }

    private void remove(int r) {
        int last = live - 1;
        if (r != last) {
            batch.copyRow(last, r);
            rows[r] = rows[last];
        }
        rows[last] = null;
        live--;
    }

    /**
     * Adds a row of newly admitted sequences, whose cache the caller then places; counts its members as live.
     *
     * @return the row's index
     */
    int add(Row row) {
        int r = live++;
        rows[r] = row;
        liveSequences += row.members.size();
        return r;
    }

    /** Adds a row split off row {@code from}, with a copy of its cache; its members are counted already. */
    void fork(Row row, int from) {
        int f = live++;
        rows[f] = row;
        batch.copyRow(from, f);
        counters.forked++;
    }

    /** Takes {@code n} sequences that finished out of the live count (their rows are removed once empty). */
    void finished(int n) {
        liveSequences -= n;
    }

    /** Returns the most positions of any live row. */
    int longest() {
        int longest = 0;
        for (int r = 0; r < live; r++) {
            longest = Math.max(longest, rows[r].length);
        }
        return longest;
    }

    /** Grows the cache window to fit rows of {@code longest} positions, or also shrinks it when allowed. */
    void resizeWindow(int longest, boolean allowShrink) {
        int target = batch.windowFor(longest);
        if (target > batch.window() || (allowShrink && target < batch.window())) {
            for (int r = 0; r < live; r++) {
                lengths[r] = rows[r].length;
            }
            batch.resize(target, live, lengths);
        }
    }

    /**
     * Runs one decoding step over the first {@code n} rows, each feeding its pending token at its length; the
     * caller then advances the rows.
     *
     * @return nanoseconds spent inside ONNX Runtime
     */
    long step(int n) throws OrtException {
        for (int r = 0; r < n; r++) {
            tokens[r] = rows[r].pending;
            lengths[r] = rows[r].length;
        }
        return batch.step(n, tokens, lengths);
    }

    /** Hands every member of every row to {@code each}, then empties the table; the caller publishes. */
    void clear(Consumer<Sequence> each) {
        for (int r = 0; r < live; r++) {
            for (Sequence s : rows[r].members) {
                each.accept(s);
            }
            rows[r] = null;
        }
        live = 0;
        liveSequences = 0;
    }
}

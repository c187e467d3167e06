package dev.contemplate.inference.onnx.internal;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Row sampling: picks the next token of every sequence of a row from the row's logits, each sequence with its own
 * generator, records each token's log-probability, and splits the members that pick different tokens into rows of
 * their own. Sequences that finish wait in a list until {@link #completeFinished()} reports them. Decode loop's thread
 * only.
 */
final class RowSampler {

    private final Sampler sampler;
    private final Counters counters;
    private final List<Sequence> finished = new ArrayList<>();
    private final List<Row> newRows = new ArrayList<>();
    private int[] picked = new int[8];

    /**
     * Creates the sampler.
     *
     * @param vocab the model's vocabulary size
     * @param counters counts sampled tokens and completed sequences
     */
    RowSampler(int vocab, Counters counters) {
        this.sampler = new Sampler(vocab);
        this.counters = counters;
    }

    /** Forgets the sequences that finished but were not reported (after a failed step); runs before sampling. */
    void reset() {
        finished.clear();
    }

    /** Returns how many sequences finished since they were last reported. */
    int finishedCount() {
        return finished.size();
    }

    /**
     * Samples every live row after a decoding step over rows {@code [0, n)}: each row advances by one position, and
     * the groups of members that pick a different token than the row keeps become new rows of the table.
     *
     * @param table the rows
     * @param n the rows the step computed
     * @param logits the step's logits, {@code [n, vocab]}
     * @param vocab the vocabulary size
     * @return whether some row was left without members
     */
    boolean sampleStep(RowTable table, int n, FloatBuffer logits, int vocab) {
        newRows.clear();
        boolean anyEmpty = false;
        for (int r = 0; r < n; r++) {
            Row row = table.row(r);
            row.length++;
            sample(row.members, logits, r * vocab, row.length, row, newRows);
            for (Row fork : newRows) {
                table.fork(fork, r);
            }
            newRows.clear();
            anyEmpty |= row.members.isEmpty();
        }
        return anyEmpty;
    }

    /**
     * Samples the next token of every member of a row (or of the sequences sharing a prompt) from the same logits,
     * each with its own generator, and records each token's log-probability in its sequence (the row's normaliser
     * is computed once for all members). Members that finish are kept for {@link #completeFinished()}; the others
     * are grouped by the token they picked. The first group stays in {@code row} (when given); every other group
     * becomes a new row, added to {@code forks}.
     */
    void sample(List<Sequence> members, FloatBuffer logits, int offset, int length, @Nullable Row row,
            List<Row> forks) {
        double logSumExp = sampler.logSumExp(logits, offset);
        if (members.size() == 1) {
            Sequence s = members.get(0);
            int token = pick(logits, offset, s);
            counters.generatedTokens++;
            if (s.accept(token, Sampler.logprob(logits.get(offset + token), logSumExp))) {
                finished.add(s);
                members.clear();
            } else if (row != null) {
                row.pending = token;
            } else {
                List<Sequence> one = Row.list();
                one.add(s);
                forks.add(new Row(one, length, token));
            }
            return;
        }
        int n = members.size();
        if (picked.length < n) {
            picked = new int[Math.max(n, 2 * picked.length)];
        }
        boolean split = false;
        for (int m = 0; m < n; m++) {
            Sequence s = members.get(m);
            int token = pick(logits, offset, s);
            counters.generatedTokens++;
            if (s.accept(token, Sampler.logprob(logits.get(offset + token), logSumExp))) {
                finished.add(s);
                picked[m] = -1;
                split = true;
            } else {
                picked[m] = token;
                split |= token != picked[0];
            }
        }
        if (!split && row != null) {
            row.pending = picked[0];
            return;
        }
        Map<Integer, List<Sequence>> byToken = new LinkedHashMap<>();
        for (int m = 0; m < n; m++) {
            if (picked[m] >= 0) {
                byToken.computeIfAbsent(picked[m], t -> Row.list()).add(members.get(m));
            }
        }
        members.clear();
        boolean first = row != null;
        for (Map.Entry<Integer, List<Sequence>> e : byToken.entrySet()) {
            if (first && row != null) {
                members.addAll(e.getValue());
                row.pending = e.getKey();
                first = false;
            } else {
                forks.add(new Row(e.getValue(), length, e.getKey()));
            }
        }
    }

    private int pick(FloatBuffer logits, int offset, Sequence s) {
        var p = s.job.sampling;
        return sampler.pick(logits, offset, p.temperature(), p.topK(), p.topP(), s.random);
    }

    /** Reports every finished sequence to its job, and forgets them. */
    void completeFinished() {
        for (Sequence s : finished) {
            counters.completed++;
            s.job.finish(s.generation());
        }
        finished.clear();
    }
}

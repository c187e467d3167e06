package dev.contemplate.inference.onnx.internal;

import dev.contemplate.inference.onnx.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Admission: the bounded queue of waiting jobs, and the choice of the sequences that enter the batch, grouped by
 * prompt so that each distinct prompt is prefilled once. A job of more sequences than there are free rows is admitted
 * in parts: it stays at the head of the queue until its last sequence is in. Everything but {@link #offer},
 * {@link #withdraw} and {@link #queued} runs on the decode loop's thread.
 */
final class Admission {

    /**
     * The sequences admitted together that share a prompt; one prefill serves all of them.
     *
     * @param prompt the prompt's token ids
     * @param sequences the sequences, in admission order
     */
    record PromptGroup(int[] prompt, List<Sequence> sequences) {
    }

    private final ArrayBlockingQueue<Job> queue;
    private final Tokenizer tokenizer;
    private final int contextLength;
    private final Counters counters;
    private final List<Sequence> admitting = new ArrayList<>();
    private @Nullable Job head;

    /**
     * Creates the queue.
     *
     * @param capacity the most jobs waiting
     * @param tokenizer decodes the text of admitted sequences
     * @param contextLength the most positions of a sequence
     * @param counters counts admitted and cancelled sequences
     */
    Admission(int capacity, Tokenizer tokenizer, int contextLength, Counters counters) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.counters = counters;
    }

    /** Queues a job without blocking; returns false if the queue is full. Any thread. */
    boolean offer(Job job) {
        return queue.offer(job);
    }

    /** Takes a job back out of the queue; returns whether it was still there. Any thread. */
    boolean withdraw(Job job) {
        return queue.remove(job);
    }

    /** Returns how many jobs wait, not counting one admitted in part. Any thread. */
    int queued() {
        return queue.size();
    }

    /** Returns whether a job is at the head, admitted in part or taken from the queue. */
    boolean hasHead() {
        return head != null;
    }

    /**
     * Waits for a job to arrive when none is at the head.
     *
     * @return whether a job is now at the head
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    boolean awaitHead(long timeout, TimeUnit unit) throws InterruptedException {
        head = queue.poll(timeout, unit);
        return head != null;
    }

    /**
     * Takes waiting sequences, in queue order, into at most {@code free} rows: jobs that ended while waiting are
     * dropped (their sequences counted as cancelled if they were cancelled). The sequences stay in admission until
     * {@link #admitted()}.
     *
     * @param free the rows free for new sequences
     * @return the sequences taken, grouped by prompt in the order of first appearance; empty when none
     */
    List<PromptGroup> take(int free) {
        admitting.clear();
        while (free > 0) {
            if (head == null) {
                head = queue.poll();
                if (head == null) {
                    break;
                }
            }
            Job job = head;
            if (job.ended()) {
                if (job.isCancelled()) {
                    counters.cancelled += job.n - job.admitted;
                }
                head = null;
                continue;
            }
            int k = Math.min(free, job.n - job.admitted);
            for (int i = 0; i < k; i++) {
                admitting.add(new Sequence(job, job.admitted + i, tokenizer, contextLength));
            }
            job.admitted += k;
            free -= k;
            counters.admitted += k;
            if (job.admitted == job.n) {
                head = null;
            }
        }
        if (admitting.isEmpty()) {
            return List.of();
        }
        Map<PromptKey, List<Sequence>> byPrompt = new LinkedHashMap<>();
        for (Sequence s : admitting) {
            byPrompt.computeIfAbsent(new PromptKey(s.job.prompt), p -> new ArrayList<>()).add(s);
        }
        List<PromptGroup> groups = new ArrayList<>(byPrompt.size());
        for (Map.Entry<PromptKey, List<Sequence>> e : byPrompt.entrySet()) {
            groups.add(new PromptGroup(e.getKey().ids, e.getValue()));
        }
        return groups;
    }

    /**
     * Returns the sequences of a group whose jobs are still running, counting those of cancelled jobs; called once
     * the group's prefill has run.
     */
    List<Sequence> stillWanted(PromptGroup group) {
        List<Sequence> members = new ArrayList<>();
        for (Sequence s : group.sequences()) {
            if (!s.job.ended()) {
                members.add(s);
            } else if (s.job.isCancelled()) {
                counters.cancelled++;
            }
        }
        return members;
    }

    /** Ends the admission of the sequences taken last: they are in the batch (or finished already). */
    void admitted() {
        admitting.clear();
    }

    /** Hands the job of every sequence still being admitted to {@code fail}, and forgets them. */
    void failAdmitting(Consumer<Job> fail) {
        for (Sequence s : admitting) {
            fail.accept(s.job);
        }
        admitting.clear();
    }

    /** Hands the job at the head and every waiting job to {@code fail}, emptying the queue. */
    void failWaiting(Consumer<Job> fail) {
        if (head != null) {
            fail.accept(head);
            head = null;
        }
        for (Job j; (j = queue.poll()) != null; ) {
            fail.accept(j);
        }
    }

    /** A prompt compared by content. */
    private static final class PromptKey {
        final int[] ids;
        private final int hash;

        PromptKey(int[] ids) {
            this.ids = ids;
            this.hash = Arrays.hashCode(ids);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PromptKey k && Arrays.equals(ids, k.ids);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}

package dev.contemplate.inference.onnx.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A row of the batch: the sequences whose tokens so far are identical (same prompt, same generated tokens), so that
 * one row of the forward pass computes the next-token logits of all of them. Each member still samples with its own
 * generator; members that pick different tokens move to rows of their own (a copy of this row's cache). Decode
 * loop's thread only.
 */
final class Row {

    final List<Sequence> members;
    /** Positions in the cache (prompt plus fed tokens). */
    int length;
    /** The token fed at position {@link #length} by the next step. */
    int pending;

    Row(List<Sequence> members, int length, int pending) {
        this.members = members;
        this.length = length;
        this.pending = pending;
    }

    static List<Sequence> list() {
        return new ArrayList<>(2);
    }
}

package dev.contemplate.inference.onnx.internal;

import dev.contemplate.inference.onnx.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * The generated text of one sequence: decodes tokens as they come, finds stop sequences, and releases the text
 * that can no longer turn into a stop sequence (or into a longer character, for byte-level tokenizers) as deltas,
 * so that the concatenation of the deltas is always the final text. Not thread-safe.
 */
public final class TextState {

    private final Tokenizer tokenizer;
    private final boolean tokenByToken;
    private final List<String> stops;
    private final int[] one = new int[1];
    private int[] ids = new int[16];
    private int count;
    private String text = "";
    private final StringBuilder built = new StringBuilder();
    private final StringBuilder released = new StringBuilder();
    private boolean stopped;

    /**
     * Creates the state.
     *
     * @param tokenizer decodes the tokens
     * @param stops stop sequences, none empty
     */
    public TextState(Tokenizer tokenizer, List<String> stops) {
        this.tokenizer = tokenizer;
        this.tokenByToken = tokenizer.decodesTokenByToken();
        this.stops = stops;
    }

    /**
     * Adds a generated token (not the end-of-sequence token).
     *
     * @return the text that became final, possibly empty
     */
    public String add(int token) {
        if (stopped) {
            throw new IllegalStateException("generation already stopped");
        }
        int searchFrom = currentLength();
        if (tokenByToken) {
            one[0] = token;
            built.append(tokenizer.decode(one));
        } else {
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, 2 * count);
            }
            ids[count++] = token;
            text = tokenizer.decode(Arrays.copyOf(ids, count));
        }
        CharSequence all = tokenByToken ? built : text;
        int stopAt = findStop(all, searchFrom);
        int safe;
        if (stopAt >= 0) {
            stopped = true;
            safe = stopAt;
        } else {
            safe = all.length() - heldBack(all);
        }
        return release(all, safe);
    }

    /** Releases everything not yet released (the sequence ended without a stop sequence). */
    public String flush() {
        if (stopped) {
            return "";
        }
        CharSequence all = tokenByToken ? built : text;
        return release(all, all.length());
    }

    /** Returns whether a stop sequence was produced. */
    public boolean stopped() {
        return stopped;
    }

    /** Returns the text released so far: the final text once the sequence has ended. */
    public String released() {
        return released.toString();
    }

    private int currentLength() {
        return tokenByToken ? built.length() : text.length();
    }

    private String release(CharSequence all, int upTo) {
        int from = released.length();
        if (upTo <= from) {
            return "";
        }
        String delta = all.subSequence(from, upTo).toString();
        released.append(delta);
        return delta;
    }

    /** Returns the earliest index at which a stop sequence starts, looking at text that is new, or -1. */
    private int findStop(CharSequence all, int searchFrom) {
        if (stops.isEmpty()) {
            return -1;
        }
        String s = all.toString();
        int best = -1;
        for (String stop : stops) {
            int from = Math.max(0, Math.min(searchFrom, released.length()) - stop.length() + 1);
            int at = s.indexOf(stop, from);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** Returns how many trailing characters must wait: a possible start of a stop sequence or a partial character. */
    private int heldBack(CharSequence all) {
        int n = all.length();
        int hold = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, n); k > hold; k--) {
                if (regionEquals(all, n - k, stop, k)) {
                    hold = k;
                    break;
                }
            }
        }
        if (!tokenByToken) {
            int partial = 0;
            while (partial < n && all.charAt(n - 1 - partial) == '\uFFFD') {
                partial++;
            }
            hold = Math.max(hold, partial);
        }
        return hold;
    }

    private static boolean regionEquals(CharSequence all, int start, String stop, int k) {
        for (int i = 0; i < k; i++) {
            if (all.charAt(start + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}

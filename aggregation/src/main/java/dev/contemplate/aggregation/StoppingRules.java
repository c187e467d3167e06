package dev.contemplate.aggregation;

import dev.contemplate.aggregation.internal.BetaRule;
import dev.contemplate.aggregation.internal.EscRule;
import dev.contemplate.aggregation.internal.FixedRule;
import dev.contemplate.aggregation.internal.UnassailableRule;
import java.util.Locale;
import java.util.Objects;

/**
 * The built-in {@link StoppingRule}s. Every rule returned here is an immutable value (equal rules are
 * {@code equals}), its {@link StoppingRule#name()} is its {@code toString()} and round-trips through
 * {@link #parse}, and every rule stops when {@code remaining == 0}. Their {@code shouldStop} throws
 * {@link IllegalArgumentException} for a negative {@code remaining} and {@link NullPointerException} for a null
 * tally.
 */
public final class StoppingRules {

    /** The specs {@link #parse} accepts, for messages and help texts. */
    public static final String SPECS = "fixed, fixed:K, unassailable, beta, beta:T, esc, esc:W";

    /** The threshold of {@code beta} without a value. */
    public static final double DEFAULT_BETA_THRESHOLD = 0.95;

    /** The window of {@code esc} without a value. */
    public static final int DEFAULT_ESC_WINDOW = 5;

    private StoppingRules() {
    }

    /** Returns the rule that never stops early: only when the budget is spent. Name {@code fixed}. */
    public static StoppingRule fixed() {
        return new FixedRule(0);
    }

    /**
     * Returns the rule that stops once {@code k} samples (answered or not) are counted. Name {@code fixed:K}.
     *
     * @throws IllegalArgumentException naming {@code k} if it is below 1
     */
    public static StoppingRule fixed(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("fixed sample count must be >= 1 but was " + k);
        }
        return new FixedRule(k);
    }

    /**
     * Returns the rule that stops when the leader can no longer be caught: {@code leaderCount > runnerUpCount +
     * remaining}. Strictly greater, so a possible tie does not stop (a tie would go to the tie-break, which can
     * depend on who answers). Every remaining sample is assumed to answer, so the rule is exact: stopping never
     * changes the majority outcome. Name {@code unassailable}.
     */
    public static StoppingRule unassailable() {
        return new UnassailableRule();
    }

    /**
     * Returns Adaptive-Consistency's Beta stopping rule (Aggarwal et al., 2023). With {@code a} the leader's and
     * {@code b} the runner-up's votes, it stops when {@code P = 1 - I_0.5(a + 1, b + 1) >= threshold}, where
     * {@code I} is the regularised incomplete beta function: the posterior probability, under a uniform prior,
     * that the leader's share exceeds the runner-up's. It never stops on a tally without answers. At 0.95 the
     * earliest stop is four unanimous answers ({@code P = 1 - 0.5^5 = 0.96875}; three give {@code 0.9375}).
     * Name {@code beta:T}, e.g. {@code beta:0.95}.
     *
     * @throws IllegalArgumentException naming {@code threshold} if it is not in (0, 1)
     */
    public static StoppingRule beta(double threshold) {
        return new BetaRule(threshold);
    }

    /**
     * Returns Early-Stopping Self-Consistency (Li et al., ICLR 2024). Samples form consecutive, non-overlapping
     * windows of {@code window} in arrival order; the rule stops at the end of the first window whose samples all
     * carry the same answer (a sample without an answer spoils its window). The verdict is still the vote over
     * everything sampled. Name {@code esc:W}, e.g. {@code esc:5}.
     *
     * @throws IllegalArgumentException naming {@code window} if it is below 1
     */
    public static StoppingRule esc(int window) {
        return new EscRule(window);
    }

    /**
     * Returns the rule named by {@code spec}: {@code fixed}, {@code fixed:K}, {@code unassailable}, {@code beta}
     * (threshold {@value #DEFAULT_BETA_THRESHOLD}), {@code beta:T}, {@code esc} (window
     * {@value #DEFAULT_ESC_WINDOW}) or {@code esc:W}. Names are case-insensitive and may be surrounded by spaces.
     *
     * @throws IllegalArgumentException naming {@code spec} and the valid forms if it names no rule, or naming the
     *     value if a number does not parse or is out of range
     */
    public static StoppingRule parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.strip();
        int colon = s.indexOf(':');
        String kind = (colon < 0 ? s : s.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        String arg = colon < 0 ? null : s.substring(colon + 1).strip();
        switch (kind) {
            case "fixed":
                return arg == null ? fixed() : fixed(integer(arg, "sample count", spec));
            case "unassailable":
                if (arg == null) {
                    return unassailable();
                }
                break;
            case "beta":
                return beta(arg == null ? DEFAULT_BETA_THRESHOLD : threshold(arg, spec));
            case "esc":
                return esc(arg == null ? DEFAULT_ESC_WINDOW : integer(arg, "window", spec));
            default:
                break;
        }
        throw new IllegalArgumentException("unknown stopping rule '" + spec + "'; valid: " + SPECS);
    }

    private static int integer(String value, String what, String spec) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be an integer but was '" + value + "' in stopping rule '"
                    + spec + "'", e);
        }
    }

    private static double threshold(String value, String spec) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("beta threshold must be a number in (0, 1) but was '" + value
                    + "' in stopping rule '" + spec + "'", e);
        }
    }
}

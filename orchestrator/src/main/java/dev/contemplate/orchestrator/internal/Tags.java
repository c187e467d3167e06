package dev.contemplate.orchestrator.internal;

import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import java.util.Locale;

/** The low-cardinality values of tags and key values, shared by metrics, observations and logs. */
final class Tags {

    /** The value of a tag that does not apply, e.g. {@code exception} without an error. */
    static final String NONE = "none";

    private Tags() {
    }

    /** Returns e.g. {@code contemplate}. */
    static String mode(Mode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /** Returns e.g. {@code rule_satisfied}. */
    static String stopReason(StopReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    /** Returns {@code complete} or {@code incomplete}. */
    static String outcome(Verdict verdict) {
        return verdict.complete() ? "complete" : "incomplete";
    }
}

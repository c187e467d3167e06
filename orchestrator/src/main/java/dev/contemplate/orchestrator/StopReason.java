package dev.contemplate.orchestrator;

/** Why a contemplation ended. */
public enum StopReason {
    /** The stopping rule judged the outcome settled; agents still running were cancelled. */
    RULE_SATISFIED(true),
    /** Every planned agent finished or failed. */
    ALL_AGENTS_DONE(true),
    /** The deadline passed; the verdict is the best so far. */
    DEADLINE(false),
    /** The token budget was spent; the verdict is the best so far. */
    TOKEN_BUDGET(false);

    private final boolean complete;

    StopReason(boolean complete) {
        this.complete = complete;
    }

    /** Returns whether a verdict that stopped for this reason is complete. */
    public boolean complete() {
        return complete;
    }
}

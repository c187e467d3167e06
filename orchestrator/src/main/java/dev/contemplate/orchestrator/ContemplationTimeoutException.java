package dev.contemplate.orchestrator;

import java.time.Duration;
import java.util.List;

/** The deadline passed before any agent produced an answer. Retryable: a longer deadline may help. */
public final class ContemplationTimeoutException extends ContemplationException {

    private static final long serialVersionUID = 1L;

    private final Duration deadline;

    /**
     * Creates an exception.
     *
     * @param deadline the deadline that passed
     * @param agents every planned agent's outcome
     */
    public ContemplationTimeoutException(Duration deadline, List<AgentOutcome> agents) {
        super("no agent answered within the deadline of " + deadline.toMillis() + " ms", agents);
        this.deadline = deadline;
    }

    /** Returns the deadline that passed. */
    public Duration deadline() {
        return deadline;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}

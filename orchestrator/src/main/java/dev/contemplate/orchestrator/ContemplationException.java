package dev.contemplate.orchestrator;

import java.util.List;

/** Base of the errors a contemplation signals instead of a verdict; says whether trying again may help. */
public abstract class ContemplationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<AgentOutcome> agents;

    /**
     * Creates an exception.
     *
     * @param message what happened
     * @param agents the outcome of every planned agent
     */
    protected ContemplationException(String message, List<AgentOutcome> agents) {
        super(message);
        this.agents = List.copyOf(agents);
    }

    /** Returns the outcome of every planned agent. */
    public List<AgentOutcome> agents() {
        return agents;
    }

    /** Returns whether asking again (perhaps with a larger budget) may succeed. */
    public abstract boolean isRetryable();
}

package dev.contemplate.orchestrator;

import java.util.List;

/** The token budget was spent before any agent produced an answer. Not retryable with the same budget. */
public final class TokenBudgetExceededException extends ContemplationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param maxTotalTokens the budget
     * @param agents every planned agent's outcome
     */
    public TokenBudgetExceededException(long maxTotalTokens, List<AgentOutcome> agents) {
        super("the token budget of " + maxTotalTokens + " was spent before any agent answered", agents);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}

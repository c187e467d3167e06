package dev.contemplate.orchestrator;

import java.util.List;
import java.util.stream.Collectors;

/**
 * No agent produced a countable answer: every one failed, timed out, or gave no extractable answer. Each
 * failure's cause is attached as a suppressed exception. Retryable when any cause is.
 */
public final class AllAgentsFailedException extends ContemplationException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /**
     * Creates an exception.
     *
     * @param agents every planned agent's outcome
     * @param retryable whether any failure was retryable
     */
    public AllAgentsFailedException(List<AgentOutcome> agents, boolean retryable) {
        super(message(agents), agents);
        this.retryable = retryable;
        for (AgentOutcome a : agents) {
            if (a instanceof AgentOutcome.Failed f) {
                addSuppressed(f.cause());
            }
        }
    }

    private static String message(List<AgentOutcome> agents) {
        return "no agent produced an answer: " + agents.stream()
                .map(a -> a.agentId() + " " + (a instanceof AgentOutcome.Failed f
                        ? "failed (" + f.cause().getMessage() + ")" : a.status().name().toLowerCase()))
                .collect(Collectors.joining("; "));
    }

    @Override
    public boolean isRetryable() {
        return retryable;
    }
}

package dev.contemplate.orchestrator;

/** An agent's text had no extractable answer (or was empty); it is left out of the vote. */
public final class NoAnswerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param agentId the agent
     * @param empty whether the text was empty
     */
    public NoAnswerException(String agentId, boolean empty) {
        super(agentId + (empty ? " returned an empty text" : " gave no extractable answer"));
    }
}

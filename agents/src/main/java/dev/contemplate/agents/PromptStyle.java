package dev.contemplate.agents;

/** How an agent phrases the question to its model. */
public enum PromptStyle {
    /** The question exactly as it is, without any instruction (for models prompted by the question alone). */
    PLAIN {
        @Override
        public String apply(String question, String answerFormat) {
            return question;
        }
    },
    /** Asks for step-by-step reasoning, then the answer format when one is needed. */
    STEP_BY_STEP {
        @Override
        public String apply(String question, String answerFormat) {
            return answerFormat.isEmpty() ? question + "\n\nThink step by step."
                    : question + "\n\nThink step by step. " + answerFormat;
        }
    };

    /**
     * Returns the user message for {@code question} in this style.
     *
     * @param question the user's question
     * @param answerFormat how to state the final answer (for example {@code End with a line of the form "The answer
     *     is X."}), or empty when any form will do
     */
    public abstract String apply(String question, String answerFormat);
}

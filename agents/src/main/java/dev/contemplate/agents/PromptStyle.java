package dev.contemplate.agents;

/** How an agent phrases the question to its model. */
public enum PromptStyle {
    /** The question as it is. */
    PLAIN {
        @Override
        public String apply(String question) {
            return question;
        }
    },
    /** Asks for step-by-step reasoning and a final line stating the answer. */
    STEP_BY_STEP {
        @Override
        public String apply(String question) {
            return question + "\n\nThink step by step, then end with a line of the form \"The answer is X.\"";
        }
    };

    /** Returns the user message for {@code question} in this style. */
    public abstract String apply(String question);
}

package dev.contemplate.agents;

import dev.contemplate.inference.GenerationRequest;
import java.util.List;

/**
 * A deliberation protocol: what each agent is asked, given what the team has produced so far. The orchestrator
 * owns scheduling, budgets and cancellation; a protocol only shapes the prompts. Independent deliberation
 * (self-consistency) ignores other answers; debate, refinement and mixture-of-agents build on them.
 */
public interface Deliberation {

    /** Returns a short name for reports. */
    String name();

    /**
     * Returns the request {@code agent} sends.
     *
     * @param agent the agent about to run
     * @param conversation what the user asks: system messages, earlier turns and the question
     * @param answerFormat how to state the final answer so that it can be extracted, or empty
     * @param earlier candidates already finished in this contemplation, in completion order
     * @return the request to send
     */
    GenerationRequest request(Agent agent, Conversation conversation, String answerFormat, List<Candidate> earlier);

    /** Returns independent deliberation (self-consistency): every agent answers the question on its own. */
    static Deliberation independent() {
        return Independent.INSTANCE;
    }

    /** Self-consistency: each agent sees only the question. */
    final class Independent implements Deliberation {
        static final Independent INSTANCE = new Independent();

        private Independent() {
        }

        @Override
        public String name() {
            return "independent";
        }

        @Override
        public GenerationRequest request(Agent agent, Conversation conversation, String answerFormat,
                List<Candidate> earlier) {
            return agent.request(conversation, List.of(), answerFormat);
        }
    }
}

package dev.contemplate.examples.recipes;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.langchain4j.LangChain4jEngine;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.langchain4j.ContemplatingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * Contemplate mode behind a LangChain4j {@link ChatModel}: code written against LangChain4j (AI Services,
 * chains) gets voting and early stopping without changes, and toggles the mode per request with
 * {@link ContemplatingChatModel#withMode(Mode)}. Configure the server with {@code CONTEMPLATE_BASE_URL},
 * {@code CONTEMPLATE_API_KEY} and {@code CONTEMPLATE_MODEL}.
 */
public final class AiServiceContemplation {

    private AiServiceContemplation() {
    }

    /** Runs the recipe. */
    public static void main(String[] args) {
        ChatModel provider = OpenAiChatModel.builder()
                .baseUrl(System.getenv("CONTEMPLATE_BASE_URL"))
                .apiKey(System.getenv("CONTEMPLATE_API_KEY"))
                .modelName(System.getenv("CONTEMPLATE_MODEL"))
                .maxRetries(0)
                .build();
        try (var engine = LangChain4jEngine.builder(provider).build()) {
            ContemplatingChatModel contemplating = ContemplatingChatModel.builder()
                    .contemplator(Contemplator.builder().engine(engine)
                            .team(Team.builder().size(5).seed(1).build())
                            .stoppingRule(StoppingRules.unassailable()).build())
                    .build();
            String question = "How many prime numbers are there below 50?";
            System.out.println("fast:        " + contemplating.withMode(Mode.FAST).chat(question));
            System.out.println("contemplate: " + contemplating.chat(question));
        }
    }
}

package dev.contemplate.examples.recipes;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.langchain4j.LangChain4jEngine;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;

/**
 * The README's snippet: eight seeded agents over any OpenAI-compatible server (vLLM, SGLang, Ollama, a hosted
 * API), stopping with the Beta rule, under a 20 second deadline. Configure it with the environment variables
 * {@code CONTEMPLATE_BASE_URL}, {@code CONTEMPLATE_API_KEY} and {@code CONTEMPLATE_MODEL}.
 */
public final class OpenAiCompatibleContemplation {

    private OpenAiCompatibleContemplation() {
    }

    /** Runs the recipe. */
    public static void main(String[] args) {
        var model = OpenAiStreamingChatModel.builder()
                .baseUrl(System.getenv("CONTEMPLATE_BASE_URL"))      // any OpenAI-compatible server
                .apiKey(System.getenv("CONTEMPLATE_API_KEY"))
                .modelName(System.getenv("CONTEMPLATE_MODEL"))
                .build();
        try (var engine = LangChain4jEngine.builder(model).build()) {
            Contemplator contemplator = Contemplator.builder()
                    .engine(engine)
                    .team(Team.builder().size(8).seed(42).build())   // 8 agents, seeds 42..49
                    .extractor(AnswerExtractors.numeric())
                    .stoppingRule(StoppingRules.beta(0.95))          // stop once the vote is settled
                    .budget(Budget.builder().deadline(Duration.ofSeconds(20)).build())
                    .build();
            Verdict verdict = contemplator.contemplate(
                    "A train leaves at 9:40 and arrives at 13:05. How many minutes is the trip?").block();
            System.out.println(verdict.answer().text() + " (" + verdict.confidence() + ", " + verdict.stopReason() + ")");
        }
    }
}

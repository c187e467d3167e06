package dev.contemplate.examples.recipes;

import dev.contemplate.agents.Conversation;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.Aggregators;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.langchain4j.LangChain4jEngine;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.List;

/**
 * The README's free-form snippet: six agents over any OpenAI-compatible server answer a question without a short
 * answer; their answers are clustered by meaning with the embedded all-MiniLM-L6-v2 model (the Beta rule stops once
 * one explanation leads clearly), then one more call merges the candidates. The app's system message reaches every
 * agent. Configure it with {@code CONTEMPLATE_BASE_URL}, {@code CONTEMPLATE_API_KEY} and {@code CONTEMPLATE_MODEL}.
 */
public final class FreeFormContemplation {

    private FreeFormContemplation() {
    }

    /** Runs the recipe. */
    public static void main(String[] args) {
        var model = OpenAiStreamingChatModel.builder()
                .baseUrl(System.getenv("CONTEMPLATE_BASE_URL"))
                .apiKey(System.getenv("CONTEMPLATE_API_KEY"))
                .modelName(System.getenv("CONTEMPLATE_MODEL"))
                .build();
        try (var engine = LangChain4jEngine.builder(model).build()) {
            Contemplator contemplator = Contemplator.builder()
                    .engine(engine)
                    .team(Team.builder().size(6).seed(7).build())
                    .voting(Votings.semantic())                       // free-form answers, clustered by meaning
                    .stoppingRule(StoppingRules.beta(0.95))
                    .aggregator(Aggregators.synthesis())              // one more call merges the candidates
                    .budget(Budget.builder().deadline(Duration.ofSeconds(30)).build())
                    .build();
            Verdict v = contemplator.contemplate(new Conversation(List.of(
                    Message.system("You are a patient physics teacher."),
                    Message.user("Explain why the sky is blue.")))).block();
            System.out.println(v.text());
            System.out.println("(" + v.provenance().method() + " of " + v.provenance().basis() + ", "
                    + v.provenance().fallback().map(f -> "fell back: " + f).orElse("no fallback") + ")");
        }
    }
}

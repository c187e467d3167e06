package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.agents.PromptStyle;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.TokenUsage;
import dev.contemplate.inference.langchain4j.LangChain4jEngine;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import dev.contemplate.inference.onnx.arithmetic.ArithmeticModel;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A team of different models: two agents on the embedded ONNX engine, one on a remote model over HTTP. */
class MixedEnginesTest {

    @Test
    void agentsOnTheEmbeddedEngineAndOnALangChain4jEngineOverHttpVoteTogetherWithTokensPerEngine() throws Exception {
        try (OpenAiTestServer server = OpenAiTestServer.replying(body -> "The answer is 141.");
                InferenceEngine local = ArithmeticModel.engine();
                InferenceEngine remote = LangChain4jEngine.builder(OpenAiStreamingChatModel.builder()
                        .baseUrl(server.baseUrl()).apiKey("none").modelName("large").build())
                        .name("remote-large").maxInFlight(2).build()) {
            Team team = Team.builder().size(3).personas(EmbeddedEngines.personas().subList(0, 3))
                    .styles(List.of(PromptStyle.PLAIN)).temperatures(List.of(0.0)).seed(1)
                    .engines(List.of(local, local, remote)).build();
            Contemplator contemplator = Contemplator.builder().engine(local).team(team)
                    .extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed()).build();

            List<ContemplationEvent> events = contemplator
                    .events("54+39-25+73", Mode.CONTEMPLATE, Budget.builder().deadline(Duration.ofSeconds(30)).build())
                    .collectList().block(Duration.ofSeconds(60));

            assertThat(events).filteredOn(ContemplationEvent.AgentStarted.class::isInstance)
                    .extracting(e -> ((ContemplationEvent.AgentStarted) e).engine())
                    .containsExactly("arithmetic", "arithmetic", "remote-large");
            // the events and the verdict name each agent's model: the ONNX model's, the OpenAI model's modelName
            assertThat(events).filteredOn(ContemplationEvent.AgentStarted.class::isInstance)
                    .extracting(e -> ((ContemplationEvent.AgentStarted) e).model())
                    .containsExactly(ArithmeticModel.MODEL_NAME, ArithmeticModel.MODEL_NAME, "large");
            Verdict verdict = events.stream().filter(ContemplationEvent.VerdictReady.class::isInstance)
                    .map(e -> ((ContemplationEvent.VerdictReady) e).verdict()).findFirst().orElseThrow();
            assertThat(verdict.answer().key()).isEqualTo("141");
            assertThat(verdict.tally().counts()).isEqualTo(Map.of("141", 3));
            Map<String, TokenUsage> byEngine = verdict.tokens().byEngine();
            assertThat(byEngine.keySet()).containsExactly("arithmetic", "remote-large");
            // greedy on the embedded model: two chains of about 44 tokens; the remote reply is one short sentence
            assertThat(byEngine.get("arithmetic").outputTokens()).isGreaterThan(60);
            assertThat(byEngine.get("remote-large").outputTokens()).isPositive().isLessThan(20);
            assertThat(byEngine.values().stream().mapToLong(TokenUsage::totalTokens).sum())
                    .isEqualTo(verdict.tokens().agents().totalTokens());
            assertThat(verdict.runs()).extracting(r -> r.agentId() + " " + r.engine() + " " + r.model())
                    .containsExactly("agent-1 arithmetic " + ArithmeticModel.MODEL_NAME,
                            "agent-2 arithmetic " + ArithmeticModel.MODEL_NAME, "agent-3 remote-large large");
            assertThat(server.bodies()).hasSize(1);
        }
    }
}

package dev.contemplate.examples.recipes;

import dev.contemplate.agents.Persona;
import dev.contemplate.agents.PromptStyle;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.onnx.arithmetic.ArithmeticModel;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Mode;
import java.util.List;

/**
 * Offline contemplation on the embedded ONNX engine and the project's demo model: a mixed team (one persona per
 * solution strategy the model was trained on), streamed progress events, and the verdict.
 */
public final class EmbeddedArithmeticContemplation {

    private EmbeddedArithmeticContemplation() {
    }

    /** Runs the recipe; the first argument, if any, is the question (default {@code 54+39-25+73}). */
    public static void main(String[] args) {
        String question = args.length > 0 ? args[0] : "54+39-25+73";
        List<Persona> strategies = ArithmeticModel.strategies().stream()
                .map(s -> Persona.of(s.name(), s.tag()))       // the model reads the tag from the system message
                .toList();
        try (var engine = ArithmeticModel.engine()) {
            Contemplator contemplator = Contemplator.builder()
                    .engine(engine)
                    .team(Team.builder().size(9).personas(strategies).styles(List.of(PromptStyle.PLAIN))
                            .temperatures(List.of(ArithmeticModel.recommendedTemperature()))
                            .sampling(SamplingParameters.builder().maxTokens(48).build())
                            .seed(7).build())
                    .extractor(AnswerExtractors.numeric())
                    .stoppingRule(StoppingRules.beta(0.95))
                    .build();
            contemplator.events(question, Mode.CONTEMPLATE, Budget.unlimited())
                    .doOnNext(e -> {
                        if (e instanceof ContemplationEvent.CandidateProduced c) {
                            System.out.println(c.agentId() + ": " + c.text());
                        } else if (e instanceof ContemplationEvent.VerdictReady v) {
                            System.out.println("verdict: " + v.verdict().answer().text() + " with "
                                    + Math.round(100 * v.verdict().confidence()) + "% of the votes, "
                                    + v.verdict().stopReason() + " after " + v.verdict().elapsed().toMillis() + " ms");
                        }
                    })
                    .blockLast();
        }
    }
}

package dev.contemplate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.langchain4j.testkit.OpenAiTestServer;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import dev.contemplate.inference.onnx.arithmetic.ArithmeticModel;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.AllAgentsFailedException;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.NoAnswerException;
import dev.contemplate.orchestrator.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input, each with a defined outcome: a typed error with one line on standard error and exit code 2 (bad input),
 * 1 (no answer) or 3 (no engine), or a defined result. Messages quote user input cut to
 * {@value CliException#MAX_QUOTED_CHARS} characters with its control characters escaped; {@code ask} prints plain
 * progress lines on standard error before its error line, so the error is the last line.
 */
class BadInputTest {

    private static final String QUESTION = "What is 54+39-25+73?";
    /** A question far beyond the embedded model's context (its prompts are a few dozen characters). */
    private static final String HUGE = "What is 1+2? " + "x".repeat(100_000);

    private static String lastErrLine(Cli.Result r) {
        List<String> lines = r.errLines();
        assertThat(lines).as("standard error").isNotEmpty();
        return lines.get(lines.size() - 1);
    }

    private static void assertUsage(Cli.Result r, String... mentioned) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(lastErrLine(r)).startsWith("contemplate").contains(mentioned).doesNotContain("Exception");
    }

    /** Nothing that a terminal would act on, and no line longer than a message about short input needs. */
    private static void assertEchoIsSafe(Cli.Result r) {
        assertThat(r.err()).doesNotContain("\u001b", "\u0000", "\u0007", "\ud800", "\u202e");
        assertThat(r.errLines()).allSatisfy(l -> assertThat(l).hasSizeLessThan(500));
    }

    @Nested
    class Questions {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "   \t\n  ", "\n\r\n", "\u2003\u3000 \u2028"})
        void anEmptyOrWhitespaceOnlyQuestionIsAUsageError(String question) {
            assertUsage(Cli.run("ask", question), "the question is empty");
            assertUsage(Cli.run("ask", "--engine", "simulated", question), "the question is empty");
        }

        @Test
        void noQuestionAtAllIsAUsageError() {
            assertUsage(Cli.run("ask"), "Missing required parameter: 'QUESTION'");
            assertUsage(Cli.run("ask", "--engine", "simulated", "--"), "Missing required parameter");
        }

        @Test
        void aHugeQuestionTheEmbeddedModelCannotReadIsAUsageErrorThatQuotesItCut() {
            Cli.Result r = Cli.run("ask", HUGE);
            assertUsage(r, "the embedded arithmetic model cannot read 'What is 1+2? xxx",
                    "\u2026' (100013 characters); it reads a start number");
            assertThat(lastErrLine(r)).hasSizeLessThan(400);
        }

        @Test
        void aHugeQuestionIsReadByTheEmbeddedModelWhenItHoldsOneExpression() {
            // the model reads the expression only, whatever surrounds it: the prompt stays within its context
            Cli.Result r = Cli.run("ask", "--seed", "3", "--json", QUESTION + " please".repeat(15_000));
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode json = r.json();
            assertThat(json.path("contemplated").asText()).isEqualTo("54+39-25+73");
            assertThat(json.path("question").asText()).hasSize(QUESTION.length() + 7 * 15_000);
        }

        @Test
        void aHugeQuestionOverTheSimulatedEngineIsContemplatedAsAnyOther() {
            Cli.Result r = Cli.run("ask", "--engine", "simulated", "--seed", "1", "--json", HUGE);
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.json().path("question").asText()).isEqualTo(HUGE.strip());
        }

        @Test
        void controlCharactersInAnUnreadableQuestionAreEscapedInTheMessage() {
            Cli.Result r = Cli.run("ask", QUESTION + "\u001b[31m\u0007");
            assertUsage(r, "cannot read 'What is 54+39-25+73?\\u001b[31m\\u0007'");
            assertEchoIsSafe(r);
            r = Cli.run("ask", "Tell me\u0000 a \u202ejoke\ud800\nplease");
            assertUsage(r, "cannot read 'Tell me\\u0000 a \\u202ejoke\\ud800\\nplease'");
            assertEchoIsSafe(r);
        }

        @Test
        void controlCharactersAndAnUnpairedSurrogateAroundAReadableQuestionAreIgnored() {
            Cli.Result r = Cli.run("ask", "--seed", "3", "--json", "\u0000" + QUESTION + "\ud800\u0007");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.json().path("contemplated").asText()).isEqualTo("54+39-25+73");
        }

        @Test
        void everyOptionValueIsQuotedCutInItsMessage() {
            String huge = "z".repeat(20_000);
            for (List<String> options : List.of(List.of("--budget", huge), List.of("--stop", huge),
                    List.of("--mode", huge), List.of("--extract", huge), List.of("--vote", huge),
                    List.of("--judge", huge), List.of("--verifier", huge), List.of("--engine", huge),
                    List.of("--team", huge), List.of("--temperature", huge), List.of("--agents", huge),
                    List.of("--" + huge), List.of("--engine", "openai", "--model", "m", "--base-url", "ftp://" + huge),
                    List.of("--engine", "openai", "--model", "m", "--base-url", "http://[" + huge))) {
                List<String> args = new ArrayList<>(List.of("ask"));
                args.addAll(options);
                args.add(QUESTION);
                Cli.Result r = Cli.run(args.toArray(String[]::new));
                assertThat(r.exitCode()).as("%s: %s", options.get(0), r.err()).isEqualTo(ExitCodes.USAGE);
                assertThat(r.errLines()).as(options.get(0)).singleElement().asString()
                        .containsAnyOf("(20000 characters)", "(20002 characters)", "(20006 characters)",
                                "(20008 characters)")
                        .hasSizeLessThan(500);
            }
        }
    }

    @Nested
    class AgentCounts {

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "1001", "1000000", "2147483647"})
        void anAgentCountOutsideOneToAThousandIsAUsageError(String n) {
            assertUsage(Cli.run("ask", "--agents", n, QUESTION),
                    "the number of agents must be between 1 and 1000 but was " + n);
        }

        @Test
        void anAgentCountThatIsNoIntIsAUsageError() {
            assertUsage(Cli.run("ask", "--agents", "99999999999", QUESTION), "'99999999999' is not an int");
            assertUsage(Cli.run("ask", "--agents", "many", QUESTION), "'many' is not an int");
        }

        @Test
        void aThousandAgentsIsTheMostAndRuns() {
            Cli.Result r = Cli.run("ask", "--engine", "simulated", "--agents", "1000", "--seed", "2", "--json",
                    "What is 2+2?");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.json().path("agents").path("planned").asInt()).isEqualTo(1000);
        }

        @Test
        void serveChecksItsAgentCountsToo() {
            assertUsage(Cli.run("serve", "--max-agents", "1000000"), "between 1 and 1000 but was 1000000");
            assertUsage(Cli.run("serve", "--agents", "0"), "--agents must be between 1 and --max-agents");
        }
    }

    @Nested
    class Budgets {

        @ParameterizedTest
        @ValueSource(strings = {"0s", "0ms", "0", "PT0S", "0.0000001ms"})
        void aZeroBudgetIsAUsageError(String budget) {
            Cli.Result r = Cli.run("ask", "--budget", budget, QUESTION);
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(lastErrLine(r)).contains("budget");
        }

        @Test
        void aNegativeBudgetIsAUsageError() {
            // picocli takes "-5s" as the option's value: it resembles no option of ask
            assertUsage(Cli.run("ask", "--budget", "-5s", QUESTION), "cannot read budget '-5s'");
            assertUsage(Cli.run("ask", "--budget=-5s", QUESTION), "cannot read budget '-5s'");
            assertUsage(Cli.run("ask", "--budget", "PT-5S", QUESTION), "budget must be positive but was 'PT-5S'");
            assertUsage(Cli.run("serve", "--budget", "-5s"), "cannot read budget '-5s'");
            assertUsage(Cli.run("serve", "--budget", "0s"), "budget must be positive but was '0s'");
        }

        @Test
        void aBudgetTooLongForADurationIsAUsageError() {
            assertUsage(Cli.run("ask", "--budget", "99999999999h", QUESTION), "budget '99999999999h' is too long");
        }

        @Test
        void aBudgetTooShortForAnyAgentEndsWithoutAnAnswer() {
            Cli.Result r = Cli.run("ask", "--engine", "simulated", "--budget", "1ms", QUESTION);
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.NO_ANSWER);
            assertThat(lastErrLine(r)).startsWith("contemplate ask: no answer (simulated engine): no agent answered"
                    + " within the budget of 1 ms (");
        }
    }

    /** The library underneath the command line: {@link Contemplator} with bad questions and bad engine output. */
    @Nested
    class Contemplations {

        private Contemplator over(InferenceEngine engine, int agents) {
            return Contemplator.builder().engine(engine).team(Team.builder().size(agents).seed(1).build())
                    .extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.fixed())
                    .budget(Budget.builder().deadline(Duration.ofSeconds(30)).build()).build();
        }

        @Test
        void aNullQuestionIsANullPointerExceptionAndABlankOneAnIllegalArgument() {
            Contemplator c = over(ScriptedEngine.constant(Script.text("The answer is 1.", Duration.ZERO)), 1);
            // (the message names the conversation's message text, not the question: see the report)
            assertThatThrownBy(() -> c.contemplate((String) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> c.events((String) null, Mode.FAST, Budget.unlimited()))
                    .isInstanceOf(NullPointerException.class).hasMessage("question");
            for (String blank : List.of("", "  ", "\t\n", "\u2003")) {
                assertThatThrownBy(() -> c.contemplate(blank)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("blank");
            }
        }

        @Test
        void aQuestionBeyondTheOnnxEnginesContextFailsEveryAgentWithAPermanentError() {
            try (InferenceEngine onnx = ArithmeticModel.engine()) {
                Contemplator c = over(onnx, 3);
                assertThatThrownBy(() -> c.contemplate(HUGE).block(Duration.ofSeconds(60)))
                        .isInstanceOfSatisfying(AllAgentsFailedException.class, e -> {
                            assertThat(e.isRetryable()).isFalse();
                            assertThat(e.agents()).hasSize(3).allSatisfy(a -> assertThat(a)
                                    .isInstanceOfSatisfying(AgentOutcome.Failed.class, f -> assertThat(f.cause())
                                            .isInstanceOf(PermanentInferenceException.class)));
                        });
            }
        }

        @Test
        void controlCharactersAndUnpairedSurrogatesInAQuestionFailOnlyWhereTheEngineCannotReadThem() {
            ScriptedEngine scripted = ScriptedEngine.constant(Script.text("The answer is 7.", Duration.ofMillis(1)));
            Verdict v = over(scripted, 2).contemplate("What\u0000 is \u001b[2J 3+4?\ud800").block();
            assertThat(v.answer().key()).isEqualTo("7");
            assertThat(scripted.requests()).allSatisfy(r -> assertThat(r.messages().get(r.messages().size() - 1)
                    .text()).contains("\u0000", "\ud800"));
        }

        private Script raw(String... deltas) {
            return new Script(List.of(deltas), Duration.ofMillis(1), Duration.ofMillis(1), null, 0, FinishReason.STOP);
        }

        @Test
        void garbageOrEmptyEngineOutputIsNoAnswerNotAnError() {
            List<Script> garbage = List.of(raw(), raw(""), raw("", "", ""), raw("\u0000\u001b[J", "\ud800", "\udfff"),
                    raw("{\"answer\": ", "null}"), raw("*".repeat(100_000)), raw("answer is ".repeat(10_000)),
                    raw("The answer is ", "\u00a0"), raw("#".repeat(50_000), "\\boxed{".repeat(5_000)));
            ScriptedEngine engine = ScriptedEngine.builder()
                    .script(r -> garbage.get((int) (r.sampling().seed().orElseThrow() - 1))).build();
            assertThatThrownBy(() -> over(engine, garbage.size()).contemplate("What is 3+4?")
                    .block(Duration.ofSeconds(60)))
                    .isInstanceOfSatisfying(AllAgentsFailedException.class, e -> assertThat(e.agents())
                            .hasSize(garbage.size()).allSatisfy(a -> assertThat(a)
                                    .isInstanceOfSatisfying(AgentOutcome.Failed.class, f -> assertThat(f.cause())
                                            .isInstanceOf(NoAnswerException.class))));
        }

        @Test
        void oneReadableAnswerAmongGarbageIsTheVerdict() {
            List<Script> scripts = List.of(raw("\u0000garbage"), raw(""), raw("So ", "the answer is 7."),
                    raw("*".repeat(10_000)));
            ScriptedEngine engine = ScriptedEngine.builder()
                    .script(r -> scripts.get((int) (r.sampling().seed().orElseThrow() - 1))).build();
            Verdict v = over(engine, scripts.size()).contemplate("What is 3+4?").block(Duration.ofSeconds(60));
            assertThat(v.answer().key()).isEqualTo("7");
            assertThat(v.count(AgentOutcome.Status.FAILED)).isEqualTo(3);
        }

        @Test
        void askPrintsGarbageEngineOutputAsOneErrorLine() throws Exception {
            try (OpenAiTestServer server = OpenAiTestServer.replying(
                    body -> "\u0000\u001b[J\u202e ### {\"answer\":")) {
                Cli.Result r = Cli.run("ask", "--engine", "openai", "--base-url", server.baseUrl(), "--model", "m",
                        "-n", "2", QUESTION);
                assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.NO_ANSWER);
                assertThat(lastErrLine(r)).isEqualTo("contemplate ask: no answer: every agent failed: 2 agents gave"
                        + " no extractable answer (for a question without a short answer, try --vote semantic)");
                assertThat(r.out()).isEmpty();
            }
        }
    }
}

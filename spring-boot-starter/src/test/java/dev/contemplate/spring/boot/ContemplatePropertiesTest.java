package dev.contemplate.spring.boot;

import static dev.contemplate.spring.boot.ContemplateAutoConfigurationTest.messages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.langchain4j.LangChain4jEngine;
import dev.contemplate.orchestrator.StopReason;
import dev.contemplate.orchestrator.Verdict;
import dev.contemplate.orchestrator.langchain4j.Contemplate;
import dev.contemplate.orchestrator.langchain4j.ContemplationResponseMetadata;
import dev.contemplate.spring.boot.FakeModels.FakeChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code contemplate.*} properties reach the contemplation, and bad values stop the start naming them. */
class ContemplatePropertiesTest {

    /** The fake model of the application under test; set per test. */
    private static volatile FakeChatModel model = FakeChatModel.answering("So the answer is 42.");

    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        ChatModel appChatModel() {
            return model;
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ContemplateAutoConfiguration.class))
            .withUserConfiguration(App.class)
            .withPropertyValues("contemplate.enabled=true");

    private void run(FakeChatModel fake, Consumer<AssertableApplicationContext> test, String... properties) {
        model = fake;
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasNotFailed();
            test.accept(context);
        });
    }

    private static Verdict verdict(ChatResponse response) {
        return ((ContemplationResponseMetadata) response.metadata()).verdict();
    }

    private static ChatResponse ask(AssertableApplicationContext context, String question) {
        return context.getBean(ChatModel.class).chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from(question)).build());
    }

    @Test
    void agentsRuleAndVoteDecideHowManyCallsAndHowTheyAreCounted() {
        FakeChatModel fake = new FakeChatModel((call, request) -> call == 1 ? "I get 41." : "The answer is 42.");
        run(fake, context -> {
            ChatResponse response = ask(context, "What is 6*7?");
            Verdict verdict = verdict(response);
            assertThat(fake.requests).hasSize(4);
            assertThat(verdict.agents()).hasSize(4);
            assertThat(verdict.stopReason()).isEqualTo(StopReason.ALL_AGENTS_DONE);
            assertThat(verdict.stoppingRule()).isEqualTo("fixed");
            assertThat(verdict.provenance().method()).isEqualTo("majority");
            assertThat(verdict.answer().key()).isEqualTo("42");
        }, "contemplate.agents=4", "contemplate.stopping-rule=fixed", "contemplate.vote=majority",
                "contemplate.extractor=numeric");
    }

    @Test
    void inWavesTheStoppingRuleSavesCalls() {
        FakeChatModel fake = FakeChatModel.answering("The answer is 42.");
        run(fake, context -> {
            Verdict verdict = verdict(ask(context, "What is 6*7?"));
            assertThat(verdict.stopReason()).isEqualTo(StopReason.RULE_SATISFIED);
            assertThat(fake.requests).as("one agent per wave, stopped after two answers").hasSize(2);
            assertThat(fake.maxConcurrent).hasValue(1);
        }, "contemplate.agents=6", "contemplate.stopping-rule=fixed:2", "contemplate.waves=1",
                "contemplate.extractor=numeric");
    }

    @Test
    void theDeadlineReturnsTheBestAnswerSoFar() {
        FakeChatModel fake = new FakeChatModel((call, request) -> call == 1 ? "The answer is 42." : null);
        run(fake, context -> {
            long start = System.nanoTime();
            ChatResponse response = ask(context, "What is 6*7?");
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(10));
            assertThat(response.finishReason()).isEqualTo(FinishReason.OTHER);
            assertThat(verdict(response).stopReason()).isEqualTo(StopReason.DEADLINE);
            assertThat(response.aiMessage().text()).isEqualTo("The answer is 42.");
        }, "contemplate.agents=3", "contemplate.stopping-rule=fixed", "contemplate.extractor=numeric",
                "contemplate.budget.deadline=300ms");
    }

    @Test
    void theTokenBudgetStopsTheRun() {
        FakeChatModel fake = FakeChatModel.answering("The answer is 42.");
        run(fake, context -> {
            ChatResponse response = ask(context, "What is 6*7?");
            assertThat(verdict(response).stopReason()).isEqualTo(StopReason.TOKEN_BUDGET);
            assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(fake.requests).as("15 tokens a call: the second call spends the budget").hasSize(2);
        }, "contemplate.agents=5", "contemplate.stopping-rule=fixed", "contemplate.waves=1",
                "contemplate.extractor=numeric", "contemplate.budget.max-tokens=20");
    }

    @Test
    void aJudgeIsOneMoreCallOnTheSameModel() {
        FakeChatModel fake = new FakeChatModel((call, request) -> FakeModels.text(request).contains("Candidate N")
                ? "Candidate 2" : "The answer is 4" + call + ".");
        run(fake, context -> {
            Verdict verdict = verdict(ask(context, "Pick a number."));
            assertThat(fake.requests).hasSize(4);
            assertThat(verdict.provenance().method()).isEqualTo("usc");
            assertThat(verdict.provenance().fallback()).isEmpty();
            assertThat(verdict.aggregationTokens().totalTokens()).isEqualTo(15);
        }, "contemplate.agents=3", "contemplate.stopping-rule=fixed", "contemplate.extractor=numeric",
                "contemplate.judge=usc");
    }

    @Test
    void samplingEngineAndReplySettingsReachTheCalls() {
        FakeChatModel fake = FakeChatModel.answering("Step by step: 6*7 = 42. The answer is 42.");
        run(fake, context -> {
            assertThat(ask(context, "What is 6*7?").aiMessage().text()).isEqualTo("42");
            assertThat(fake.requests).hasSize(3).allSatisfy(r -> {
                assertThat(r.parameters().temperature()).isEqualTo(0.2);
                assertThat(r.parameters().maxOutputTokens()).isEqualTo(300);
            });
            assertThat(fake.maxConcurrent).hasValue(1);
            Contemplate.Wrapped<?> wrapped = context.getBean(ContemplateAutoConfiguration.CHAT_MODEL_WRAPPED_BEAN,
                    Contemplate.Wrapped.class);
            assertThat(wrapped.contemplator().agents())
                    .extracting(agent -> agent.sampling().seed().orElseThrow()).containsExactly(7L, 8L, 9L);
        }, "contemplate.agents=3", "contemplate.stopping-rule=fixed", "contemplate.extractor=numeric",
                "contemplate.temperature=0.2", "contemplate.max-tokens-per-agent=300", "contemplate.seed=7",
                "contemplate.max-in-flight=1", "contemplate.answer-only=true");
    }

    @Test
    void theProtocolPropertyChoosesHowTheAgentsDeliberate() {
        run(FakeChatModel.answering("x"), context -> {
            Contemplate.Wrapped<?> wrapped = context.getBean(ContemplateAutoConfiguration.CHAT_MODEL_WRAPPED_BEAN,
                    Contemplate.Wrapped.class);
            assertThat(wrapped.contemplator().deliberation().name()).isEqualTo("moa:2");
            // mixture-of-agents ends with a synthesis when no judge is set
            assertThat(wrapped.contemplator().aggregator().name()).isEqualTo("synthesis");
        }, "contemplate.protocol=moa:2");
    }

    @Test
    void theDefaultsAreThoseOfTheOneLineWrapper() {
        run(FakeChatModel.answering("x"), context -> {
            ContemplateProperties p = context.getBean(ContemplateProperties.class);
            assertThat(p.getAgents()).isEqualTo(Contemplate.DEFAULT_AGENTS);
            assertThat(p.getTemperature()).isEqualTo(Contemplate.DEFAULT_TEMPERATURE);
            assertThat(p.getMaxTokensPerAgent()).isEqualTo(Contemplate.DEFAULT_MAX_TOKENS_PER_AGENT);
            assertThat(p.getStoppingRule()).isEqualTo(Contemplate.DEFAULT_STOPPING_RULE);
            assertThat(p.getBudget().getDeadline()).isEqualTo(Contemplate.DEFAULT_DEADLINE);
            assertThat(p.getMaxInFlight()).isEqualTo(LangChain4jEngine.DEFAULT_MAX_IN_FLIGHT);
            Contemplate.Wrapped<?> wrapped = context.getBean(ContemplateAutoConfiguration.CHAT_MODEL_WRAPPED_BEAN,
                    Contemplate.Wrapped.class);
            assertThat(wrapped.contemplator().agents()).hasSize(5);
            assertThat(wrapped.contemplator().voting().name()).isEqualTo("semantic");
            assertThat(wrapped.contemplator().stoppingRule().name()).isEqualTo("beta:0.95");
            assertThat(wrapped.contemplator().deliberation().name()).isEqualTo("independent");
            assertThat(wrapped.contemplator().budget().deadline()).isEqualTo(Duration.ofSeconds(60));
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "contemplate.agents=0                 | contemplate.agents must be >= 1 but was 0",
        "contemplate.stopping-rule=nope       | contemplate.stopping-rule 'nope' is not a valid stopping rule: "
                + "unknown stopping rule 'nope'; valid: fixed, fixed:K, unassailable, beta, beta:T, esc, esc:W",
        "contemplate.stopping-rule=beta:2     | contemplate.stopping-rule 'beta:2' is not a valid stopping rule",
        "contemplate.protocol=debate          | contemplate.protocol 'debate' is not a valid protocol: protocol "
                + "'debate' needs a count from 1 to 10 after the colon, e.g. debate:2",
        "contemplate.vote=plurality           | contemplate.vote 'plurality' is not a valid vote",
        "contemplate.vote=majority            | contemplate.extractor must be set for contemplate.vote 'majority'",
        "contemplate.extractor=digits         | contemplate.extractor 'digits' is not a valid answer extractor",
        "contemplate.judge=oracle             | contemplate.judge 'oracle' is not a valid judge",
        "contemplate.temperature=-1           | contemplate.temperature must be a finite number >= 0 but was -1.0",
        "contemplate.max-tokens-per-agent=0   | contemplate.max-tokens-per-agent must be >= 1 but was 0",
        "contemplate.max-in-flight=0          | contemplate.max-in-flight must be >= 1 but was 0",
        "contemplate.waves=0                  | contemplate.waves must be >= 1 but was 0",
        "contemplate.budget.deadline=0s       | contemplate.budget.deadline must be positive but was PT0S",
        "contemplate.budget.max-tokens=0      | contemplate.budget.max-tokens must be >= 1 but was 0",
        "contemplate.guard.max-hedges=4       | contemplate.guard.max-hedges must be between 1 and 3 but was 4",
        "contemplate.guard.hedge-after=-5s    | contemplate.guard.hedge-after must be positive but was PT-5S",
        "contemplate.mode=sometimes           | Failed to bind properties under 'contemplate.mode'",
        "contemplate.agents=many              | Failed to bind properties under 'contemplate.agents'",
    })
    void aBadValueFailsTheStartNamingTheProperty(String property, String message) {
        runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).anyMatch(m -> m.contains(message));
        });
    }

    @Test
    void everyBadValueIsReported() {
        runner.withPropertyValues("contemplate.agents=0", "contemplate.stopping-rule=nope").run(context -> {
            assertThat(context).hasFailed();
            assertThat(String.join("\n", messages(context.getStartupFailure())))
                    .contains("contemplate.agents must be >= 1 but was 0")
                    .contains("contemplate.stopping-rule 'nope' is not a valid stopping rule");
        });
    }
}

package dev.contemplate.spring.boot;

import static dev.contemplate.spring.boot.ContemplateAutoConfigurationTest.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.AllAgentsFailedException;
import dev.contemplate.orchestrator.EngineGuard;
import dev.contemplate.orchestrator.Verdict;
import dev.contemplate.orchestrator.langchain4j.ContemplationResponseMetadata;
import dev.contemplate.spring.boot.FakeModels.Collector;
import dev.contemplate.spring.boot.FakeModels.FakeChatModel;
import dev.contemplate.spring.boot.FakeModels.FakeStreamingChatModel;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code contemplate.guard.*} properties: off by default, and when on, Resilience4j guard rails made of the
 * application's registries' instances (or Contemplate's defaults) around the calls to both wrapped models.
 */
class ContemplateGuardTest {

    /** The fake chat model of the application under test; set per test. */
    private static volatile FakeChatModel model = FakeChatModel.answering("The answer is 42.");

    /** An application with a chat model and a streaming model. */
    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        ChatModel appChatModel() {
            return model;
        }

        @Bean
        FakeStreamingChatModel appStreamingModel() {
            return new FakeStreamingChatModel("The answer is 42.");
        }
    }

    /** Every Resilience4j registry, as resilience4j-spring-boot3 defines them. */
    @Configuration(proxyBeanMethods = false)
    static class Registries {
        @Bean
        CircuitBreakerRegistry circuitBreakerRegistry() {
            return CircuitBreakerRegistry.ofDefaults();
        }

        @Bean
        RetryRegistry retryRegistry() {
            return RetryRegistry.of(RetryConfig.custom().maxAttempts(5).build());
        }

        @Bean
        BulkheadRegistry bulkheadRegistry() {
            return BulkheadRegistry.ofDefaults();
        }

        @Bean
        RateLimiterRegistry rateLimiterRegistry() {
            return RateLimiterRegistry.ofDefaults();
        }

        @Bean
        TimeLimiterRegistry timeLimiterRegistry() {
            return TimeLimiterRegistry.ofDefaults();
        }
    }

    /** Only a circuit-breaker registry. */
    @Configuration(proxyBeanMethods = false)
    static class CircuitBreakers {
        @Bean
        CircuitBreakerRegistry circuitBreakerRegistry() {
            return CircuitBreakerRegistry.ofDefaults();
        }
    }

    private static final String[] ONE_AGENT = {"contemplate.enabled=true", "contemplate.agents=1",
        "contemplate.stopping-rule=fixed", "contemplate.extractor=numeric"};

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ContemplateAutoConfiguration.class))
            .withUserConfiguration(App.class)
            .withPropertyValues(ONE_AGENT);

    private static FakeChatModel failingOnceThenAnswering() {
        return new FakeChatModel((call, request) -> {
            if (call == 1) {
                throw new InternalServerException("overloaded");
            }
            return "The answer is 42.";
        });
    }

    private static EngineGuard guard(AssertableApplicationContext context) {
        return context.getBean(ContemplateAutoConfiguration.GUARD_BEAN, EngineGuard.class);
    }

    private static Verdict ask(AssertableApplicationContext context) {
        ChatResponse response = context.getBean(ChatModel.class)
                .chat(ChatRequest.builder().messages(UserMessage.from("What is 6*7?")).build());
        return ((ContemplationResponseMetadata) response.metadata()).verdict();
    }

    @Test
    void theGuardIsOffByDefault() {
        model = failingOnceThenAnswering();
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(ContemplateAutoConfiguration.GUARD_BEAN)
                    .doesNotHaveBean(EngineGuard.class);
            assertThat(context.getBean(ContemplateProperties.class).getGuard().isEnabled()).isFalse();

            assertThatThrownBy(() -> ask(context)).isInstanceOf(AllAgentsFailedException.class);
            assertThat(model.requests).as("no retry").hasSize(1);
        });
    }

    @Test
    void enabledWithoutRegistriesGivesTheDefaultRetryAndCircuitBreakerNamedAfterTheInstance() {
        model = failingOnceThenAnswering();
        runner.withPropertyValues("contemplate.guard.enabled=true").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(EngineGuard.class);
            EngineGuard guard = guard(context);
            Retry retry = guard.retry().orElseThrow();
            CircuitBreaker breaker = guard.circuitBreaker().orElseThrow();
            assertThat(retry.getName()).isEqualTo("contemplate");
            assertThat(breaker.getName()).isEqualTo("contemplate");
            assertThat(retry.getRetryConfig().getMaxAttempts())
                    .isEqualTo(EngineGuard.defaultRetryConfig().getMaxAttempts());
            assertThat(retry.getRetryConfig().getExceptionPredicate())
                    .accepts(new TransientInferenceException("m", "overloaded", null))
                    .rejects(new PermanentInferenceException("m", "bad request", null));
            CircuitBreakerConfig defaults = EngineGuard.defaultCircuitBreakerConfig();
            assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize())
                    .isEqualTo(defaults.getSlidingWindowSize());
            assertThat(breaker.getCircuitBreakerConfig().getMinimumNumberOfCalls())
                    .isEqualTo(defaults.getMinimumNumberOfCalls());
            assertThat(guard.bulkhead()).isEmpty();
            assertThat(guard.rateLimiter()).isEmpty();
            assertThat(guard.timeLimiter()).isEmpty();
            assertThat(guard.hedging()).isEmpty();

            assertThat(ask(context).answer().key()).isEqualTo("42");
            assertThat(model.requests).as("the failed call retried").hasSize(2);
            assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
        });
    }

    @Test
    void theInstanceNameNamesTheDefaultInstances() {
        runner.withPropertyValues("contemplate.guard.enabled=true", "contemplate.guard.instance=openai")
                .run(context -> {
                    EngineGuard guard = guard(context);
                    assertThat(guard.retry().orElseThrow().getName()).isEqualTo("openai");
                    assertThat(guard.circuitBreaker().orElseThrow().getName()).isEqualTo("openai");
                });
    }

    @Test
    void enabledWithRegistriesTakesTheirInstancesOfTheConfiguredName() {
        runner.withUserConfiguration(Registries.class)
                .withPropertyValues("contemplate.guard.enabled=true", "contemplate.guard.instance=openai")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    EngineGuard guard = guard(context);
                    assertThat(guard.circuitBreaker()).containsSame(
                            context.getBean(CircuitBreakerRegistry.class).circuitBreaker("openai"));
                    assertThat(guard.retry()).containsSame(context.getBean(RetryRegistry.class).retry("openai"));
                    assertThat(guard.retry().orElseThrow().getRetryConfig().getMaxAttempts()).isEqualTo(5);
                    assertThat(guard.bulkhead()).containsSame(
                            context.getBean(BulkheadRegistry.class).bulkhead("openai"));
                    assertThat(guard.rateLimiter()).containsSame(
                            context.getBean(RateLimiterRegistry.class).rateLimiter("openai"));
                    assertThat(guard.timeLimiter()).containsSame(
                            context.getBean(TimeLimiterRegistry.class).timeLimiter("openai"));
                    assertThat(guard.hedging()).isEmpty();
                });
    }

    @Test
    void anOpenBreakerFromTheRegistryShedsTheAgentsOfBothModels() {
        model = FakeChatModel.answering("The answer is 42.");
        runner.withUserConfiguration(CircuitBreakers.class).withPropertyValues("contemplate.guard.enabled=true",
                "contemplate.agents=3").run(context -> {
                    assertThat(context).hasNotFailed();
                    CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class)
                            .circuitBreaker("contemplate");
                    assertThat(guard(context).circuitBreaker()).containsSame(breaker);
                    breaker.transitionToOpenState();

                    assertThatThrownBy(() -> ask(context)).isInstanceOfSatisfying(AllAgentsFailedException.class,
                            e -> assertThat(e.agents()).hasSize(3)
                                    .allSatisfy(a -> assertThat(a).isInstanceOf(AgentOutcome.Shed.class)));
                    assertThat(model.requests).isEmpty();

                    Collector collector = new Collector();
                    context.getBean(StreamingChatModel.class).chat("What is 6*7?", collector);
                    assertThatThrownBy(collector::await).isInstanceOf(ExecutionException.class)
                            .cause().isInstanceOfSatisfying(AllAgentsFailedException.class,
                                    e -> assertThat(e.agents()).hasSize(3).allSatisfy(
                                            a -> assertThat(a).isInstanceOf(AgentOutcome.Shed.class)));
                    assertThat(context.getBean("appStreamingModel", FakeStreamingChatModel.class).requests)
                            .isEmpty();
                });
    }

    @Test
    void hedgeAfterSendsASecondCallForASlowAgent() {
        model = new FakeChatModel((call, request) -> call == 1 ? null : "The answer is 42.");
        runner.withPropertyValues("contemplate.guard.enabled=true", "contemplate.guard.hedge-after=100ms",
                "contemplate.guard.max-hedges=2").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(guard(context).hedging()).contains(new EngineGuard.Hedging(Duration.ofMillis(100), 2));

                    long start = System.nanoTime();
                    Verdict verdict = ask(context);
                    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

                    assertThat(verdict.answer().key()).isEqualTo("42");
                    assertThat(model.requests).as("the first call hangs; its hedge answers").hasSize(2);
                    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(100))
                            .isLessThan(Duration.ofSeconds(10));
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "contemplate.guard.instance=         | contemplate.guard.instance must name a Resilience4j instance but was"
                + " empty",
        "contemplate.guard.hedge-after=0s    | contemplate.guard.hedge-after must be positive but was PT0S",
        "contemplate.guard.hedge-after=-1s   | contemplate.guard.hedge-after must be positive but was PT-1S",
        "contemplate.guard.max-hedges=0      | contemplate.guard.max-hedges must be between 1 and 3 but was 0",
        "contemplate.guard.max-hedges=4      | contemplate.guard.max-hedges must be between 1 and 3 but was 4",
        "contemplate.guard.hedge-after=soon  | Failed to bind properties under 'contemplate.guard.hedge-after'",
    })
    void aBadGuardValueFailsTheStartNamingTheProperty(String property, String message) {
        runner.withPropertyValues("contemplate.guard.enabled=true", property).run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).anyMatch(m -> m.contains(message));
        });
    }
}

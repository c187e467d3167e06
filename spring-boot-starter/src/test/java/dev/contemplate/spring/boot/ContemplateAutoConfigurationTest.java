package dev.contemplate.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.langchain4j.Contemplate;
import dev.contemplate.orchestrator.langchain4j.ContemplatingChatModel;
import dev.contemplate.orchestrator.langchain4j.ContemplatingStreamingChatModel;
import dev.contemplate.orchestrator.langchain4j.ContemplationResponseMetadata;
import dev.contemplate.spring.boot.FakeModels.Collector;
import dev.contemplate.spring.boot.FakeModels.FakeChatModel;
import dev.contemplate.spring.boot.FakeModels.FakeStreamingChatModel;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How the auto-configuration wraps the application's models: when, which, and for how long. */
class ContemplateAutoConfigurationTest {

    /** An application with one chat model, and a component that injects "a ChatModel". */
    @Configuration(proxyBeanMethods = false)
    static class ChatApp {
        @Bean
        FakeChatModel appChatModel() {
            return FakeChatModel.answering("So the answer is 42.");
        }

        @Bean
        Assistant assistant(ChatModel model) {
            return new Assistant(model);
        }
    }

    /** What the application injects. */
    record Assistant(ChatModel model) {
    }

    /** An application with one streaming model, and a component that injects "a StreamingChatModel". */
    @Configuration(proxyBeanMethods = false)
    static class StreamingApp {
        @Bean
        FakeStreamingChatModel appStreamingModel() {
            return new FakeStreamingChatModel("So the answer is 42.");
        }

        @Bean
        StreamingAssistant streamingAssistant(StreamingChatModel model) {
            return new StreamingAssistant(model);
        }
    }

    /** What the application injects. */
    record StreamingAssistant(StreamingChatModel model) {
    }

    /** An application with two chat models. */
    @Configuration(proxyBeanMethods = false)
    static class TwoModelsApp {
        @Bean
        FakeChatModel first() {
            return FakeChatModel.answering("first: the answer is 1.");
        }

        @Bean
        FakeChatModel second() {
            return FakeChatModel.answering("second: the answer is 2.");
        }
    }

    /**
     * A model defined by another starter's auto-configuration, whose name sorts after ours: without its lowest order,
     * the contemplate auto-configuration would be processed first and would not see the model.
     */
    @org.springframework.boot.autoconfigure.AutoConfiguration
    static class ZModelAutoConfiguration {
        @Bean
        FakeChatModel starterChatModel() {
            return FakeChatModel.answering("So the answer is 42.");
        }
    }

    static final String[] NUMERIC_FIXED_3 = {"contemplate.enabled=true", "contemplate.agents=3",
        "contemplate.stopping-rule=fixed", "contemplate.extractor=numeric"};

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ContemplateAutoConfiguration.class));

    @Test
    void nothingIsWrappedWithoutContemplateEnabled() {
        runner.withUserConfiguration(ChatApp.class, StreamingApp.class).run(context -> {
            assertThat(context).hasNotFailed()
                    .doesNotHaveBean(ContemplatingChatModel.class)
                    .doesNotHaveBean(ContemplatingStreamingChatModel.class)
                    .doesNotHaveBean(ContemplateProperties.class);
            assertThat(context.getBean(Assistant.class).model()).isSameAs(context.getBean("appChatModel"));
        });
    }

    @Test
    void contemplateEnabledFalseTurnsItOff() {
        runner.withUserConfiguration(ChatApp.class).withPropertyValues("contemplate.enabled=false",
                "contemplate.agents=0").run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(ContemplatingChatModel.class);
                    assertThat(context.getBean(Assistant.class).model()).isInstanceOf(FakeChatModel.class);
                });
    }

    @Test
    void theChatModelTheAppInjectsIsTheContemplatingOneRunningTheAgentsOnTheOriginal() {
        runner.withUserConfiguration(ChatApp.class).withPropertyValues(NUMERIC_FIXED_3).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ContemplatingChatModel.class);
            ChatModel injected = context.getBean(Assistant.class).model();
            assertThat(injected).isInstanceOf(ContemplatingChatModel.class)
                    .isSameAs(context.getBean(ContemplateAutoConfiguration.CHAT_MODEL_BEAN))
                    .isSameAs(context.getBean(ChatModel.class));
            FakeChatModel original = context.getBean("appChatModel", FakeChatModel.class);

            ChatResponse response = injected.chat(ChatRequest.builder()
                    .messages(SystemMessage.from("Be brief."), UserMessage.from("What is 6*7?")).build());

            assertThat(response.aiMessage().text()).isEqualTo("So the answer is 42.");
            assertThat(((ContemplationResponseMetadata) response.metadata()).verdict().answer().key())
                    .isEqualTo("42");
            assertThat(original.requests).hasSize(3).allSatisfy(r -> {
                assertThat(r.messages().get(0)).isEqualTo(SystemMessage.from("Be brief."));
                assertThat(FakeModels.text(r)).contains("What is 6*7?");
            });
        });
    }

    @Test
    void aModelDefinedByAnotherAutoConfigurationIsWrapped() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ContemplateAutoConfiguration.class,
                        ZModelAutoConfiguration.class))
                .withPropertyValues(NUMERIC_FIXED_3).run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ContemplatingChatModel.class);
                    assertThat(context.getBean(ChatModel.class).chat("What is 6*7?")).isEqualTo("So the answer is 42.");
                    assertThat(context.getBean("starterChatModel", FakeChatModel.class).requests).hasSize(3);
                });
    }

    @Test
    void fastPassesStraightThroughToTheOriginalModel() {
        runner.withUserConfiguration(ChatApp.class).withPropertyValues("contemplate.enabled=true",
                "contemplate.mode=fast").run(context -> {
                    FakeChatModel original = context.getBean("appChatModel", FakeChatModel.class);

                    assertThat(context.getBean(ChatModel.class).chat("Hi")).isEqualTo("So the answer is 42.");

                    assertThat(original.requests).singleElement()
                            .satisfies(r -> assertThat(r.messages()).containsExactly(UserMessage.from("Hi")));
                });
    }

    @Test
    void theStreamingModelIsWrappedToo() {
        runner.withUserConfiguration(StreamingApp.class).withPropertyValues(NUMERIC_FIXED_3).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ContemplatingStreamingChatModel.class)
                    .doesNotHaveBean(ContemplatingChatModel.class);
            StreamingChatModel injected = context.getBean(StreamingAssistant.class).model();
            assertThat(injected).isInstanceOf(ContemplatingStreamingChatModel.class);
            Collector collector = new Collector();

            injected.chat("What is 6*7?", collector);

            assertThat(collector.await().aiMessage().text()).isEqualTo("So the answer is 42.");
            assertThat(String.join("", collector.partials)).isEqualTo("So the answer is 42.");
            assertThat(context.getBean("appStreamingModel", FakeStreamingChatModel.class).requests).hasSize(3);
        });
    }

    @Test
    void bothModelsAreWrappedEachOnItsOwnEngine() {
        runner.withUserConfiguration(ChatApp.class, StreamingApp.class).withPropertyValues(NUMERIC_FIXED_3)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Assistant.class).model()).isInstanceOf(ContemplatingChatModel.class);
                    assertThat(context.getBean(StreamingAssistant.class).model())
                            .isInstanceOf(ContemplatingStreamingChatModel.class);
                    assertThat(context.getBean(ContemplateAutoConfiguration.CHAT_MODEL_WRAPPED_BEAN,
                            Contemplate.Wrapped.class).engine()).isNotSameAs(context.getBean(
                                    ContemplateAutoConfiguration.STREAMING_CHAT_MODEL_WRAPPED_BEAN,
                                    Contemplate.Wrapped.class).engine());
                });
    }

    @Test
    void severalChatModelsNeedTheBeanNamedAndTheFailureSaysWhichProperty() {
        runner.withUserConfiguration(TwoModelsApp.class).withPropertyValues(NUMERIC_FIXED_3).run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).anyMatch(m -> m.contains(
                    "contemplate.chat-model-bean must name the ChatModel bean to wrap: the application has 2 of them,"
                            + " [first, second]"));
        });
        runner.withUserConfiguration(TwoModelsApp.class).withPropertyValues(NUMERIC_FIXED_3)
                .withPropertyValues("contemplate.chat-model-bean=nope").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(messages(context.getStartupFailure())).anyMatch(m -> m.contains(
                            "contemplate.chat-model-bean 'nope' names no ChatModel bean to wrap"));
                });
        runner.withUserConfiguration(TwoModelsApp.class).withPropertyValues(NUMERIC_FIXED_3)
                .withPropertyValues("contemplate.chat-model-bean=second").run(context -> {
                    assertThat(context.getBean(ChatModel.class).chat("Which?")).isEqualTo("second: the answer is 2.");
                    assertThat(context.getBean("second", FakeChatModel.class).requests).hasSize(3);
                    assertThat(context.getBean("first", FakeChatModel.class).requests).isEmpty();
                });
    }

    @Test
    void theEngineIsClosedWithTheContext() {
        List<Contemplate.Wrapped<?>> wrapped = new ArrayList<>();
        runner.withUserConfiguration(ChatApp.class).withPropertyValues(NUMERIC_FIXED_3).run(context -> {
            wrapped.add(context.getBean(ContemplateAutoConfiguration.CHAT_MODEL_WRAPPED_BEAN,
                    Contemplate.Wrapped.class));
            assertThat(context.getBean(ChatModel.class).chat("What is 6*7?")).isEqualTo("So the answer is 42.");
        });
        ContemplatingChatModel model = (ContemplatingChatModel) wrapped.get(0).model();

        assertThatThrownBy(() -> model.chat("What is 6*7?")).isInstanceOf(ContemplationException.class)
                .satisfies(e -> assertThat(messages(e)).anyMatch(m -> m.contains("engine is closed")));
    }

    /** The messages of {@code error}, its causes and their suppressed exceptions. */
    static List<String> messages(Throwable error) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
            for (Throwable s : t.getSuppressed()) {
                messages.addAll(messages(s));
            }
        }
        return messages;
    }
}

package dev.contemplate.spring.boot;

import dev.contemplate.orchestrator.EngineGuard;
import dev.contemplate.orchestrator.langchain4j.Contemplate;
import dev.contemplate.orchestrator.langchain4j.ContemplatingChatModel;
import dev.contemplate.orchestrator.langchain4j.ContemplatingStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.Ordered;

/**
 * Contemplate mode for a Spring Boot application's LangChain4j models, on with {@code contemplate.enabled=true} and
 * configured by the {@code contemplate.*} properties ({@link ContemplateProperties}).
 *
 * <p><b>What it wraps.</b> The application's own {@link ChatModel} bean (OpenAI, Ollama, any LangChain4j model) stays
 * as it is, under its own name, and becomes the agents' engine through {@code LangChain4jEngine}. Beside it this
 * configuration adds a {@link Primary @Primary} {@link ContemplatingChatModel} named
 * {@value #CHAT_MODEL_BEAN}, so every injection point that asks for a {@code ChatModel} gets contemplate mode, and
 * FAST requests (the {@code contemplate-fast} model name, or {@code contemplate.mode=fast}) pass straight through to
 * the original model. Likewise, when the application has a {@link StreamingChatModel}, a {@code @Primary}
 * {@link ContemplatingStreamingChatModel} named {@value #STREAMING_CHAT_MODEL_BEAN}. Code that wants the original asks
 * for it by name or by its own type ({@code @Qualifier("openAiChatModel")}, {@code OpenAiChatModel}).
 *
 * <p><b>No bean cycle.</b> The contemplating bean does not ask for "a {@code ChatModel}" (it would be offered itself,
 * being primary): the {@link Contemplate.Wrapped} bean behind it looks the candidates up by name, leaves out every bean
 * whose type is a contemplating model, and takes the one that remains, or the one {@code contemplate.chat-model-bean}
 * names when there are several (start-up fails, naming that property, when it is needed and unset). Wrapping is done
 * by adding beans, not by a {@code BeanPostProcessor} that replaces the original: the original keeps its type (an
 * injection point of type {@code OpenAiChatModel} still works) and its own life cycle.
 *
 * <p><b>Life cycle.</b> The engine belongs to the {@link Contemplate.Wrapped} bean ({@value #CHAT_MODEL_WRAPPED_BEAN},
 * {@value #STREAMING_CHAT_MODEL_WRAPPED_BEAN}), an {@link AutoCloseable} that Spring closes on context shutdown: calls
 * still in flight fail and the engine's threads end. The original model is not closed by it. The same bean gives the
 * contemplator, for {@code contemplator().events(...)} with the same settings.
 *
 * <p><b>Guard rails.</b> With {@code contemplate.guard.enabled=true} the calls to the original model are guarded by an
 * {@link EngineGuard} bean ({@value #GUARD_BEAN}), shared by both contemplating models and made of the application's
 * Resilience4j instances named {@code contemplate.guard.instance}: the retry and circuit breaker from its
 * {@link RetryRegistry} and {@link CircuitBreakerRegistry} beans (such as resilience4j-spring-boot3 defines and
 * configures with its {@code resilience4j.*} properties), or with {@link EngineGuard#defaultRetryConfig()} and
 * {@link EngineGuard#defaultCircuitBreakerConfig()} where there is no such registry; a bulkhead, rate limiter and
 * time limiter only where the application has a {@link BulkheadRegistry}, {@link RateLimiterRegistry} or
 * {@link TimeLimiterRegistry} (the engine already bounds concurrent calls with {@code contemplate.max-in-flight}); and
 * hedging when {@code contemplate.guard.hedge-after} is set. Without it, calls are not guarded.
 *
 * <p><b>Order.</b> This configuration runs after every other auto-configuration of default order, so that models
 * defined by other starters (such as LangChain4j's own) are seen. LangChain4j's {@code @AiService} in its automatic
 * wiring mode refuses to choose between two {@code ChatModel} beans; name ours there:
 * {@code @AiService(wiringMode = EXPLICIT, chatModel = "contemplatingChatModel")}. An application whose original model
 * is itself {@code @Primary} has two primary candidates and must qualify its injection points.
 */
@AutoConfiguration
@AutoConfigureOrder(Ordered.LOWEST_PRECEDENCE)
@ConditionalOnClass({ChatModel.class, Contemplate.class})
@ConditionalOnProperty(prefix = "contemplate", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(ContemplateProperties.class)
public class ContemplateAutoConfiguration {

    /** The name of the contemplating {@code ChatModel} bean. */
    public static final String CHAT_MODEL_BEAN = "contemplatingChatModel";

    /** The name of the {@link Contemplate.Wrapped} bean that owns the chat model's engine. */
    public static final String CHAT_MODEL_WRAPPED_BEAN = "contemplatingChatModelWrapped";

    /** The name of the contemplating {@code StreamingChatModel} bean. */
    public static final String STREAMING_CHAT_MODEL_BEAN = "contemplatingStreamingChatModel";

    /** The name of the {@link Contemplate.Wrapped} bean that owns the streaming model's engine. */
    public static final String STREAMING_CHAT_MODEL_WRAPPED_BEAN = "contemplatingStreamingChatModelWrapped";

    /** The name of the {@link EngineGuard} bean, defined when {@code contemplate.guard.enabled} is true. */
    public static final String GUARD_BEAN = "contemplateEngineGuard";

    private static final Log LOG = LogFactory.getLog(ContemplateAutoConfiguration.class);

    /** Creates the configuration; Spring does. */
    public ContemplateAutoConfiguration() {
    }

    /** The contemplating {@code ChatModel}, when the application has a {@code ChatModel}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(ChatModel.class)
    @ConditionalOnMissingBean(name = CHAT_MODEL_BEAN)
    static class ChatModels {

        @Bean(CHAT_MODEL_WRAPPED_BEAN)
        Contemplate.Wrapped<ContemplatingChatModel> contemplatingChatModelWrapped(ListableBeanFactory beans,
                ContemplateProperties properties, @Qualifier(GUARD_BEAN) ObjectProvider<EngineGuard> guard) {
            String name = original(beans, ChatModel.class, ContemplatingChatModel.class,
                    properties.getChatModelBean(), "chat-model-bean");
            ContemplateSettings settings = ContemplateSettings.of(properties);
            EngineGuard engineGuard = guard.getIfAvailable(EngineGuard::none);
            LOG.info("contemplate: ChatModel '" + name + "' wrapped as '" + CHAT_MODEL_BEAN + "' "
                    + describe(settings, engineGuard));
            return settings.applyTo(Contemplate.builder(beans.getBean(name, ChatModel.class)), engineGuard)
                    .buildWrapped();
        }

        @Bean(CHAT_MODEL_BEAN)
        @Primary
        ContemplatingChatModel contemplatingChatModel(
                @Qualifier(CHAT_MODEL_WRAPPED_BEAN) Contemplate.Wrapped<ContemplatingChatModel> wrapped) {
            return wrapped.model();
        }
    }

    /** The contemplating {@code StreamingChatModel}, when the application has a {@code StreamingChatModel}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(StreamingChatModel.class)
    @ConditionalOnMissingBean(name = STREAMING_CHAT_MODEL_BEAN)
    static class StreamingChatModels {

        @Bean(STREAMING_CHAT_MODEL_WRAPPED_BEAN)
        Contemplate.Wrapped<ContemplatingStreamingChatModel> contemplatingStreamingChatModelWrapped(
                ListableBeanFactory beans, ContemplateProperties properties,
                @Qualifier(GUARD_BEAN) ObjectProvider<EngineGuard> guard) {
            String name = original(beans, StreamingChatModel.class, ContemplatingStreamingChatModel.class,
                    properties.getStreamingChatModelBean(), "streaming-chat-model-bean");
            ContemplateSettings settings = ContemplateSettings.of(properties);
            EngineGuard engineGuard = guard.getIfAvailable(EngineGuard::none);
            LOG.info("contemplate: StreamingChatModel '" + name + "' wrapped as '" + STREAMING_CHAT_MODEL_BEAN + "' "
                    + describe(settings, engineGuard));
            return settings.applyTo(Contemplate.builder(beans.getBean(name, StreamingChatModel.class)), engineGuard)
                    .buildWrapped();
        }

        @Bean(STREAMING_CHAT_MODEL_BEAN)
        @Primary
        ContemplatingStreamingChatModel contemplatingStreamingChatModel(
                @Qualifier(STREAMING_CHAT_MODEL_WRAPPED_BEAN)
                Contemplate.Wrapped<ContemplatingStreamingChatModel> wrapped) {
            return wrapped.model();
        }
    }

    /**
     * The guard rails of the calls to the original models, when {@code contemplate.guard.enabled} is true. The
     * registries are looked up when the guard is made; absent ones are fine.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "contemplate.guard", name = "enabled", havingValue = "true")
    static class Guards {

        @Bean(GUARD_BEAN)
        EngineGuard contemplateEngineGuard(ContemplateProperties properties,
                ObjectProvider<CircuitBreakerRegistry> circuitBreakers, ObjectProvider<RetryRegistry> retries,
                ObjectProvider<BulkheadRegistry> bulkheads, ObjectProvider<RateLimiterRegistry> rateLimiters,
                ObjectProvider<TimeLimiterRegistry> timeLimiters) {
            return ContemplateSettings.of(properties).guard().build(circuitBreakers.getIfAvailable(),
                    retries.getIfAvailable(), bulkheads.getIfAvailable(), rateLimiters.getIfAvailable(),
                    timeLimiters.getIfAvailable());
        }
    }

    /**
     * Returns the name of the bean to wrap: the one {@code chosen} names, or the only bean of {@code type} that is not
     * a contemplating model. Looks the beans up by name and type without creating them, so the contemplating bean is
     * never offered to itself.
     *
     * @throws IllegalStateException naming {@code contemplate.<property>} if {@code chosen} names no candidate, or if
     *     it is unset and there are several candidates
     */
    static String original(ListableBeanFactory beans, Class<?> type, Class<?> contemplating, @Nullable String chosen,
            String property) {
        List<String> candidates = Arrays.stream(beans.getBeanNamesForType(type))
                .filter(name -> !beans.isTypeMatch(name, contemplating))
                .toList();
        String kind = type.getSimpleName();
        if (chosen != null) {
            if (!candidates.contains(chosen)) {
                throw new IllegalStateException(ContemplateSettings.PREFIX + property + " '" + chosen + "' names no "
                        + kind + " bean to wrap; the candidates are " + candidates);
            }
            return chosen;
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (candidates.isEmpty()) {
            throw new IllegalStateException("contemplate.enabled is true but the application has no " + kind
                    + " bean to wrap, only contemplating ones");
        }
        throw new IllegalStateException(ContemplateSettings.PREFIX + property + " must name the " + kind
                + " bean to wrap: the application has " + candidates.size() + " of them, " + candidates);
    }

    private static String describe(ContemplateSettings s, EngineGuard guard) {
        return "(" + s.agents() + " agents, vote " + (s.voting() != null ? s.voting().name() : "semantic")
                + ", stopping rule " + s.stoppingRule().name() + ", judge "
                + (s.aggregator() != null ? s.aggregator().name() : "none") + ", deadline " + s.budget().deadline()
                + ", mode " + s.mode() + ", guard " + (guard.isNone() ? "none" : guard) + ")";
    }
}

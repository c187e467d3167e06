package dev.contemplate.orchestrator.langchain4j;

import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.aggregation.Votings;
import dev.contemplate.inference.langchain4j.LangChain4jEngine;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.time.Duration;
import java.util.Objects;

/**
 * Contemplate mode for any LangChain4j chat model in one line: the model becomes the agents' engine (through
 * {@link LangChain4jEngine}) and the result is again a LangChain4j model, which AI Services, chat memory and any code
 * written against LangChain4j use unchanged.
 *
 * <pre>{@code
 * ContemplatingChatModel model = Contemplate.wrap(openAiChatModel);  // 5 agents, semantic vote, beta:0.95, 60 s
 * String answer = model.chat("Why is the sky blue?");
 * String quick = model.withMode(Mode.FAST).chat("Hi!");               // straight to openAiChatModel
 *
 * ChatModel tuned = Contemplate.builder(openAiChatModel)
 *         .agents(8).extractor(AnswerExtractors.numeric()).stoppingRule(StoppingRules.unassailable())
 *         .deadline(Duration.ofSeconds(20))
 *         .build();
 * }</pre>
 *
 * <p><b>Defaults</b> (each a builder option): {@value #DEFAULT_AGENTS} agents, plain step-by-step agents at temperature
 * {@value #DEFAULT_TEMPERATURE} writing at most {@value #DEFAULT_MAX_TOKENS_PER_AGENT} tokens each, unseeded, all
 * started at once; the semantic vote ({@link Votings#semantic()}: free-form answers clustered by meaning, so any
 * question works), the stopping rule {@value #DEFAULT_STOPPING_RULE}, the vote's own decision as the reply (no judge);
 * a budget of {@link #DEFAULT_DEADLINE 60 seconds} and no token limit; CONTEMPLATE mode; the engine lets
 * {@value LangChain4jEngine#DEFAULT_MAX_IN_FLIGHT} calls to the model run at once. FAST requests (the
 * {@code contemplate-fast} model name, {@code withMode(Mode.FAST)} or {@code mode(Mode.FAST)}) pass straight through
 * to the wrapped model, without contemplation. The returned models behave as {@link ContemplatingChatModel} and
 * {@link ContemplatingStreamingChatModel} describe (model names, conversation, response metadata with the verdict).
 *
 * <p><b>The engine's life.</b> A LangChain4j model has no {@code close()}, so the contemplating model owns its engine
 * for as long as it lives. Over a blocking {@link ChatModel} the engine runs calls on a bounded pool of daemon threads
 * of its own: workers end after 60 idle seconds, one housekeeping thread stays until the engine is closed, and none
 * keeps the JVM alive. Over a {@link StreamingChatModel} it holds no thread. A model built once for the life of the
 * application therefore needs no release. Where a model lives shorter (built per tenant, per test, per configuration
 * reload), build it with {@link ContemplateBuilder#buildWrapped()} and close the {@link Wrapped} when done: that fails
 * calls still in flight and stops the engine's threads (the wrapped LangChain4j model itself is never closed). The
 * Spring Boot starter does that on context shutdown.
 */
public final class Contemplate {

    /** The number of agents by default. */
    public static final int DEFAULT_AGENTS = 5;

    /** The agents' sampling temperature by default. */
    public static final double DEFAULT_TEMPERATURE = 0.7;

    /** The most tokens each agent writes by default: room for reasoning before a chat answer. */
    public static final int DEFAULT_MAX_TOKENS_PER_AGENT = 1024;

    /** The stopping rule by default, as {@link StoppingRules#parse(String)} reads it. */
    public static final String DEFAULT_STOPPING_RULE = "beta:0.95";

    /** The deadline of each request by default. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

    private Contemplate() {
    }

    /**
     * Returns {@code model} in contemplate mode with the defaults (see the class description); FAST requests pass
     * through to {@code model}.
     *
     * @param model the model the agents run on
     * @return a contemplating model that owns its engine (see the class description for its release)
     * @throws NullPointerException if {@code model} is null
     */
    public static ContemplatingChatModel wrap(ChatModel model) {
        return builder(model).build();
    }

    /**
     * Returns {@code model} in contemplate mode with the defaults (see the class description), streaming; FAST
     * requests pass through to {@code model}.
     *
     * @param model the streaming model the agents run on
     * @return a contemplating streaming model that owns its engine (see the class description for its release)
     * @throws NullPointerException if {@code model} is null
     */
    public static ContemplatingStreamingChatModel wrap(StreamingChatModel model) {
        return builder(model).build();
    }

    /**
     * Returns a builder that starts from the defaults and wraps {@code model}.
     *
     * @param model the model the agents run on, and that FAST requests pass through to
     * @return the builder
     * @throws NullPointerException if {@code model} is null
     */
    public static ContemplateBuilder<ContemplatingChatModel> builder(ChatModel model) {
        Objects.requireNonNull(model, "model");
        return new ContemplateBuilder<>(new ContemplateBuilder.Target<>() {
            @Override
            public LangChain4jEngine.Builder engine() {
                return LangChain4jEngine.builder(model);
            }

            @Override
            public ContemplatingChatModel model(Contemplator contemplator, Mode mode, boolean answerOnly) {
                return ContemplatingChatModel.builder().contemplator(contemplator).mode(mode).answerOnly(answerOnly)
                        .fastModel(model).build();
            }
        });
    }

    /**
     * Returns a builder that starts from the defaults and wraps the streaming {@code model}.
     *
     * @param model the streaming model the agents run on, and that FAST requests pass through to
     * @return the builder
     * @throws NullPointerException if {@code model} is null
     */
    public static ContemplateBuilder<ContemplatingStreamingChatModel> builder(StreamingChatModel model) {
        Objects.requireNonNull(model, "model");
        return new ContemplateBuilder<>(new ContemplateBuilder.Target<>() {
            @Override
            public LangChain4jEngine.Builder engine() {
                return LangChain4jEngine.builder(model);
            }

            @Override
            public ContemplatingStreamingChatModel model(Contemplator contemplator, Mode mode, boolean answerOnly) {
                return ContemplatingStreamingChatModel.builder().contemplator(contemplator).mode(mode)
                        .answerOnly(answerOnly).fastModel(model).build();
            }
        });
    }

    /**
     * A contemplating model together with what it runs on: close it to release the engine (see the class
     * description). Closing is idempotent; the model fails its calls afterwards.
     *
     * @param model the contemplating model
     * @param contemplator the contemplator behind it, for direct use ({@link Contemplator#events}: progress events
     *     with the same settings)
     * @param engine the engine over the wrapped LangChain4j model, owned by this value
     * @param <M> the kind of contemplating model
     */
    public record Wrapped<M>(M model, Contemplator contemplator, LangChain4jEngine engine) implements AutoCloseable {

        /**
         * Checks the components.
         *
         * @param model the contemplating model
         * @param contemplator the contemplator behind it
         * @param engine the engine it runs on, owned by this value
         * @throws NullPointerException if one is null
         */
        public Wrapped {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(contemplator, "contemplator");
            Objects.requireNonNull(engine, "engine");
        }

        /** Closes the engine: calls in flight fail, new ones are refused, its threads end. Idempotent. */
        @Override
        public void close() {
            engine.close();
        }
    }
}

package dev.contemplate.inference.langchain4j;

import dev.contemplate.inference.EngineCapabilities;
import dev.contemplate.inference.EngineClosedException;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.langchain4j.internal.BlockingCall;
import dev.contemplate.inference.langchain4j.internal.CallRegistry;
import dev.contemplate.inference.langchain4j.internal.CharacterTokenEstimator;
import dev.contemplate.inference.langchain4j.internal.ErrorMapper;
import dev.contemplate.inference.langchain4j.internal.PermitGate;
import dev.contemplate.inference.langchain4j.internal.RequestMapper;
import dev.contemplate.inference.langchain4j.internal.ResponseMapper;
import dev.contemplate.inference.langchain4j.internal.StreamingCall;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * An {@link InferenceEngine} over any LangChain4j {@link ChatModel} (blocking) or {@link StreamingChatModel}.
 *
 * <pre>{@code
 * StreamingChatModel model = OpenAiStreamingChatModel.builder()
 *         .baseUrl("http://localhost:8000/v1").apiKey("none").modelName("qwen").build();
 * try (LangChain4jEngine engine = LangChain4jEngine.builder(model)
 *         .name("vllm")
 *         .maxInFlight(32)
 *         .build()) {
 *     Generation answer = engine.generate(GenerationRequest.of("What is 17 * 23?", SamplingParameters.defaults()))
 *             .block();
 *     System.out.println(answer.text());
 * }
 * }</pre>
 *
 * <h2>Requests</h2>
 * Messages map by role to {@code SystemMessage}, {@code UserMessage} and {@code AiMessage} (a blank system message
 * says nothing and is left out, as LangChain4j rejects it). Temperature, top-p, the token limit and stop sequences
 * travel as LangChain4j's common request parameters; seeds and top-k as {@link SeedSupport} and
 * {@link TopKSupport} say. The model's own default parameters fill in what a request leaves unset (stop sequences
 * when the request has none, and a seed configured on the model when the request has none).
 *
 * <h2>Results</h2>
 * The text, the finish reason ({@code STOP}, {@code LENGTH} and {@code CONTENT_FILTER} map to the same values,
 * anything else to {@code OTHER}) and the token usage of LangChain4j's response. A token count that the provider
 * does not report is estimated with {@link Builder#tokenCountEstimator(TokenCountEstimator)}: the input from the
 * prompt messages, the output from the generated text. Without an estimator, the estimate is one token per four
 * characters, at least one for non-empty text.
 *
 * <p>Per-token log-probabilities ({@link Generation#logprobs()}) are reported where LangChain4j surfaces them. In
 * LangChain4j 1.19 that is only its OpenAI models ({@code OpenAiChatModel} and {@code OpenAiStreamingChatModel},
 * through {@code OpenAiChatResponseMetadata.logProbs()}), and only when the request asks for them: with
 * {@link Builder#logprobs(boolean)}, or, for an {@code OpenAiChatModel}, with {@code logprobs(true)} on its own
 * builder ({@code OpenAiStreamingChatModel} 1.19 has no such option and drops it from its default parameters). The
 * OpenAI API and OpenAI-compatible servers (vLLM, SGLang) then return one per generated token; whether they are
 * computed before or after temperature is the server's choice. Other models, and responses without them, report
 * none.
 *
 * <h2>Streaming and cancellation</h2>
 * A {@link StreamingChatModel} streams its text as it arrives ({@code tokenStreaming=true}); text the subscriber
 * has not requested yet is coalesced into one pending delta, so nothing is dropped and no event queue grows.
 * Cancelling the subscription cancels LangChain4j's streaming handle, which closes the HTTP stream; a cancellation
 * that comes before the first token is remembered and applied as soon as the stream delivers its handle.
 *
 * <p>A blocking {@link ChatModel} runs on a bounded scheduler that the engine owns (threads named
 * {@code contemplate-<name>-<n>}), never on the caller's or a Reactor parallel thread, and emits its text as one
 * delta at the end ({@code tokenStreaming=false}). Cancelling interrupts the call's thread: LangChain4j's JDK HTTP
 * client then aborts the exchange and closes the connection. A model whose client ignores interrupts runs to the
 * end on its thread; its result is dropped either way.
 *
 * <h2>Concurrency</h2>
 * At most {@link Builder#maxInFlight(int)} generations hold a connection or a thread at once; up to
 * {@link Builder#maxQueued(int)} more wait in arrival order, and beyond that a generation fails at once with a
 * {@link dev.contemplate.inference.TransientInferenceException}. Nothing queues without bound.
 *
 * <h2>Errors</h2>
 * LangChain4j's retriable exceptions (timeouts, rate limits, server errors), HTTP 408, 429 and 5xx, and I/O
 * failures become {@link dev.contemplate.inference.TransientInferenceException}; authentication, invalid requests,
 * other HTTP 4xx and unrecognised errors become {@link PermanentInferenceException}. Every error names the engine.
 * Retries are left to the caller: configure the model without its own retries (for OpenAI models
 * {@code maxRetries(0)}) to avoid retrying twice.
 *
 * <p>Instances are thread-safe. {@link #close()} fails waiting and running generations, and stops the engine's
 * threads; it does not close the model.
 */
public final class LangChain4jEngine implements InferenceEngine {

    /** The default bound of generations in flight. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 16;

    /** The default bound of generations waiting for a slot. */
    public static final int DEFAULT_MAX_QUEUED = 256;

    /** The default engine name. */
    public static final String DEFAULT_NAME = "langchain4j";

    private final String name;
    private final String modelName;
    private final @Nullable ChatModel chatModel;
    private final @Nullable StreamingChatModel streamingModel;
    private final RequestMapper requests;
    private final ResponseMapper responses;
    private final PermitGate gate;
    private final CallRegistry registry;
    private final @Nullable Scheduler blockingScheduler;
    private final EngineCapabilities capabilities;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LangChain4jEngine(Builder b) {
        this.name = b.name;
        this.chatModel = b.chatModel;
        this.streamingModel = b.streamingModel;
        ChatRequestParameters defaults = b.modelDefaults();
        this.modelName = defaults != null && defaults.modelName() != null && !defaults.modelName().isBlank()
                ? defaults.modelName() : name;
        boolean openAiDefaults = RequestMapper.isOpenAiParameters(defaults);

        SeedSupport seedSupport = b.seedSupport == SeedSupport.DETECT
                ? (openAiDefaults ? SeedSupport.OPENAI : SeedSupport.NONE)
                : b.seedSupport;
        TopKSupport topKSupport = b.topKSupport == TopKSupport.DETECT
                ? (openAiDefaults ? TopKSupport.IGNORE : TopKSupport.STANDARD)
                : b.topKSupport;
        boolean needsOpenAi = seedSupport == SeedSupport.OPENAI
                || topKSupport == TopKSupport.OPENAI_COMPATIBLE_TOP_K_FIELD || b.logprobs;
        if (needsOpenAi && !openAiDefaults && !RequestMapper.openAiAvailable()) {
            throw new IllegalStateException("SeedSupport.OPENAI, TopKSupport.OPENAI_COMPATIBLE_TOP_K_FIELD and "
                    + "logprobs(true) need dev.langchain4j:langchain4j-open-ai on the class path");
        }
        RequestMapper.TopK topK = switch (topKSupport) {
            case STANDARD -> RequestMapper.TopK.STANDARD;
            case OPENAI_COMPATIBLE_TOP_K_FIELD -> RequestMapper.TopK.OPENAI_FIELD;
            default -> RequestMapper.TopK.IGNORE;
        };
        boolean seeds = seedSupport == SeedSupport.OPENAI;
        this.requests = new RequestMapper(name, openAiDefaults || needsOpenAi, seeds, topK, b.logprobs, defaults);
        this.responses = new ResponseMapper(b.tokenCountEstimator);
        this.gate = new PermitGate(name, b.maxInFlight, b.maxQueued);
        this.registry = new CallRegistry(name);
        int threads = b.blockingThreads > 0 ? b.blockingThreads : b.maxInFlight;
        // every scheduled task holds a permit, so at most maxInFlight tasks wait for a thread; the slack covers
        // tasks cancelled while queued that the executor has not dropped yet
        this.blockingScheduler = chatModel == null ? null
                : Schedulers.newBoundedElastic(threads, 2 * b.maxInFlight, "contemplate-" + name, 60, true);
        this.capabilities = new EngineCapabilities(streamingModel != null, seeds);
    }

    /**
     * Returns a builder for an engine over a blocking chat model.
     *
     * @param model the model; the engine calls {@link ChatModel#chat(ChatRequest)} on its own threads
     * @return the builder
     */
    public static Builder builder(ChatModel model) {
        return new Builder(Objects.requireNonNull(model, "model"), null);
    }

    /**
     * Returns a builder for an engine over a streaming chat model.
     *
     * @param model the model
     * @return the builder
     */
    public static Builder builder(StreamingChatModel model) {
        return new Builder(null, Objects.requireNonNull(model, "model"));
    }

    /**
     * Returns the model's name as its LangChain4j model's default request parameters give it (for example the
     * {@code modelName} of an OpenAI model), or the engine's name when they give none.
     */
    @Override
    public String model() {
        return modelName;
    }

    /** Returns the engine's name, as set with {@link Builder#name(String)}. */
    @Override
    public String name() {
        return name;
    }

    /**
     * Returns what this engine can do: token streaming for a streaming model, and seeds as {@link SeedSupport}
     * resolved. How many sequences run at once is {@link Builder#maxInFlight(int)}.
     */
    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }

    /**
     * Generates one sequence. Nothing is sent until subscription; a seed this engine cannot pass fails the
     * publisher with {@link dev.contemplate.inference.UnsupportedCapabilityException} before anything is sent,
     * and an engine whose in-flight and waiting slots are all taken fails it with a
     * {@link dev.contemplate.inference.TransientInferenceException}.
     *
     * @param request the prompt and sampling parameters
     * @return text deltas, then one completion; cancel it to close the HTTP stream (or interrupt the blocking call)
     */
    @Override
    public Flux<GenerationEvent> stream(GenerationRequest request) {
        Objects.requireNonNull(request, "request");
        return Flux.defer(() -> {
            if (closed.get()) {
                return Flux.error(new EngineClosedException(name, null));
            }
            ChatRequest chatRequest;
            try {
                chatRequest = requests.toChatRequest(request);
            } catch (RuntimeException e) {
                return Flux.error(ErrorMapper.map(name, e));
            }
            return gate.run(permit -> streamingModel != null
                    ? StreamingCall.flux(name, streamingModel, chatRequest, responses, permit, registry)
                    : BlockingCall.flux(name, Objects.requireNonNull(chatModel), chatRequest, responses, permit,
                            registry, Objects.requireNonNull(blockingScheduler)));
        });
    }

    /** Returns how many generations hold a connection or a thread right now. */
    public int inFlight() {
        return gate.inUse();
    }

    /** Returns how many generations wait for a slot right now. */
    public int queued() {
        return gate.waiting();
    }

    /**
     * Fails waiting and running generations with a {@link PermanentInferenceException} (running streams are
     * cancelled, running blocking calls interrupted), refuses new ones, and disposes the engine's scheduler so
     * its threads end. Idempotent; does not close the model.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        gate.close();
        registry.closeAndAbortAll();
        if (blockingScheduler != null) {
            blockingScheduler.dispose();
        }
    }

    /** Builds a {@link LangChain4jEngine}. Not thread-safe. */
    public static final class Builder {
        private final @Nullable ChatModel chatModel;
        private final @Nullable StreamingChatModel streamingModel;
        private String name = DEFAULT_NAME;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private int blockingThreads = -1;
        private SeedSupport seedSupport = SeedSupport.DETECT;
        private TopKSupport topKSupport = TopKSupport.DETECT;
        private TokenCountEstimator tokenCountEstimator = new CharacterTokenEstimator();
        private boolean logprobs;

        private Builder(@Nullable ChatModel chatModel, @Nullable StreamingChatModel streamingModel) {
            this.chatModel = chatModel;
            this.streamingModel = streamingModel;
        }

        /**
         * Sets the engine's name, used in errors, logs and thread names (default {@value LangChain4jEngine#DEFAULT_NAME}).
         *
         * @param value a non-blank name
         * @return this builder
         */
        public Builder name(String value) {
            Objects.requireNonNull(value, "name");
            if (value.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = value;
            return this;
        }

        /**
         * Sets how many generations may hold a connection or a thread at once (default
         * {@value LangChain4jEngine#DEFAULT_MAX_IN_FLIGHT}).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder maxInFlight(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxInFlight must be >= 1 but was " + value);
            }
            this.maxInFlight = value;
            return this;
        }

        /**
         * Sets how many generations may wait for a slot; more fail at once with a transient error (default
         * {@value LangChain4jEngine#DEFAULT_MAX_QUEUED}).
         *
         * @param value zero or more
         * @return this builder
         */
        public Builder maxQueued(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxQueued must be >= 0 but was " + value);
            }
            this.maxQueued = value;
            return this;
        }

        /**
         * Sets the most threads that run blocking {@link ChatModel} calls (default: {@link #maxInFlight(int)});
         * unused for a streaming model.
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder blockingThreads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("blockingThreads must be >= 1 but was " + value);
            }
            this.blockingThreads = value;
            return this;
        }

        /**
         * Sets how seeds are passed (default {@link SeedSupport#DETECT}).
         *
         * @param value the seed support
         * @return this builder
         */
        public Builder seedSupport(SeedSupport value) {
            this.seedSupport = Objects.requireNonNull(value, "seedSupport");
            return this;
        }

        /**
         * Sets how top-k is passed (default {@link TopKSupport#DETECT}).
         *
         * @param value the top-k support
         * @return this builder
         */
        public Builder topKSupport(TopKSupport value) {
            this.topKSupport = Objects.requireNonNull(value, "topKSupport");
            return this;
        }

        /**
         * Sets the estimator for token counts that the provider does not report (default: one token per four
         * characters).
         *
         * @param value the estimator, for example a LangChain4j tokenizer-backed one
         * @return this builder
         */
        public Builder tokenCountEstimator(TokenCountEstimator value) {
            this.tokenCountEstimator = Objects.requireNonNull(value, "tokenCountEstimator");
            return this;
        }

        /**
         * Sets whether every request asks the provider for per-token log-probabilities, so that generations report
         * them in {@link Generation#logprobs()} (default false). It sets the {@code logprobs} field of OpenAI's
         * chat completions request, which the OpenAI API and OpenAI-compatible servers (vLLM, SGLang) honour, so it
         * needs {@code langchain4j-open-ai}; only LangChain4j's OpenAI models hand the values back. A model whose
         * default request parameters already ask for them reports them without this option.
         *
         * @param value whether to ask
         * @return this builder
         */
        public Builder logprobs(boolean value) {
            this.logprobs = value;
            return this;
        }

        /**
         * Returns the engine.
         *
         * @return a new engine, which owns a scheduler for blocking calls until closed
         * @throws IllegalStateException if an OpenAI seed or top-k mode, or {@link #logprobs(boolean)}, is chosen
         *     without {@code langchain4j-open-ai} on the class path
         */
        public LangChain4jEngine build() {
            return new LangChain4jEngine(this);
        }

        private @Nullable ChatRequestParameters modelDefaults() {
            try {
                return chatModel != null ? chatModel.defaultRequestParameters()
                        : Objects.requireNonNull(streamingModel).defaultRequestParameters();
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}

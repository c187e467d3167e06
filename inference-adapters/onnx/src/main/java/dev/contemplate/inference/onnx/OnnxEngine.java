package dev.contemplate.inference.onnx;

import ai.onnxruntime.OrtSession;
import dev.contemplate.inference.EngineCapabilities;
import dev.contemplate.inference.EngineClosedException;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.onnx.internal.DecodeLoop;
import dev.contemplate.inference.onnx.internal.Job;
import dev.contemplate.inference.onnx.internal.ModelLoader;
import dev.contemplate.inference.onnx.internal.OrtModel;
import dev.contemplate.inference.onnx.internal.PromptEncoder;
import dev.contemplate.inference.onnx.internal.SinkListener;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * An {@link InferenceEngine} that runs a decoder-only ONNX model in-process on ONNX Runtime, with continuous batching.
 *
 * <p>One scheduler thread (a daemon named {@code contemplate-inference-onnx-<name>}) runs one batched forward pass per step
 * over every live sequence of every concurrent request. New sequences are admitted between steps: their prompts are
 * prefilled once (every sample of {@link #sample(GenerationRequest, int)}, and identical prompts of concurrent
 * requests, share one prefill) and their key/value cache is copied into free batch rows. Finished and cancelled
 * sequences leave the batch before the next step. Requests wait in a bounded admission queue; when it is full a
 * request fails at once with a {@link TransientInferenceException}.
 *
 * <p>Sequences whose tokens so far are identical share a batch row: the samples of one prompt start in one row and
 * fork into rows of their own (a copy of the row's cache) at the first token on which they differ, so identical
 * greedy samples cost one row and agreeing samples share compute until they diverge.
 *
 * <p>Each sequence samples with its own random generator ({@code SplittableRandom} of its seed; sample {@code i} of a
 * seeded request uses {@code seed + i}), so what it generates does not depend on the other sequences of its batch.
 * On ONNX Runtime's CPU kernels a row's logits do not depend on the other rows at all (bitwise); they do depend on
 * the key/value window, which the engine sizes for the longest row, by float rounding (differences below 1e-5 were
 * measured): a sample could then differ only where two tokens' probabilities are that close. With
 * {@link Builder#kvWindowStep(int)} at least the context length the window is fixed and results are bitwise
 * independent of the batch, at some cost in speed.
 *
 * <p>Results are handed to subscribers on a separate bounded pool of the engine's, so a slow subscriber never holds
 * up the scheduler; a stream's undelivered deltas are buffered (at most one per position of context).
 *
 * <p>Build one with {@link #builder()}; close it to stop the thread, fail waiting requests and release native memory.
 */
public final class OnnxEngine implements InferenceEngine {

    private final String name;
    private final String modelName;
    private final ModelConfig config;
    private final int contextLength;
    private final int maxRows;
    private final Tokenizer tokenizer;
    private final PromptEncoder encoder;
    private final DecodeLoop[] loops;
    private final Scheduler delivery;
    private final EngineCapabilities capabilities;
    private final SplittableRandom seeds = new SplittableRandom();
    private final AtomicLong seedCounter = new AtomicLong();

    private OnnxEngine(Builder b, OrtModel model) {
        this.name = b.name;
        this.modelName = b.modelName != null ? b.modelName : lastSegment(b.modelSource);
        this.config = model.config();
        this.contextLength = b.contextLength > 0 ? b.contextLength : config.maxContext();
        this.maxRows = b.maxBatchRows;
        this.tokenizer = Objects.requireNonNull(b.tokenizer);
        this.encoder = new PromptEncoder(name, b.promptTemplate, tokenizer, contextLength, config.vocabSize());
        this.capabilities = new EngineCapabilities(true, true);
        this.delivery = Schedulers.newBoundedElastic(Math.max(2, Runtime.getRuntime().availableProcessors()),
                Integer.MAX_VALUE, "contemplate-inference-onnx-" + name + "-delivery", 60, true);
        // the loops share the model; the last one to stop closes it
        AtomicInteger running = new AtomicInteger(b.decodeLoops);
        Runnable release = () -> {
            if (running.decrementAndGet() == 0) {
                model.close();
            }
        };
        this.loops = new DecodeLoop[b.decodeLoops];
        try {
            for (int i = 0; i < loops.length; i++) {
                String thread = "contemplate-inference-onnx-" + name + (loops.length == 1 ? "" : "-" + i);
                loops[i] = new DecodeLoop(name, thread, model, tokenizer, contextLength, maxRows,
                        b.admissionQueueCapacity, b.kvWindowStep, b.prefillBatch, b.stepListener, release);
            }
        } catch (RuntimeException | Error e) {
            for (DecodeLoop started : loops) {
                if (started != null) {
                    started.close();
                }
            }
            // the loops that never started will not release the model
            for (DecodeLoop never : loops) {
                if (never == null) {
                    release.run();
                }
            }
            delivery.dispose();
            throw e;
        }
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    /** Returns the model's name: as set with {@link Builder#modelName}, or the model file's name. */
    @Override
    public String model() {
        return modelName;
    }

    private static String lastSegment(String source) {
        int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
        return source.substring(slash + 1);
    }

    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }

    /** Returns the model's configuration. */
    public ModelConfig config() {
        return config;
    }

    /** Returns the most positions (prompt plus generated tokens) of one sequence. */
    public int contextLength() {
        return contextLength;
    }

    /** Returns the tokenizer. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Returns the engine's counters: live rows, steps, admitted, cancelled, time split. */
    public EngineStats stats() {
        EngineStats t = loops[0].stats();
        for (int i = 1; i < loops.length; i++) {
            t = t.plus(loops[i].stats());
        }
        return t;
    }

    /** The loop a new request joins: the least loaded one, the first among equals. */
    private DecodeLoop leastLoaded() {
        DecodeLoop best = loops[0];
        int load = best.load();
        for (int i = 1; i < loops.length && load > 0; i++) {
            int l = loops[i].load();
            if (l < load) {
                best = loops[i];
                load = l;
            }
        }
        return best;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each generated token becomes one {@link GenerationEvent.TextDelta} (text held back while it may still turn
     * into a stop sequence), then one {@link GenerationEvent.Completed} whose usage counts the prompt's tokens and
     * every sampled token (the end-of-sequence token included).
     */
    @Override
    public Flux<GenerationEvent> stream(GenerationRequest request) {
        Objects.requireNonNull(request, "request");
        return Flux.<GenerationEvent>create(
                sink -> start(request, 1, true, SinkListener.events(sink), sink::error, sink::onCancel),
                FluxSink.OverflowStrategy.BUFFER)
                .publishOn(delivery).onErrorMap(RejectedExecutionException.class, this::closedError);
    }

    /** {@inheritDoc} Does not stream deltas internally; the generation is emitted when it is finished. */
    @Override
    public Mono<Generation> generate(GenerationRequest request) {
        Objects.requireNonNull(request, "request");
        return Mono.<Generation>create(
                sink -> start(request, 1, false, SinkListener.single(sink), sink::error, sink::onCancel))
                .publishOn(delivery).onErrorMap(RejectedExecutionException.class, this::closedError);
    }

    /**
     * Generates {@code n} samples of one request with one prefill: the prompt is prefilled once and its key/value
     * cache copied into {@code n} batch rows that decode together (the engine's batching benchmarks measure this). A
     * request of more samples than the engine has rows is admitted in parts as rows free up. Sample {@code i} of a
     * seeded request uses seed {@code seed + i}, the rule of
     * {@link dev.contemplate.inference.SamplingParameters#forMember(int)}; unseeded, the engine draws the base seed.
     *
     * @param request the prompt and sampling parameters
     * @param n how many samples, at least 1
     * @return a cold publisher of {@code n} generations in completion order, each with its {@link Generation#index()}
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public Flux<Generation> sample(GenerationRequest request, int n) {
        Objects.requireNonNull(request, "request");
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1 but was " + n);
        }
        return Flux.<Generation>create(
                sink -> start(request, n, false, SinkListener.generations(sink), sink::error, sink::onCancel),
                FluxSink.OverflowStrategy.BUFFER)
                .publishOn(delivery).onErrorMap(RejectedExecutionException.class, this::closedError);
    }

    /** The error of a request that meets a closed engine. */
    private PermanentInferenceException closedError(Throwable cause) {
        return new EngineClosedException(name, cause);
    }

    /** Prepares a job on the subscribing thread, registers its cancellation and submits it; never blocks. */
    private void start(GenerationRequest request, int n, boolean streaming, Job.Listener listener,
            Consumer<Throwable> error, Consumer<Disposable> onCancel) {
        DecodeLoop loop = leastLoaded();
        if (loop.isClosing()) {
            error.accept(new EngineClosedException(name, null));
            return;
        }
        int[] prompt;
        try {
            prompt = encode(request);
        } catch (InferenceException e) {
            error.accept(e);
            return;
        }
        long[] jobSeeds = new long[n];
        OptionalLong seed = request.sampling().seed();
        long base = seed.isPresent() ? seed.getAsLong() : nextSeed();
        for (int i = 0; i < n; i++) {
            jobSeeds[i] = base + i;
        }
        Job job = new Job(prompt, n, request.sampling(), jobSeeds, streaming, listener);
        onCancel.accept(job::cancel);
        if (!loop.submit(job)) {
            error.accept(loop.isClosing()
                    ? new EngineClosedException(name, null)
                    : new TransientInferenceException(name, "the admission queue is full ("
                            + stats().queuedRequests() + " requests waiting); retry later", null));
        }
    }

    private long nextSeed() {
        synchronized (seeds) {
            return seeds.nextLong() ^ seedCounter.incrementAndGet();
        }
    }

    /**
     * Renders and encodes a request's prompt, as the engine does before queueing it.
     *
     * @param request the request
     * @return the prompt's token ids
     * @throws PermanentInferenceException naming the problem if the template rejects the messages, the tokenizer
     *     rejects the text, or the prompt leaves no room in the context
     */
    public int[] encode(GenerationRequest request) {
        return encoder.encode(request);
    }

    /**
     * Stops the scheduler thread, fails waiting and running requests with a {@link PermanentInferenceException},
     * and closes every ONNX Runtime object of the engine. Idempotent; does not throw.
     */
    @Override
    public void close() {
        for (DecodeLoop loop : loops) {
            loop.close();
        }
        // let the failures of the requests that were running reach their subscribers, then stop the pool; a delay on
        // Reactor's daemon timer rather than disposeGracefully(), whose await pool is a non-daemon thread
        Mono.delay(DELIVERY_GRACE).subscribe(x -> delivery.dispose());
    }

    private static final Duration DELIVERY_GRACE = Duration.ofSeconds(1);

    @Override
    public String toString() {
        return "OnnxEngine[" + name + ", rows=" + maxRows + ", context=" + contextLength + "]";
    }

    /**
     * Builds an {@link OnnxEngine}. Setters check their argument and throw {@link IllegalArgumentException} naming a
     * bad value; {@link #build()} loads and checks the model. Not thread-safe.
     */
    public static final class Builder {
        private @Nullable Path modelPath;
        private byte @Nullable [] modelBytes;
        private String modelSource = "model";
        private @Nullable ModelConfig config;
        private @Nullable Tokenizer tokenizer;
        private PromptTemplate promptTemplate = PromptTemplate.plain();
        private String name = "onnx";
        private @Nullable String modelName;
        private int maxBatchRows = 32;
        private int admissionQueueCapacity = 1024;
        private int contextLength;
        private int intraOpThreads = 1;
        private int decodeLoops = 1;
        private boolean allowSpinning;
        private int kvWindowStep = 16;
        private int prefillBatch = 8;
        private OrtSession.SessionOptions.OptLevel optimization = OrtSession.SessionOptions.OptLevel.ALL_OPT;
        private @Nullable StepListener stepListener;

        private Builder() {
        }

        /**
         * Sets the model file. Unless {@link #config(ModelConfig)} is set, the configuration is read from a
         * {@code model.json} in the same folder, or else from the model's metadata.
         *
         * @param file the {@code .onnx} file
         * @return this builder
         */
        public Builder model(Path file) {
            this.modelPath = Objects.requireNonNull(file, "file");
            this.modelBytes = null;
            this.modelSource = file.toString();
            return this;
        }

        /**
         * Sets the model's bytes (for a model loaded from the classpath). Unless {@link #config(ModelConfig)} is set,
         * the configuration comes from the model's metadata.
         *
         * @param bytes the ONNX model
         * @param source a description of where it came from, for error messages
         * @return this builder
         */
        public Builder model(byte[] bytes, String source) {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length == 0) {
                throw new IllegalArgumentException("model bytes must not be empty");
            }
            this.modelBytes = bytes;
            this.modelPath = null;
            this.modelSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Sets the model's name for reports ({@link OnnxEngine#model()}; default: the model file's name, or the last
         * part of the source given with the model's bytes).
         *
         * @throws IllegalArgumentException if {@code value} is blank
         */
        public Builder modelName(String value) {
            if (Objects.requireNonNull(value, "modelName").isBlank()) {
                throw new IllegalArgumentException("modelName must not be blank");
            }
            this.modelName = value;
            return this;
        }

        /** Sets the model configuration, instead of reading it. */
        public Builder config(ModelConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** Sets the tokenizer (required). */
        public Builder tokenizer(Tokenizer value) {
            this.tokenizer = Objects.requireNonNull(value, "tokenizer");
            return this;
        }

        /** Sets the prompt template (default {@link PromptTemplate#plain()}). */
        public Builder promptTemplate(PromptTemplate value) {
            this.promptTemplate = Objects.requireNonNull(value, "promptTemplate");
            return this;
        }

        /** Sets the engine's name for logs, errors and its thread (default {@code onnx}); not blank. */
        public Builder name(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("name must not be blank but was '" + value + "'");
            }
            this.name = value;
            return this;
        }

        /**
         * Sets how many sequences one step advances at most, so how many the engine runs at once (default 32, 1 to
         * 4096); more wait for free rows. The key/value cache is allocated for this many rows up front.
         */
        public Builder maxBatchRows(int value) {
            if (value < 1 || value > 4096) {
                throw new IllegalArgumentException("maxBatchRows must be in [1, 4096] but was " + value);
            }
            this.maxBatchRows = value;
            return this;
        }

        /**
         * Sets how many requests may wait for admission (default 1024, at least 1); a request beyond that fails with
         * a {@link TransientInferenceException}.
         */
        public Builder admissionQueueCapacity(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("admissionQueueCapacity must be >= 1 but was " + value);
            }
            this.admissionQueueCapacity = value;
            return this;
        }

        /**
         * Sets the most positions of one sequence, prompt plus generated tokens (default: the model's
         * {@code max_context}; at least 2 and at most that). A sequence that reaches it finishes with
         * {@code LENGTH}. The key/value cache is allocated for this many positions per row.
         */
        public Builder contextLength(int value) {
            if (value < 2) {
                throw new IllegalArgumentException("contextLength must be >= 2 but was " + value);
            }
            this.contextLength = value;
            return this;
        }

        /**
         * Sets ONNX Runtime's intra-op threads (default 1, at least 1). One thread suits small models and machines
         * with few cores, where the scheduler thread itself runs the model.
         */
        public Builder intraOpThreads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("intraOpThreads must be >= 1 but was " + value);
            }
            this.intraOpThreads = value;
            return this;
        }

        /**
         * Sets how many decoding loops share the model (default 1, 1 to 64), each on its own thread with its own
         * batch and key/value cache of {@link #maxBatchRows} rows. A request joins the least loaded loop, so
         * concurrent sequences are decoded in parallel batches instead of one larger batch: on a machine with
         * spare cores this cuts a step's time when many different rows are live (a team of agents with different
         * prompts), at the price of their compute on more cores. Sequences in different loops never share a row.
         */
        public Builder decodeLoops(int value) {
            if (value < 1 || value > 64) {
                throw new IllegalArgumentException("decodeLoops must be in [1, 64] but was " + value);
            }
            this.decodeLoops = value;
            return this;
        }

        /** Sets whether ONNX Runtime's intra-op threads spin while waiting for work (default false). */
        public Builder allowSpinning(boolean value) {
            this.allowSpinning = value;
            return this;
        }

        /**
         * Sets the granularity of the key/value window (default 16, at least 1). Every step attends over one window
         * of positions shared by all rows: the longest row's length rounded up to this step. A change of window
         * copies the live cache once; a larger step means fewer copies but more masked positions in each step. A
         * value at least the context length gives a fixed full-context window, with which a row's logits are
         * bitwise independent of the other sequences in the batch (see the class description).
         */
        public Builder kvWindowStep(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("kvWindowStep must be >= 1 but was " + value);
            }
            this.kvWindowStep = value;
            return this;
        }

        /** Sets how many distinct prompts one prefill pass takes at most (default 8, at least 1). */
        public Builder prefillBatch(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("prefillBatch must be >= 1 but was " + value);
            }
            this.prefillBatch = value;
            return this;
        }

        /** Sets ONNX Runtime's graph optimization level (default {@code ALL_OPT}). */
        public Builder optimizationLevel(OrtSession.SessionOptions.OptLevel value) {
            this.optimization = Objects.requireNonNull(value, "optimizationLevel");
            return this;
        }

        /** Sets a listener called on the scheduler thread after every step (see {@link StepListener}). */
        public Builder stepListener(StepListener value) {
            this.stepListener = Objects.requireNonNull(value, "stepListener");
            return this;
        }

        /**
         * Loads the model, checks it against the configuration and starts the scheduler thread.
         *
         * @return the engine
         * @throws IllegalStateException if no model or tokenizer was set
         * @throws IllegalArgumentException naming the problem if the model cannot be loaded, lacks inputs or outputs
         *     of the decoder layout, disagrees with the configuration, or the context length exceeds the model's
         * @throws UncheckedIOException if a file cannot be read
         */
        public OnnxEngine build() {
            if (modelPath == null && modelBytes == null) {
                throw new IllegalStateException("no model set: call model(Path) or model(byte[], String)");
            }
            if (tokenizer == null) {
                throw new IllegalStateException("no tokenizer set: call tokenizer(Tokenizer)");
            }
            OrtModel model = ModelLoader.load(modelPath, modelBytes, modelSource, config,
                    new OrtModel.Settings(intraOpThreads, optimization, allowSpinning),
                    new ModelLoader.Fit(contextLength, maxBatchRows, tokenizer));
            try {
                return new OnnxEngine(this, model);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }
}

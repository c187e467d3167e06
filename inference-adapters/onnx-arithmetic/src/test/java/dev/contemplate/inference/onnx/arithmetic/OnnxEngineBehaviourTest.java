package dev.contemplate.inference.onnx.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.onnx.CharTokenizer;
import dev.contemplate.inference.onnx.EngineStats;
import dev.contemplate.inference.onnx.ModelConfig;
import dev.contemplate.inference.onnx.OnnxEngine;
import dev.contemplate.inference.onnx.PromptTemplate;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The continuous-batching engine's guarantees, checked on the demo model. */
class OnnxEngineBehaviourTest {

    private static final Duration GUARD = Duration.ofSeconds(60);
    private static final List<String> QUESTIONS = List.of("54+39-25+73", "33+40-68-2", "12+7+30-9", "88-41+17-20",
            "5+92-47+11", "61-15-20+36", "27+27+27-50", "99-98+45+3");

    private static OnnxEngine engine;

    @BeforeAll
    static void start() {
        engine = ArithmeticModel.engineBuilder().name("behaviour").build();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static GenerationRequest request(String question, String strategy, SamplingParameters p) {
        return new GenerationRequest(List.of(Message.system(strategy), Message.user(question)), p);
    }

    private static SamplingParameters greedy() {
        return SamplingParameters.builder().temperature(0).build();
    }

    private static SamplingParameters seeded(long seed) {
        return SamplingParameters.builder().temperature(1.0).seed(seed).build();
    }

    /** Waits, parking briefly, until {@code condition} holds; fails after {@link #GUARD}. */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    @Test
    void kvCachedGreedyDecodingEqualsRecomputingTheWholeSequence() throws Exception {
        CharTokenizer tokenizer = ArithmeticModel.tokenizer();
        ModelConfig c = ArithmeticModel.config();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] model;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("dev/contemplate/inference/onnx/arithmetic/model.onnx")) {
            model = in.readAllBytes();
        }
        int compared = 0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model, options)) {
            for (String q : QUESTIONS.subList(0, 4)) {
                for (String tag : List.of("L", "B", "M")) {
                    GenerationRequest r = request(q, tag, greedy());
                    Generation cached = engine.generate(r).block(GUARD);
                    int[] prompt = tokenizer.encode(ArithmeticModel.prompt(q, tag));
                    List<int[]> tokens = new ArrayList<>();
                    List<float[]> logits = new ArrayList<>();
                    recompute(env, session, c, prompt, tokens, logits);
                    int[] expected = tokens.get(0);
                    int[] actual = generatedTokens(tokenizer, cached, c.eosTokenId());
                    int i = 0;
                    while (i < expected.length && i < actual.length && expected[i] == actual[i]) {
                        i++;
                    }
                    if (i < expected.length || i < actual.length) {
                        // the two computations may round a near-tie differently; anything else is a bug
                        float[] l = logits.get(i);
                        float gap = l[expected[i]] - l[actual[i]];
                        assertThat(gap).as("logit gap where %s/%s diverges at token %d", q, tag, i)
                                .isLessThan(1e-3f);
                    } else {
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).as("generations identical to the recomputation").isGreaterThanOrEqualTo(10);
    }

    /** Greedy decoding that runs the whole sequence through the model at every step, with an empty cache. */
    private static void recompute(OrtEnvironment env, OrtSession session, ModelConfig c, int[] prompt,
            List<int[]> out, List<float[]> stepLogits) throws OrtException {
        List<Integer> seq = new ArrayList<>();
        for (int t : prompt) {
            seq.add(t);
        }
        List<Integer> generated = new ArrayList<>();
        FloatBuffer empty = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).asFloatBuffer().limit(0);
        while (true) {
            int n = seq.size();
            long[][] ids = new long[1][n];
            long[][] mask = new long[1][n];
            long[][] pos = new long[1][n];
            for (int j = 0; j < n; j++) {
                ids[0][j] = seq.get(j);
                mask[0][j] = 1;
                pos[0][j] = j;
            }
            Map<String, OnnxTensor> in = new HashMap<>();
            List<OnnxTensor> all = new ArrayList<>();
            try {
                all.add(OnnxTensor.createTensor(env, ids));
                in.put("input_ids", all.get(all.size() - 1));
                all.add(OnnxTensor.createTensor(env, mask));
                in.put("attention_mask", all.get(all.size() - 1));
                all.add(OnnxTensor.createTensor(env, pos));
                in.put("position_ids", all.get(all.size() - 1));
                OnnxTensor past = OnnxTensor.createTensor(env, empty.duplicate(),
                        new long[] {1, c.numHeads(), 0, c.headDim()});
                all.add(past);
                for (int l = 0; l < c.numLayers(); l++) {
                    in.put("past_key_values." + l + ".key", past);
                    in.put("past_key_values." + l + ".value", past);
                }
                float[] last = new float[c.vocabSize()];
                try (OrtSession.Result r = session.run(in, java.util.Set.of("logits"))) {
                    FloatBuffer l = ((OnnxTensor) r.get("logits").get()).getFloatBuffer();
                    l.position((n - 1) * c.vocabSize());
                    l.get(last);
                }
                stepLogits.add(last);
                int best = 0;
                for (int v = 1; v < last.length; v++) {
                    if (last[v] > last[best]) {
                        best = v;
                    }
                }
                generated.add(best);
                if (best == c.eosTokenId() || n + 1 >= c.maxContext() + 1 || prompt.length + generated.size()
                        >= c.maxContext()) {
                    break;
                }
                seq.add(best);
            } finally {
                for (OnnxTensor t : all) {
                    t.close();
                }
            }
        }
        out.add(generated.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int[] generatedTokens(CharTokenizer tokenizer, Generation g, int eos) {
        int[] text = tokenizer.encode(g.text());
        if (g.finishReason() == FinishReason.STOP) {
            int[] withEos = java.util.Arrays.copyOf(text, text.length + 1);
            withEos[text.length] = eos;
            return withEos;
        }
        return text;
    }

    @Test
    void identicalGreedyRequestsBatchedGiveTheSingleRequestsText() {
        GenerationRequest r = request("33+40-68-2", "M", greedy());
        String alone = engine.generate(r).block(GUARD).text();
        List<Generation> batched = engine.sample(r, 8).collectList().block(GUARD);
        assertThat(batched).hasSize(8).allSatisfy(g -> assertThat(g.text()).isEqualTo(alone));
        List<Generation> concurrent = Flux.range(0, 8).flatMap(i -> engine.generate(r), 8)
                .collectList().block(GUARD);
        assertThat(concurrent).hasSize(8).allSatisfy(g -> assertThat(g.text()).isEqualTo(alone));
    }

    @Test
    void distinctGreedyRequestsBatchedGiveEachSingleRequestsText() {
        Map<String, String> alone = new HashMap<>();
        for (String q : QUESTIONS) {
            alone.put(q, engine.generate(request(q, "L", greedy())).block(GUARD).text());
        }
        Map<String, String> together = Flux.fromIterable(QUESTIONS)
                .flatMap(q -> engine.generate(request(q, "L", greedy())).map(g -> Map.entry(q, g.text())), 8)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue).block(GUARD);
        assertThat(together).isEqualTo(alone);
    }

    @Test
    void aSeededSampleIsTheSameAloneAndInABatchOfStrangers() {
        try (OnnxEngine slow = ArithmeticModel.engineBuilder().name("strangers")
                .stepListener((step, rows, nanos) -> LockSupport.parkNanos(300_000)).build()) {
            GenerationRequest target = request("54+39-25+73", "L", seeded(42));
            List<String> alone = slow.sample(target, 4).collectList().block(GUARD).stream()
                    .sorted(Comparator.comparingInt(Generation::index)).map(Generation::text).toList();
            String single = slow.generate(target).block(GUARD).text();
            assertThat(single).isEqualTo(alone.get(0));

            AtomicInteger peakRows = new AtomicInteger();
            List<Disposable> strangers = new ArrayList<>();
            strangers.add(slow.sample(request("88-41+17-20", "B", seeded(7)), 5).subscribe(g -> { }, e -> { }));
            strangers.add(slow.stream(request("5+92-47+11", "M",
                    SamplingParameters.builder().temperature(0.5).topK(5).seed(9).build())).subscribe(g -> { }, e -> { }));
            long s0 = slow.stats().steps();
            await(() -> slow.stats().steps() >= s0 + 3, "strangers to be decoding");
            Flux<Generation> targetRun = slow.sample(target, 4);
            List<Generation> inBatch = new java.util.concurrent.CopyOnWriteArrayList<>();
            Disposable t = targetRun.doOnNext(inBatch::add).subscribe(g -> { }, e -> { });
            long s1 = slow.stats().steps();
            await(() -> slow.stats().steps() >= s1 + 5, "the target to be decoding");
            strangers.add(slow.sample(request("61-15-20+36", "L", seeded(11)), 6).subscribe(g -> { }, e -> { }));
            strangers.add(slow.generate(request("27+27+27-50", "B", greedy())).subscribe(g -> { }, e -> { }));
            while (inBatch.size() < 4) {
                peakRows.accumulateAndGet(slow.stats().liveSequences(), Math::max);
                LockSupport.parkNanos(200_000);
            }
            t.dispose();
            strangers.forEach(Disposable::dispose);
            assertThat(peakRows.get()).as("sequences sharing the batch with the target").isGreaterThan(4);
            assertThat(inBatch.stream().sorted(Comparator.comparingInt(Generation::index)).map(Generation::text))
                    .containsExactlyElementsOf(alone);
        }
    }

    @Test
    void cancellingASequenceFreesItsRowBeforeTheNextStep() {
        Map<Long, Integer> sequencesAfterStep = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicReference<OnnxEngine> ref = new java.util.concurrent.atomic.AtomicReference<>();
        try (OnnxEngine slow = ArithmeticModel.engineBuilder().name("cancel")
                .stepListener((step, rows, nanos) -> {
                    sequencesAfterStep.put(step, ref.get().stats().liveSequences());
                    LockSupport.parkNanos(3_000_000);
                }).build()) {
            ref.set(slow);
            Disposable keep = slow.sample(request("12+7+30-9", "L", seeded(5)), 2).subscribe(g -> { }, e -> { });
            List<GenerationEvent> events = new ArrayList<>();
            Disposable cancelled = slow.stream(request("54+39-25+73", "B", greedy()))
                    .subscribe(events::add, e -> { });
            await(() -> !events.isEmpty() && slow.stats().liveSequences() == 3, "all three sequences to decode");
            long before = slow.stats().cancelled();
            cancelled.dispose();
            long atCancel = slow.stats().steps();
            await(() -> slow.stats().steps() >= atCancel + 2, "two more steps");
            // the step running when the subscription was cancelled may still carry the row; the next one does not
            assertThat(Math.max(sequencesAfterStep.getOrDefault(atCancel, 0),
                    sequencesAfterStep.getOrDefault(atCancel + 1, 0)))
                    .as("sequences in the step running at the cancel").isEqualTo(3);
            assertThat(sequencesAfterStep.get(atCancel + 2)).as("sequences in the second step after the cancel")
                    .isLessThanOrEqualTo(2);
            assertThat(slow.stats().cancelled()).isEqualTo(before + 1);
            keep.dispose();
            await(() -> slow.stats().liveSequences() == 0, "the batch to empty");
            assertThat(slow.stats().liveRows()).isZero();
            assertThat(slow.stats().cancelled()).isEqualTo(before + 3);
        }
    }

    @Test
    void stopSequencesTokenLimitAndContextEndGeneration() {
        GenerationRequest stop = request("54+39-25+73", "L",
                SamplingParameters.builder().temperature(0).stop(List.of(";")).build());
        String full = engine.generate(request("54+39-25+73", "L", greedy())).block(GUARD).text();
        List<GenerationEvent> events = engine.stream(stop).collectList().block(GUARD);
        Generation g = ((GenerationEvent.Completed) events.get(events.size() - 1)).generation();
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(g.text()).isEqualTo(full.substring(0, full.indexOf(';')));
        assertThat(events).noneMatch(e -> e instanceof GenerationEvent.TextDelta d && d.text().contains(";"));

        Generation limited = engine.generate(request("54+39-25+73", "L",
                SamplingParameters.builder().temperature(0).maxTokens(5).build())).block(GUARD);
        assertThat(limited.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(limited.usage().outputTokens()).isEqualTo(5);
        assertThat(limited.text()).isEqualTo(full.substring(0, 5));

        try (OnnxEngine small = ArithmeticModel.engineBuilder().name("short").contextLength(24).build()) {
            Generation ctx = small.generate(request("54+39-25+73", "L", greedy())).block(GUARD);
            assertThat(ctx.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(ctx.usage().inputTokens()).isEqualTo(18);
            assertThat(ctx.usage().outputTokens()).isEqualTo(6);
            assertThat(ctx.text()).isEqualTo(full.substring(0, 6));
        }
    }

    @Test
    void aCharacterOutsideTheVocabularyFailsNamingIt() {
        try (OnnxEngine plain = ArithmeticModel.engineBuilder().name("plain")
                .promptTemplate(PromptTemplate.plain()).build()) {
            StepVerifier.create(plain.stream(GenerationRequest.of("Q:54×39=?\nL:", greedy())))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PermanentInferenceException.class)
                            .hasMessageContaining("'×'"))
                    .verify(GUARD);
            Generation ok = plain.generate(GenerationRequest.of("Q:54+39-25+73=?\nL:", greedy())).block(GUARD);
            assertThat(ok.text()).isEqualTo(engine.generate(request("54+39-25+73", "L", greedy())).block(GUARD)
                    .text());
        }
    }

    @Test
    void aFullAdmissionQueueFailsTheRequestAsTransient() {
        try (OnnxEngine tiny = ArithmeticModel.engineBuilder().name("tiny").maxBatchRows(1)
                .admissionQueueCapacity(1)
                .stepListener((step, rows, nanos) -> LockSupport.parkNanos(2_000_000)).build()) {
            Disposable running = tiny.generate(request("54+39-25+73", "L", greedy())).subscribe(g -> { }, e -> { });
            await(() -> tiny.stats().liveSequences() == 1, "the first request to run");
            Disposable waiting = tiny.generate(request("33+40-68-2", "L", greedy())).subscribe(g -> { }, e -> { });
            await(() -> tiny.stats().queuedRequests() == 1, "the second request to wait");
            StepVerifier.create(tiny.generate(request("12+7+30-9", "L", greedy())))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransientInferenceException.class)
                            .hasMessageContaining("queue is full"))
                    .verify(GUARD);
            running.dispose();
            waiting.dispose();
        }
    }

    @Test
    void moreSamplesThanRowsAreAdmittedAsRowsFreeUp() {
        AtomicInteger widest = new AtomicInteger();
        try (OnnxEngine small = ArithmeticModel.engineBuilder().name("small").maxBatchRows(3)
                .stepListener((step, rows, nanos) -> widest.accumulateAndGet(rows, Math::max)).build()) {
            List<Generation> g = small.sample(request("54+39-25+73", "L", seeded(1)), 7).collectList().block(GUARD);
            assertThat(g).extracting(Generation::index).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
            assertThat(widest.get()).as("the most rows one step advanced").isBetween(1, 3);
            List<String> big = engine.sample(request("54+39-25+73", "L", seeded(1)), 7).collectList().block(GUARD)
                    .stream().sorted(Comparator.comparingInt(Generation::index)).map(Generation::text).toList();
            assertThat(g.stream().sorted(Comparator.comparingInt(Generation::index)).map(Generation::text))
                    .containsExactlyElementsOf(big);
        }
    }

    @Test
    void closingFailsRunningAndLaterRequestsAndStopsTheThread() {
        OnnxEngine closing = ArithmeticModel.engineBuilder().name("closing")
                .stepListener((step, rows, nanos) -> LockSupport.parkNanos(5_000_000)).build();
        List<Throwable> errors = new ArrayList<>();
        closing.sample(request("54+39-25+73", "L", seeded(3)), 4).subscribe(g -> { }, errors::add);
        await(() -> closing.stats().liveSequences() == 4, "the request to run");
        closing.close();
        await(() -> !errors.isEmpty(), "the running request to fail");
        assertThat(errors.get(0)).isInstanceOf(PermanentInferenceException.class).hasMessageContaining("closed");
        StepVerifier.create(closing.generate(request("54+39-25+73", "L", greedy())))
                .expectError(PermanentInferenceException.class).verify(GUARD);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("contemplate-inference-onnx-closing"));
        closing.close();
    }

    @Test
    void twoDecodeLoopsSpreadConcurrentRequestsAndGiveTheSameSamplesAsOne() {
        List<GenerationRequest> team = new ArrayList<>();
        String[] tags = {"L", "B", "M", "C", "D", "E", "F", "G", "H"};
        for (int i = 0; i < tags.length; i++) {
            team.add(request(QUESTIONS.get(i % QUESTIONS.size()), tags[i], seeded(100 + i)));
        }
        List<String> oneLoop = new ArrayList<>();
        for (GenerationRequest r : team) {
            oneLoop.add(engine.generate(r).block(GUARD).text());
        }
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (OnnxEngine two = ArithmeticModel.engineBuilder().name("loops").decodeLoops(2)
                .stepListener((step, rows, nanos) -> {
                    threads.add(Thread.currentThread().getName());
                    LockSupport.parkNanos(200_000);
                }).build()) {
            List<String> together = Flux.fromIterable(team).flatMapSequential(two::generate, team.size())
                    .map(Generation::text).collectList().block(GUARD);
            assertThat(together).containsExactlyElementsOf(oneLoop);
            assertThat(threads).containsExactlyInAnyOrder("contemplate-inference-onnx-loops-0",
                    "contemplate-inference-onnx-loops-1");
            EngineStats stats = two.stats();
            assertThat(stats.completed()).isEqualTo(team.size());
            assertThat(stats.admitted()).isEqualTo(team.size());
            assertThat(stats.liveSequences()).isZero();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().matches(
                "contemplate-inference-onnx-loops-[01]"));
        assertThatThrownBy(() -> ArithmeticModel.engineBuilder().decodeLoops(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decodeLoops").hasMessageContaining("0");
    }

    @Test
    void aConfigurationThatDoesNotMatchTheModelIsRejected() {
        ModelConfig c = ArithmeticModel.config();
        assertThatThrownBy(() -> ArithmeticModel.engineBuilder().config(new ModelConfig(c.numLayers() + 1,
                c.numHeads(), c.headDim(), c.vocabSize(), c.maxContext(), c.eosTokenId(), c.padTokenId())).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing inputs [past_key_values." + c.numLayers() + ".key")
                .hasMessageContaining("missing outputs [present." + c.numLayers() + ".key");
        assertThatThrownBy(() -> ArithmeticModel.engineBuilder().config(new ModelConfig(c.numLayers(),
                c.numHeads() * 2, c.headDim(), c.vocabSize(), c.maxContext(), c.eosTokenId(), c.padTokenId())).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("past_key_values.0.key has dimension 1 of size " + c.numHeads());
    }

    @Test
    void reportsItsCapabilities() {
        var caps = engine.capabilities();
        assertThat(caps.tokenStreaming()).isTrue();
        assertThat(caps.seeds()).isTrue();
        assertThat(engine.name()).isEqualTo("behaviour");
    }
}

package dev.contemplate.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TokenLogprobs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The per-token log-probabilities of the embedded engine, checked on the demo model of the sibling module
 * {@code onnx-arithmetic} (read from its sources, as the benchmarks do): one per generated token, the
 * end-of-sequence token included; equal to a from-scratch computation of the raw distribution whatever the sampling
 * parameters; and the same for a sequence alone, batched with strangers, or sharing a row with its siblings.
 */
class EngineLogprobsTest {

    private static final Path MODEL =
            Path.of("../onnx-arithmetic/src/main/resources/dev/contemplate/inference/onnx/arithmetic/model.onnx");
    private static final Duration GUARD = Duration.ofSeconds(60);
    private static final List<String> QUESTIONS = List.of("54+39-25+73", "33+40-68-2", "12+7+30-9", "88-41+17-20");
    /** Row logits of a sequence depend on the batch's key/value window by float rounding only. */
    private static final double ACROSS_BATCHES = 1e-5;
    /** The from-scratch computation runs other kernels over the whole sequence. */
    private static final double FROM_SCRATCH = 1e-4;

    private static final AtomicInteger peakRows = new AtomicInteger();
    private static OnnxEngine engine;
    private static CharTokenizer tokenizer;
    private static OrtEnvironment env;
    private static OrtSession session;

    @BeforeAll
    static void start() throws OrtException {
        assertThat(Files.isRegularFile(MODEL)).as("demo model at %s", MODEL.toAbsolutePath()).isTrue();
        tokenizer = CharTokenizer.read(MODEL.resolveSibling("vocab.json"));
        engine = OnnxEngine.builder()
                .name("logprobs")
                .model(MODEL)
                .tokenizer(tokenizer)
                .promptTemplate(PromptTemplate.fromFormat("Q:{user}=?\n{system}:"))
                .stepListener((step, rows, nanos) -> {
                    peakRows.accumulateAndGet(rows, Math::max);
                    LockSupport.parkNanos(100_000); // lets concurrent requests join the batch
                })
                .build();
        env = OrtEnvironment.getEnvironment();
        session = env.createSession(MODEL.toString(), new OrtSession.SessionOptions());
    }

    @AfterAll
    static void stop() throws OrtException {
        engine.close();
        session.close();
    }

    private static GenerationRequest request(String question, String strategy, SamplingParameters p) {
        return new GenerationRequest(List.of(Message.system(strategy), Message.user(question)), p);
    }

    private static SamplingParameters greedy() {
        return SamplingParameters.builder().temperature(0).build();
    }

    private static SamplingParameters hot(double temperature, long seed) {
        return SamplingParameters.builder().temperature(temperature).seed(seed).build();
    }

    private static TokenLogprobs logprobs(Generation g) {
        assertThat(g.logprobs()).as("logprobs of %s", g).isPresent();
        TokenLogprobs lp = g.logprobs().orElseThrow();
        assertThat(lp.size()).as("one per generated token").isEqualTo(g.usage().outputTokens());
        for (double v : lp.toArray()) {
            assertThat(v).isLessThanOrEqualTo(0.0);
        }
        return lp;
    }

    private static void assertClose(TokenLogprobs actual, TokenLogprobs expected, double tolerance, String what) {
        assertThat(actual.size()).as(what).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("%s, token %d", what, i).isCloseTo(expected.get(i), within(tolerance));
        }
    }

    @Test
    void everyTokenGetsItsLogprobUnderTheRawDistributionWhateverTheSampling() throws OrtException {
        List<SamplingParameters> samplings = List.of(greedy(), hot(1.0, 3), hot(1.0, 4),
                SamplingParameters.builder().temperature(1.3).topK(3).seed(5).build(),
                SamplingParameters.builder().temperature(0.5).topP(0.8).seed(6).build(),
                SamplingParameters.builder().temperature(0).maxTokens(5).build());
        int stopped = 0;
        for (String q : QUESTIONS.subList(0, 2)) {
            for (SamplingParameters p : samplings) {
                GenerationRequest r = request(q, "L", p);
                Generation g = engine.generate(r).block(GUARD);
                TokenLogprobs lp = logprobs(g);
                int[] tokens = tokenizer.encode(g.text());
                if (g.finishReason() == FinishReason.STOP) {
                    tokens = Arrays.copyOf(tokens, tokens.length + 1);
                    tokens[tokens.length - 1] = tokenizer.eosTokenId();
                    stopped++;
                }
                assertThat(tokens).as("%s %s: the tokens (with the end-of-sequence)", q, p).hasSize(lp.size());
                double[][] rows = fromScratch(engine.encode(r), tokens);
                for (int i = 0; i < tokens.length; i++) {
                    assertThat(lp.get(i)).as("%s %s token %d", q, p, i)
                            .isCloseTo(rows[i][tokens[i]], within(FROM_SCRATCH));
                    if (p.temperature() == 0) {
                        double best = Arrays.stream(rows[i]).max().orElseThrow();
                        assertThat(lp.get(i)).as("greedy takes the likeliest token").isCloseTo(best,
                                within(FROM_SCRATCH));
                    }
                }
            }
        }
        assertThat(stopped).as("generations that ended with the end-of-sequence token").isGreaterThanOrEqualTo(4);
    }

    @Test
    void greedyLogprobsAreTheSameAloneAndBatchedWithOtherRequests() {
        GenerationRequest target = request("33+40-68-2", "M", greedy());
        TokenLogprobs alone = logprobs(engine.generate(target).block(GUARD));
        peakRows.set(0);
        List<Generation> batched = Flux.merge(
                        engine.sample(request("88-41+17-20", "B", hot(1.0, 7)), 6).thenMany(Flux.<Generation>empty()),
                        engine.generate(request("12+7+30-9", "L", greedy())).thenMany(Flux.<Generation>empty()),
                        engine.sample(target, 4),
                        engine.generate(target))
                .collectList().block(GUARD);
        assertThat(peakRows.get()).as("rows in one step").isGreaterThan(2);
        assertThat(batched).hasSize(5);
        for (Generation g : batched) {
            assertClose(logprobs(g), alone, ACROSS_BATCHES, "batched greedy generation " + g.index());
        }
        assertThat(alone.mean()).isLessThan(0.0);
    }

    @Test
    void samplesThatShareARowUntilTheyForkEachGetTheLogprobsOfTheirOwnTokens() {
        GenerationRequest r = request("33+40-68-2", "M", hot(1.0, 40));
        List<Generation> together = engine.sample(r, 8).collectList().block(GUARD).stream()
                .sorted(Comparator.comparingInt(Generation::index)).toList();
        Set<String> texts = new HashSet<>();
        for (Generation g : together) {
            texts.add(g.text());
            Generation alone = engine.generate(request("33+40-68-2", "M", hot(1.0, 40 + g.index()))).block(GUARD);
            assertThat(g.text()).isEqualTo(alone.text());
            assertClose(logprobs(g), logprobs(alone), ACROSS_BATCHES, "sample " + g.index());
        }
        assertThat(texts).as("samples that forked").hasSizeGreaterThan(1);
        // two samples that forked: identical values on their shared prefix (one row's logits), then their own
        Generation a = together.get(0);
        Generation b = together.stream().filter(g -> !g.text().equals(a.text())).findFirst().orElseThrow();
        int shared = 0;
        while (shared < a.text().length() && shared < b.text().length()
                && a.text().charAt(shared) == b.text().charAt(shared)) {
            shared++;
        }
        TokenLogprobs la = a.logprobs().orElseThrow();
        TokenLogprobs lb = b.logprobs().orElseThrow();
        for (int i = 0; i < shared; i++) {
            assertThat(la.get(i)).as("shared token %d", i).isEqualTo(lb.get(i));
        }
        if (shared < a.text().length() && shared < b.text().length()) {
            assertThat(la.get(shared)).as("the first token on which they differ").isNotEqualTo(lb.get(shared));
        }
    }

    @Test
    void greedyDecodingIsMoreConfidentThanHotSamples() {
        double greedyTotal = 0;
        double hotTotal = 0;
        for (String q : QUESTIONS) {
            double greedyMean = logprobs(engine.generate(request(q, "C", greedy())).block(GUARD)).mean();
            double hotMean = 0;
            int seeds = 6;
            for (long seed = 0; seed < seeds; seed++) {
                hotMean += logprobs(engine.generate(request(q, "C", hot(1.5, seed))).block(GUARD)).mean() / seeds;
            }
            // a confident model's hot samples may all be the greedy text, with the same values
            assertThat(greedyMean).as("%s greedy vs temperature 1.5", q).isGreaterThanOrEqualTo(hotMean)
                    .isLessThan(0.0);
            greedyTotal += greedyMean;
            hotTotal += hotMean;
        }
        assertThat(greedyTotal).isGreaterThan(hotTotal);
    }

    /**
     * Runs the prompt and every generated token but the last through the model at once, with an empty cache, and
     * returns for each generated token the log-softmax of the logits that predicted it.
     */
    private static double[][] fromScratch(int[] prompt, int[] tokens) throws OrtException {
        int n = prompt.length + tokens.length - 1;
        long[][] ids = new long[1][n];
        long[][] mask = new long[1][n];
        long[][] positions = new long[1][n];
        for (int j = 0; j < n; j++) {
            ids[0][j] = j < prompt.length ? prompt[j] : tokens[j - prompt.length];
            mask[0][j] = 1;
            positions[0][j] = j;
        }
        ModelConfig c = engine.config();
        FloatBuffer empty = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).asFloatBuffer().limit(0);
        List<OnnxTensor> all = new ArrayList<>();
        try {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input_ids", keep(all, OnnxTensor.createTensor(env, ids)));
            in.put("attention_mask", keep(all, OnnxTensor.createTensor(env, mask)));
            in.put("position_ids", keep(all, OnnxTensor.createTensor(env, positions)));
            OnnxTensor past = keep(all, OnnxTensor.createTensor(env, empty, new long[] {1, c.numHeads(), 0,
                    c.headDim()}));
            for (int l = 0; l < c.numLayers(); l++) {
                in.put("past_key_values." + l + ".key", past);
                in.put("past_key_values." + l + ".value", past);
            }
            try (OrtSession.Result result = session.run(in, Set.of("logits"))) {
                FloatBuffer logits = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
                int vocab = c.vocabSize();
                double[][] out = new double[tokens.length][vocab];
                for (int i = 0; i < tokens.length; i++) {
                    int base = (prompt.length - 1 + i) * vocab;
                    double sum = 0;
                    for (int v = 0; v < vocab; v++) {
                        sum += Math.exp(logits.get(base + v));
                    }
                    for (int v = 0; v < vocab; v++) {
                        out[i][v] = logits.get(base + v) - Math.log(sum);
                    }
                }
                return out;
            }
        } finally {
            all.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor keep(List<OnnxTensor> all, OnnxTensor t) {
        all.add(t);
        return t;
    }
}

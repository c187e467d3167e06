package dev.contemplate.inference.onnx.arithmetic;

import static dev.contemplate.inference.onnx.arithmetic.OnnxEngineBehaviourTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.onnx.EngineStats;
import dev.contemplate.inference.onnx.OnnxEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * The ONNX engine shares work between sequences, proven with its counters on the demo model: the samples of one
 * prompt, and identical prompts of requests admitted in the same step, are prefilled once and decode in one batch row
 * for as long as their tokens agree; a row forks where they diverge; different prompts share neither.
 *
 * <p>Every engine here prefills one prompt per pass ({@code prefillBatch(1)}), so that {@link EngineStats#prefills()}
 * counts the prompts prefilled rather than the passes. {@link EngineStats#rowSteps()} is compared with what the
 * generated tokens imply: in decoding step {@code k} a sequence still running computes the row of its first {@code k}
 * tokens, and sequences whose first {@code k} tokens are the same share that row.
 */
class PrefillAndRowSharingTest {

    private static final Duration GUARD = Duration.ofSeconds(60);

    private final List<OnnxEngine> engines = new ArrayList<>();

    @AfterEach
    void closeEngines() {
        engines.forEach(OnnxEngine::close);
    }

    private OnnxEngine engine(String name, OnnxEngine.Builder builder) {
        OnnxEngine engine = builder.name(name).maxBatchRows(8).prefillBatch(1).build();
        engines.add(engine);
        return engine;
    }

    private static GenerationRequest request(String question, String strategy, SamplingParameters p) {
        return new GenerationRequest(List.of(Message.system(strategy), Message.user(question)), p);
    }

    private static SamplingParameters greedy() {
        return SamplingParameters.builder().temperature(0).build();
    }

    @Test
    void identicalGreedySamplesArePrefilledOnceAndShareOneRowToTheEnd() {
        OnnxEngine engine = engine("share-greedy", ArithmeticModel.engineBuilder());
        EngineStats before = engine.stats();

        List<Generation> samples = engine.sample(request("33+40-68-2", "M", greedy()), 4).collectList().block(GUARD);

        assertThat(samples).hasSize(4);
        String text = samples.get(0).text();
        assertThat(samples).allSatisfy(g -> assertThat(g.text()).isEqualTo(text));
        long length = samples.get(0).usage().outputTokens();
        assertThat(length).as("tokens of each sample").isGreaterThan(2);
        Delta d = new Delta(before, engine.stats());
        assertThat(d.prefills).as("prompt prefills for four samples of one prompt").isEqualTo(1);
        assertThat(d.admitted).as("sequences admitted").isEqualTo(4);
        assertThat(d.completed).as("sequences completed").isEqualTo(4);
        // the first token comes from the prefill, each further one from a decoding step
        assertThat(d.steps).as("decoding steps").isEqualTo(length - 1);
        assertThat(d.rowSteps).as("rows computed: one row for all four samples in every step").isEqualTo(d.steps);
        assertThat(d.forks).as("forks of agreeing samples").isZero();
        assertThat(d.generatedTokens).as("tokens sampled: each sample still samples its own").isEqualTo(4 * length);
    }

    @Test
    void seededSamplesShareTheirRowUntilTheyDiverge() {
        OnnxEngine engine = engine("share-seeded", ArithmeticModel.engineBuilder());
        EngineStats before = engine.stats();
        int n = 8;

        List<Generation> samples = engine.sample(request("54+39-25+73", "B",
                SamplingParameters.builder().temperature(1.5).seed(17).build()), n).collectList().block(GUARD);

        assertThat(samples).hasSize(n);
        List<int[]> tokens = samples.stream().map(g -> tokensOf(engine, g)).toList();
        Delta d = new Delta(before, engine.stats());
        long unshared = tokens.stream().mapToLong(t -> t.length - 1).sum();
        long shared = sharedRowSteps(tokens);
        // the premise: these samples agreed for a while and then went different ways
        assertThat(shared).as("row steps if samples share rows while they agree").isLessThan(unshared);
        assertThat(expectedForks(tokens)).as("forks where the samples diverge").isPositive();

        assertThat(d.prefills).as("prompt prefills for the samples of one prompt").isEqualTo(1);
        assertThat(d.admitted).as("sequences admitted").isEqualTo(n);
        assertThat(d.steps).as("decoding steps").isEqualTo(tokens.stream().mapToLong(t -> t.length).max()
                .orElseThrow() - 1);
        assertThat(d.rowSteps).as("rows computed").isEqualTo(shared);
        assertThat(d.forks).as("rows split off").isEqualTo(expectedForks(tokens));
    }

    @Test
    void identicalPromptsAdmittedTogetherShareOnePrefillAndRowWhileDifferentPromptsShareNeither() throws Exception {
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        // the first decoding step waits until the requests under test are all queued, so that they are admitted in
        // the same step
        OnnxEngine engine = engine("share-requests", ArithmeticModel.engineBuilder()
                .stepListener((step, rows, nanos) -> {
                    if (step == 1) {
                        paused.countDown();
                        try {
                            resume.await(GUARD.toSeconds(), TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }));
        // two tokens: one from its prefill, the second in step 1, where it ends and leaves the batch empty
        CompletableFuture<Generation> holder = engine.generate(request("99-98+45+3", "L",
                SamplingParameters.builder().temperature(0).maxTokens(2).build())).toFuture();
        assertThat(paused.await(GUARD.toSeconds(), TimeUnit.SECONDS)).as("the first step to run").isTrue();

        List<String> questions = List.of("54+39-25+73", "12+7+30-9", "54+39-25+73", "88-41+17-20", "54+39-25+73",
                "12+7+30-9");
        CompletableFuture<List<Generation>> together = Flux.fromIterable(questions)
                .flatMapSequential(q -> engine.generate(request(q, "L", greedy())), questions.size())
                .collectList().toFuture();
        await(() -> engine.stats().queuedRequests() == questions.size(), "every request to be queued");
        EngineStats before = engine.stats(); // the scheduler is paused: these counters stand still
        assertThat(before.liveSequences()).as("sequences running while paused").isZero();
        resume.countDown();

        List<Generation> results = together.get(GUARD.toSeconds(), TimeUnit.SECONDS);
        assertThat(holder.get(GUARD.toSeconds(), TimeUnit.SECONDS).finishReason()).isEqualTo(FinishReason.LENGTH);
        Map<String, Long> lengthOf = new HashMap<>();
        for (int i = 0; i < questions.size(); i++) {
            Generation g = results.get(i);
            Long previous = lengthOf.putIfAbsent(questions.get(i), g.usage().outputTokens());
            if (previous != null) {
                assertThat(g.usage().outputTokens()).as("a greedy answer to the same prompt").isEqualTo(previous);
            }
        }
        Delta d = new Delta(before, engine.stats());
        assertThat(d.admitted).as("sequences admitted").isEqualTo(questions.size());
        assertThat(d.prefills).as("prompt prefills: one per distinct prompt").isEqualTo(3);
        assertThat(d.forks).as("forks of identical greedy requests").isZero();
        assertThat(d.steps).as("decoding steps").isEqualTo(lengthOf.values().stream().mapToLong(l -> l).max()
                .orElseThrow() - 1);
        // one row per distinct prompt: the three requests of one prompt share it, different prompts never do
        assertThat(d.rowSteps).as("rows computed").isEqualTo(lengthOf.values().stream().mapToLong(l -> l - 1).sum());
    }

    /** Returns the tokens a generation sampled: its text's, then the end-of-sequence token if it stopped on it. */
    private static int[] tokensOf(OnnxEngine engine, Generation g) {
        int[] text = engine.tokenizer().encode(g.text());
        long sampled = g.usage().outputTokens();
        if (sampled == text.length) {
            assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
            return text;
        }
        assertThat(sampled).as("tokens sampled for " + g.text()).isEqualTo(text.length + 1L);
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        int[] all = Arrays.copyOf(text, text.length + 1);
        all[text.length] = engine.tokenizer().eosTokenId();
        return all;
    }

    /**
     * Returns the rows that decoding computes for sequences that share a row while their tokens agree: in step
     * {@code k} (from 1) a sequence with a token at position {@code k} still runs, in the row of its first {@code k}
     * tokens.
     */
    private static long sharedRowSteps(List<int[]> tokens) {
        long rows = 0;
        int longest = tokens.stream().mapToInt(t -> t.length).max().orElse(0);
        for (int k = 1; k < longest; k++) {
            Set<List<Integer>> prefixes = new HashSet<>();
            for (int[] t : tokens) {
                if (t.length > k) {
                    prefixes.add(prefix(t, k));
                }
            }
            rows += prefixes.size();
        }
        return rows;
    }

    /**
     * Returns how many rows split off: in step {@code k} the sequences of a row that go on after it pick their token
     * {@code k}; each different pick beyond the first becomes a new row.
     */
    private static long expectedForks(List<int[]> tokens) {
        long forks = 0;
        int longest = tokens.stream().mapToInt(t -> t.length).max().orElse(0);
        for (int k = 1; k < longest; k++) {
            Map<List<Integer>, Set<Integer>> picks = new HashMap<>();
            for (int[] t : tokens) {
                if (t.length > k + 1) {
                    picks.computeIfAbsent(prefix(t, k), p -> new HashSet<>()).add(t[k]);
                }
            }
            for (Set<Integer> p : picks.values()) {
                forks += p.size() - 1;
            }
        }
        return forks;
    }

    private static List<Integer> prefix(int[] tokens, int length) {
        return Arrays.stream(tokens, 0, length).boxed().toList();
    }

    /** The change of the counters that tell sharing, between two readings. */
    private static final class Delta {
        final long prefills;
        final long admitted;
        final long completed;
        final long steps;
        final long rowSteps;
        final long forks;
        final long generatedTokens;

        Delta(EngineStats a, EngineStats b) {
            prefills = b.prefills() - a.prefills();
            admitted = b.admitted() - a.admitted();
            completed = b.completed() - a.completed();
            steps = b.steps() - a.steps();
            rowSteps = b.rowSteps() - a.rowSteps();
            forks = b.forks() - a.forks();
            generatedTokens = b.generatedTokens() - a.generatedTokens();
        }
    }
}

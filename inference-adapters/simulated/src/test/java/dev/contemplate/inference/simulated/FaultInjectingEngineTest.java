package dev.contemplate.inference.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.contemplate.inference.EngineCapabilities;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.Generation;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceException;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.RateLimitedException;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.simulated.FaultInjectingEngine.Fault;
import dev.contemplate.inference.simulated.FaultInjectingEngine.Injection;
import dev.contemplate.inference.testkit.PropertyCheck;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Draws, semantics, counts and cancellation of the fault-injecting wrapper, in virtual time. */
class FaultInjectingEngineTest {

    private static final GenerationRequest REQUEST = GenerationRequest.of("question", SamplingParameters.defaults());

    /** Twelve one-word deltas, one a second: the first at 1 s, the last (and the completion) at 12 s. */
    private static final String TWELVE = "one two three four five six seven eight nine ten eleven twelve";

    @BeforeAll
    static void guardAgainstHangs() {
        StepVerifier.setDefaultTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void resetGuard() {
        StepVerifier.resetDefaultTimeout();
    }

    private static ScriptedEngine inner(VirtualTimeScheduler vts, String text, Duration total) {
        return ScriptedEngine.builder().scheduler(vts).script(r -> Script.text(text, total)).build();
    }

    /** A wrapper that injects {@code fault} into every generation (NONE: into none). */
    private static FaultInjectingEngine only(Fault fault, ScriptedEngine inner, long seed, VirtualTimeScheduler vts) {
        return configure(FaultInjectingEngine.wrap(inner).seed(seed).scheduler(vts), fault, 1.0,
                Duration.ofMillis(400)).build();
    }

    private static FaultInjectingEngine.Builder configure(FaultInjectingEngine.Builder b, Fault fault, double rate,
            Duration slow) {
        return switch (fault) {
            case NONE -> b;
            case TRANSIENT_ERROR -> b.transientErrors(rate);
            case PERMANENT_ERROR -> b.permanentErrors(rate);
            case RATE_LIMIT -> b.rateLimits(rate);
            case STALL -> b.stalls(rate);
            case SLOW_STREAM -> b.slowStreams(rate, slow);
            case TRUNCATED -> b.truncations(rate);
            case EMPTY -> b.emptyOutputs(rate);
            case GARBAGE -> b.garbage(rate);
        };
    }

    /** Every fault at once: 0.65 in all, 0.35 left for none. */
    private static FaultInjectingEngine.Builder mixed(FaultInjectingEngine.Builder b) {
        return b.transientErrors(0.05).permanentErrors(0.1).rateLimits(0.05).stalls(0.1)
                .slowStreams(0.1, Duration.ofMillis(300)).truncations(0.1).emptyOutputs(0.05).garbage(0.1);
    }

    /** What one generation emitted, with the virtual time (ms after subscription) of each signal. */
    private record Trace(List<String> deltas, List<Long> times, @Nullable Generation completed,
            @Nullable Throwable error, long endedAt) {

        String text() {
            return String.join("", deltas);
        }

        boolean ended() {
            return completed != null || error != null;
        }
    }

    /** Subscribes once, lets an hour of virtual time pass, and cancels the generation if it is still running. */
    private static Trace trace(FaultInjectingEngine engine, VirtualTimeScheduler vts) {
        List<String> deltas = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        AtomicReference<Generation> completed = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        long[] endedAt = {-1};
        long start = vts.now(TimeUnit.MILLISECONDS);
        Disposable d = engine.stream(REQUEST).subscribe(e -> {
            if (e instanceof GenerationEvent.TextDelta t) {
                deltas.add(t.text());
                times.add(vts.now(TimeUnit.MILLISECONDS) - start);
            } else {
                completed.set(((GenerationEvent.Completed) e).generation());
                endedAt[0] = vts.now(TimeUnit.MILLISECONDS) - start;
            }
        }, e -> {
            error.set(e);
            endedAt[0] = vts.now(TimeUnit.MILLISECONDS) - start;
        });
        vts.advanceTimeBy(Duration.ofHours(1));
        d.dispose();
        return new Trace(deltas, times, completed.get(), error.get(), endedAt[0]);
    }

    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*\\S+|\\s+").matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // building

    @Test
    void theBuilderNamesTheBadValue() {
        ScriptedEngine engine = ScriptedEngine.constant(Script.text("x", Duration.ZERO));
        Map<String, UnaryOperator<FaultInjectingEngine.Builder>> setters = Map.of(
                "transientErrors", b -> b.transientErrors(1.5),
                "permanentErrors", b -> b.permanentErrors(1.5),
                "rateLimits", b -> b.rateLimits(1.5),
                "stalls", b -> b.stalls(1.5),
                "slowStreams", b -> b.slowStreams(1.5, Duration.ofMillis(1)),
                "truncations", b -> b.truncations(1.5),
                "emptyOutputs", b -> b.emptyOutputs(1.5),
                "garbage", b -> b.garbage(1.5));
        setters.forEach((name, setter) -> assertThatThrownBy(() -> setter.apply(FaultInjectingEngine.wrap(engine)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(name + " rate must be in [0, 1] but was 1.5"));
        assertThatThrownBy(() -> FaultInjectingEngine.wrap(engine).stalls(-0.1))
                .hasMessage("stalls rate must be in [0, 1] but was -0.1");
        assertThatThrownBy(() -> FaultInjectingEngine.wrap(engine).garbage(Double.NaN))
                .hasMessage("garbage rate must be in [0, 1] but was NaN");
        assertThatThrownBy(() -> FaultInjectingEngine.wrap(engine).slowStreams(0.5, Duration.ZERO))
                .hasMessage("slowStreams perDelta must be positive but was PT0S");
        assertThatThrownBy(() -> FaultInjectingEngine.wrap(engine).slowStreams(0.5, Duration.ofMillis(-5)))
                .hasMessage("slowStreams perDelta must be positive but was PT-0.005S");
        assertThatThrownBy(() -> FaultInjectingEngine.wrap(engine).transientErrors(0.6).rateLimits(0.5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("fault rates must sum to at most 1 but sum to 1.")
                .hasMessageEndingWith(" {TRANSIENT_ERROR=0.6, RATE_LIMIT=0.5}");
        assertThatThrownBy(() -> FaultInjectingEngine.wrap(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> FaultInjectingEngine.wrap(engine).scheduler(null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> FaultInjectingEngine.wrap(engine).build().faultOf(-1))
                .hasMessage("generation must be >= 0 but was -1");
        // the rates may use up the whole mass
        FaultInjectingEngine full = FaultInjectingEngine.wrap(engine).transientErrors(0.5).garbage(0.5).build();
        assertThat(full.rate(Fault.NONE)).isZero();
        assertThat(full.rate(Fault.GARBAGE)).isEqualTo(0.5);
    }

    @Test
    void keepsTheInnerCapabilitiesAndNamesItselfAfterTheInnerEngine() {
        ScriptedEngine engine = ScriptedEngine.builder().name("scripted").seeds(false)
                .script(r -> Script.text("x", Duration.ZERO)).build();
        FaultInjectingEngine faulty = FaultInjectingEngine.wrap(engine).seed(9).build();
        assertThat(faulty.name()).isEqualTo("faulty(scripted)");
        assertThat(faulty.capabilities()).isEqualTo(new EngineCapabilities(true, false));
        assertThat(faulty.inner()).isSameAs(engine);
        assertThat(faulty.seed()).isEqualTo(9);
        assertThat(faulty.rate(Fault.NONE)).isEqualTo(1.0);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // drawing

    @Test
    void eachGenerationDrawsItsFaultByTheDocumentedRule() {
        long seed = 12345;
        FaultInjectingEngine faulty = mixed(FaultInjectingEngine.wrap(ScriptedEngine.constant(
                Script.text("x", Duration.ZERO))).seed(seed)).build();
        // generation n draws from new SplittableRandom(s(n)), s(n) the n-th nextLong() of new SplittableRandom(seed);
        // u = nextDouble() picks the first fault, in enum order, whose cumulative rate exceeds u
        SplittableRandom seeds = new SplittableRandom(seed);
        for (long n = 0; n < 5_000; n++) {
            long s = seeds.nextLong();
            assertThat(FaultInjectingEngine.generationSeed(seed, n)).isEqualTo(s);
            double u = new SplittableRandom(s).nextDouble();
            Fault expected = Fault.NONE;
            double cumulative = 0;
            for (Fault f : Fault.values()) {
                if (f == Fault.NONE) {
                    continue;
                }
                cumulative += faulty.rate(f);
                if (u < cumulative) {
                    expected = f;
                    break;
                }
            }
            assertThat(faulty.faultOf(n)).as("generation %d", n).isEqualTo(expected);
        }
    }

    @Test
    void ratesAreRespectedOverManyGenerations() {
        FaultInjectingEngine faulty = mixed(FaultInjectingEngine.wrap(ScriptedEngine.constant(
                Script.text("x", Duration.ZERO))).seed(77)).build();
        int n = 40_000;
        Map<Fault, Integer> counts = new EnumMap<>(Fault.class);
        for (long g = 0; g < n; g++) {
            counts.merge(faulty.faultOf(g), 1, Integer::sum);
        }
        for (Fault f : Fault.values()) {
            // a binomial share of 40 000 draws has a standard deviation of at most 0.0025
            assertThat(counts.getOrDefault(f, 0) / (double) n).as("share of %s", f)
                    .isCloseTo(faulty.rate(f), within(0.0125));
        }
        assertThat(faulty.generations()).as("faultOf runs nothing").isZero();
    }

    @Test
    void generationsAndInjectedCountWhatTheSubscriptionsDrew() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = inner(vts, "a b c d", Duration.ofSeconds(4));
        List<Injection> told = new ArrayList<>();
        FaultInjectingEngine faulty = mixed(FaultInjectingEngine.wrap(engine).seed(5).scheduler(vts))
                .onInjection(told::add).build();
        List<Disposable> subscriptions = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            subscriptions.add(faulty.stream(REQUEST).subscribe(e -> { }, e -> { }));
        }
        vts.advanceTimeBy(Duration.ofHours(1));
        Map<Fault, Long> expected = new EnumMap<>(Fault.class);
        for (long g = 0; g < 2_000; g++) {
            expected.merge(faulty.faultOf(g), 1L, Long::sum);
        }
        assertThat(faulty.generations()).isEqualTo(2_000);
        for (Fault f : Fault.values()) {
            assertThat(faulty.injected(f)).as("injected %s", f).isEqualTo(expected.getOrDefault(f, 0L));
        }
        assertThat(told).hasSize(2_000);
        for (int i = 0; i < told.size(); i++) {
            assertThat(told.get(i).generation()).isEqualTo(i);
            assertThat(told.get(i).fault()).isEqualTo(faulty.faultOf(i));
            assertThat(told.get(i).request()).isSameAs(REQUEST);
        }
        // only the stalls are still running after an hour
        assertThat(faulty.liveGenerations()).isEqualTo(faulty.injected(Fault.STALL));
        subscriptions.forEach(Disposable::dispose);
        assertThat(faulty.liveGenerations()).isZero();
        assertThat(engine.active()).isZero();
    }

    @Test
    void theSameSeedReplaysTheSameFaultsTextsAndTimes() {
        List<String> a = run(31);
        List<String> b = run(31);
        List<String> c = run(32);
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
    }

    /** Eighty generations of a mixed wrapper, each written as a line: deltas, times, completion, error. */
    private static List<String> run(long seed) {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        FaultInjectingEngine faulty = mixed(FaultInjectingEngine.wrap(inner(vts, TWELVE, Duration.ofSeconds(12)))
                .seed(seed).scheduler(vts)).build();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            Trace t = trace(faulty, vts);
            lines.add(PropertyCheck.show(t.deltas().toArray()) + " at " + t.times() + " -> " + t.completed() + " / "
                    + (t.error() == null ? null : t.error().getClass().getSimpleName() + ": " + t.error().getMessage())
                    + " at " + t.endedAt());
        }
        return lines;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // what each fault does

    @Test
    void noFaultPassesTheInnerStreamThroughUnchanged() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = inner(vts, TWELVE, Duration.ofSeconds(12));
        AtomicReference<List<GenerationEvent>> expected = new AtomicReference<>();
        engine.stream(REQUEST).collectList().subscribe(expected::set);
        AtomicReference<List<GenerationEvent>> actual = new AtomicReference<>();
        only(Fault.NONE, engine, 1, vts).stream(REQUEST).collectList().subscribe(actual::set);
        vts.advanceTimeBy(Duration.ofSeconds(12));
        assertThat(actual.get()).isNotNull().isEqualTo(expected.get());
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"TRANSIENT_ERROR", "PERMANENT_ERROR", "RATE_LIMIT"})
    void errorsComeBeforeAnyDeltaOrAfterSomeAndCancelTheInnerGeneration(Fault fault) {
        Class<?> type = switch (fault) {
            case TRANSIENT_ERROR -> TransientInferenceException.class;
            case PERMANENT_ERROR -> PermanentInferenceException.class;
            default -> RateLimitedException.class;
        };
        List<String> inner = tokens(TWELVE);
        Set<Integer> partials = new java.util.TreeSet<>();
        Set<Boolean> retryAfters = new java.util.HashSet<>();
        for (long seed = 0; seed < 120; seed++) {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            ScriptedEngine engine = inner(vts, TWELVE, Duration.ofSeconds(12));
            FaultInjectingEngine faulty = only(fault, engine, seed, vts);
            Trace t = trace(faulty, vts);
            int d = t.deltas().size();
            partials.add(d);
            assertThat(t.error()).as("seed %d", seed).isNotNull();
            assertThat(t.error().getClass()).isEqualTo(type);
            assertThat(((InferenceException) t.error()).engine()).isEqualTo("faulty(scripted)");
            assertThat(t.error()).hasMessageContaining("injected");
            assertThat(t.completed()).isNull();
            assertThat(d).isBetween(0, FaultInjectingEngine.MAX_DELTAS_BEFORE_FAULT);
            assertThat(t.deltas()).isEqualTo(inner.subList(0, d));
            if (d == 0) {
                assertThat(t.endedAt()).as("before any token, at once").isZero();
                assertThat(engine.started()).as("the inner engine is not called").isZero();
            } else {
                // the error takes the place of the inner stream's next delta, which comes at d + 1 seconds
                assertThat(t.endedAt()).isEqualTo((d + 1) * 1000L);
                assertThat(engine.started()).isEqualTo(1);
                assertThat(engine.cancelled()).as("the inner generation is cancelled").isEqualTo(1);
            }
            assertThat(engine.active()).isZero();
            assertThat(faulty.liveGenerations()).isZero();
            if (t.error() instanceof RateLimitedException r) {
                assertThat(r.isRetryable()).isTrue();
                r.retryAfter().ifPresent(after -> assertThat(after.toMillis()).isBetween(100L, 2_000L)
                        .satisfies(ms -> assertThat(ms % 100).isZero()));
                retryAfters.add(r.retryAfter().isPresent());
            }
        }
        assertThat(partials).as("before any token and after several").contains(0, 1, 8).hasSizeGreaterThan(5);
        if (fault == Fault.RATE_LIMIT) {
            assertThat(retryAfters).as("with and without a retry-after").containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    void anErrorAfterSomeDeltasArrivesWhenTheInnerStreamsNextEventWould() {
        long seed = seedWithPartialOutput(Fault.TRANSIENT_ERROR, 3);
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = inner(vts, TWELVE, Duration.ofSeconds(12));
        FaultInjectingEngine faulty = only(Fault.TRANSIENT_ERROR, engine, seed, vts);
        StepVerifier.withVirtualTime(() -> faulty.stream(REQUEST), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(1))
                .expectNextMatches(e -> ((GenerationEvent.TextDelta) e).text().equals("one"))
                .expectNoEvent(Duration.ofSeconds(1))
                .expectNextMatches(e -> ((GenerationEvent.TextDelta) e).text().equals(" two"))
                .expectNoEvent(Duration.ofSeconds(1))
                .expectNextMatches(e -> ((GenerationEvent.TextDelta) e).text().equals(" three"))
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(e).isExactlyInstanceOf(TransientInferenceException.class)
                        .hasMessage("faulty(scripted): injected transient failure after 3 deltas (generation 0)"))
                .verify();
        assertThat(engine.cancelled()).isEqualTo(1);
        assertThat(engine.active()).isZero();
        assertThat(faulty.liveGenerations()).isZero();
    }

    /** A seed whose generation 0 lets exactly {@code deltas} deltas through before {@code fault}. */
    private static long seedWithPartialOutput(Fault fault, int deltas) {
        for (long seed = 0; ; seed++) {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            Trace t = trace(only(fault, inner(vts, TWELVE, Duration.ofSeconds(12)), seed, vts), vts);
            if (t.deltas().size() == deltas) {
                return seed;
            }
        }
    }

    @Test
    void aStallNeverEndsButHonoursCancellation() {
        for (int deltas : new int[] {0, 2, 8}) {
            long seed = seedWithPartialOutput(Fault.STALL, deltas);
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            ScriptedEngine engine = inner(vts, TWELVE, Duration.ofSeconds(12));
            FaultInjectingEngine faulty = only(Fault.STALL, engine, seed, vts);
            StepVerifier.withVirtualTime(() -> faulty.stream(REQUEST), () -> vts, Long.MAX_VALUE)
                    .expectSubscription()
                    .thenAwait(Duration.ofSeconds(deltas))
                    .expectNextCount(deltas)
                    .then(() -> assertThat(faulty.liveGenerations()).isEqualTo(1))
                    .expectNoEvent(Duration.ofDays(1))
                    .then(() -> {
                        assertThat(faulty.liveGenerations()).isEqualTo(1);
                        // the inner generation ended on its own; its completion was swallowed
                        assertThat(engine.completed()).isEqualTo(deltas == 0 ? 0 : 1);
                        assertThat(engine.started()).isEqualTo(deltas == 0 ? 0 : 1);
                    })
                    .thenCancel()
                    .verify();
            assertThat(faulty.liveGenerations()).isZero();
            assertThat(engine.active()).isZero();
        }
    }

    @Test
    void cancellingAStallWhileTheInnerGenerationRunsCancelsIt() {
        long seed = seedWithPartialOutput(Fault.STALL, 2);
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = inner(vts, TWELVE, Duration.ofSeconds(12));
        FaultInjectingEngine faulty = only(Fault.STALL, engine, seed, vts);
        StepVerifier.withVirtualTime(() -> faulty.stream(REQUEST), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(5))
                .expectNextCount(2)
                .thenCancel()
                .verify();
        assertThat(engine.cancelled()).isEqualTo(1);
        assertThat(engine.active()).isZero();
        assertThat(faulty.liveGenerations()).isZero();
        vts.advanceTimeBy(Duration.ofHours(1));
        assertThat(engine.completed()).isZero();
    }

    @Test
    void aSlowStreamDelaysEveryDeltaOnTheInjectedScheduler() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        // inner deltas at 1, 2 and 3 s; each is held 400 ms
        ScriptedEngine engine = inner(vts, "a b c", Duration.ofSeconds(3));
        FaultInjectingEngine faulty = only(Fault.SLOW_STREAM, engine, 0, vts);
        StepVerifier.withVirtualTime(() -> faulty.stream(REQUEST), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1_399))
                .thenAwait(Duration.ofMillis(1))
                .expectNextMatches(e -> ((GenerationEvent.TextDelta) e).text().equals("a"))
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNextMatches(e -> ((GenerationEvent.TextDelta) e).text().equals(" b"))
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNextMatches(e -> ((GenerationEvent.TextDelta) e).text().equals(" c"))
                .assertNext(e -> assertThat(((GenerationEvent.Completed) e).generation().text()).isEqualTo("a b c"))
                .verifyComplete();
        assertThat(faulty.liveGenerations()).isZero();

        // an instant inner stream of four deltas: one every 250 ms
        VirtualTimeScheduler vts2 = VirtualTimeScheduler.create();
        FaultInjectingEngine instant = FaultInjectingEngine.wrap(inner(vts2, "w x y z", Duration.ZERO))
                .slowStreams(1.0, Duration.ofMillis(250)).scheduler(vts2).build();
        StepVerifier.withVirtualTime(() -> instant.stream(REQUEST), () -> vts2, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(250)).expectNextCount(1)
                .expectNoEvent(Duration.ofMillis(250)).expectNextCount(1)
                .expectNoEvent(Duration.ofMillis(250)).expectNextCount(1)
                .expectNoEvent(Duration.ofMillis(250)).expectNextCount(1)
                .expectNextMatches(GenerationEvent.Completed.class::isInstance)
                .verifyComplete();
    }

    @Test
    void cancellingASlowStreamDuringADelayCancelsTheInnerGenerationAndTheDelay() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = inner(vts, TWELVE, Duration.ofSeconds(12));
        FaultInjectingEngine faulty = only(Fault.SLOW_STREAM, engine, 0, vts);
        StepVerifier.withVirtualTime(() -> faulty.stream(REQUEST), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(1_200)) // the first delta arrived at 1 s and is held until 1.4 s
                .thenCancel()
                .verify();
        assertThat(engine.cancelled()).isEqualTo(1);
        assertThat(engine.active()).isZero();
        assertThat(faulty.liveGenerations()).isZero();
        vts.advanceTimeBy(Duration.ofHours(1));
        assertThat(engine.completed()).isZero();
        assertThat(vts.now(TimeUnit.MILLISECONDS)).isPositive();
    }

    @Test
    void truncationCutsTheTextToAStrictPrefixThatFinishesWithLength() {
        List<String> inner = tokens("alpha beta gamma delta epsilon zeta");
        Set<Integer> kept = new java.util.TreeSet<>();
        for (long seed = 0; seed < 150; seed++) {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            ScriptedEngine engine = inner(vts, String.join("", inner), Duration.ofSeconds(6));
            FaultInjectingEngine faulty = only(Fault.TRUNCATED, engine, seed, vts);
            Trace t = trace(faulty, vts);
            int k = t.deltas().size();
            kept.add(k);
            assertThat(t.error()).isNull();
            assertThat(t.completed()).as("seed %d", seed).isNotNull();
            Generation g = t.completed();
            assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(g.text()).isEqualTo(t.text());
            assertThat(t.deltas()).isEqualTo(inner.subList(0, k));
            assertThat(k).as("the last delta is always lost").isLessThan(inner.size())
                    .isLessThanOrEqualTo(FaultInjectingEngine.MAX_KEPT_DELTAS);
            assertThat(g.usage().outputTokens()).isEqualTo(k);
            assertThat(g.usage().inputTokens()).isEqualTo(1); // the prompt "question"
            if (k < inner.size() - 1) {
                // cut when the delta after the kept ones and the next one arrived: the inner engine is cancelled
                assertThat(t.endedAt()).isEqualTo((k + 2) * 1000L);
                assertThat(engine.cancelled()).isEqualTo(1);
            } else {
                assertThat(t.endedAt()).isEqualTo(6_000);
                assertThat(engine.completed()).isEqualTo(1);
            }
            assertThat(engine.active()).isZero();
            assertThat(faulty.liveGenerations()).isZero();
        }
        assertThat(kept).as("from nothing to all but the last delta").containsExactly(0, 1, 2, 3, 4, 5);

        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Trace empty = trace(only(Fault.TRUNCATED, inner(vts, "", Duration.ofSeconds(1)), 0, vts), vts);
        assertThat(empty.completed()).isNotNull();
        assertThat(empty.completed().text()).isEmpty();
        assertThat(empty.completed().finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void anEmptyOutputCompletesWithAnEmptyTextWhenTheInnerGenerationEnds() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = inner(vts, TWELVE, Duration.ofSeconds(12));
        FaultInjectingEngine faulty = only(Fault.EMPTY, engine, 3, vts);
        StepVerifier.withVirtualTime(() -> faulty.stream(REQUEST), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(11_999))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(e -> {
                    Generation g = ((GenerationEvent.Completed) e).generation();
                    assertThat(g.text()).isEmpty();
                    assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
                    assertThat(g.usage()).isEqualTo(new dev.contemplate.inference.TokenUsage(1, 0));
                })
                .verifyComplete();
        assertThat(engine.completed()).isEqualTo(1);
        assertThat(faulty.liveGenerations()).isZero();
    }

    @Test
    void garbageReplacesTheTextWithSeededJunk() {
        List<String> inner = tokens(TWELVE);
        boolean digits = false;
        for (long seed = 0; seed < 100; seed++) {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            Trace t = trace(only(Fault.GARBAGE, inner(vts, TWELVE, Duration.ofSeconds(12)), seed, vts), vts);
            VirtualTimeScheduler again = VirtualTimeScheduler.create();
            Trace u = trace(only(Fault.GARBAGE, inner(again, TWELVE, Duration.ofSeconds(12)), seed, again), again);
            assertThat(t.completed()).isNotNull();
            String text = t.completed().text();
            assertThat(text).isEqualTo(t.text()).isNotEqualTo(TWELVE).isEqualTo(u.completed().text());
            assertThat(t.deltas()).hasSameSizeAs(inner);
            assertThat(t.times()).isEqualTo(List.of(1_000L, 2_000L, 3_000L, 4_000L, 5_000L, 6_000L, 7_000L, 8_000L,
                    9_000L, 10_000L, 11_000L, 12_000L));
            for (int i = 0; i < inner.size(); i++) {
                assertThat(t.deltas().get(i).length()).isGreaterThanOrEqualTo(inner.get(i).length());
            }
            assertThat(text.chars().anyMatch(c -> c < 0x20 || c == 0x7F)).as("a control character").isTrue();
            assertThat(hasUnpairedSurrogate(text)).as("an unpaired surrogate in %s", PropertyCheck.show(text))
                    .isTrue();
            assertThat(t.completed().finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(t.completed().usage().outputTokens()).isEqualTo(inner.size());
            digits |= text.chars().anyMatch(Character::isDigit);
        }
        assertThat(digits).as("junk may hold digits").isTrue();

        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        Trace empty = trace(only(Fault.GARBAGE, inner(vts, "", Duration.ofSeconds(1)), 0, vts), vts);
        assertThat(empty.deltas()).hasSize(1);
        assertThat(empty.completed().text()).isEqualTo(empty.text());
        assertThat(hasUnpairedSurrogate(empty.text())).isTrue();
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // cancellation and counts

    @ParameterizedTest
    @EnumSource(Fault.class)
    void cancellationReachesTheInnerEngineWhateverTheFault(Fault fault) {
        // a seed whose generation 0 calls the inner engine (errors and stalls with d = 0 never do)
        long seed = switch (fault) {
            case TRANSIENT_ERROR, PERMANENT_ERROR, RATE_LIMIT, STALL -> seedWithPartialOutput(fault, 1);
            default -> 0;
        };
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = inner(vts, TWELVE, Duration.ofSeconds(12));
        FaultInjectingEngine faulty = only(fault, engine, seed, vts);
        StepVerifier.withVirtualTime(() -> faulty.stream(REQUEST), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .thenAwait(Duration.ofMillis(1_500))
                // by then the first inner delta (at 1 s) is out, unless the fault holds it back
                .expectNextCount(fault == Fault.TRUNCATED || fault == Fault.EMPTY ? 0 : 1)
                .thenCancel()
                .verify();
        assertThat(engine.started()).isEqualTo(1);
        assertThat(engine.cancelled()).as("the inner generation was cancelled").isEqualTo(1);
        assertThat(engine.active()).isZero();
        assertThat(faulty.liveGenerations()).isZero();
        vts.advanceTimeBy(Duration.ofHours(1));
        assertThat(engine.completed()).as("nothing runs on").isZero();
    }

    @Test
    void liveGenerationsCountsWhatIsSubscribedAndNotEnded() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = inner(vts, "a b", Duration.ofSeconds(2));
        FaultInjectingEngine none = only(Fault.NONE, engine, 0, vts);
        none.stream(REQUEST).subscribe();
        none.stream(REQUEST).subscribe();
        Disposable c = none.stream(REQUEST).subscribe();
        assertThat(none.liveGenerations()).isEqualTo(3);
        c.dispose();
        assertThat(none.liveGenerations()).isEqualTo(2);
        vts.advanceTimeBy(Duration.ofSeconds(2));
        assertThat(none.liveGenerations()).isZero();

        long immediate = seedWithPartialOutput(Fault.PERMANENT_ERROR, 0);
        FaultInjectingEngine failing = only(Fault.PERMANENT_ERROR, engine, immediate, vts);
        failing.stream(REQUEST).subscribe(e -> { }, e -> { });
        assertThat(failing.liveGenerations()).isZero();
        assertThat(failing.generations()).isEqualTo(1);
        assertThat(failing.injected(Fault.PERMANENT_ERROR)).isEqualTo(1);
        assertThat(failing.injected(Fault.NONE)).isZero();
    }

    @Test
    void everyStreamKeepsTheEngineContractsShapeWhateverTheFault() {
        // deltas, then one completion whose text is their concatenation; or an engine error; or, stalled, nothing
        PropertyCheck.forAll(300, r -> r.nextLong(), seed -> {
            VirtualTimeScheduler vts = VirtualTimeScheduler.create();
            ScriptedEngine engine = inner(vts, TWELVE, Duration.ofSeconds(12));
            FaultInjectingEngine faulty = mixed(FaultInjectingEngine.wrap(engine).seed(seed).scheduler(vts)).build();
            Set<Fault> seen = EnumSet.noneOf(Fault.class);
            for (int i = 0; i < 10; i++) {
                Fault f = faulty.faultOf(i);
                seen.add(f);
                Trace t = trace(faulty, vts);
                if (f == Fault.STALL) {
                    assertThat(t.ended()).isFalse();
                } else if (t.error() != null) {
                    assertThat(t.error()).isInstanceOf(InferenceException.class);
                    assertThat(EnumSet.of(Fault.TRANSIENT_ERROR, Fault.PERMANENT_ERROR, Fault.RATE_LIMIT))
                            .contains(f);
                } else {
                    assertThat(t.completed()).isNotNull();
                    assertThat(t.completed().text()).isEqualTo(t.text());
                }
            }
            assertThat(faulty.liveGenerations()).isZero();
            assertThat(engine.active()).isZero();
        });
    }
}

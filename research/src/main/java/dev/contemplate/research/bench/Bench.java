package dev.contemplate.research.bench;

import dev.contemplate.agents.Deliberation;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Verdict;
import dev.contemplate.research.dataset.Dataset;
import dev.contemplate.research.internal.CellStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A bench: every question of a data set, run with each agent count under each stopping rule, one contemplation at a
 * time, and measured per cell (accuracy with its Wilson interval, latency percentiles, samples, tokens,
 * cancellations).
 *
 * <pre>{@code
 * BenchResult result = Bench.builder()
 *         .dataset(Dataset.read(Path.of("gsm8k.jsonl"), AnswerExtractors.numeric()))
 *         .contemplators((agents, rule, seed) -> Contemplator.builder()
 *                 .engine(engine)
 *                 .team(Team.builder().size(agents).seed(seed).build())
 *                 .extractor(AnswerExtractors.numeric())
 *                 .stoppingRule(rule)
 *                 .budget(Budget.builder().deadline(Duration.ofSeconds(20)).build())
 *                 .build())
 *         .agents(1, 3, 5, 9)
 *         .stoppingRules(StoppingRules.beta(0.95), StoppingRules.esc(5))
 *         .seed(42)
 *         .run();
 * }</pre>
 *
 * <p><b>Runs.</b> N = 1 is the baseline: it is run even when not listed, first, and once for all rules (a single
 * agent's only sample ends its run under any rule, so its numbers are every rule's), with the first rule. On question
 * q (0, 1, 2, ...) the factory is asked for a team seeded with {@link #questionSeed(long, int) questionSeed(seed, q)}
 * for every count and rule, so counts and rules share their first agents' samples: differences between cells are
 * paired, and no two questions share a seed. With {@link Builder#protocols protocols} to compare, every protocol runs
 * under every rule on those same seeds, so protocols are compared pairwise too, and the baseline is one agent
 * answering once (independent). Each run is timed on the {@link BenchClock} under the contemplator's own
 * {@linkplain Contemplator#budget() budget}, in the bench's {@link Mode}.
 *
 * <p><b>Scoring.</b> A question is right when the verdict's answer is the data set's: by key when the contemplator's
 * vote keys extracted answers (any vote but {@code semantic}) and its last step is the plain {@code vote}; otherwise
 * when the data set's extractor reads the item's key in the verdict's text (a semantic vote's representative, a
 * synthesis). A contemplation that fails has no answer and is wrong.
 */
public final class Bench {

    /** Seeds reserved per question: agent i of question q samples with {@code seed + SEEDS_PER_QUESTION * q + i}. */
    public static final int SEEDS_PER_QUESTION = 1000;

    private final Dataset dataset;
    private final ContemplatorFactory factory;
    private final List<Integer> counts;
    private final List<StoppingRule> rules;
    private final List<Deliberation> protocols;
    /** Every protocol under every rule, protocol by protocol: the bench's rows. */
    private final List<Variant> variants;
    private final Variant baselineVariant;
    private final long seed;
    private final Mode mode;
    private final BenchClock clock;
    private final UnaryOperator<String> prompt;
    private final Consumer<? super BenchProgress> progress;
    private final CostMeter meter;

    private Bench(Builder b, Dataset dataset, ContemplatorFactory factory) {
        this.dataset = dataset;
        this.factory = factory;
        this.counts = List.copyOf(b.counts);
        this.rules = b.rules.isEmpty() ? List.of(StoppingRules.beta(0.95)) : List.copyOf(b.rules.values());
        this.protocols = List.copyOf(b.protocols.values());
        List<Variant> vs = new ArrayList<>();
        if (protocols.isEmpty()) {
            rules.forEach(r -> vs.add(new Variant(null, r, r.name())));
        } else {
            for (Deliberation p : protocols) {
                rules.forEach(r -> vs.add(new Variant(p, r, protocols.size() == 1 ? r.name()
                        : p.name() + " " + r.name())));
            }
        }
        this.variants = List.copyOf(vs);
        // the baseline is one agent answering once: under protocols, the independent one
        this.baselineVariant = protocols.isEmpty() ? variants.get(0)
                : new Variant(Deliberation.independent(), rules.get(0), rules.get(0).name());
        this.seed = b.seed;
        this.mode = b.mode;
        this.clock = b.clock;
        this.prompt = b.prompt;
        this.progress = b.progress;
        this.meter = b.meter;
    }

    /** Returns a builder: a data set and a contemplator factory are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the base seed of question {@code index}: agent i samples with it plus i (in {@code long} arithmetic,
     * which wraps around). A seed of its own per question keeps the sampling noise of different questions independent
     * (one base seed for all questions would repeat one seed's luck on every question and inflate the spread between
     * runs).
     */
    public static long questionSeed(long seed, int index) {
        return seed + (long) SEEDS_PER_QUESTION * index;
    }

    /** One row of the bench: a protocol (null: the factory's own) under a rule, and its label in the result. */
    private record Variant(@Nullable Deliberation protocol, StoppingRule rule, String label) {
    }

    private BenchResult run() {
        List<Dataset.Item> items = dataset.items();
        CellStats baseline = new CellStats(1);
        // per variant, per count: the baseline's one object shared by every variant
        List<Map<Integer, CellStats>> table = new ArrayList<>();
        for (int r = 0; r < variants.size(); r++) {
            Map<Integer, CellStats> row = new LinkedHashMap<>();
            for (int n : counts) {
                row.put(n, n == 1 ? baseline : new CellStats(n));
            }
            table.add(row);
        }
        for (int q = 0; q < items.size(); q++) {
            Dataset.Item item = items.get(q);
            long base = questionSeed(seed, q);
            String text = Objects.requireNonNull(prompt.apply(item.question()), "prompt");
            runOne(baseline, 1, baselineVariant, base, q, item, text);
            for (int r = 0; r < variants.size(); r++) {
                for (CellStats cell : table.get(r).values()) {
                    if (cell != baseline) {
                        runOne(cell, cell.agents(), variants.get(r), base, q, item, text);
                    }
                }
            }
            List<BenchProgress.Cell> soFar = new ArrayList<>();
            for (int r = 0; r < variants.size(); r++) {
                for (CellStats cell : table.get(r).values()) {
                    soFar.add(cell.progress(variants.get(r).label()));
                }
            }
            progress.accept(new BenchProgress(q + 1, items.size(), soFar));
        }
        LatencySummary baseLatency = baseline.latency();
        List<BenchCell> cells = new ArrayList<>();
        for (int r = 0; r < variants.size(); r++) {
            for (CellStats cell : table.get(r).values()) {
                cells.add(cell.cell(variants.get(r).label(), baseline.accuracy(), baseLatency));
            }
        }
        return new BenchResult(items.size(), seed, clock.toString(), counts,
                variants.stream().map(Variant::label).toList(), cells);
    }

    private void runOne(CellStats cell, int agents, Variant variant, long base, int index, Dataset.Item item,
            String text) {
        Contemplator made = Objects.requireNonNull(factory.create(agents, variant.rule(), base),
                "the factory returned null");
        Contemplator c = variant.protocol() == null ? made : made.withDeliberation(variant.protocol());
        Map<String, Double> before = meter.read();
        RunOutcome outcome = clock.run(c, text, mode, c.budget());
        cell.addCosts(before, meter.read());
        cell.add(index, item, outcome, right(outcome, item, c));
    }

    /** See "Scoring" in the class comment. */
    private boolean right(RunOutcome outcome, Dataset.Item item, Contemplator c) {
        Verdict v = outcome.verdict();
        if (v == null) {
            return false;
        }
        boolean keyed = !c.voting().name().equals("semantic") && c.aggregator().name().equals("vote");
        return keyed ? v.answer().key().equals(item.answerKey())
                : dataset.extractor().extract(v.text()).map(a -> a.key().equals(item.answerKey())).orElse(false);
    }

    /** Builds and runs a {@link Bench}. Not thread-safe. */
    public static final class Builder {
        private @Nullable Dataset dataset;
        private @Nullable ContemplatorFactory factory;
        private final LinkedHashSet<Integer> counts = new LinkedHashSet<>(List.of(1));
        private final Map<String, StoppingRule> rules = new LinkedHashMap<>();
        private final Map<String, Deliberation> protocols = new LinkedHashMap<>();
        private long seed;
        private Mode mode = Mode.CONTEMPLATE;
        private BenchClock clock = BenchClock.realTime();
        private UnaryOperator<String> prompt = UnaryOperator.identity();
        private Consumer<? super BenchProgress> progress = p -> { };
        private CostMeter meter = CostMeter.NONE;

        private Builder() {
        }

        /** Sets the questions (required); every item is run. */
        public Builder dataset(Dataset value) {
            this.dataset = Objects.requireNonNull(value, "dataset");
            return this;
        }

        /** Sets how each run's contemplator is made (required). */
        public Builder contemplators(ContemplatorFactory value) {
            this.factory = Objects.requireNonNull(value, "contemplators");
            return this;
        }

        /**
         * Adds agent counts to compare, in order, duplicates ignored; 1, the baseline, is always run first.
         *
         * @throws IllegalArgumentException if a count is below 1 or above {@value Bench#SEEDS_PER_QUESTION}, naming it
         */
        public Builder agents(int... values) {
            for (int n : values) {
                if (n < 1 || n > SEEDS_PER_QUESTION) {
                    throw new IllegalArgumentException("agent counts must be between 1 and " + SEEDS_PER_QUESTION
                            + " but was " + n);
                }
            }
            for (int n : values) {
                counts.add(n);
            }
            return this;
        }

        /**
         * Adds agent counts, as {@link #agents(int...)} does.
         *
         * @throws IllegalArgumentException if a count is out of range, naming it
         * @throws NullPointerException if the list is or holds null
         */
        public Builder agents(List<Integer> values) {
            return agents(values.stream().mapToInt(Integer::intValue).toArray());
        }

        /**
         * Adds stopping rules, in order; a rule with the name of one already added is ignored. Default, when none is
         * added: {@code beta:0.95}.
         *
         * @throws NullPointerException if a rule is null
         */
        public Builder stoppingRules(StoppingRule... values) {
            for (StoppingRule r : values) {
                Objects.requireNonNull(r, "stopping rule");
            }
            for (StoppingRule r : values) {
                rules.putIfAbsent(r.name(), r);
            }
            return this;
        }

        /**
         * Adds stopping rules, as {@link #stoppingRules(StoppingRule...)} does.
         *
         * @throws NullPointerException if the list is or holds null
         */
        public Builder stoppingRules(List<? extends StoppingRule> values) {
            return stoppingRules(values.toArray(StoppingRule[]::new));
        }

        /**
         * Adds deliberation protocols to compare, in order; one with the name of one already added is ignored. Each
         * protocol runs under each rule on the same seeds ({@link Contemplator#withDeliberation} applies it to the
         * factory's contemplator), and the result's rows are labelled {@code "protocol rule"} (just the rule when one
         * protocol is given). The single-agent baseline is one agent answering once: it runs under
         * {@link Deliberation#independent()} and the first rule, and every row's gain and latency ratio is against it.
         * Default, when none is added: each contemplator's own protocol.
         *
         * @throws NullPointerException if a protocol is null
         */
        public Builder protocols(List<? extends Deliberation> values) {
            for (Deliberation p : values) {
                Objects.requireNonNull(p, "protocol");
            }
            for (Deliberation p : values) {
                protocols.putIfAbsent(p.name(), p);
            }
            return this;
        }

        /** Adds deliberation protocols to compare, as {@link #protocols(List)} does. */
        public Builder protocols(Deliberation... values) {
            return protocols(List.of(values));
        }

        /** Sets the base seed (default 0): see {@link Bench#questionSeed(long, int)}. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Sets the mode every run is made in (default {@link Mode#CONTEMPLATE}). */
        public Builder mode(Mode value) {
            this.mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /** Sets the clock runs are made and timed on (default {@link BenchClock#realTime()}). */
        public Builder clock(BenchClock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Sets what the contemplators are asked for each question (default the question itself), e.g. a canonical
         * form that a small model reads. It must not return null.
         */
        public Builder prompt(UnaryOperator<String> value) {
            this.prompt = Objects.requireNonNull(value, "prompt");
            return this;
        }

        /**
         * Sets a meter read before and after each contemplation, such as an embedded engine's counters; its
         * differences are reported per cell in {@link BenchCell#costs()}. Default: {@link CostMeter#NONE}.
         *
         * @param value the meter
         * @return this builder
         * @throws NullPointerException if {@code value} is null
         */
        public Builder costMeter(CostMeter value) {
            this.meter = Objects.requireNonNull(value, "costMeter");
            return this;
        }

        /** Sets what is told after each question (default nothing); it runs on the caller's thread. */
        public Builder onProgress(Consumer<? super BenchProgress> value) {
            this.progress = Objects.requireNonNull(value, "onProgress");
            return this;
        }

        /**
         * Runs the bench on the caller's thread.
         *
         * @throws IllegalStateException if the data set or the factory is missing, or the data set has no question
         * @throws RuntimeException what the factory, the prompt or a contemplation throws other than a
         *     {@link dev.contemplate.orchestrator.ContemplationException} (a failed run, counted wrong)
         */
        public BenchResult run() {
            Dataset data = dataset;
            ContemplatorFactory make = factory;
            if (data == null) {
                throw new IllegalStateException("a data set is required: call dataset(...)");
            }
            if (make == null) {
                throw new IllegalStateException("a contemplator factory is required: call contemplators(...)");
            }
            if (data.items().isEmpty()) {
                throw new IllegalStateException("data set " + data.source() + " has no readable question");
            }
            return new Bench(this, data, make).run();
        }
    }
}

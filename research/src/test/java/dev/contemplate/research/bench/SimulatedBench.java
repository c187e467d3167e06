package dev.contemplate.research.bench;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.inference.simulated.Scenario;
import dev.contemplate.inference.simulated.SimulatedEngine;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.research.dataset.Dataset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A simulated engine on a virtual clock for bench tests: each data-set question's right answer is drawn with
 * probability {@code correct}, a wrong one ({@code answer + 1}) otherwise. Records every factory call.
 */
final class SimulatedBench implements AutoCloseable {

    /** One factory call. */
    record Call(int agents, String rule, long seed) {
    }

    final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
    final BenchClock clock = BenchClock.virtual(scheduler, scheduler::advanceTimeBy);
    final SimulatedEngine engine;
    final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Duration deadline;

    SimulatedBench(Dataset dataset, double correct, Duration deadline) {
        this(scenarios(dataset, correct), deadline);
    }

    SimulatedBench(Function<String, Scenario> scenarios, Duration deadline) {
        this.deadline = deadline;
        this.engine = SimulatedEngine.builder().scenario(scenarios::apply).scheduler(scheduler).seed(1).build();
    }

    private static Function<String, Scenario> scenarios(Dataset dataset, double correct) {
        Map<String, String> truths = new java.util.HashMap<>();
        dataset.items().forEach(i -> truths.put(i.question(), i.answerKey()));
        // the agents' messages carry the question with their instructions
        return message -> {
            String truth = truths.entrySet().stream().filter(e -> message.contains(e.getKey())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no question in " + message)).getValue();
            String wrong = String.valueOf(Long.parseLong(truth) + 1);
            return Scenario.builder().answer(truth, correct).answer(wrong, 1 - correct)
                    .firstTokenLatency(Duration.ofMillis(200)).medianTokenLatency(Duration.ofMillis(20), 0.3)
                    .build();
        };
    }

    /** The factory: numeric majority vote, the given rule, a team seeded with the bench's seed, on the clock. */
    ContemplatorFactory factory() {
        return (agents, rule, seed) -> {
            calls.add(new Call(agents, rule.name(), seed));
            return contemplator(agents, rule, seed);
        };
    }

    Contemplator contemplator(int agents, StoppingRule rule, long seed) {
        return Contemplator.builder()
                .engine(engine)
                .clock(clock.scheduler())
                .team(Team.builder().size(agents).seed(seed).build())
                .extractor(AnswerExtractors.numeric())
                .stoppingRule(rule)
                .budget(Budget.builder().deadline(deadline).build())
                .build();
    }

    @Override
    public void close() {
        engine.close();
        scheduler.dispose();
    }
}

package dev.contemplate.orchestrator;

import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.Ballots;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.Provenance;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.SamplingParameters;
import dev.contemplate.inference.TransientInferenceException;
import dev.contemplate.inference.testkit.ScriptedEngine;
import dev.contemplate.inference.testkit.ScriptedEngine.Script;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Scripted contemplations in virtual time shared by the metrics, observation and logging tests. The question and
 * every agent's text carry distinctive words ({@link #QUESTION_MARK}, {@link #ANSWER_MARK}) that no tag, key value
 * or log line may contain.
 */
final class Scenarios {

    /** A word of the question only. */
    static final String QUESTION_MARK = "quokka";
    /** A word of the agents' and the judge's texts only. */
    static final String ANSWER_MARK = "walrus";
    static final String QUESTION = "Zanzibar " + QUESTION_MARK + " riddle 7781: how many marbles are in the jar?";
    private static final String JUDGE = "JUDGE";
    private static final long BASE_SEED = 100;

    private Scenarios() {
    }

    /** A contemplation to run: its contemplator (instrumentation still to add) and the virtual clock it runs on. */
    record Scenario(Contemplator.Builder builder, ScriptedEngine engine, VirtualTimeScheduler vts) {
    }

    /** "The walrus answer is N." over {@code latency}: 5 word deltas, the last at {@code latency}. */
    static Script answer(String value, Duration latency) {
        return Script.text("The " + ANSWER_MARK + " answer is " + value + ".", latency);
    }

    private static Scenario scenario(int agents, Map<Integer, Script> scripts, Script judge,
            Function<Contemplator.Builder, Contemplator.Builder> setup) {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedEngine engine = ScriptedEngine.builder().scheduler(vts).script(r -> {
            if (r.messages().get(r.messages().size() - 1).text().startsWith(JUDGE)) {
                return judge;
            }
            return scripts.get((int) (r.sampling().seed().orElseThrow() - BASE_SEED));
        }).build();
        Contemplator.Builder b = Contemplator.builder().engine(engine)
                .team(Team.builder().size(agents).seed(BASE_SEED).build())
                .extractor(AnswerExtractors.numeric())
                .clock(vts);
        return new Scenario(setup.apply(b), engine, vts);
    }

    /**
     * Eight agents; four answer 42 at 1, 2, 3 and 4 s; beta:0.95 stops at 4 s and cancels the other four, each of
     * which has streamed 1 delta by then (5 deltas over 11 s: the first at 2.2 s, the next at 4.4 s).
     */
    static Scenario ruleStop() {
        Script slow = answer("7", Duration.ofSeconds(11));
        return scenario(8, Map.of(0, answer("42", s(1)), 1, answer("42", s(2)), 2, answer("42", s(3)),
                3, answer("42", s(4)), 4, slow, 5, slow, 6, slow, 7, slow), slow,
                b -> b.stoppingRule(StoppingRules.beta(0.95)));
    }

    /**
     * Five agents under a 5 s deadline and the fixed rule: three answer (5, 5, 9) by 3 s, two are cut at 5 s having
     * streamed 2 deltas each (5 deltas over 12 s: at 2.4 and 4.8 s).
     */
    static Scenario deadlineCut() {
        Script slow = answer("5", Duration.ofSeconds(12));
        return scenario(5, Map.of(0, answer("5", s(1)), 1, answer("5", s(2)), 2, answer("9", s(3)),
                3, slow, 4, slow), slow, b -> b.stoppingRule(StoppingRules.fixed())
                .budget(Budget.builder().deadline(s(5)).build()));
    }

    /** Two agents: one fails with a transient error at 1 s, the other says "no idea" (2 deltas) at 2 s. */
    static Scenario allFail() {
        return scenario(2, Map.of(
                0, Script.failure(new TransientInferenceException("scripted", "overloaded", null), s(1)),
                1, Script.text("no idea", s(2))), Script.text("unused", s(1)),
                b -> b.stoppingRule(StoppingRules.fixed()));
    }

    /** Three agents (5, 5, 9 at 1, 2, 3 s) and the {@link #MERGER} aggregator whose one call runs {@code judge}. */
    static Scenario aggregated(Script judge, Duration deadline) {
        return scenario(3, Map.of(0, answer("5", s(1)), 1, answer("5", s(2)), 2, answer("9", s(3))), judge,
                b -> b.stoppingRule(StoppingRules.fixed()).aggregator(MERGER)
                        .budget(Budget.builder().deadline(deadline).build()));
    }

    /** The judge answers "Both walrus answers agree." (4 deltas) over 2 s: merged at 5 s. */
    static Scenario aggregatedSuccessfully() {
        return aggregated(Script.text("Both " + ANSWER_MARK + " answers agree.", s(2)), s(60));
    }

    /** The judge call fails at 1 s: the vote decides, at 4 s. */
    static Scenario aggregationFailing() {
        return aggregated(Script.failure(new IllegalStateException("judge down"), s(1)), s(60));
    }

    /** The judge would take 30 s: it is cut at the 10 s deadline and the vote decides. */
    static Scenario aggregationCutByDeadline() {
        return aggregated(Script.text("Too slow.", s(30)), s(10));
    }

    /** Asks the engine once (role {@code synthesis}, streaming as the answer) and decides for its text. */
    static final Aggregator MERGER = new Aggregator() {
        @Override
        public String name() {
            return "merger";
        }

        @Override
        public Mono<Decision> aggregate(Ballots ballots, AggregationContext context) {
            GenerationRequest request = GenerationRequest.of(JUDGE + " " + ballots.answered().size(),
                    SamplingParameters.builder().temperature(0).build());
            return context.call("synthesis", context.engine(), request, true)
                    .ofType(GenerationEvent.Completed.class)
                    .single()
                    .map(c -> new Decision(Optional.of(new Answer("merged", c.generation().text())), 1.0,
                            c.generation().text(), Provenance.of("merger", List.of("agent-1"))));
        }
    };

    /** Runs {@code contemplator}'s contemplation of {@link #QUESTION} to its verdict, in virtual time. */
    static Verdict verdict(Contemplator contemplator, VirtualTimeScheduler vts) {
        Verdict[] out = new Verdict[1];
        StepVerifier.withVirtualTime(() -> contemplator.contemplate(QUESTION), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(100))
                .consumeNextWith(v -> out[0] = v)
                .verifyComplete();
        return out[0];
    }

    /** Runs {@code contemplator}'s contemplation of {@link #QUESTION} to its error, in virtual time. */
    static Throwable error(Contemplator contemplator, VirtualTimeScheduler vts) {
        Throwable[] out = new Throwable[1];
        StepVerifier.withVirtualTime(() -> contemplator.contemplate(QUESTION), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(100))
                .expectErrorSatisfies(e -> out[0] = e)
                .verify();
        return out[0];
    }

    static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}

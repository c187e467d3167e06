package dev.contemplate.aggregation.internal;

import dev.contemplate.agents.Conversation;
import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Verifier;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A user function of question and candidate text, run on a scheduler; see
 * {@link dev.contemplate.aggregation.Verifiers#of(BiFunction)}.
 *
 * @param function question and candidate text to score, or null for no score
 * @param scheduler where the function runs
 */
public record FunctionVerifier(BiFunction<String, String, @Nullable Double> function, Scheduler scheduler)
        implements Verifier {

    /** @throws NullPointerException if a component is null */
    public FunctionVerifier {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(scheduler, "scheduler");
    }

    @Override
    public Mono<Double> score(Conversation conversation, Ballot ballot, AggregationContext context) {
        return Mono.fromCallable(() -> function.apply(conversation.question(), ballot.candidate().text()))
                .subscribeOn(scheduler);
    }

    @Override
    public String toString() {
        return "function";
    }
}

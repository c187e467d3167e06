package dev.contemplate.aggregation.internal;

import dev.contemplate.agents.Conversation;
import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Verifier;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A LangChain4j {@link ScoringModel} (a reranker) scoring each candidate's text against the question, on
 * {@link Schedulers#boundedElastic()}; see {@link dev.contemplate.aggregation.Verifiers#scoringModel(ScoringModel)}.
 *
 * @param model the scoring model
 */
public record ScoringModelVerifier(ScoringModel model) implements Verifier {

    /** @throws NullPointerException if {@code model} is null */
    public ScoringModelVerifier {
        Objects.requireNonNull(model, "model");
    }

    @Override
    public Mono<Double> score(Conversation conversation, Ballot ballot, AggregationContext context) {
        return Mono.fromCallable(() -> {
            Response<Double> r = model.score(ballot.candidate().text(), conversation.question());
            return r == null ? null : r.content();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public String toString() {
        return "scoring-model";
    }
}

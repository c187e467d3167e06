package dev.contemplate.aggregation;

import dev.contemplate.aggregation.internal.FunctionVerifier;
import dev.contemplate.aggregation.internal.LlmRatingVerifier;
import dev.contemplate.aggregation.internal.ScoringModelVerifier;
import dev.contemplate.inference.InferenceEngine;
import dev.langchain4j.model.scoring.ScoringModel;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The built-in {@link Verifier}s for {@link Aggregators#bestOfN(Verifier)}. Every verifier returned here is immutable
 * and thread-safe.
 */
public final class Verifiers {

    private Verifiers() {
    }

    /**
     * Returns a verifier that applies {@code function} to the question ({@link
     * dev.contemplate.agents.Conversation#question()}) and the candidate's full text. The function runs on {@link
     * Schedulers#boundedElastic()}, so it may block (a unit test runner, a compiler, an HTTP call); it returns the
     * score, higher is better, or null for no score; an exception it throws counts as no score. Costs no engine call.
     *
     * @param function (question, candidate text) to score or null
     * @throws NullPointerException if {@code function} is null
     */
    public static Verifier of(BiFunction<String, String, @Nullable Double> function) {
        return of(function, Schedulers.boundedElastic());
    }

    /**
     * Returns a verifier like {@link #of(BiFunction)} whose function runs on {@code scheduler}: pass
     * {@link Schedulers#immediate()} for a cheap function that never blocks, so it runs on the calling thread.
     *
     * @param function (question, candidate text) to score or null
     * @param scheduler where the function runs
     * @throws NullPointerException if an argument is null
     */
    public static Verifier of(BiFunction<String, String, @Nullable Double> function, Scheduler scheduler) {
        return new FunctionVerifier(function, scheduler);
    }

    /**
     * Returns a verifier that asks the context's engine to rate each candidate from 0 to 10. Cost: one call per
     * candidate (N calls, run concurrently, role {@code verifier}), each reading the conversation, the question and
     * one candidate and writing one short line (at most 128 tokens), at temperature 0. The candidate is delimited as
     * untrusted data (see {@link Aggregators}). The reply is read as {@code Score: 8/10}, {@code Rating: 7.5},
     * {@code 9 out of 10}, {@code 4/5} (rescaled to 8) or a bare number; the first labelled score wins; a value
     * outside [0, 10] or a reply without one gives that candidate no score.
     */
    public static Verifier llmRating() {
        return new LlmRatingVerifier(null);
    }

    /**
     * Returns a verifier like {@link #llmRating()} that calls {@code engine} instead of the context's engine (a
     * stronger or cheaper rater); its calls still go through {@link AggregationContext#call}.
     *
     * @param engine the rater's engine
     * @throws NullPointerException if {@code engine} is null
     */
    public static Verifier llmRating(InferenceEngine engine) {
        return new LlmRatingVerifier(Objects.requireNonNull(engine, "engine"));
    }

    /**
     * Returns a verifier that scores each candidate's full text against the question with a LangChain4j
     * {@link ScoringModel} (a cross-encoder reranker): {@code model.score(candidateText, question).content()}, a null
     * content being no score. The model blocks, so each call runs on {@link Schedulers#boundedElastic()}; the calls
     * go around the {@link AggregationContext}, so their cost is not counted in the contemplation's token budget.
     * A reranker scores relevance to the question rather than correctness: it suits open questions better than
     * arithmetic.
     *
     * @param model the scoring model
     * @throws NullPointerException if {@code model} is null
     */
    public static Verifier scoringModel(ScoringModel model) {
        return new ScoringModelVerifier(model);
    }
}

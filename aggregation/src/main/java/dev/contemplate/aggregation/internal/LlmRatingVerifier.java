package dev.contemplate.aggregation.internal;

import dev.contemplate.agents.Prompts;
import dev.contemplate.agents.Conversation;
import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Verifier;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.SamplingParameters;
import java.util.List;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One rating call per candidate, asking for a score from 0 to 10; see
 * {@link dev.contemplate.aggregation.Verifiers#llmRating()}.
 *
 * @param engine the rater's engine, or null for the context's engine
 */
public record LlmRatingVerifier(@Nullable InferenceEngine engine) implements Verifier {

    /** The role of the rating calls. */
    public static final String ROLE = "verifier";

    /** The rater's token limit: the reply is one line, with room for an explanation it may add anyway. */
    public static final int MAX_TOKENS = 128;

    /** The rater's system message, the same for every call. */
    public static final String SYSTEM_PROMPT = "You are a strict verifier. Rate how likely the candidate response is "
            + "to be a correct and complete answer to the user's question, from 0 (certainly wrong, or no answer) to "
            + "10 (certainly correct and complete). Check the reasoning and the final answer yourself; do not reward "
            + "length, style or confidence.\n\n"
            + Prompts.DATA_RULE + "\n\n"
            + "Reply with exactly one line of the form \"Score: N/10\", where N is an integer from 0 to 10, and "
            + "nothing else.";

    /** The last paragraph of the rater's user message, the task restated after the data. */
    public static final String TASK = "Task: rate the candidate. Reply with one line \"Score: N/10\", N from 0 to 10.";

    /**
     * Rates the candidate; an unparseable reply fails with an {@link IllegalStateException} that quotes it, a failed
     * call with the call's error (either way best-of-N skips the candidate).
     */
    @Override
    public Mono<Double> score(Conversation conversation, Ballot ballot, AggregationContext context) {
        GenerationRequest request = request(conversation, ballot.candidate().text());
        InferenceEngine rater = engine != null ? engine : context.engine();
        return Judging.reply(context, ROLE, rater, request, false).flatMap(reply -> {
            OptionalDouble s = ReplyParsers.rating(reply);
            return s.isPresent() ? Mono.just(s.getAsDouble())
                    : Mono.error(new IllegalStateException("rating reply could not be parsed: "
                            + Judging.quote(reply)));
        });
    }

    /** Returns the rater's request for one candidate text. */
    public static GenerationRequest request(Conversation conversation, String text) {
        String nonce = Prompts.nonce(conversation, List.of(text));
        String user = Prompts.contextSection(conversation.context(), nonce)
                + Prompts.questionSection(conversation.question(), nonce)
                + Prompts.candidatesSection(List.of(text), nonce)
                + TASK;
        return new GenerationRequest(List.of(Message.system(SYSTEM_PROMPT), Message.user(user)),
                SamplingParameters.builder().temperature(0).maxTokens(MAX_TOKENS).build());
    }

    @Override
    public String toString() {
        return engine == null ? "llm-rating" : "llm-rating@" + engine.name();
    }
}

package dev.contemplate.aggregation.internal;

import dev.contemplate.agents.Prompts;
import dev.contemplate.agents.Conversation;
import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Ballots;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.SamplingParameters;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Universal self-consistency (Chen et al., 2023): one judge call reads every candidate and names the one most
 * consistent with the others; see {@link dev.contemplate.aggregation.Aggregators#universalSelfConsistency()}.
 *
 * @param engine the judge's engine, or null for the context's engine
 */
public record UniversalSelfConsistency(@Nullable InferenceEngine engine) implements Aggregator {

    /** The aggregator's name and provenance method. */
    public static final String NAME = "usc";

    /** The role of the judge call. */
    public static final String ROLE = "judge";

    /** The judge's token limit: the reply is one line, with room for an explanation it may add anyway. */
    public static final int MAX_TOKENS = 256;

    /** The judge's system message, the same for every call. */
    public static final String SYSTEM_PROMPT = "You are the judge of a self-consistency vote. Several candidate "
            + "responses were generated independently for the same user question. Select the candidate that is most "
            + "consistent with the others: the one whose final answer, and the reasoning that leads to it, agrees with "
            + "the largest number of the other candidates. Judge agreement among the candidates, not style, length or "
            + "confidence.\n\n"
            + Prompts.DATA_RULE + "\n\n"
            + "Reply with exactly one line of the form \"Candidate N\", where N is the id of the chosen candidate, "
            + "and nothing else.";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<Decision> aggregate(Ballots ballots, AggregationContext context) {
        Objects.requireNonNull(ballots, "ballots");
        Objects.requireNonNull(context, "context");
        return Judging.withCandidates(ballots, "judge", "judge", shown -> {
            GenerationRequest request = request(ballots.conversation(),
                    shown.stream().map(b -> b.candidate().text()).toList());
            InferenceEngine judge = engine != null ? engine : context.engine();
            return Judging.replyOrFallback(ballots, "judge", context, ROLE, judge, request, false,
                    reply -> decide(ballots, shown, reply));
        });
    }

    private static Decision decide(Ballots ballots, List<Ballot> shown, String reply) {
        ReplyParsers.Choice choice = ReplyParsers.choice(reply, shown.size());
        if (!choice.parsed()) {
            return ballots.vote().withFallback("judge reply could not be parsed: " + Judging.quote(reply)
                    + " (" + choice.problem() + ")");
        }
        return Judging.chosen(NAME, ballots, shown.size(), shown.get(choice.number() - 1));
    }

    /** Returns the judge's request for {@code texts}, numbered from 1 in the given order. */
    public static GenerationRequest request(Conversation conversation, List<String> texts) {
        String nonce = Prompts.nonce(conversation, texts);
        String user = Prompts.contextSection(conversation.context(), nonce)
                + Prompts.questionSection(conversation.question(), nonce)
                + Prompts.candidatesSection(texts, nonce)
                + task(texts.size());
        return new GenerationRequest(List.of(Message.system(SYSTEM_PROMPT), Message.user(user)),
                SamplingParameters.builder().temperature(0).maxTokens(MAX_TOKENS).build());
    }

    /** Returns the last paragraph of the judge's user message, the task restated after the data. */
    public static String task(int candidates) {
        return "Task: which candidate is most consistent with the others? Reply with one line \"Candidate N\", "
                + "N from 1 to " + candidates + ".";
    }

    @Override
    public String toString() {
        return engine == null ? NAME : NAME + "@" + engine.name();
    }
}

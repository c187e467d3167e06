package dev.contemplate.aggregation.internal;

import dev.contemplate.agents.Prompts;
import dev.contemplate.agents.Conversation;
import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Aggregator;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Ballots;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.Provenance;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.SamplingParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One call merges the candidates into a new answer, which streams to the user; see
 * {@link dev.contemplate.aggregation.Aggregators#synthesis()}.
 *
 * @param engine the synthesiser's engine, or null for the context's engine
 */
public record Synthesis(@Nullable InferenceEngine engine) implements Aggregator {

    /** The aggregator's name and provenance method. */
    public static final String NAME = "synthesis";

    /** The role of the synthesis call. */
    public static final String ROLE = "synthesis";

    /** The key of the answer of a synthesis whose sources do not agree on one answer. */
    public static final String KEY = "synthesis";

    /** The fewest tokens a synthesis may write. */
    public static final int MIN_TOKENS = 512;

    /** The most tokens a synthesis may write. */
    public static final int MAX_TOKENS = 4096;

    /** The synthesiser's system message, the same for every call. */
    public static final String SYSTEM_PROMPT = "You write the final answer to a user's question by merging several "
            + "candidate responses that were generated independently for it. Keep what the candidates agree on, "
            + "resolve their disagreements by the better-supported reasoning, correct their mistakes, and leave out "
            + "what is wrong or beside the point.\n\n"
            + Prompts.DATA_RULE + "\n\n"
            + "Reply in exactly this format. The first line is \"Sources: \" followed by the ids of the candidates you "
            + "drew on, separated by commas, for example \"Sources: 1, 3\", and nothing else. From the second line on, "
            + "write the answer itself, addressed to the user: complete and self-contained, without mentioning the "
            + "candidates, their ids or this merging.";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<Decision> aggregate(Ballots ballots, AggregationContext context) {
        Objects.requireNonNull(ballots, "ballots");
        Objects.requireNonNull(context, "context");
        return Judging.withCandidates(ballots, "merge", "synthesis", shown -> {
            long longest = shown.stream().mapToLong(b -> b.candidate().usage().outputTokens()).max().orElse(0);
            GenerationRequest request = request(ballots.conversation(),
                    shown.stream().map(b -> b.candidate().text()).toList(), maxTokens(longest));
            InferenceEngine synthesiser = engine != null ? engine : context.engine();
            return Judging.replyOrFallback(ballots, "synthesis", context, ROLE, synthesiser, request, true,
                    reply -> decide(ballots, shown, reply));
        });
    }

    /** Returns the token limit for candidates whose longest wrote {@code longest} tokens: twice that plus 64, clamped. */
    public static int maxTokens(long longest) {
        return (int) Math.max(MIN_TOKENS, Math.min(MAX_TOKENS, 2 * longest + 64));
    }

    static Decision decide(Ballots ballots, List<Ballot> shown, String raw) {
        Reply reply = Reply.parse(raw);
        if (reply.text().isEmpty()) {
            return ballots.vote().withFallback(raw.isBlank() ? "synthesis reply was empty"
                    : "synthesis reply had no answer besides its sources line: " + Judging.quote(raw));
        }
        List<Ballot> basis = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            if (reply.sources().contains(i + 1)) {
                basis.add(shown.get(i));
            }
        }
        if (basis.isEmpty()) {
            basis = shown;
        }
        List<Ballot> answered = ballots.answered();
        double share;
        if (answered.isEmpty()) {
            share = (double) basis.size() / shown.size();
        } else if (Judging.weighs(ballots)) {
            // a weighted vote measures shares by weight: so does the synthesis
            share = weight(basis.stream().filter(Ballot::answered).toList()) / weight(answered);
        } else {
            share = (double) basis.stream().filter(Ballot::answered).count() / answered.size();
        }
        List<String> keys = basis.stream().flatMap(b -> b.vote().answer().stream()).map(Answer::key).distinct()
                .toList();
        Answer answer;
        if (keys.size() == 1) {
            answer = basis.stream().flatMap(b -> b.vote().answer().stream()).findFirst().orElseThrow();
        } else {
            answer = new Answer(KEY, Judging.display(reply.text()));
        }
        return new Decision(Optional.of(answer), Judging.clamp(share), reply.text(),
                Provenance.of(NAME, basis.stream().map(Ballot::agentId).toList()));
    }

    private static double weight(List<Ballot> ballots) {
        return ballots.stream().mapToDouble(b -> b.vote().weight()).sum();
    }

    /** Returns the synthesiser's request for {@code texts}, numbered from 1 in the given order. */
    public static GenerationRequest request(Conversation conversation, List<String> texts, int maxTokens) {
        String nonce = Prompts.nonce(conversation, texts);
        List<Message> context = conversation.context();
        List<Message> messages = new ArrayList<>();
        int i = 0;
        while (i < context.size() && context.get(i).role() == Message.Role.SYSTEM) {
            messages.add(context.get(i++));
        }
        messages.add(Message.system(SYSTEM_PROMPT));
        String user = Prompts.contextSection(context.subList(i, context.size()), nonce)
                + Prompts.questionSection(conversation.question(), nonce)
                + Prompts.candidatesSection(texts, nonce)
                + task(texts.size());
        messages.add(Message.user(user));
        return new GenerationRequest(messages,
                SamplingParameters.builder().temperature(0).maxTokens(maxTokens).build());
    }

    /** Returns the last paragraph of the synthesiser's user message, the task restated after the data. */
    public static String task(int candidates) {
        return "Task: merge the " + candidates + " candidates into the best answer to the user's question. First line "
                + "\"Sources: \" and the ids you drew on; then the answer.";
    }

    @Override
    public String toString() {
        return engine == null ? NAME : NAME + "@" + engine.name();
    }

    /**
     * A synthesis reply taken apart.
     *
     * @param text the answer: the reply without its sources line, stripped
     * @param sources the candidate numbers the sources line cites (empty when it cites none, says all or none, or is
     *     missing)
     * @param sourcesLine where the sources line was: {@code first}, {@code last} or {@code none}
     */
    public record Reply(String text, Set<Integer> sources, String sourcesLine) {

        /**
         * Takes a reply apart. A sources line is looked for as the first non-blank line (where the prompt asks for
         * it; {@link SourcesLineFilter} removes that one from the stream), else as the last non-blank line (a model
         * that put it at the end; that one has streamed to the user). The text is the rest, stripped.
         */
        public static Reply parse(String raw) {
            String t = raw.strip();
            if (t.isEmpty()) {
                return new Reply("", Set.of(), "none");
            }
            int nl = t.indexOf('\n');
            Optional<Set<Integer>> first = ReplyParsers.sources(nl < 0 ? t : t.substring(0, nl));
            if (first.isPresent()) {
                return new Reply(nl < 0 ? "" : t.substring(nl + 1).strip(), first.get(), "first");
            }
            int lastNl = t.lastIndexOf('\n');
            if (lastNl >= 0) {
                Optional<Set<Integer>> last = ReplyParsers.sources(t.substring(lastNl + 1));
                if (last.isPresent()) {
                    return new Reply(t.substring(0, lastNl).strip(), last.get(), "last");
                }
            }
            return new Reply(t, Set.of(), "none");
        }
    }
}

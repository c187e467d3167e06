package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.AggregationContext;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerCount;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Ballots;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.Provenance;
import dev.contemplate.aggregation.Tally;
import dev.contemplate.inference.GenerationEvent;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.InferenceEngine;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the aggregators that call an engine share: which candidates they see, the guard against too few of them, the
 * one call and its fallback, shares, replies, messages.
 */
public final class Judging {

    /** Replies and texts quoted in fallback reasons are cut to this many characters. */
    public static final int QUOTE_CHARS = 80;

    private static final int DISPLAY_CHARS = 80;

    private Judging() {
    }

    /**
     * Returns the candidates an aggregator shows its model, in team order: the ballots that carry an answer, or, when
     * the vote keyed none, every ballot with non-blank text.
     */
    public static List<Ballot> shown(Ballots ballots) {
        List<Ballot> answered = ballots.answered();
        if (!answered.isEmpty()) {
            return answered;
        }
        return ballots.ballots().stream().filter(b -> !b.candidate().text().isBlank()).toList();
    }

    /**
     * The skeleton of every aggregator here: with no candidate, or only one, the vote decides without any call, saying
     * {@code no candidate to <verb>} or {@code only one candidate: no <call> call needed}; otherwise {@code step} runs
     * on the candidates ({@link #shown}).
     *
     * @param ballots what the aggregator sees
     * @param verb what the aggregator does with candidates, for the first reason ({@code judge}, {@code merge})
     * @param call the kind of call it would make, for the second reason ({@code judge}, {@code synthesis})
     * @param step the aggregator's work on two candidates or more
     * @return the vote with a fallback reason, or what {@code step} returns
     */
    public static Mono<Decision> withCandidates(Ballots ballots, String verb, String call,
            Function<List<Ballot>, Mono<Decision>> step) {
        List<Ballot> shown = shown(ballots);
        if (shown.isEmpty()) {
            return Mono.just(ballots.vote().withFallback("no candidate to " + verb));
        }
        if (shown.size() == 1) {
            return Mono.just(ballots.vote().withFallback("only one candidate: no " + call + " call needed"));
        }
        return step.apply(shown);
    }

    /**
     * Makes one budgeted call ({@link #reply}) and decides on its reply; when the call fails (or
     * {@code context.call} throws), the vote decides, saying {@code <call> call failed: <error message>}.
     *
     * @param ballots what the aggregator sees
     * @param call the kind of call, for the fallback reason ({@code judge}, {@code synthesis})
     * @param decide the decision on the reply, which may itself fall back to the vote
     * @return the decision; the publisher does not fail for a failed call
     */
    public static Mono<Decision> replyOrFallback(Ballots ballots, String call, AggregationContext context,
            String role, InferenceEngine engine, GenerationRequest request, boolean answer,
            Function<String, Decision> decide) {
        return reply(context, role, engine, request, answer)
                .materialize()
                .map(signal -> {
                    Throwable error = signal.getThrowable();
                    if (error != null) {
                        return ballots.vote().withFallback(call + " call failed: " + describe(error));
                    }
                    return decide.apply(Objects.requireNonNullElse(signal.get(), ""));
                });
    }

    /**
     * Returns the decision for one chosen ballot: its vote's answer (or an answer made from its text when it has none),
     * its full text, its answer's share of the tally ({@link #share(Ballots, String)}: by weight in a weighted vote;
     * {@code 1 / shown} when it has no answer), basis = the ballot's agent.
     */
    public static Decision chosen(String method, Ballots ballots, int shown, Ballot ballot) {
        Optional<Answer> voted = ballot.vote().answer();
        Answer answer = voted.orElseGet(() -> fromText(ballot.candidate().text()));
        double share = voted.isPresent() ? share(ballots, answer.key()) : 1.0 / shown;
        return new Decision(Optional.of(answer), clamp(share), ballot.candidate().text(),
                Provenance.of(method, List.of(ballot.agentId())));
    }

    /**
     * Returns whether the vote of {@code ballots} was decided by weight: its method is {@code weighted} or a
     * {@code weighted:} variant ({@link dev.contemplate.aggregation.Votings#weighted}). Shares then count weights,
     * as the vote's own share does.
     */
    public static boolean weighs(Ballots ballots) {
        return ballots.vote().provenance().method().startsWith("weighted");
    }

    /**
     * Returns the share of the answered votes that went to {@code key}, as the vote measures it: the answer's weight
     * over the answered weight ({@link Tally#weightedRanking()}, {@link Tally#answeredWeight()}) when the vote
     * {@link #weighs}, else its votes over the answered votes; 0 when none answered.
     */
    public static double share(Ballots ballots, String key) {
        Tally tally = ballots.tally();
        if (!weighs(ballots)) {
            return share(tally, key);
        }
        double total = tally.answeredWeight();
        if (!(total > 0)) {
            return 0;
        }
        for (AnswerCount c : tally.weightedRanking()) {
            if (c.answer().key().equals(key)) {
                return clamp(c.weight() / total);
            }
        }
        return 0;
    }

    /**
     * Returns the share of the answered votes of {@code tally} that went to {@code key}, by count; 0 when none
     * answered.
     */
    public static double share(Tally tally, String key) {
        int answered = tally.answered();
        return answered == 0 ? 0 : clamp((double) tally.count(key) / answered);
    }

    /** Returns an answer for a text that carries no vote: key the folded text, display its first line, shortened. */
    public static Answer fromText(String text) {
        String key = Texts.fold(text);
        return new Answer(key.isEmpty() ? "-" : key, display(text));
    }

    /** Returns the first non-blank line of {@code text}, stripped and cut to a short display. */
    public static String display(String text) {
        for (String line : text.strip().split("\\R")) {
            if (!line.isBlank()) {
                return shorten(line.strip(), DISPLAY_CHARS);
            }
        }
        return "";
    }

    /** Returns {@code text} cut to {@code max} characters with an ellipsis when longer. */
    public static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** Returns {@code text} with its line breaks shown as spaces, cut to {@value #QUOTE_CHARS} characters, quoted. */
    public static String quote(String text) {
        return "'" + shorten(text.strip().replaceAll("\\s+", " "), QUOTE_CHARS) + "'";
    }

    /** Returns what went wrong in a failed call: its message, or its class when it has none. */
    public static String describe(Throwable error) {
        String m = error.getMessage();
        return shorten(m == null || m.isBlank() ? error.getClass().getSimpleName() : m, 200);
    }

    /**
     * Runs one budgeted call and returns its reply: the completed generation's text, or the concatenated deltas when
     * the stream ended without a completion. Errors (the call's, or an exception thrown by {@code context.call}) are
     * passed on as the error signal.
     */
    public static Mono<String> reply(AggregationContext context, String role, InferenceEngine engine,
            GenerationRequest request, boolean answer) {
        return Flux.defer(() -> context.call(role, engine, request, answer))
                .collectList()
                .map(events -> {
                    StringBuilder deltas = new StringBuilder();
                    for (GenerationEvent e : events) {
                        if (e instanceof GenerationEvent.Completed c) {
                            return c.generation().text();
                        }
                        if (e instanceof GenerationEvent.TextDelta d) {
                            deltas.append(d.text());
                        }
                    }
                    return deltas.toString();
                });
    }

    static double clamp(double share) {
        return Math.max(0, Math.min(1, share));
    }
}

package dev.contemplate.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.agents.Conversation;
import dev.contemplate.aggregation.AnswerCount;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationEvent;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Finish;
import dev.contemplate.orchestrator.Mode;
import dev.contemplate.orchestrator.Verdict;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;

/**
 * One contemplation as the pieces of a completion: the contemplator's events become progress lines, a synthesiser's
 * {@link ContemplationEvent.AnswerDelta}s become the reply's deltas as they are written, and the verdict becomes the
 * rest of the reply (all of it when nothing streamed) and the {@link Piece.Finished} piece with the {@code contemplate}
 * extension. Cancelling the pieces cancels the contemplation.
 */
final class Contemplation {

    private static final int MAX_SHOWN = 80;

    private Contemplation() {
    }

    /** Returns the cold pieces of contemplating {@code conversation}. */
    static Flux<Piece> pieces(Contemplator contemplator, Conversation conversation, Mode mode, Budget budget) {
        return Flux.defer(() -> {
            StringBuilder streamed = new StringBuilder();
            return contemplator.events(conversation, mode, budget).concatMapIterable(e -> pieces(e, streamed));
        });
    }

    private static List<Piece> pieces(ContemplationEvent event, StringBuilder streamed) {
        if (event instanceof ContemplationEvent.AnswerDelta d) {
            streamed.append(d.text());
            return d.text().isEmpty() ? List.of() : List.of(new Piece.Delta(d.text()));
        }
        if (event instanceof ContemplationEvent.VerdictReady ready) {
            Verdict v = ready.verdict();
            String sent = streamed.toString();
            boolean other = !v.text().startsWith(sent);
            Piece.Finished finished = new Piece.Finished(v.text(), finishReason(v), v.tokens().total(),
                    extension(v, other), other);
            if (other || v.text().length() == sent.length()) {
                return List.of(finished);
            }
            return List.of(new Piece.Delta(v.text().substring(sent.length())), finished);
        }
        return List.of(new Piece.Progress(progress(event)));
    }

    /**
     * Returns the OpenAI finish reason of a verdict, its {@link Finish} on OpenAI's wire: {@code length} when the
     * token budget cut it, else {@code stop}. A deadline cut gives {@code stop} too (OpenAI has no value for it; the
     * text is a whole answer, the best so far); the extension's {@code complete} and {@code stop_reason} tell it
     * apart. LangChain4j's models say {@code OTHER} there, from the same {@link Finish}.
     */
    static String finishReason(Verdict verdict) {
        return Finish.of(verdict).openAiFinishReason();
    }

    /** Returns one progress line for an event other than the answer's text and the verdict. */
    static String progress(ContemplationEvent event) {
        String line;
        if (event instanceof ContemplationEvent.RoundStarted e) {
            line = "round " + e.round() + " (" + e.step() + ") started: " + String.join(", ", e.agentIds());
        } else if (event instanceof ContemplationEvent.RoundSkipped e) {
            line = "round " + e.round() + " (" + e.step() + ") not started: " + shorten(e.reason());
        } else if (event instanceof ContemplationEvent.AgentStarted e) {
            line = e.agentId() + " started";
        } else if (event instanceof ContemplationEvent.CandidateProduced e) {
            line = e.agentId() + " finished: " + e.answer().map(a -> shorten(a.text())).orElse("no answer");
        } else if (event instanceof ContemplationEvent.TallyUpdated e) {
            line = "votes: " + e.tally().ranking().stream().map(c -> shorten(c.answer().text()) + " x" + c.count())
                    .collect(Collectors.joining(", "));
        } else if (event instanceof ContemplationEvent.AgentFailed e) {
            line = e.agentId() + " failed: " + shorten(String.valueOf(e.cause().getMessage()));
        } else if (event instanceof ContemplationEvent.AgentCancelled e) {
            line = e.agentId() + " cancelled";
        } else if (event instanceof ContemplationEvent.AgentShed e) {
            line = e.agentId() + " shed: " + e.cause().getClass().getSimpleName();
        } else if (event instanceof ContemplationEvent.Stopped e) {
            line = "stopped: " + lower(e.reason()) + " after " + e.elapsed().toMillis() + " ms";
        } else if (event instanceof ContemplationEvent.AggregationCallStarted e) {
            line = e.role() + " started on " + e.engine();
        } else if (event instanceof ContemplationEvent.AggregationCallFinished e) {
            line = e.role() + " finished (" + e.usage().totalTokens() + " tokens)";
        } else if (event instanceof ContemplationEvent.AggregationCallFailed e) {
            line = e.role() + " failed: " + shorten(String.valueOf(e.cause().getMessage()));
        } else {
            line = event.getClass().getSimpleName();
        }
        return line.replace('\r', ' ').replace('\n', ' ');
    }

    /**
     * Returns the {@code contemplate} extension object of a verdict: mode, answer, confidence, votes, stop reason,
     * completeness, stopping rule, agents, what decided, latency; with {@code text} when the streamed deltas were not
     * the reply.
     */
    static ObjectNode extension(Verdict v, boolean withText) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("mode", lower(v.mode()));
        o.put("answer", v.answer().text());
        o.put("confidence", v.confidence());
        ArrayNode votes = o.putArray("votes");
        for (AnswerCount c : v.tally().ranking()) {
            votes.addObject().put("answer", c.answer().text()).put("key", c.answer().key()).put("count", c.count());
        }
        o.put("unanswered", v.tally().unanswered());
        o.put("stop_reason", lower(v.stopReason()));
        o.put("complete", v.complete());
        o.put("stopping_rule", v.stoppingRule());
        ObjectNode agents = o.putObject("agents");
        agents.put("planned", v.agents().size());
        agents.put("started", v.started());
        for (AgentOutcome.Status s : AgentOutcome.Status.values()) {
            agents.put(lower(s), v.count(s));
        }
        ObjectNode decided = o.putObject("decided_by");
        decided.put("method", v.provenance().method());
        v.provenance().basis().forEach(decided.putArray("basis")::add);
        decided.put("fallback", v.provenance().fallback().orElse(null));
        o.put("latency_ms", v.elapsed().toMillis());
        if (withText) {
            o.put("text", v.text());
        }
        return o;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String shorten(String text) {
        String line = text.strip().replace('\n', ' ').replace('\r', ' ');
        return line.length() <= MAX_SHOWN ? line : line.substring(0, MAX_SHOWN - 1) + "…";
    }
}

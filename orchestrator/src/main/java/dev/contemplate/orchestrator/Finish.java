package dev.contemplate.orchestrator;

import java.util.Objects;

/**
 * How a verdict finished, as a finish reason tells a client: the one decision behind the finish reason of every front
 * end ({@code ContemplatingChatModel}, {@code ContemplatingStreamingChatModel}, the OpenAI-compatible server), each of
 * which writes it in its own vocabulary:
 *
 * <table>
 *   <caption>Each finish on each wire</caption>
 *   <tr><th>finish</th><th>when</th><th>OpenAI {@code finish_reason}</th><th>LangChain4j {@code FinishReason}</th></tr>
 *   <tr><td>{@link #STOP}</td><td>complete: the stopping rule was satisfied or every agent ended</td>
 *       <td>{@code stop}</td><td>{@code STOP}</td></tr>
 *   <tr><td>{@link #LENGTH}</td><td>the token budget cut it</td><td>{@code length}</td><td>{@code LENGTH}</td></tr>
 *   <tr><td>{@link #CUT_SHORT}</td><td>the deadline cut it: the best answer so far</td><td>{@code stop}</td>
 *       <td>{@code OTHER}</td></tr>
 * </table>
 *
 * The two wires differ only for {@link #CUT_SHORT}, because their vocabularies do: OpenAI's {@code finish_reason} has
 * no value for a time limit, and a value outside its set breaks strict clients, so the server says {@code stop} (the
 * text is a whole answer, the best so far) and its {@code contemplate} extension carries {@code "complete": false} and
 * {@code "stop_reason": "deadline"}; LangChain4j has {@code OTHER}, which says that the reply did not end for one of
 * the usual reasons, and its response metadata carries the whole verdict.
 */
public enum Finish {

    /** Complete: the stopping rule was satisfied or every planned agent ended. */
    STOP("stop"),

    /** The token budget cut the contemplation short; the verdict is the best so far. */
    LENGTH("length"),

    /** The deadline (or anything but the token budget) cut the contemplation short; the verdict is the best so far. */
    CUT_SHORT("stop");

    private final String openAi;

    Finish(String openAi) {
        this.openAi = openAi;
    }

    /**
     * Returns how {@code verdict} finished: {@link #LENGTH} when the token budget stopped it, {@link #STOP} when it is
     * complete, else {@link #CUT_SHORT}.
     *
     * @param verdict the verdict
     * @return its finish
     */
    public static Finish of(Verdict verdict) {
        Objects.requireNonNull(verdict, "verdict");
        if (verdict.stopReason() == StopReason.TOKEN_BUDGET) {
            return LENGTH;
        }
        if (verdict.stopReason() == StopReason.DEADLINE || !verdict.complete()) {
            return CUT_SHORT;
        }
        return STOP;
    }

    /** Returns the OpenAI {@code finish_reason} of this finish: {@code stop} or {@code length} (see the table). */
    public String openAiFinishReason() {
        return openAi;
    }
}

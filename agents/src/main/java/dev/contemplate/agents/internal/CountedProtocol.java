package dev.contemplate.agents.internal;

import dev.contemplate.agents.Deliberation;
import dev.contemplate.agents.Round;
import dev.contemplate.agents.RoundResult;
import java.util.Optional;

/**
 * A built-in protocol with a count ({@code debate:2}): every such protocol starts with each agent's own answer and
 * plans its later rounds from the last finished one.
 */
abstract class CountedProtocol implements Deliberation {

    private final String kind;
    /** The protocol's count: rounds, critiques or layers (validated by the caller). */
    final int count;

    CountedProtocol(String kind, int count) {
        this.kind = kind;
        this.count = count;
    }

    @Override
    public final String name() {
        return kind + ":" + count;
    }

    @Override
    public final Optional<Round> next(Progress progress) {
        Optional<RoundResult> last = progress.last();
        return last.isEmpty() ? Optional.of(progress.firstAnswers()) : after(progress, last.get());
    }

    /** Returns the round after {@code last}, or empty when the protocol is done. */
    abstract Optional<Round> after(Progress progress, RoundResult last);
}

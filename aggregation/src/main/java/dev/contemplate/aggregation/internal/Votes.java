package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.Ballot;
import dev.contemplate.aggregation.Decision;
import dev.contemplate.aggregation.Provenance;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Helpers shared by the votes. */
public final class Votes {

    private Votes() {
    }

    /**
     * Returns the decision for {@code answer}: its text is the full text of the first ballot in team order that voted
     * for it (the answer's own text when none did), its basis every agent that voted for it.
     */
    public static Decision decision(String method, Answer answer, double share, List<Ballot> ballots) {
        List<String> basis = new ArrayList<>();
        String text = null;
        String key = answer.key();
        for (Ballot b : ballots) {
            Optional<Answer> voted = b.vote().answer();
            if (voted.isPresent() && voted.get().key().equals(key)) {
                basis.add(b.agentId());
                if (text == null) {
                    text = b.candidate().text();
                }
            }
        }
        return new Decision(Optional.of(answer), share, text == null ? answer.text() : text,
                Provenance.of(method, basis));
    }
}

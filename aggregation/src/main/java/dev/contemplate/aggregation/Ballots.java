package dev.contemplate.aggregation;

import dev.contemplate.agents.Conversation;
import java.util.List;
import java.util.Objects;

/**
 * Everything an {@link Aggregator} sees at the end of a contemplation.
 *
 * @param conversation what the user asked
 * @param ballots every finished candidate with its vote, in team order (failed and cancelled agents are absent), so
 *     that a judge sees the same list whatever order the agents finished in
 * @param tally the votes, as the stopping rule saw them
 * @param vote the vote's own decision, which judges fall back to
 */
public record Ballots(Conversation conversation, List<Ballot> ballots, Tally tally, Decision vote) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if a component is null
     */
    public Ballots {
        Objects.requireNonNull(conversation, "conversation");
        ballots = List.copyOf(ballots);
        Objects.requireNonNull(tally, "tally");
        Objects.requireNonNull(vote, "vote");
    }

    /** Returns the ballots that carry an answer, in team order. */
    public List<Ballot> answered() {
        return ballots.stream().filter(Ballot::answered).toList();
    }
}

package dev.contemplate.aggregation;

import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Conversation;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * How candidates become votes and votes a decision: by extracted answers (plain or weighted majority) or by meaning
 * (a semantic vote over clusters of candidates). Stopping rules see the resulting {@link Tally} whichever way the keys
 * were made. Implementations are immutable and thread-safe; {@link #open} starts the state of one contemplation.
 * {@link Votings} has the built-in ones.
 */
public interface Voting {

    /** Returns a short name such as {@code majority}, {@code weighted} or {@code semantic}. */
    String name();

    /**
     * Returns the instruction that makes agents state their answer in a form this vote can key (appended to the
     * question by prompt styles that ask for one), or empty when any form will do.
     */
    String answerFormat();

    /**
     * Starts counting the candidates of one contemplation.
     *
     * @param conversation what the user asked
     * @return the counter of that contemplation
     */
    Counter open(Conversation conversation);

    /** The vote of one contemplation. Thread-safe: candidates may be cast concurrently. */
    interface Counter {

        /**
         * Keys one candidate. The returned publisher may do work off the caller's thread (embedding a candidate) and
         * is cancelled when the contemplation ends; it emits exactly one vote, whose answer is empty when the
         * candidate carries none.
         *
         * @param candidate an agent's finished candidate
         * @return the candidate's vote, of the candidate's agent
         */
        Mono<Vote> cast(Candidate candidate);

        /**
         * Decides from the candidates counted so far.
         *
         * @param ballots the counted candidates with the votes this counter cast for them, in team order
         * @param tally the tally of those votes
         * @return the decision; {@link Decision#answer()} is empty when no vote carries an answer
         */
        Decision decide(List<Ballot> ballots, Tally tally);
    }
}

package dev.contemplate.aggregation;

import java.util.Objects;

/**
 * How many votes one answer has in a {@link Tally}.
 *
 * @param answer the answer (display text of its first vote)
 * @param count its votes, at least 1
 * @param lowestOrdinal the lowest team ordinal among the agents that voted for it (tie-break)
 * @param weight the sum of its votes' weights (equal to {@code count} in a plain vote)
 */
public record AnswerCount(Answer answer, int count, int lowestOrdinal, double weight) {

    /** @throws NullPointerException if {@code answer} is null */
    public AnswerCount {
        Objects.requireNonNull(answer, "answer");
    }
}

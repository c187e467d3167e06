package dev.contemplate.aggregation;

import dev.contemplate.aggregation.internal.ExtractionVoting;
import java.util.Locale;
import java.util.Objects;

/**
 * The built-in {@link Voting}s. {@link #majority(AnswerExtractor)} and {@link #weighted(AnswerExtractor, Confidence)}
 * key candidates by an extracted answer; {@link #semantic()} keys them by meaning, for free-form answers.
 */
public final class Votings {

    /** The names {@link #parse} accepts, for messages and help texts. */
    public static final String SPECS = "majority, weighted, semantic";

    private Votings() {
    }

    /**
     * Returns plurality voting on extracted answers: every candidate's answer is one vote; the answer with the most
     * votes wins under the {@link Tally}'s tie-break; the reply is the full text of the first agent in team order that
     * gave it. Name {@code majority}.
     */
    public static Voting majority(AnswerExtractor extractor) {
        return new ExtractionVoting(extractor, null);
    }

    /**
     * Returns a weighted vote on extracted answers: each vote weighs its agent's {@link
     * dev.contemplate.agents.Agent#weight()} times the candidate's {@code confidence}; the answer with the largest
     * sum of weights wins (ties as in {@link Tally#weightedRanking()}). Stopping rules still count votes. Name
     * {@code weighted}.
     */
    public static Voting weighted(AnswerExtractor extractor, Confidence confidence) {
        return new ExtractionVoting(extractor, Objects.requireNonNull(confidence, "confidence"));
    }

    /**
     * Returns the vote named by {@code spec} ({@code majority}, {@code weighted} with {@link Confidence#MEAN}, or
     * {@code semantic}), keyed by {@code extractor} where it extracts.
     *
     * @throws IllegalArgumentException naming {@code spec} and the valid names if it names no vote
     */
    public static Voting parse(String spec, AnswerExtractor extractor) {
        switch (Objects.requireNonNull(spec, "spec").strip().toLowerCase(Locale.ROOT)) {
            case "majority":
                return majority(extractor);
            case "weighted":
                return weighted(extractor, Confidence.MEAN);
            case "semantic":
                return semantic();
            default:
                throw new IllegalArgumentException("unknown vote '" + spec + "'; valid: " + SPECS);
        }
    }

    /** Returns the semantic vote with the default embedding model. */
    public static Voting semantic() {
        throw new UnsupportedOperationException("TODO");
    }
}

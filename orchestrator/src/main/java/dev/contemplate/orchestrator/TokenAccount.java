package dev.contemplate.orchestrator;

import dev.contemplate.inference.TokenUsage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a contemplation spent, in tokens, split by what became of them. A provider bills every token it generated,
 * so the tokens of agents that were cut count as much as those of answers.
 *
 * @param counted tokens of the generations that finished with what they were asked: an answer counted in a vote (in
 *     any round) or a critique
 * @param cut tokens spent without producing a counted answer: agents cancelled by a stop, a budget, the deadline or
 *     the caller (their partial output), agents that failed or answered nothing usable, and the losing attempts of an
 *     agent (failed tries before a retry succeeded, the slower of hedged calls)
 * @param aggregation tokens of judge, synthesis and verifier calls
 * @param estimated whether part of {@code cut} was estimated rather than counted: an engine that meters its stream
 *     by estimate (a remote model reports its counts only at the end) or does not meter it (then the text's length
 *     stands in, four characters a token)
 * @param byEngine every token (the agents', counted and cut, over all rounds, and the aggregation calls') by the name of
 *     the engine that spent it, in order of first use; a team on one engine without a judge has one entry, a team of
 *     different models one per engine
 */
public record TokenAccount(TokenUsage counted, TokenUsage cut, TokenUsage aggregation, boolean estimated,
        Map<String, TokenUsage> byEngine) {

    /** Nothing spent. */
    public static final TokenAccount ZERO = new TokenAccount(TokenUsage.ZERO, TokenUsage.ZERO, TokenUsage.ZERO, false);

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if a component is null
     */
    public TokenAccount {
        Objects.requireNonNull(counted, "counted");
        Objects.requireNonNull(cut, "cut");
        Objects.requireNonNull(aggregation, "aggregation");
        byEngine = Collections.unmodifiableMap(new LinkedHashMap<>(byEngine));
    }

    /** An account without a split by engine. */
    public TokenAccount(TokenUsage counted, TokenUsage cut, TokenUsage aggregation, boolean estimated) {
        this(counted, cut, aggregation, estimated, Map.of());
    }

    /** Returns everything spent: counted, cut and aggregation tokens. */
    public TokenUsage total() {
        return counted.plus(cut).plus(aggregation);
    }

    /** Returns the tokens spent by agents, counted and cut. */
    public TokenUsage agents() {
        return counted.plus(cut);
    }

    /** Returns every input (prompt) token spent. */
    public long inputTokens() {
        return counted.inputTokens() + cut.inputTokens() + aggregation.inputTokens();
    }

    /** Returns every output (generated) token spent. */
    public long outputTokens() {
        return counted.outputTokens() + cut.outputTokens() + aggregation.outputTokens();
    }

    /** Returns every token spent, input and output. */
    public long totalTokens() {
        return inputTokens() + outputTokens();
    }

    /**
     * Returns this account with {@code usage}, spent by aggregation calls on {@code engine}, added to the aggregation
     * tokens and to that engine's entry.
     */
    public TokenAccount withAggregation(String engine, TokenUsage usage) {
        Map<String, TokenUsage> engines = new LinkedHashMap<>(byEngine);
        engines.merge(Objects.requireNonNull(engine, "engine"), usage, TokenUsage::plus);
        return new TokenAccount(counted, cut, aggregation.plus(usage), estimated, engines);
    }

    /** Returns this account with {@code usage} added to the aggregation tokens (not to any engine's entry). */
    public TokenAccount withAggregation(TokenUsage usage) {
        return new TokenAccount(counted, cut, aggregation.plus(usage), estimated, byEngine);
    }
}

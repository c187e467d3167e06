package dev.contemplate.agents;

import dev.contemplate.agents.internal.Debate;
import dev.contemplate.agents.internal.MixtureOfAgents;
import dev.contemplate.agents.internal.Refinement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A deliberation protocol: the rounds of calls a contemplation makes, each round's requests built from what the
 * earlier rounds produced. The orchestrator owns scheduling, budgets, the stopping rule and cancellation; a protocol
 * only plans rounds. Between rounds the orchestrator asks {@link #next} for the following round, and does not start it
 * when the deadline or the token budget leaves no room for it.
 *
 * <p>Built in ({@link #parse} reads their names):
 * <ul>
 *   <li>{@link #independent()} ({@code independent}): one round, every agent answers on its own (self-consistency);
 *       N calls for N agents.</li>
 *   <li>{@link #debate(int)} ({@code debate:R}): after the first answers, up to R rounds in which every agent sees the
 *       others' latest answers and may revise its own; it ends early once a round is unanimous or the stopping rule
 *       ends a round. At most N(R+1) calls.</li>
 *   <li>{@link #refine(int)} ({@code refine:R}): after the first answers, up to R critique-and-revise rounds: a critic
 *       reviews the leading answer and, unless it finds nothing to fix, the answer's author revises it; the revision
 *       replaces the vote. At most N + 2R calls.</li>
 *   <li>{@link #mixtureOfAgents(int)} ({@code moa:L}): L layers of proposers, each layer seeing the previous layer's
 *       answers, then one synthesis of the standing answers: the last layer's (an agent without an answer in it keeps
 *       its earlier one); the contemplator's aggregator becomes a synthesis unless one is set. At most N·L + 1
 *       calls.</li>
 * </ul>
 * In {@code FAST} mode a contemplator asks one agent once, whatever the protocol.
 * Every request carries the whole conversation (system messages, earlier turns, the question); other agents' texts
 * are wrapped as untrusted data ({@link Prompts}). Implementations must be thread-safe and stateless: one instance
 * serves concurrent contemplations, and everything a round needs is in its {@link Progress}.
 */
public interface Deliberation {

    /** The specifications {@link #parse} accepts, for help texts. */
    String SPECS = "independent, debate:R, refine:R, moa:L";

    /** The most rounds (debate, refine) or layers (mixture-of-agents) {@link #parse} and the factories accept. */
    int MAX_ROUNDS = 10;

    /** Returns a short name for reports, e.g. {@code debate:2}. */
    String name();

    /**
     * Returns the next round, or empty when the deliberation is over.
     *
     * @param progress the conversation, the team and every finished round so far
     * @return the round to run next, numbered {@code progress.rounds().size()}
     */
    Optional<Round> next(Progress progress);

    /**
     * Returns whether this protocol ends with a synthesis of the last round's answers: then a contemplator built
     * without an explicit aggregator merges them with a synthesis instead of taking the vote.
     */
    default boolean synthesises() {
        return false;
    }

    /** Returns independent deliberation (self-consistency): every agent answers the question on its own, once. */
    static Deliberation independent() {
        return Independent.INSTANCE;
    }

    /**
     * Returns a debate of up to {@code rounds} rounds after the first answers.
     *
     * @throws IllegalArgumentException if {@code rounds} is not in [1, {@value #MAX_ROUNDS}]
     */
    static Deliberation debate(int rounds) {
        return new Debate(checkRounds("debate rounds", rounds));
    }

    /**
     * Returns critique-and-refine with up to {@code rounds} critiques after the first answers.
     *
     * @throws IllegalArgumentException if {@code rounds} is not in [1, {@value #MAX_ROUNDS}]
     */
    static Deliberation refine(int rounds) {
        return new Refinement(checkRounds("refine rounds", rounds));
    }

    /**
     * Returns mixture-of-agents with {@code layers} layers of proposers (the first answers are the first layer).
     *
     * @throws IllegalArgumentException if {@code layers} is not in [1, {@value #MAX_ROUNDS}]
     */
    static Deliberation mixtureOfAgents(int layers) {
        return new MixtureOfAgents(checkRounds("mixture-of-agents layers", layers));
    }

    /**
     * Parses {@code independent}, {@code debate:R}, {@code refine:R} or {@code moa:L} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the bad specification and the accepted ones
     */
    static Deliberation parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("independent")) {
            return independent();
        }
        if (s.startsWith("independent:")) {
            throw new IllegalArgumentException("protocol '" + spec + "': independent takes no count");
        }
        int colon = s.indexOf(':');
        String kind = colon < 0 ? s : s.substring(0, colon);
        if (!kind.equals("debate") && !kind.equals("refine") && !kind.equals("moa")) {
            throw new IllegalArgumentException("unknown protocol '" + spec + "': expected one of " + SPECS);
        }
        int n;
        try {
            n = colon < 0 ? -1 : Integer.parseInt(s.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_ROUNDS) {
            throw new IllegalArgumentException("protocol '" + spec + "' needs a count from 1 to " + MAX_ROUNDS
                    + " after the colon, e.g. " + kind + ":2");
        }
        return switch (kind) {
            case "debate" -> debate(n);
            case "refine" -> refine(n);
            default -> mixtureOfAgents(n);
        };
    }

    private static int checkRounds(String what, int n) {
        if (n < 1 || n > MAX_ROUNDS) {
            throw new IllegalArgumentException(what + " must be in [1, " + MAX_ROUNDS + "] but was " + n);
        }
        return n;
    }

    /**
     * What a protocol knows when it plans a round.
     *
     * @param conversation what the user asks
     * @param answerFormat how to state the final answer so that the vote can read it, or empty
     * @param team the agents taking part, in team order
     * @param rounds the finished rounds, in order
     */
    record Progress(Conversation conversation, String answerFormat, List<Agent> team, List<RoundResult> rounds) {

        /**
         * Validates and copies the components.
         *
         * @throws IllegalArgumentException if {@code team} is empty
         * @throws NullPointerException if a component is null
         */
        public Progress {
            Objects.requireNonNull(conversation, "conversation");
            Objects.requireNonNull(answerFormat, "answerFormat");
            team = List.copyOf(team);
            if (team.isEmpty()) {
                throw new IllegalArgumentException("a deliberation needs at least one agent");
            }
            rounds = List.copyOf(rounds);
        }

        /** Returns the last finished round, or empty before the first. */
        public Optional<RoundResult> last() {
            return rounds.isEmpty() ? Optional.empty() : Optional.of(rounds.get(rounds.size() - 1));
        }

        /** Returns the number the next round gets. */
        public int nextNumber() {
            return rounds.size();
        }

        /** Returns the first round every protocol here starts with: each agent answers on its own. */
        public Round firstAnswers() {
            List<Round.Turn> turns = new ArrayList<>(team.size());
            for (Agent a : team) {
                turns.add(new Round.Turn(a, a.request(conversation, List.of(), answerFormat)));
            }
            return new Round(nextNumber(), "answer", turns, Round.Votes.UPDATE);
        }
    }

    /** Self-consistency: each agent sees only the conversation, once. */
    final class Independent implements Deliberation {
        static final Independent INSTANCE = new Independent();

        private Independent() {
        }

        @Override
        public String name() {
            return "independent";
        }

        @Override
        public Optional<Round> next(Progress progress) {
            return progress.rounds().isEmpty() ? Optional.of(progress.firstAnswers()) : Optional.empty();
        }
    }
}

package dev.contemplate.agents.internal;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Deliberation;
import dev.contemplate.agents.Round;
import dev.contemplate.agents.RoundResult;
import dev.contemplate.inference.Message;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Multi-agent debate: after the first answers, each round shows every agent the others' answers of the round before
 * (its own answer as its earlier assistant turn) and asks for an updated answer. Ends after {@code rounds} debate
 * rounds, once a round is unanimous, once the stopping rule ends a round, or when fewer than two texts are left to
 * debate. Not part of the public API: use {@link Deliberation#debate(int)}.
 */
public final class Debate extends CountedProtocol {

    /**
     * Returns {@code candidates} in team order: a prompt lists other answers the same way whichever finished first,
     * so the same seeds give the same prompts (and the same nonces).
     */
    static List<Candidate> inTeamOrder(List<Candidate> candidates) {
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingInt(c -> c.agent().ordinal()));
        return sorted;
    }

    /** Returns a debate of up to {@code rounds} rounds after the first answers (validated by the caller). */
    public Debate(int rounds) {
        super("debate", rounds);
    }

    @Override
    Optional<Round> after(Progress progress, RoundResult r) {
        if (r.number() >= count || r.unanimous() || r.ruleSatisfied() || r.candidates().size() < 2) {
            return Optional.empty();
        }
        List<Round.Turn> turns = new ArrayList<>(progress.team().size());
        for (Agent agent : progress.team()) {
            Optional<Candidate> own = r.candidateOf(agent.id());
            List<String> others = new ArrayList<>();
            for (Candidate c : inTeamOrder(r.candidates())) {
                if (!c.agent().id().equals(agent.id())) {
                    others.add(c.text());
                }
            }
            List<Message> messages = new ArrayList<>(2);
            own.ifPresent(c -> messages.add(Message.assistant(c.text())));
            messages.add(Message.user(RoundPrompts.debate(progress.conversation(), others,
                    progress.answerFormat())));
            turns.add(new Round.Turn(agent, agent.followUp(progress.conversation(), progress.answerFormat(),
                    messages)));
        }
        return Optional.of(new Round(progress.nextNumber(), "debate", turns, Round.Votes.UPDATE));
    }
}

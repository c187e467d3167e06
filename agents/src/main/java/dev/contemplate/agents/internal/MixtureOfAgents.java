package dev.contemplate.agents.internal;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Deliberation;
import dev.contemplate.agents.Round;
import dev.contemplate.agents.RoundResult;
import dev.contemplate.inference.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mixture-of-agents: the first answers are the first layer; each later layer shows every agent all answers of the
 * layer before and asks for one better answer; after {@code layers} layers the contemplator's synthesis merges the
 * last layer. A layer with no text ends it early. Not part of the public API: use
 * {@link Deliberation#mixtureOfAgents(int)}.
 */
public final class MixtureOfAgents extends CountedProtocol {

    /** Returns mixture-of-agents with {@code layers} layers of proposers (validated by the caller). */
    public MixtureOfAgents(int layers) {
        super("moa", layers);
    }

    @Override
    public boolean synthesises() {
        return true;
    }

    @Override
    Optional<Round> after(Progress progress, RoundResult r) {
        if (r.number() + 1 >= count || r.candidates().isEmpty()) {
            return Optional.empty();
        }
        List<String> previous = new ArrayList<>(r.candidates().size());
        for (Candidate c : Debate.inTeamOrder(r.candidates())) {
            previous.add(c.text());
        }
        String prompt = RoundPrompts.layer(progress.conversation(), previous, progress.answerFormat());
        List<Round.Turn> turns = new ArrayList<>(progress.team().size());
        for (Agent agent : progress.team()) {
            turns.add(new Round.Turn(agent, agent.followUp(progress.conversation(), progress.answerFormat(),
                    List.of(Message.user(prompt)))));
        }
        return Optional.of(new Round(progress.nextNumber(), "layer", turns, Round.Votes.UPDATE));
    }
}

package dev.contemplate.agents.internal;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Deliberation;
import dev.contemplate.agents.Round;
import dev.contemplate.agents.RoundResult;
import dev.contemplate.inference.Message;
import java.util.List;
import java.util.Optional;

/**
 * Critique and refine: after the first answers, a critic reviews the leading answer; unless it replies that there is
 * nothing to fix, the answer's author revises it in the light of the critique and the revision replaces the vote; up
 * to {@code rounds} critiques. The critic is the agent after the leading answer's author in team order (the author
 * itself in a team of one). Not part of the public API: use {@link Deliberation#refine(int)}.
 */
public final class Refinement extends CountedProtocol {

    static final String CRITIQUE = "critique";
    static final String REVISE = "revise";

    /** Returns critique-and-refine with up to {@code rounds} critiques (validated by the caller). */
    public Refinement(int rounds) {
        super("refine", rounds);
    }

    @Override
    Optional<Round> after(Progress progress, RoundResult r) {
        Optional<Candidate> leader = r.leader();
        if (leader.isEmpty()) {
            return Optional.empty();
        }
        Candidate lead = leader.get();
        if (!r.step().equals(CRITIQUE)) {
            long critiques = progress.rounds().stream().filter(x -> x.step().equals(CRITIQUE)).count();
            if (critiques >= count) {
                return Optional.empty();
            }
            Agent critic = criticOf(progress.team(), lead.agent());
            String prompt = RoundPrompts.critique(progress.conversation(), lead.text());
            return Optional.of(new Round(progress.nextNumber(), CRITIQUE, List.of(new Round.Turn(critic,
                    critic.followUp(progress.conversation(), "", List.of(Message.user(prompt))))), Round.Votes.NONE));
        }
        if (r.candidates().isEmpty() || RoundPrompts.noIssues(r.candidates().get(0).text())) {
            return Optional.empty();
        }
        Agent author = lead.agent();
        String critique = r.candidates().get(0).text();
        List<Message> messages = List.of(Message.assistant(lead.text()), Message.user(RoundPrompts.revise(
                progress.conversation(), lead.text(), critique, progress.answerFormat())));
        return Optional.of(new Round(progress.nextNumber(), REVISE, List.of(new Round.Turn(author,
                author.followUp(progress.conversation(), progress.answerFormat(), messages))), Round.Votes.REPLACE));
    }

    private static Agent criticOf(List<Agent> team, Agent author) {
        for (int i = 0; i < team.size(); i++) {
            if (team.get(i).id().equals(author.id())) {
                return team.get((i + 1) % team.size());
            }
        }
        return team.get(0);
    }
}

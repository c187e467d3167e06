package dev.contemplate.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Deliberation;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.StoppingRule;
import dev.contemplate.orchestrator.AgentOutcome;
import dev.contemplate.orchestrator.AgentRun;
import dev.contemplate.orchestrator.AllAgentsFailedException;
import dev.contemplate.orchestrator.Budget;
import dev.contemplate.orchestrator.ContemplationException;
import dev.contemplate.orchestrator.ContemplationTimeoutException;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.NoAnswerException;
import dev.contemplate.orchestrator.TokenAccount;
import dev.contemplate.orchestrator.Verdict;
import dev.contemplate.research.bench.RunOutcome;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code contemplate ask}: contemplates one question and prints the verdict. */
@Command(name = "ask", header = "Contemplates one question and prints the verdict.", sortOptions = false,
        usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
        versionProvider = ContemplateCli.Version.class,
        description = {
            "Asks N agents the same question in parallel over one engine, votes on their extracted answers, stops "
                    + "as soon as the stopping rule is satisfied, and never overruns the budget.",
            "",
            "Prints the answer, its confidence (its share of the votes), whether the contemplation was complete "
                    + "(or cut short by the budget) and why it stopped, what became of the agents, the votes, the "
                    + "latency and the tokens. With --json, exactly one JSON object.",
            "",
            "While it runs, a live view on standard error (standard output keeps only the summary): on a terminal, "
                    + "one line per agent (waiting, running, answered, failed or cancelled; its time, its size and "
                    + "its answer) and the tally with the leader's share, redrawn in place; otherwise one plain line "
                    + "per event. None with --json. A running agent shows its time, an answer its length in characters, "
                    + "and the verdict each agent's tokens, those of agents cut short included."},
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  " + EngineOptions.ENV_BASE_URL + "  base URL of an OpenAI-compatible server; selects the",
            "                        openai engine when --engine is not given",
            "  " + EngineOptions.ENV_API_KEY + "   API key of that server",
            "  " + EngineOptions.ENV_MODEL + "     model name on that server",
            "",
            "Examples:",
            "  contemplate ask \"What is 54+39-25+73?\"",
            "  contemplate ask --engine simulated -n 16 --stop esc:4 --json \"What is 2+2?\"",
            "  contemplate ask --base-url http://localhost:8000/v1 --model qwen \\",
            "      --budget 10s \"How many r are in strawberry?\""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:an answer was found",
            "1:no answer (no agent answered within the budget, every agent failed, or the agents agreed less "
                    + "than --min-agreement)",
            "2:bad input (options, empty or unreadable question)",
            "3:no engine available (server unreachable, embedded engine missing)"})
final class AskCommand implements Callable<Integer> {

    @ParentCommand
    ContemplateCli parent;

    @Option(names = {"-n", "--agents"}, paramLabel = "N", defaultValue = "8",
            description = "Number of agents (at most " + ContemplateCli.MAX_AGENTS + "). Default: ${DEFAULT-VALUE}.")
    int agents = 8;

    @Option(names = "--min-agreement", paramLabel = "SHARE",
            description = "Abstain (no answer, exit 1) when the leading answer has less than this share of the "
                    + "votes, a number in (0, 1], e.g. 0.5. Default: answer whatever the agreement; below half of "
                    + "the votes the answer is marked low agreement.")
    @Nullable Double minAgreement;

    @Mixin
    RunOptions run = new RunOptions();

    @Mixin
    EngineOptions engineOptions = new EngineOptions();

    @Parameters(arity = "1..*", paramLabel = "QUESTION",
            description = "The question; several words are joined with spaces. Put -- before a question that "
                    + "starts with '-'.")
    List<String> words = List.of();

    @Override
    public Integer call() {
        String question = String.join(" ", words).strip();
        if (question.isEmpty()) {
            throw CliException.usage("the question is empty");
        }
        ContemplateCli.checkAgents(agents);
        if (minAgreement != null && !(minAgreement > 0 && minAgreement <= 1)) {
            throw CliException.usage("--min-agreement must be a share in (0, 1], e.g. 0.5, but was " + minAgreement);
        }
        RunOptions.Settings settings = run.settings();
        if (settings.protocols().size() > 1) {
            throw CliException.usage("ask takes one --protocol but got " + settings.protocols().size() + " ("
                    + String.join(", ", settings.protocols().stream().map(Deliberation::name).toList())
                    + "); use bench to compare protocols");
        }
        if (settings.rules().size() > 1) {
            throw CliException.usage("ask takes one --stop rule but got " + settings.rules().size() + " ("
                    + String.join(", ", settings.rules().stream().map(StoppingRule::name).toList())
                    + "); use bench to compare rules");
        }
        EngineOptions.Config config = engineOptions.resolve(parent.env());
        RunOptions.checkProtocol(settings, config);
        String text = EngineSetup.readQuestion(config, question)
                .orElseThrow(() -> CliException.usage(EngineSetup.unreadable(question)));

        EngineSetup.Request request = new EngineSetup.Request(settings.seed(), agents, settings.budget(),
                settings.temperature(), settings.maxTokens(), SimulatedScenarios.forQuestions(),
                settings.voting().name().startsWith("weighted"));
        // the live view's terminal is looked for while the engine starts
        try (LiveView.Pending pending = LiveView.prepare(run.json, parent.interactive());
                EngineSetup setup = EngineSetup.open(config, request)) {
            Team team = setup.team(agents, settings.seed());
            Budget budget = Budget.builder().deadline(settings.budget()).build();
            Contemplator contemplator = settings.lastStep(setup.contemplator())
                    .team(team)
                    .voting(setup.voting(settings))
                    .deliberation(settings.protocol())
                    .stoppingRule(settings.rule())
                    .scheduling(settings.scheduling())
                    .mode(settings.mode())
                    .budget(budget)
                    .build();
            RunOutcome outcome;
            try (LiveView view = pending.open(parent.err(), team.agents().stream().map(Agent::id).toList(),
                    title(agents, settings))) {
                outcome = setup.run(contemplator, text, settings.mode(), budget, view);
            }
            if (outcome.failure() != null) {
                throw CliException.failed(describeFailure(outcome.failure(), setup), outcome.failure());
            }
            Verdict verdict = outcome.verdict();
            Agreement agreement = Agreement.of(verdict, minAgreement);
            PrintWriter out = parent.out();
            if (run.json) {
                out.println(Json.write(json(verdict, question, text, setup, settings, team, agreement)));
            } else {
                out.print(human(verdict, question, text, setup, settings, agreement));
            }
            out.flush();
            return agreement.abstained() ? ExitCodes.NO_ANSWER : ExitCodes.OK;
        }
    }

    /** Returns what the live view says runs: {@code 8 agents, contemplate mode, rule beta:0.95, budget 60 s}. */
    static String title(int agents, RunOptions.Settings settings) {
        String protocol = settings.protocol().name();
        return agents + (agents == 1 ? " agent, " : " agents, ") + settings.mode().name().toLowerCase(Locale.ROOT)
                + " mode, " + (protocol.equals("independent") ? "" : protocol + ", ") + "rule "
                + settings.rule().name() + ", budget " + Durations.format(settings.budget());
    }

    /** Returns the one-line cause of a contemplation without a verdict. */
    static String describeFailure(ContemplationException e, EngineSetup setup) {
        String prefix = setup.simulated() ? "no answer (simulated engine): " : "no answer: ";
        if (e instanceof ContemplationTimeoutException t) {
            long started = t.agents().stream().filter(AgentOutcome::started).count();
            return prefix + "no agent answered within the budget of " + Durations.format(t.deadline()) + " ("
                    + started + " started; try a larger --budget)";
        }
        if (e instanceof AllAgentsFailedException) {
            Map<String, Integer> causes = new LinkedHashMap<>();
            for (AgentOutcome a : e.agents()) {
                if (a instanceof AgentOutcome.Failed f) {
                    String cause = f.cause() instanceof NoAnswerException ? "gave no extractable answer"
                            : "failed: " + CliException.oneLine(String.valueOf(f.cause().getMessage()));
                    causes.merge(cause, 1, Integer::sum);
                }
            }
            String summary = causes.entrySet().stream()
                    .map(c -> c.getValue() + (c.getValue() == 1 ? " agent " : " agents ") + c.getKey())
                    .collect(Collectors.joining("; "));
            boolean noExtract = e.agents().stream().anyMatch(a -> a instanceof AgentOutcome.Failed f
                    && f.cause() instanceof NoAnswerException);
            return prefix + "every agent failed: " + summary
                    + (noExtract ? " (for a question without a short answer, try --vote semantic)" : "");
        }
        return prefix + e.getMessage();
    }

    /**
     * How far the agents agree: {@code low} when the leading answer has less than half of the votes; {@code
     * abstained} when it has less than the user's minimum share.
     */
    record Agreement(double share, boolean low, @Nullable Double minimum, boolean abstained) {

        static Agreement of(Verdict v, @Nullable Double minimum) {
            double share = v.confidence();
            return new Agreement(share, share < 0.5, minimum, minimum != null && share < minimum);
        }

        /** The human sentence: why it abstained, or that the agreement is low; empty otherwise. */
        String describe(Verdict v) {
            String votes = String.format(Locale.ROOT, "%s has %d of %d votes (%.0f%%)", v.answer().text().strip(),
                    v.tally().leaderCount(), v.tally().answered(), 100 * share);
            if (abstained) {
                return String.format(Locale.ROOT, "abstained: the agents disagree; the leading answer %s, below the "
                        + "minimum agreement of %.0f%%", votes, 100 * minimum);
            }
            return low ? "low agreement: the agents disagree; the leading answer " + votes + ", less than half" : "";
        }
    }

    static ObjectNode json(Verdict v, String question, String text, EngineSetup setup, RunOptions.Settings settings,
            Team team, Agreement agreement) {
        ObjectNode o = Json.object();
        o.put("question", question);
        if (!text.equals(question)) {
            o.put("contemplated", text);
        }
        if (agreement.abstained()) {
            o.putNull("answer");
            o.putNull("answerText");
            o.put("leadingAnswer", v.answer().key());
        } else {
            o.put("answer", v.answer().key());
            o.put("answerText", v.answer().text());
            o.put("text", v.text());
        }
        o.put("confidence", v.confidence());
        o.put("agreement", agreement.low() ? "low" : "normal");
        if (agreement.minimum() != null) {
            o.put("minAgreement", agreement.minimum());
        }
        o.put("abstained", agreement.abstained());
        o.put("complete", v.complete());
        o.put("stopReason", v.stopReason().name());
        o.put("engine", setup.description());
        o.put("simulated", setup.simulated());
        o.put("clock", setup.clockName());
        o.put("mode", v.mode().name().toLowerCase(Locale.ROOT));
        o.put("stoppingRule", v.stoppingRule());
        o.put("protocol", settings.protocol().name());
        o.put("extractor", RunOptions.extractorName(settings.extractor()));
        o.put("vote", settings.voting().name());
        ObjectNode decided = o.putObject("decidedBy");
        decided.put("method", v.provenance().method());
        v.provenance().basis().forEach(decided.putArray("basis")::add);
        if (v.provenance().fallback().isPresent()) {
            decided.put("fallback", v.provenance().fallback().get());
        } else {
            decided.putNull("fallback");
        }
        Json.tokens(decided.putObject("tokens"), v.aggregationTokens());
        o.put("seed", settings.seed());
        o.put("budgetMs", settings.budget().toMillis());
        o.put("temperature", setup.temperature());
        o.put("maxTokens", setup.maxTokens());
        ObjectNode agents = o.putObject("agents");
        agents.put("planned", v.agents().size());
        agents.put("started", v.started());
        agents.put("finished", v.count(AgentOutcome.Status.FINISHED));
        agents.put("cancelled", v.count(AgentOutcome.Status.CANCELLED));
        agents.put("failed", v.count(AgentOutcome.Status.FAILED));
        agents.put("notStarted", v.count(AgentOutcome.Status.NOT_STARTED));
        agents.put("shed", v.count(AgentOutcome.Status.SHED));
        ObjectNode votes = o.putObject("votes");
        v.tally().counts().forEach(votes::put);
        o.put("unanswered", v.tally().unanswered());
        o.put("latencyMs", v.elapsed().toMillis());
        Json.tokens(o.putObject("tokens"), v.tokens());
        rounds(o.putArray("rounds"), v);
        Map<String, Agent> byId = team.agents().stream().collect(Collectors.toMap(Agent::id, a -> a));
        var list = o.putArray("agentOutcomes");
        for (AgentOutcome a : v.agents()) {
            ObjectNode n = list.addObject();
            n.put("id", a.agentId());
            Agent agent = byId.get(a.agentId());
            if (agent != null) {
                n.put("persona", agent.persona().name());
                agent.seed().ifPresent(s -> n.put("seed", s));
            }
            n.put("status", a.status().name());
            if (a instanceof AgentOutcome.Answered ans) {
                n.put("answer", ans.answer().key());
                n.put("text", ans.text());
            } else {
                n.putNull("answer");
            }
            if (a instanceof AgentOutcome.Failed f) {
                f.text().ifPresent(t -> n.put("text", t));
            }
            Json.tokens(n.putObject("tokens"), a.usage());
            n.put("latencyMs", a.latency().toMillis());
            if (a instanceof AgentOutcome.Failed f) {
                n.put("error", CliException.oneLine(String.valueOf(f.cause().getMessage())));
            } else {
                n.putNull("error");
            }
            if (a instanceof AgentOutcome.Cancelled c) {
                n.put("streamedDeltas", c.streamedDeltas());
                n.put("metering", c.metering().name().toLowerCase(Locale.ROOT));
            } else if (a instanceof AgentOutcome.Failed f) {
                n.put("metering", f.metering().name().toLowerCase(Locale.ROOT));
            }
        }
        return o;
    }

    /**
     * Writes one object per round: its number, step and runs (each agent's engine, model, status, answer, tokens and
     * latency in that round).
     */
    static void rounds(ArrayNode array, Verdict v) {
        ObjectNode round = null;
        for (AgentRun r : v.runs()) {
            if (round == null || round.get("round").asInt() != r.round()) {
                round = array.addObject();
                round.put("round", r.round());
                round.put("step", r.step());
                round.putArray("runs");
            }
            ObjectNode n = ((ArrayNode) round.get("runs")).addObject();
            n.put("id", r.agentId());
            n.put("engine", r.engine());
            n.put("model", r.model());
            n.put("status", r.outcome().status().name());
            if (r.outcome() instanceof AgentOutcome.Answered a) {
                n.put("answer", a.answer().key());
            } else {
                n.putNull("answer");
            }
            Json.tokens(n.putObject("tokens"), r.outcome().usage());
            n.put("latencyMs", r.outcome().latency().toMillis());
        }
    }

    /** Returns the protocol line: {@code debate:2, 2 rounds (answer, debate), 6 calls}; empty for one round. */
    static String protocolLine(Verdict v, RunOptions.Settings settings) {
        if (v.rounds() <= 1 && settings.protocol().name().equals("independent")) {
            return "";
        }
        List<String> steps = new ArrayList<>();
        int last = -1;
        long calls = 0;
        for (AgentRun r : v.runs()) {
            if (r.round() != last) {
                steps.add(r.step());
                last = r.round();
            }
            if (r.outcome().started()) {
                calls++;
            }
        }
        return settings.protocol().name() + ", " + v.rounds() + (v.rounds() == 1 ? " round (" : " rounds (")
                + String.join(", ", steps) + "), " + calls + (calls == 1 ? " agent call" : " agent calls");
    }

    static String human(Verdict v, String question, String text, EngineSetup setup, RunOptions.Settings settings,
            Agreement agreement) {
        StringBuilder b = new StringBuilder();
        TokenAccount t = v.tokens();
        int answered = v.tally().answered();
        // the question is user input: no control character of it reaches the terminal
        line(b, "Question", CliException.printable(question) + (text.equals(question) ? ""
                : "  (read as " + CliException.printable(text) + ")"));
        if (agreement.abstained()) {
            line(b, "Answer", "none (" + agreement.describe(v) + ")");
        } else {
            line(b, "Answer", v.answer().text() + (setup.simulated() ? "  [simulated]" : "")
                    + (agreement.low() ? "  (low agreement)" : ""));
        }
        if (!agreement.abstained() && !v.text().strip().equals(v.answer().text().strip())) {
            line(b, "Reply", v.text().strip().replace("\n", "\n            "));
        }
        line(b, "Decided by", v.provenance().method() + " (" + v.provenance().basis().size()
                + (v.provenance().basis().size() == 1 ? " agent" : " agents") + ")"
                + v.provenance().fallback().map(f -> "; fell back to the vote: " + f).orElse(""));
        line(b, "Confidence", String.format(Locale.ROOT, "%.0f%% (%d of %d votes)", 100 * v.confidence(),
                v.tally().leaderCount(), answered) + (agreement.low() && !agreement.abstained()
                        ? "; " + agreement.describe(v) : ""));
        String protocol = protocolLine(v, settings);
        if (!protocol.isEmpty()) {
            line(b, "Protocol", protocol);
        }
        line(b, "Status", (v.complete() ? "complete" : "incomplete") + ", " + stopReason(v) + " ("
                + v.mode().name().toLowerCase(Locale.ROOT) + " mode, rule " + v.stoppingRule() + ")");
        line(b, "Agents", v.started() + " started, " + v.count(AgentOutcome.Status.FINISHED) + " finished, "
                + v.count(AgentOutcome.Status.CANCELLED) + " cancelled, " + v.count(AgentOutcome.Status.FAILED)
                + " failed" + (v.count(AgentOutcome.Status.NOT_STARTED) > 0
                        ? ", " + v.count(AgentOutcome.Status.NOT_STARTED) + " not started" : "")
                + (v.degraded() ? ", " + v.count(AgentOutcome.Status.SHED) + " shed by the engine's guard" : "")
                + " (" + v.agents().size() + " planned)");
        // a cluster's key (c1, c2, ...) means nothing to a reader: show its display text instead
        String votes = v.tally().ranking().stream()
                .map(c -> (c.answer().key().equals(c.answer().text().strip()) ? c.answer().key()
                        : "\"" + shorten(c.answer().text().strip(), 48) + "\"")
                        + " (" + c.count() + (c.count() == 1 ? " vote)" : " votes)"))
                .collect(Collectors.joining(", "));
        line(b, "Votes", votes + (v.tally().unanswered() > 0 ? "; " + v.tally().unanswered() + " without an answer"
                : ""));
        line(b, "Latency", v.elapsed().toMillis() + " ms" + (setup.simulated() ? " (simulated, virtual clock)" : "")
                + " of a " + Durations.format(settings.budget()) + " budget");
        line(b, "Tokens", t.inputTokens() + " input, " + t.outputTokens() + " output, " + t.totalTokens() + " total"
                + " (" + t.counted().totalTokens() + " in counted answers, " + t.cut().totalTokens() + " cut"
                + (t.estimated() ? ", partly estimated" : "")
                + (t.aggregation().totalTokens() > 0 ? ", " + t.aggregation().totalTokens() + " merging" : "") + ")");
        line(b, "Engine", setup.description());
        line(b, "Seed", settings.seed() + (settings.seedChosen() ? " (random; pass --seed " + settings.seed()
                + " to repeat)" : ""));
        return b.toString();
    }

    private static String shorten(String text, int max) {
        String line = text.replace('\n', ' ');
        return line.length() <= max ? line : line.substring(0, max - 3) + "...";
    }

    private static String stopReason(Verdict v) {
        return ProgressLines.reason(v.stopReason());
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "%-11s %s%n", label, value));
    }
}

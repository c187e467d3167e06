package dev.contemplate.inference.simulated.internal;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.simulated.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How the simulated engine plays the later rounds of the built-in deliberation protocols, which it recognises by the
 * data pieces (tags with a {@code nonce} attribute) in the request's last user message. Every round plays the
 * scenario of the question: the last user message before the protocol's turns (or the question piece of a judge's
 * or synthesiser's prompt, which is played like a round that shows answers).
 * <ul>
 *   <li>A round that shows other answers (debate, a mixture-of-agents layer): with probability {@code influence} the
 *       agent adopts the answer most of the shown texts state ({@code The answer is X.}; ties to the first shown),
 *       otherwise it draws from the question's scenario as in the first round.</li>
 *   <li>A critique ({@code Review a response ...}): the critic replies {@value #NO_ISSUES} with probability
 *       {@value #CONFIRM_RIGHT} when the reviewed answer is the scenario's most likely one, and
 *       {@value #CONFIRM_WRONG} when it is another; otherwise it lists a problem.</li>
 *   <li>A revision (a {@code critique} data piece): a fresh draw from the question's scenario.</li>
 * </ul>
 * These dynamics are a research tool's assumption, not a model's behaviour.
 */
public final class RoundScenarios {

    /** What a simulated critic replies when it finds nothing to fix. */
    public static final String NO_ISSUES = "NO ISSUES.";

    /** The probability a simulated critic confirms the scenario's most likely answer. */
    public static final double CONFIRM_RIGHT = 0.9;

    /** The probability a simulated critic lets another answer pass. */
    public static final double CONFIRM_WRONG = 0.25;

    private static final String ISSUES = "The final answer does not follow from the steps before it: recheck them.";
    private static final Pattern ANSWER = Pattern.compile("The answer is (.+?)\\.\\s*(?:\\n|$|</)");
    private static final Pattern QUESTION = Pattern.compile("<question nonce=\"([0-9a-f]+)\">\n(.*?)\n"
            + "</question nonce=\"\\1\">", Pattern.DOTALL);
    private static final Pattern CANDIDATE = Pattern.compile("<candidate\\b[^>]*nonce=\"([0-9a-f]+)\">\\n(.*?)\\n"
            + "</candidate nonce=\"\\1\">", Pattern.DOTALL);

    private RoundScenarios() {
    }

    /**
     * Returns the scenario to play for {@code request}.
     *
     * @param request the request
     * @param scenarioFor the scenario of a question (a user message)
     * @param influence the probability of adopting the shown majority, in [0, 1]
     */
    public static Scenario scenario(GenerationRequest request, Function<String, Scenario> scenarioFor,
            double influence) {
        List<Message> messages = request.messages();
        String last = Planner.question(request);
        if (!last.contains(" nonce=\"")) {
            return scenarioFor.apply(last);
        }
        Matcher quoted = QUESTION.matcher(last);
        String question = quoted.find() ? quoted.group(2) : null;
        for (int i = messages.size() - 1; i >= 0 && question == null; i--) {
            Message m = messages.get(i);
            if (m.role() == Message.Role.USER && !m.text().contains(" nonce=\"")) {
                question = m.text();
            }
        }
        if (question == null) {
            return scenarioFor.apply(last);
        }
        Scenario base = scenarioFor.apply(question);
        if (last.contains("<critique ")) {
            return base;
        }
        List<String> shown = shownAnswers(last);
        if (last.startsWith("Review a response")) {
            String reviewed = shown.isEmpty() ? null : shown.get(0);
            double confirm = reviewed != null && reviewed.equals(argmax(base.answers())) ? CONFIRM_RIGHT : CONFIRM_WRONG;
            // an ordered map: the outcome drawn depends on the answers' order, which must not change between runs
            Map<String, Double> verdicts = new LinkedHashMap<>();
            verdicts.put("no issues", confirm);
            verdicts.put("issues", 1 - confirm);
            return new Scenario(verdicts, 0, base.firstTokenLatency(),
                    base.perTokenLogMeanMillis(), base.perTokenLogSigma(), base.minOutputTokens(),
                    base.maxOutputTokens(), Map.of(), Map.of("no issues", List.of(NO_ISSUES), "issues",
                    List.of(ISSUES)));
        }
        String majority = majority(shown);
        if (majority == null || influence == 0) {
            return base;
        }
        Map<String, Double> answers = new LinkedHashMap<>();
        base.answers().forEach((a, p) -> answers.put(a, (1 - influence) * p));
        answers.merge(majority, influence, Double::sum);
        return new Scenario(answers, (1 - influence) * base.failureProbability(), base.firstTokenLatency(),
                base.perTokenLogMeanMillis(), base.perTokenLogSigma(), base.minOutputTokens(), base.maxOutputTokens(),
                base.answerOutputTokens(), base.answerPhrasings());
    }

    /** Returns the answer each data piece of {@code text} states, in order (pieces without one are left out). */
    static List<String> shownAnswers(String text) {
        Matcher pieces = CANDIDATE.matcher(text);
        List<String> answers = new ArrayList<>();
        while (pieces.find()) {
            Matcher a = ANSWER.matcher(pieces.group(2) + "\n");
            String found = null;
            while (a.find()) {
                found = a.group(1).strip();
            }
            if (found != null) {
                answers.add(found);
            }
        }
        return answers;
    }

    private static @Nullable String majority(List<String> answers) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        answers.forEach(a -> counts.merge(a, 1, Integer::sum));
        return argmax(counts);
    }

    /** Returns the key with the largest value, the first of equals; null for an empty map. */
    static <V extends Comparable<V>> @Nullable String argmax(Map<String, V> values) {
        String best = null;
        V most = null;
        for (Map.Entry<String, V> e : values.entrySet()) {
            if (most == null || e.getValue().compareTo(most) > 0) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }
}

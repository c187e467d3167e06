package dev.contemplate.inference.simulated.internal;

import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.Message;
import dev.contemplate.inference.simulated.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The simulated engine's planning, a pure function of the scenario, the request's seed and the request: draws the
 * outcome, writes the text token by token, draws each token's delay, and applies the request's stop sequences and
 * token limit. Nothing here touches time or Reactor.
 */
public final class Planner {

    private static final String[] ORDINALS = {"one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty"};
    private static final String[] STEP_WORDS = {"work", "it", "out."};
    private static final List<String> NO_ANSWER = List.of("I", "cannot", "settle", "on", "a", "result.");
    private static final Pattern TOKEN = Pattern.compile("\\s*\\S+");

    private Planner() {
    }

    /**
     * Returns the text of the request's last user message, the question whose scenario is played.
     *
     * @throws IllegalArgumentException if the request has no user message
     */
    public static String question(GenerationRequest request) {
        List<Message> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Message.Role.USER) {
                return messages.get(i).text();
            }
        }
        throw new IllegalArgumentException("the request has no user message");
    }

    /**
     * Plans one generation. The same scenario, seed and request always give the same plan.
     *
     * @param s the scenario of the request's question
     * @param requestSeed the request's seed, or the one drawn for it
     * @param request the request: its messages, temperature, token limit and stop sequences
     * @return the plan
     */
    public static Plan plan(Scenario s, long requestSeed, GenerationRequest request) {
        SplittableRandom random = new SplittableRandom(requestSeed * 0x9E3779B97F4A7C15L + promptHash(request));
        long input = inputTokens(request);

        double u = random.nextDouble();
        Outcome outcome = request.sampling().temperature() == 0 ? mostProbable(s) : draw(s, u);
        if (outcome.failure()) {
            return new Plan(List.of(), List.of(), true, s.firstTokenLatency(), FinishReason.OTHER, input);
        }
        List<String> phrasings = outcome.answer() == null ? List.of() : s.phrasings(outcome.answer());
        List<String> tokens;
        if (phrasings.isEmpty()) {
            Scenario.TokenRange range = s.outputTokens(outcome.answer());
            int length = range.min() + random.nextInt(range.max() - range.min() + 1);
            List<String> words = words(outcome.answer(), length);
            tokens = new ArrayList<>(words.size());
            for (int i = 0; i < words.size(); i++) {
                tokens.add(i == 0 ? words.get(i) : " " + words.get(i));
            }
        } else {
            int pick = request.sampling().temperature() == 0 ? 0 : random.nextInt(phrasings.size());
            tokens = tokens(phrasings.get(pick));
        }
        List<Duration> delays = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            delays.add(i == 0 ? s.firstTokenLatency() : tokenDelay(s, random));
        }
        return truncate(tokens, delays, s.firstTokenLatency(), request, input);
    }

    private record Outcome(@Nullable String answer, boolean failure) {
    }

    private static Outcome draw(Scenario s, double u) {
        double cumulative = 0;
        for (Map.Entry<String, Double> e : s.answers().entrySet()) {
            cumulative += e.getValue();
            if (u < cumulative) {
                return new Outcome(e.getKey(), false);
            }
        }
        cumulative += s.failureProbability();
        return new Outcome(null, u < cumulative);
    }

    private static Outcome mostProbable(Scenario s) {
        String best = RoundScenarios.argmax(s.answers());
        double bestP = best == null ? -1 : s.probability(best);
        if (best != null && bestP >= s.failureProbability() && bestP >= s.noAnswerProbability()) {
            return new Outcome(best, false);
        }
        return new Outcome(null, s.failureProbability() >= s.noAnswerProbability());
    }

    private static Duration tokenDelay(Scenario s, SplittableRandom random) {
        double millis = Math.exp(s.perTokenLogMeanMillis() + s.perTokenLogSigma() * random.nextGaussian());
        return Duration.ofNanos(Math.max(0, Math.round(Math.min(millis, 1e12) * 1_000_000)));
    }

    /** Splits a phrasing into tokens: each word with the whitespace before it, so that they join to the text. */
    private static List<String> tokens(String phrasing) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(phrasing.strip());
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }

    /** The words of a text of about {@code length} words that ends with the answer sentence (or no answer). */
    private static List<String> words(@Nullable String answer, int length) {
        List<String> last = new ArrayList<>();
        if (answer == null) {
            last.addAll(NO_ANSWER);
        } else {
            last.add("The");
            last.add("answer");
            last.add("is");
            String[] parts = answer.strip().split("\\s+");
            for (int i = 0; i < parts.length; i++) {
                last.add(i == parts.length - 1 ? parts[i] + "." : parts[i]);
            }
        }
        List<String> out = new ArrayList<>(Math.max(length, last.size()));
        int filler = length - last.size();
        int perStep = 2 + STEP_WORDS.length;
        for (int i = 0; i < filler; i++) {
            int step = i / perStep;
            int pos = i % perStep;
            if (pos == 0) {
                out.add("Step");
            } else if (pos == 1) {
                out.add((step < ORDINALS.length ? ORDINALS[step] : "next") + ":");
            } else {
                out.add(STEP_WORDS[pos - 2]);
            }
        }
        int end = out.size() - 1;
        if (end >= 0 && !out.get(end).endsWith(".") && !out.get(end).endsWith(":")) {
            out.set(end, out.get(end) + "."); // close a step cut short: "Step five: work it."
        }
        out.addAll(last);
        return out;
    }

    /** Applies the request's stop sequences and token limit to the planned tokens. */
    private static Plan truncate(List<String> tokens, List<Duration> delays, Duration firstTokenLatency,
            GenerationRequest request, long input) {
        String text = String.join("", tokens);
        int cut = text.length();
        for (String stop : request.sampling().stop()) {
            int at = text.indexOf(stop);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        List<String> kept = new ArrayList<>();
        FinishReason finish = FinishReason.STOP;
        int position = 0;
        for (String token : tokens) {
            if (position >= cut) {
                break;
            }
            if (kept.size() == request.sampling().maxTokens()) {
                finish = FinishReason.LENGTH;
                break;
            }
            String piece = position + token.length() > cut ? token.substring(0, cut - position) : token;
            kept.add(piece);
            position += token.length();
        }
        return new Plan(List.copyOf(kept), List.copyOf(delays.subList(0, kept.size())), false, firstTokenLatency,
                finish, input);
    }

    /** A stable 64-bit FNV-1a hash of the messages' roles and texts. */
    private static long promptHash(GenerationRequest request) {
        long h = 0xcbf29ce484222325L;
        for (Message m : request.messages()) {
            h = (h ^ m.role().ordinal()) * 0x100000001b3L;
            String t = m.text();
            for (int i = 0; i < t.length(); i++) {
                h = (h ^ t.charAt(i)) * 0x100000001b3L;
            }
            h = (h ^ 0xff) * 0x100000001b3L;
        }
        return h;
    }

    private static long inputTokens(GenerationRequest request) {
        long n = 0;
        for (Message m : request.messages()) {
            String t = m.text().strip();
            if (!t.isEmpty()) {
                n += t.split("\\s+").length;
            }
        }
        return Math.max(1, n);
    }
}

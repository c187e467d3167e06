package dev.contemplate.research.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.contemplate.research.dataset.SkippedLine;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A replay's outcome with what it was run on, rendered as an aligned table or as one JSON object.
 *
 * @param file the file as named by the caller
 * @param data what was read from it
 * @param extract the extractor spec given, or empty for the per-question default
 * @param max the most samples per question
 * @param shuffles the number of shuffles
 * @param seed the seed
 * @param rules one result per rule
 * @param vote the vote replayed: {@code majority}, {@code weighted} or {@code semantic}
 */
public record ReplayReport(String file, ReplayData data, Optional<String> extract, int max, int shuffles, long seed,
        List<RuleResult> rules, String vote) {

    /**
     * Copies the rule list.
     *
     * @throws NullPointerException if a component is null
     */
    public ReplayReport {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(extract, "extract");
        rules = List.copyOf(rules);
        Objects.requireNonNull(vote, "vote");
    }

    /**
     * Returns the report of a replay under the {@code majority} vote.
     *
     * @throws NullPointerException if a component is null
     */
    public ReplayReport(String file, ReplayData data, Optional<String> extract, int max, int shuffles, long seed,
            List<RuleResult> rules) {
        this(file, data, extract, max, shuffles, seed, rules, Replayer.MAJORITY);
    }

    /**
     * Returns how a question was judged: {@code labelled} when the file's samples carry labels (the sample that
     * represents the voted answer is labelled correct), {@code gold key} when a keyed vote's answer is compared with
     * the gold key, {@code gold key of the representative} when the sample that represents the voted answer is.
     */
    public String judgedBy() {
        boolean labelled = data.questions().stream().anyMatch(ReplayQuestion::labelled);
        if (labelled) {
            return "labelled";
        }
        return vote.equals("majority") || vote.equals("weighted") ? "gold key" : "gold key of the representative";
    }

    /** Returns the extractor description: the spec given, or {@code auto (letters: 500)}-style counts. */
    public String extractDescription() {
        if (extract.isPresent()) {
            return extract.get();
        }
        StringBuilder b = new StringBuilder("auto (");
        String sep = "";
        for (Map.Entry<String, Integer> e : data.extractors().entrySet()) {
            b.append(sep).append(e.getKey()).append(": ").append(e.getValue());
            sep = ", ";
        }
        return b.append(')').toString();
    }

    /** Returns the human-readable report: a header and one aligned row per rule. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append("replay of ").append(file).append('\n');
        b.append(String.format(Locale.ROOT, "format %s, %d questions counted, %d malformed line(s) skipped%n",
                data.format().map(ReplayFormat::id).orElse("?"), data.questions().size(), data.skipped().size()));
        b.append(String.format(Locale.ROOT,
                "%d samples (%d without an answer), at most %d per question; extract %s; %d shuffle(s), seed %d%n",
                data.samples(), data.unanswered(), max, extractDescription(), shuffles, seed));
        b.append(String.format(Locale.ROOT, "vote %s; a question is right when %s%n", vote, switch (judgedBy()) {
            case "labelled" -> "the sample that represents the voted answer is labelled correct";
            case "gold key" -> "the voted answer's key equals the gold key";
            default -> "the sample that represents the voted answer has the gold key";
        }));
        b.append("accuracy and mean samples per question: mean over shuffles, sd across shuffles, min, max\n\n");
        int w = "rule".length();
        for (RuleResult r : rules) {
            w = Math.max(w, r.rule().length());
        }
        String head = "%-" + w + "s  %8s %7s %8s %8s   %7s %6s %6s %6s%n";
        b.append(String.format(Locale.ROOT, head, "rule", "accuracy", "sd", "min", "max", "samples", "sd", "min",
                "max"));
        String row = "%-" + w + "s  %7.2f%% %6.2f%% %7.2f%% %7.2f%%   %7.2f %6.2f %6.2f %6.2f%n";
        for (RuleResult r : rules) {
            Spread a = r.accuracy();
            Spread s = r.samples();
            b.append(String.format(Locale.ROOT, row, r.rule(), 100 * a.mean(), 100 * a.sd(), 100 * a.min(),
                    100 * a.max(), s.mean(), s.sd(), s.min(), s.max()));
        }
        return b.toString();
    }

    /**
     * Returns the report as one JSON object: {@code file}, {@code format}, {@code vote}, {@code judgedBy} (see
     * {@link #judgedBy()}), {@code extract}, {@code extractors}
     * (questions per extractor), {@code questions}, {@code samples}, {@code unansweredSamples},
     * {@code skippedLines}, {@code skipped} ({@code line}, {@code reason}), {@code max}, {@code shuffles},
     * {@code seed} and {@code rules}: per rule {@code rule}, {@code accuracy} and {@code samples} (each
     * {@code mean}, {@code sd}, {@code min}, {@code max}), {@code accuracyPerShuffle} and
     * {@code samplesPerShuffle}. Accuracies are fractions in [0, 1].
     */
    public ObjectNode json(ObjectMapper mapper) {
        ObjectNode o = mapper.createObjectNode();
        o.put("file", file);
        o.put("format", data.format().map(ReplayFormat::id).orElse(null));
        o.put("vote", vote);
        o.put("judgedBy", judgedBy());
        o.put("extract", extract.orElse("auto"));
        ObjectNode ex = o.putObject("extractors");
        data.extractors().forEach(ex::put);
        o.put("questions", data.questions().size());
        o.put("samples", data.samples());
        o.put("unansweredSamples", data.unanswered());
        o.put("skippedLines", data.skipped().size());
        ArrayNode skipped = o.putArray("skipped");
        for (SkippedLine m : data.skipped()) {
            skipped.addObject().put("line", m.line()).put("reason", m.reason());
        }
        o.put("max", max);
        o.put("shuffles", shuffles);
        o.put("seed", seed);
        ArrayNode rs = o.putArray("rules");
        for (RuleResult r : rules) {
            ObjectNode ro = rs.addObject();
            ro.put("rule", r.rule());
            spread(ro.putObject("accuracy"), r.accuracy());
            spread(ro.putObject("samples"), r.samples());
            ArrayNode ap = ro.putArray("accuracyPerShuffle");
            r.accuracyPerShuffle().forEach(ap::add);
            ArrayNode sp = ro.putArray("samplesPerShuffle");
            r.samplesPerShuffle().forEach(sp::add);
        }
        return o;
    }

    private static void spread(ObjectNode o, Spread s) {
        o.put("mean", s.mean()).put("sd", s.sd()).put("min", s.min()).put("max", s.max());
    }
}

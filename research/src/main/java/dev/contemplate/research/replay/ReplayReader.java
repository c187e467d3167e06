package dev.contemplate.research.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.inference.TokenLogprobs;
import dev.contemplate.research.dataset.SkippedLine;
import dev.contemplate.research.internal.JsonLines;
import dev.contemplate.research.internal.JsonLines.Rejected;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads recorded samples, one JSON object a line, in one of the {@link ReplayFormat}s.
 *
 * <p><b>Format.</b> Forced, or detected from the first line that is a JSON object with a signature field
 * ({@code generated_answer}: ESC, {@code answers}: Adaptive-Consistency, {@code counts}: compact, {@code samples}:
 * free-form); every later line must then be in that format. Lines before it that are not such an object are
 * malformed.
 *
 * <p><b>Answers.</b> With an extractor given, it is used for every question; without one, per question:
 * {@link AnswerExtractors#lastLetters() letters} if the gold answer (stripped) is made of letters only, else
 * {@link AnswerExtractors#numeric() numeric}. Multiple-choice data needs {@code choice} given explicitly. Then:
 * <ul>
 *   <li>the gold answer is keyed by the extractor when it yields something, else by the gold stripped and
 *       lower-cased;</li>
 *   <li>ESC samples are raw texts: a sample is what the extractor yields, or "no answer";</li>
 *   <li>Adaptive-Consistency and compact samples are already extracted answers: keyed like the gold (extractor,
 *       else stripped and lower-cased); one that is blank, or a JSON {@code null} in a list, is a sample without an
 *       answer;</li>
 *   <li>scalars may be strings, numbers (written in plain decimal, {@code 18.0} stays {@code 18.0} and the numeric
 *       extractor keys it {@code 18}) or booleans.</li>
 * </ul>
 * Each sample is extracted once, here; replays under a majority vote only compare keys. A JSON {@code null} in an ESC
 * {@code generated_answer} list is a sample without an answer. Every sample also keeps its text (the raw text, or
 * the recorded answer as written; empty for a {@code null}) and whether its key equals the gold key, for votes that
 * read texts ({@link ReplayQuestion#texts()}).
 *
 * <p><b>Free-form samples</b> ({@link ReplayFormat#FREEFORM}): {@code {"question": "...", "samples": [{"text":
 * "...", "correct": true, "logprobs": [-0.1, ...]}, ...]}}. {@code question} is a non-blank string; each sample an
 * object with {@code text} (a string, or {@code null} for a sample without a text), {@code correct} (a boolean: the
 * sample's label) and optionally {@code logprobs} (a list of finite numbers {@code <= 0}, one per token; absent or
 * {@code null} when not recorded). Other fields are ignored. Without an extractor given, texts are keyed by
 * {@link AnswerExtractors#exactText() exact} (the whole text, folded); a blank text is a sample without an
 * answer. The question has no gold: it is right when the sample that represents the voted answer is labelled
 * correct (see {@link Replayer}).
 *
 * <p><b>Malformed lines</b> (bad JSON, including content after the line's JSON value; not an object, a missing or
 * blank gold or question, a missing sample list, a wrong type, an empty sample list, a negative or fractional count,
 * a number too large for a double such as {@code 1e999}, a free-form sample without a {@code text} or a
 * {@code correct} label, a positive or non-finite log-probability, more than {@value #MAX_SAMPLES_PER_LINE} samples)
 * are returned as {@link SkippedLine}s with their 1-based line number, never dropped silently; no line makes reading
 * fail. A reason is one line of printable text, cut after 300 characters: control characters, line separators and
 * unpaired surrogates it would quote are escaped, and input it quotes is cut. Blank lines are not records and are
 * passed over; a byte order mark at the start of the file is ignored. Lines are read by the same reader as a bench's
 * {@link dev.contemplate.research.dataset.Dataset}.
 */
public final class ReplayReader {

    /** The most samples one line may hold (a compact line is expanded to this many at most). */
    public static final int MAX_SAMPLES_PER_LINE = 1_000_000;

    /** Letters, each with its combining marks: the words that {@link AnswerExtractors#lastLetters()} reads. */
    private static final Pattern LETTERS = Pattern.compile("\\p{L}[\\p{L}\\p{M}]*");
    /** The most characters of the input a skipped line's reason quotes. */
    private static final int MAX_QUOTED_CHARS = 60;

    private final Optional<ReplayFormat> forcedFormat;
    private final Optional<AnswerExtractor> forcedExtractor;

    /**
     * Returns a reader.
     *
     * @param format the format to read, or empty to detect it
     * @param extractor the extractor for every question, or empty for the per-question default
     * @throws NullPointerException if an argument is null
     */
    public ReplayReader(Optional<ReplayFormat> format, Optional<AnswerExtractor> extractor) {
        this.forcedFormat = Objects.requireNonNull(format, "format");
        this.forcedExtractor = Objects.requireNonNull(extractor, "extractor");
    }

    /** Returns a reader that detects the format and picks each question's extractor by its gold answer. */
    public static ReplayReader detecting() {
        return new ReplayReader(Optional.empty(), Optional.empty());
    }

    /**
     * Reads {@code file} as UTF-8.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException if the file cannot be read or is not UTF-8 text
     */
    public ReplayData read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in);
        }
    }

    /**
     * Reads every line of {@code in}.
     *
     * @throws IOException if {@code in} cannot be read
     */
    public ReplayData read(BufferedReader in) throws IOException {
        Detecting parser = new Detecting();
        JsonLines.Lines<ReplayQuestion> lines = JsonLines.read(in, message -> "bad JSON: " + message, parser);
        return new ReplayData(parser.format, lines.records(), lines.skipped(), parser.extractors);
    }

    /** Parses lines in the forced format, or in the one detected on the first line that has one. */
    private final class Detecting implements JsonLines.RecordParser<ReplayQuestion> {
        private Optional<ReplayFormat> format = forcedFormat;
        private final Map<String, Integer> extractors = new LinkedHashMap<>();

        @Override
        public ReplayQuestion parse(JsonNode node, int line) {
            if (format.isEmpty()) {
                format = ReplayFormat.detect(node);
                if (format.isEmpty()) {
                    throw new Rejected(node.isObject()
                            ? "no known format: expected a field 'generated_answer' (esc), 'answers' (adaptive),"
                                    + " 'counts' (compact) or 'samples' (freeform)"
                            : "expected a JSON object but was " + kind(node));
                }
            }
            ReplayQuestion q = ReplayReader.this.parse(format.get(), node, line);
            extractors.merge(q.extractor(), 1, Integer::sum);
            return q;
        }
    }

    private ReplayQuestion parse(ReplayFormat format, JsonNode node, int line) {
        if (!node.isObject()) {
            throw new Rejected("expected a JSON object but was " + kind(node));
        }
        switch (format) {
            case ESC:
                return esc(node, line);
            case ADAPTIVE:
                return adaptive(node, line);
            case COMPACT:
                return compact(node, line);
            case FREEFORM:
                return freeForm(node, line);
            default:
                throw new IllegalStateException("unknown format " + format);
        }
    }

    private ReplayQuestion esc(JsonNode node, int line) {
        String gold = gold(node, "answer");
        AnswerExtractor ex = extractorFor(gold);
        JsonNode list = list(node, "generated_answer");
        List<Optional<Answer>> samples = new ArrayList<>(list.size());
        List<String> texts = new ArrayList<>(list.size());
        Map<String, Optional<Answer>> cache = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            if (e.isNull()) {
                samples.add(Optional.empty());
                texts.add("");
            } else if (e.isTextual()) {
                samples.add(cache.computeIfAbsent(e.textValue(), ex::extract));
                texts.add(e.textValue());
            } else {
                throw new Rejected("generated_answer[" + i + "] must be a string but was " + kind(e));
            }
        }
        JsonNode q = node.get("question");
        Optional<String> question = q != null && q.isTextual() && !q.textValue().isBlank()
                ? Optional.of(q.textValue()) : Optional.empty();
        return question(line, gold, ex, samples, texts, true, question);
    }

    private ReplayQuestion adaptive(JsonNode node, int line) {
        String gold = gold(node, "target");
        AnswerExtractor ex = extractorFor(gold);
        JsonNode list = list(node, "answers");
        List<Optional<Answer>> samples = new ArrayList<>(list.size());
        List<String> texts = new ArrayList<>(list.size());
        Map<String, Optional<Answer>> cache = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            if (e.isNull()) {
                samples.add(Optional.empty());
                texts.add("");
            } else if (isScalar(e)) {
                String text = scalar(e, "answers[" + i + "]");
                samples.add(cache.computeIfAbsent(text, t -> normalise(t, ex)));
                texts.add(text);
            } else {
                throw new Rejected("answers[" + i + "] must be a string, number or boolean but was " + kind(e));
            }
        }
        return question(line, gold, ex, samples, texts, true, Optional.empty());
    }

    private ReplayQuestion compact(JsonNode node, int line) {
        String gold = gold(node, "gold");
        AnswerExtractor ex = extractorFor(gold);
        JsonNode counts = node.get("counts");
        if (counts == null) {
            throw new Rejected("missing field 'counts'");
        }
        if (!counts.isObject()) {
            throw new Rejected("field 'counts' must be an object of answer to count but was " + kind(counts));
        }
        List<Optional<Answer>> samples = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, JsonNode> e : counts.properties()) {
            JsonNode c = e.getValue();
            if (!c.isIntegralNumber() || !c.canConvertToLong() || c.longValue() < 0) {
                throw new Rejected("counts[" + quote(e.getKey()) + "] must be a non-negative integer but was "
                        + (c.isNumber() ? cut(c.asText()) : kind(c)));
            }
            total += c.longValue();
            if (total > MAX_SAMPLES_PER_LINE) {
                throw new Rejected("field 'counts' holds more than " + MAX_SAMPLES_PER_LINE + " samples");
            }
            Optional<Answer> a = normalise(e.getKey(), ex);
            for (long k = 0; k < c.longValue(); k++) {
                samples.add(a);
                texts.add(e.getKey());
            }
        }
        if (samples.isEmpty()) {
            throw new Rejected("field 'counts' holds no samples");
        }
        return question(line, gold, ex, samples, texts, false, Optional.empty());
    }

    private ReplayQuestion freeForm(JsonNode node, int line) {
        JsonNode q = node.get("question");
        if (q == null) {
            throw new Rejected("missing field 'question'");
        }
        if (!q.isTextual()) {
            throw new Rejected("field 'question' must be a string but was " + kind(q));
        }
        if (q.textValue().isBlank()) {
            throw new Rejected("field 'question' is blank");
        }
        AnswerExtractor ex = forcedExtractor.orElse(AnswerExtractors.exactText());
        JsonNode list = list(node, "samples");
        List<Optional<Answer>> samples = new ArrayList<>(list.size());
        List<ReplaySample> texts = new ArrayList<>(list.size());
        Map<String, Optional<Answer>> cache = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "samples[" + i + "]";
            JsonNode e = list.get(i);
            if (!e.isObject()) {
                throw new Rejected(at + " must be an object with 'text' and 'correct' but was " + kind(e));
            }
            JsonNode t = e.get("text");
            if (t == null) {
                throw new Rejected(at + ": missing field 'text'");
            }
            if (!t.isNull() && !t.isTextual()) {
                throw new Rejected(at + ".text must be a string or null but was " + kind(t));
            }
            String text = t.isNull() ? "" : t.textValue();
            JsonNode c = e.get("correct");
            if (c == null) {
                throw new Rejected(at + ": missing field 'correct'");
            }
            if (!c.isBoolean()) {
                throw new Rejected(at + ".correct must be a boolean but was " + kind(c));
            }
            samples.add(text.isBlank() ? Optional.empty() : cache.computeIfAbsent(text, ex::extract));
            texts.add(new ReplaySample(text, c.booleanValue(), logprobs(e.get("logprobs"), at)));
        }
        return new ReplayQuestion(line, "", "", samples, true, ex.toString(), Optional.of(q.textValue()), texts,
                true);
    }

    private static Optional<TokenLogprobs> logprobs(JsonNode l, String at) {
        if (l == null || l.isNull()) {
            return Optional.empty();
        }
        if (!l.isArray()) {
            throw new Rejected(at + ".logprobs must be a list of numbers but was " + kind(l));
        }
        double[] values = new double[l.size()];
        for (int j = 0; j < l.size(); j++) {
            JsonNode v = l.get(j);
            if (!v.isNumber()) {
                throw new Rejected(at + ".logprobs[" + j + "] must be a number but was " + kind(v));
            }
            double d = v.doubleValue();
            if (!(d <= 0) || Double.isInfinite(d)) {
                throw new Rejected(at + ".logprobs[" + j + "] must be a finite log-probability <= 0 but was "
                        + v.asText());
            }
            values[j] = d;
        }
        return Optional.of(TokenLogprobs.of(values));
    }

    private static ReplayQuestion question(int line, String gold, AnswerExtractor ex, List<Optional<Answer>> samples,
            List<String> texts, boolean ordered, Optional<String> question) {
        String goldKey = normalise(gold, ex).map(Answer::key).orElseThrow();
        List<ReplaySample> labelled = new ArrayList<>(samples.size());
        Map<String, ReplaySample> cache = new HashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            Optional<Answer> a = samples.get(i);
            // equal texts have equal answers: one sample object per text (a compact line repeats a text many times)
            labelled.add(cache.computeIfAbsent(texts.get(i),
                    t -> new ReplaySample(t, a.map(x -> x.key().equals(goldKey)).orElse(false))));
        }
        return new ReplayQuestion(line, gold, goldKey, samples, ordered, ex.toString(), question, labelled, false);
    }

    private AnswerExtractor extractorFor(String gold) {
        return forcedExtractor.orElseGet(() -> defaultExtractor(gold));
    }

    /**
     * Returns the extractor used when none is given: {@code letters} when {@code gold} (stripped) consists of
     * letters only, else {@code numeric}.
     */
    public static AnswerExtractor defaultExtractor(String gold) {
        return LETTERS.matcher(gold.strip()).matches() ? AnswerExtractors.lastLetters() : AnswerExtractors.numeric();
    }

    /**
     * Keys an answer or a gold: what {@code extractor} yields, else {@code text} stripped and lower-cased; empty
     * when that is blank.
     */
    public static Optional<Answer> normalise(String text, AnswerExtractor extractor) {
        Optional<Answer> a = extractor.extract(text);
        if (a.isPresent()) {
            return a;
        }
        String stripped = text.strip();
        return stripped.isEmpty() ? Optional.empty()
                : Optional.of(new Answer(stripped.toLowerCase(Locale.ROOT), stripped));
    }

    private static String gold(JsonNode node, String field) {
        JsonNode g = node.get(field);
        if (g == null) {
            throw new Rejected("missing field '" + field + "'");
        }
        if (g.isNull() || !isScalar(g)) {
            throw new Rejected("field '" + field + "' must be a string, number or boolean but was " + kind(g));
        }
        String text = scalar(g, "field '" + field + "'");
        if (text.isBlank()) {
            throw new Rejected("field '" + field + "' is blank");
        }
        return text;
    }

    private static JsonNode list(JsonNode node, String field) {
        JsonNode l = node.get(field);
        if (l == null) {
            throw new Rejected("missing field '" + field + "'");
        }
        if (!l.isArray()) {
            throw new Rejected("field '" + field + "' must be a list but was " + kind(l));
        }
        if (l.isEmpty()) {
            throw new Rejected("field '" + field + "' is an empty list");
        }
        if (l.size() > MAX_SAMPLES_PER_LINE) {
            throw new Rejected("field '" + field + "' holds more than " + MAX_SAMPLES_PER_LINE + " samples");
        }
        return l;
    }

    private static boolean isScalar(JsonNode n) {
        return n.isTextual() || n.isNumber() || n.isBoolean();
    }

    /**
     * Returns a scalar as text.
     *
     * @param at where it is, for the reason when it is malformed
     * @throws Rejected for a number too large for a double ({@code 1e999} is read as infinity)
     */
    private static String scalar(JsonNode n, String at) {
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue().toString();
        }
        if (n.isNumber()) {
            if (!Double.isFinite(n.doubleValue())) {
                throw new Rejected(at + " must be a finite number but was " + n.asText());
            }
            return n.decimalValue().toPlainString();
        }
        return n.asText();
    }

    /** Returns input for a reason: quoted, cut to {@value #MAX_QUOTED_CHARS} characters (then made printable). */
    private static String quote(String input) {
        return "'" + cut(input) + "'";
    }

    private static String cut(String input) {
        return input.length() <= MAX_QUOTED_CHARS ? input
                : input.substring(0, MAX_QUOTED_CHARS) + "... (" + input.length() + " characters)";
    }

    private static String kind(JsonNode n) {
        switch (n.getNodeType()) {
            case ARRAY:
                return "a list";
            case OBJECT:
                return "an object";
            case STRING:
                return "a string";
            case NUMBER:
                return "a number";
            case BOOLEAN:
                return "a boolean";
            case NULL:
                return "null";
            default:
                return n.getNodeType().toString().toLowerCase(Locale.ROOT);
        }
    }
}

package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Extracts a yes/no answer; see {@link dev.contemplate.aggregation.AnswerExtractors#yesNo()}. Thread-safe. */
public final class YesNoExtractor implements AnswerExtractor {

    /** The only instance. */
    public static final YesNoExtractor INSTANCE = new YesNoExtractor();

    private static final String WORD = "\\b(yes|no|true|false)\\b";
    /** Possessive: its runs of spaces and quotes share no character, and backtracking over nested runs is quadratic. */
    private static final Pattern PHRASE = Pattern.compile(
            "\\banswer\\b\\s*+(?:is\\b\\s*+:?|[:=])\\s*+[*\"'\u201c\u2018]*+" + WORD, Pattern.CASE_INSENSITIVE);
    private static final Pattern ANY = Pattern.compile(WORD, Pattern.CASE_INSENSITIVE);

    private YesNoExtractor() {
    }

    /** @throws NullPointerException if {@code text} is null */
    @Override
    public Optional<Answer> extract(String text) {
        Objects.requireNonNull(text, "text");
        Optional<Answer> a = last(PHRASE.matcher(text));
        return a.isPresent() ? a : last(ANY.matcher(text));
    }

    private static Optional<Answer> last(Matcher m) {
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        if (found == null) {
            return Optional.empty();
        }
        String w = found.toLowerCase(Locale.ROOT);
        return Optional.of(new Answer(w.equals("yes") || w.equals("true") ? "yes" : "no", found));
    }

    @Override
    public String toString() {
        return "yesno";
    }

    @Override
    public String answerFormat() {
        return "End with a line of the form \"The answer is yes.\" or \"The answer is no.\"";
    }
}

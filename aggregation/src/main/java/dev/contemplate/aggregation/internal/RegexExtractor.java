package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the last match of a regular expression; see
 * {@link dev.contemplate.aggregation.AnswerExtractors#regex(String, int)}. Immutable and thread-safe.
 */
public final class RegexExtractor implements AnswerExtractor {

    private final Pattern pattern;
    private final int group;

    /**
     * Creates the extractor.
     *
     * @param pattern the compiled pattern
     * @param group a group index already checked against the pattern
     */
    public RegexExtractor(Pattern pattern, int group) {
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.group = group;
    }

    /** @throws NullPointerException if {@code text} is null */
    @Override
    public Optional<Answer> extract(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = pattern.matcher(text);
        String found = null;
        String key = null;
        while (m.find()) {
            String g = m.group(group);
            // blank in the sense of the key: a group of U+00A0 or U+2007 is not isBlank() but folds to nothing
            String k = g == null ? "" : Texts.fold(g);
            if (!k.isEmpty()) {
                found = g;
                key = k;
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Answer(key, found.strip()));
    }

    @Override
    public String toString() {
        int parsedGroup = pattern.matcher("").groupCount() > 0 ? 1 : 0;
        return "regex:" + pattern.pattern() + (group == parsedGroup ? "" : " (group " + group + ")");
    }
}

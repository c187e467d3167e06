package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.internal.AnswerTokenizer.Kind;
import dev.contemplate.aggregation.internal.AnswerTokenizer.Tok;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lettered options of a multiple-choice question ({@code "(A) Paris (B) Lyon"}, {@code "A. 12 B. 14"}): each
 * option's letter with the tokens of its text, so that an answer may name an option by letter or by its text.
 * Immutable and thread-safe.
 */
final class MultipleChoice {

    /** An option mark: a capital letter A to H with ")", "." or ":", optionally opened by "(", then whitespace. */
    private static final Pattern OPTION_MARK = Pattern.compile("(?:^|(?<=[\\s(]))\\(?([A-H])[).:](?=\\s)");

    private final Map<String, Set<String>> options;

    private MultipleChoice(Map<String, Set<String>> options) {
        this.options = options;
    }

    /**
     * Returns the options of {@code question}: marks lettered A, B, ... in order (a later A restarts the list), at
     * least two of them; none when the question has fewer.
     */
    static MultipleChoice of(String question) {
        Matcher m = OPTION_MARK.matcher(question);
        List<int[]> marks = new ArrayList<>();
        List<String> letters = new ArrayList<>();
        while (m.find()) {
            char expected = (char) ('A' + letters.size());
            if (m.group(1).charAt(0) != expected) {
                if (m.group(1).charAt(0) == 'A') {
                    marks.clear();
                    letters.clear();
                } else {
                    continue;
                }
            }
            marks.add(new int[] {m.start(), m.end()});
            letters.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        if (letters.size() < 2) {
            return new MultipleChoice(Map.of());
        }
        Map<String, Set<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < marks.size(); i++) {
            int end = i + 1 < marks.size() ? marks.get(i + 1)[0] : question.length();
            Set<String> toks = new LinkedHashSet<>();
            for (Tok t : AnswerTokenizer.tokenize(question.substring(marks.get(i)[1], end), Map.of())) {
                if (t.kind() != Kind.STOP && !(t.kind() == Kind.WORD && AnswerAnalyzer.STOPWORDS.contains(t.value()))) {
                    toks.add(t.token());
                }
            }
            options.put(letters.get(i), Collections.unmodifiableSet(toks));
        }
        return new MultipleChoice(Collections.unmodifiableMap(options));
    }

    /** Returns the options: lower-case letter to the tokens of the option's text, in order; empty when none. */
    Map<String, Set<String>> options() {
        return options;
    }

    /** Returns whether {@code token} appears in the text of some option. */
    boolean isOptionWord(String token) {
        for (Set<String> o : options.values()) {
            if (o.contains(token)) {
                return true;
            }
        }
        return false;
    }
}

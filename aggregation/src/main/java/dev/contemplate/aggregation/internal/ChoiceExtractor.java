package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts a multiple-choice letter; see {@link dev.contemplate.aggregation.AnswerExtractors#choice(String)}.
 * Immutable and thread-safe.
 */
public final class ChoiceExtractor implements AnswerExtractor {

    /**
     * The answer phrase. Possessive: its runs of spaces and quotes cannot share characters, and backtracking over
     * nested runs of spaces is quadratic.
     */
    private static final String PHRASE =
            "(?i:\\banswer\\b\\s*+(?:is\\b\\s*+:?|[:=]))\\s*+[*\"'\u201c\u2018]*+";

    private final String letters;
    private final String lettersLower;
    private final Pattern phrase;
    private final Pattern start;
    private final Pattern parenthesised;

    /**
     * Creates an extractor of the given letters.
     *
     * @param letters the valid choices, already validated: distinct upper-case ASCII letters, not empty
     */
    public ChoiceExtractor(String letters) {
        this.letters = Objects.requireNonNull(letters, "letters");
        this.lettersLower = letters.toLowerCase(Locale.ROOT);
        String upper = "[" + letters + "]";
        String lower = "[" + letters.toLowerCase(Locale.ROOT) + "]";
        String any = "[" + letters + letters.toLowerCase(Locale.ROOT) + "]";
        // a parenthesised letter in either case, or a bare upper-case letter that is not part of a word
        String letter = "(?:\\((" + any + ")\\)|(" + upper + ")(?![A-Za-z]))";
        // after the phrase a bare lower-case letter counts too, when nothing but punctuation follows on its line
        this.phrase = Pattern.compile(PHRASE + "(?:" + letter + "|(" + lower + ")(?=[.!)]?[ \\t]*(?:[\\r\\n]|\\z)))");
        this.start = Pattern.compile("\\A\\s*\\**(?:\\((" + any + ")\\)|(" + upper + ")(?=\\**(?:[.):]|\\s*\\z)))");
        this.parenthesised = Pattern.compile("\\((" + any + ")\\)");
    }

    /** @throws NullPointerException if {@code text} is null */
    @Override
    public Optional<Answer> extract(String text) {
        Objects.requireNonNull(text, "text");
        Optional<Answer> a = last(phrase.matcher(text));
        if (a.isEmpty()) {
            a = atEnd(text);
        }
        if (a.isEmpty()) {
            a = last(start.matcher(text));
        }
        if (a.isEmpty()) {
            a = last(parenthesised.matcher(text));
        }
        return a;
    }

    /**
     * A letter that ends the text: what {@code (?<![A-Za-z])\**(?:\((letter)\)|(LETTER)(?![A-Za-z]))\**[.!]?\s*\z}
     * matches, read backwards from the end (the pattern would be tried at every position of a long run of asterisks,
     * quadratic). The parse from the end is unique: spaces, a period or exclamation mark, asterisks and the letter
     * are disjoint; and asterisks before the letter never stop a match, so only the character before the letter
     * counts.
     */
    private Optional<Answer> atEnd(String text) {
        int i = text.length();
        while (i > 0 && isRegexSpace(text.charAt(i - 1))) {
            i--;
        }
        if (i > 0 && (text.charAt(i - 1) == '.' || text.charAt(i - 1) == '!')) {
            i--;
        }
        while (i > 0 && text.charAt(i - 1) == '*') {
            i--;
        }
        int letterStart;
        char found;
        if (i >= 3 && text.charAt(i - 1) == ')' && text.charAt(i - 3) == '('
                && (letters.indexOf(text.charAt(i - 2)) >= 0 || lettersLower.indexOf(text.charAt(i - 2)) >= 0)) {
            letterStart = i - 3;
            found = text.charAt(i - 2);
        } else if (i >= 1 && letters.indexOf(text.charAt(i - 1)) >= 0) {
            letterStart = i - 1;
            found = text.charAt(i - 1);
        } else {
            return Optional.empty();
        }
        if (letterStart > 0 && isAsciiLetter(text.charAt(letterStart - 1))) {
            return Optional.empty();
        }
        String f = String.valueOf(found);
        return Optional.of(new Answer(f.toUpperCase(Locale.ROOT), f));
    }

    /** {@code \s} of a pattern without flags: {@code [ \t\n\x0B\f\r]}. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static Optional<Answer> last(Matcher m) {
        String found = null;
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    found = m.group(g);
                    break;
                }
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Answer(found.toUpperCase(Locale.ROOT), found));
    }

    @Override
    public String toString() {
        return "choice:" + letters;
    }

    @Override
    public String answerFormat() {
        return "End with a line of the form \"The answer is (X).\" where X is the letter of your choice.";
    }
}

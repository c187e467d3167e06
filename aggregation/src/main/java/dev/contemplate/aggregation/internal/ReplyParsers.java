package dev.contemplate.aggregation.internal;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the replies of judges, raters and synthesisers. Before reading, {@code <think>...</think>} blocks (also one
 * left open at the end) and markdown emphasis and code marks ({@code * _ `}) are removed.
 */
public final class ReplyParsers {

    private static final Pattern THINK = Pattern.compile("(?is)<think>.*?(?:</think>|\\z)");
    private static final Pattern MARKUP = Pattern.compile("[*_`]");
    private static final String REF_WORD = "(?:candidate|response|option|choice)";
    /** An explicit reference: "Candidate 3", "response #2", "Candidate [2]", "option no. 4", "Candidate: 1". */
    private static final Pattern REF = Pattern.compile("(?i)\\b" + REF_WORD
            + "s?\\b\\s*(?:#|no\\.|number|:)?\\s*[\\[(]?\\s*#?\\s*(\\d+)");
    /** What follows a number when it is the first of a list or range: ", 3", " and candidate 3", "/3", "-3". */
    private static final Pattern LIST_AFTER = Pattern.compile("(?i)^\\s*[\\])]?\\s*(?:,|;|/|&|\\+|-|–|\\bor\\b"
            + "|\\band\\b|\\bvs\\.?|\\bversus\\b|\\bto\\b)\\s*(?:" + REF_WORD + "s?\\s*)?(?:#|no\\.|number)?\\s*"
            + "[\\[(]?\\s*#?\\s*\\d+");
    /** A line that is one number, optionally after a short label: "3", "[2]", "#2.", "Answer: 2", "It is 3". */
    private static final Pattern BARE = Pattern.compile("(?i)^[^\\d]{0,60}?[\\[(#]*\\s*(\\d+)\\s*[\\])]*\\s*[.!]?\\s*$");
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    /** A line of numbers and separators only: "2, 3", "1 or 2". */
    private static final Pattern NUMBERS_ONLY = Pattern.compile("(?i)^(?:[\\s\\d,;/&#\\[\\]().+-]|\\band\\b|\\bor\\b)+$");

    private static final String NUM = "(\\d+(?:\\.\\d+)?)";
    private static final Pattern SCORE_LABELLED = Pattern.compile("(?i)\\b(?:score|rating|rated|grade)\\b\\s*"
            + "(?:[:=]|\\bis\\b|\\bof\\b)?\\s*" + NUM + "\\s*(?:(?:/|\\bout of\\b)\\s*" + NUM + ")?");
    private static final Pattern SCORE_FRACTION = Pattern.compile("(?i)" + NUM + "\\s*(?:/|\\bout of\\b)\\s*" + NUM);
    private static final Pattern SCORE_BARE = Pattern.compile("^[^\\w]*" + NUM + "[^\\w]*$");

    private static final Pattern SOURCES = Pattern.compile("(?i)^\\s*(?:#+\\s*|>\\s*)?sources?(?:\\s+used)?"
            + "\\s*[:=：-]?\\s*(.*?)\\s*\\.?\\s*$");
    private static final String SOURCE_ITEM = "(?:(?:" + REF_WORD + "s?|#)\\s*)?[\\[(]?\\s*#?\\s*\\d+\\s*[\\])]?";
    private static final Pattern SOURCE_LIST = Pattern.compile("(?i)^" + SOURCE_ITEM
            + "(?:\\s*(?:,|;|/|&|\\band\\b|\\s)\\s*" + SOURCE_ITEM + ")*$");
    private static final Pattern ALL_OR_NONE = Pattern.compile("(?i)^(?:all|none|n/a|-)$");

    private ReplyParsers() {
    }

    /**
     * What a judge's reply chose.
     *
     * @param number the chosen candidate, from 1, or 0 when the reply could not be read
     * @param problem why it could not be read, or empty when it could
     */
    public record Choice(int number, String problem) {

        /** Returns whether the reply named one candidate in range. */
        public boolean parsed() {
            return number > 0;
        }
    }

    /**
     * Reads which of {@code n} candidates a judge's reply chooses. Lines are read in order, skipping lines that decide
     * nothing; the first line that does decides:
     * <ol>
     *   <li>a line with an explicit reference ({@code Candidate 3}, {@code response #2}, {@code Candidate [2]},
     *       {@code option no. 4}; words candidate, response, option, choice, any case) chooses its first reference,
     *       unless that reference starts a list or range ({@code Candidates 1 and 3}, {@code Candidate 2 or 3},
     *       {@code 2/3}, {@code 2-3}): then the reply names several candidates. Text after the reference (an
     *       explanation naming other candidates) is not read;</li>
     *   <li>a line that holds one number at its end after at most a short label ({@code 3}, {@code [2]}, {@code #2.},
     *       {@code Answer: 2}) chooses it;</li>
     *   <li>a line of several numbers and separators only ({@code 2, 3}) names several candidates.</li>
     * </ol>
     * A chosen number outside {@code 1..n} is a problem too. Number words are not read.
     */
    public static Choice choice(String reply, int n) {
        String text = clean(reply);
        if (text.isBlank()) {
            return new Choice(0, "empty reply");
        }
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher ref = REF.matcher(line);
            int number;
            if (ref.find()) {
                if (LIST_AFTER.matcher(line.substring(ref.end())).find()) {
                    return new Choice(0, "names several candidates");
                }
                number = parseInt(ref.group(1));
            } else {
                Matcher bare = BARE.matcher(line);
                if (bare.matches()) {
                    number = parseInt(bare.group(1));
                } else {
                    if (NUMBERS_ONLY.matcher(line).matches() && distinctNumbers(line) > 1) {
                        return new Choice(0, "names several candidates");
                    }
                    continue;
                }
            }
            if (number < 1 || number > n) {
                return new Choice(0, "names candidate " + (number < 0 ? "?" : number) + " but there are " + n);
            }
            return new Choice(number, "");
        }
        return new Choice(0, "names no candidate");
    }

    /**
     * Reads a rating on a scale of 0 to 10. The first match wins: a labelled score ({@code Score: 8/10},
     * {@code Rating: 7.5}, {@code rated 4 out of 5}, labels score, rating, rated, grade); else a fraction anywhere
     * ({@code 9 out of 10}, {@code 8/10}); else a reply that is a single number. A fraction {@code x/d} is rescaled to
     * {@code 10 x / d}. A value outside [0, 10], or a zero denominator, is no score.
     *
     * @return the score, or empty when the reply holds none
     */
    public static OptionalDouble rating(String reply) {
        String text = clean(reply).strip();
        Matcher m = SCORE_LABELLED.matcher(text);
        Matcher f = SCORE_FRACTION.matcher(text);
        Matcher b = SCORE_BARE.matcher(text);
        String num;
        String den;
        if (m.find()) {
            num = m.group(1);
            den = m.group(2);
        } else if (f.find()) {
            num = f.group(1);
            den = f.group(2);
        } else if (b.matches()) {
            num = b.group(1);
            den = null;
        } else {
            return OptionalDouble.empty();
        }
        double value;
        try {
            value = Double.parseDouble(num);
            if (den != null) {
                double d = Double.parseDouble(den);
                if (!(d > 0)) {
                    return OptionalDouble.empty();
                }
                value = value * 10 / d;
            }
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
        return value >= 0 && value <= 10 ? OptionalDouble.of(value) : OptionalDouble.empty();
    }

    /**
     * Reads a sources line: {@code Sources: 1, 3} (also {@code Source:}, {@code Sources used:}, markdown emphasis or
     * a heading mark, brackets, {@code #}, {@code candidate} before a number, separators {@code , ; / &} {@code and}
     * or spaces, a final period), or {@code Sources: all} / {@code none}.
     *
     * @param line one line, without its line break
     * @return the cited numbers in the order given, distinct (empty for all / none), or empty when the line is no
     *     sources line (also {@code Sources:} with nothing after it, or with anything but numbers)
     */
    public static Optional<Set<Integer>> sources(String line) {
        Matcher m = SOURCES.matcher(MARKUP.matcher(line).replaceAll(""));
        if (!m.matches()) {
            return Optional.empty();
        }
        String body = m.group(1).strip();
        if (ALL_OR_NONE.matcher(body).matches()) {
            return Optional.of(Set.of());
        }
        if (body.isEmpty() || !SOURCE_LIST.matcher(body).matches()) {
            return Optional.empty();
        }
        Set<Integer> out = new LinkedHashSet<>();
        Matcher n = NUMBER.matcher(body);
        while (n.find()) {
            out.add(parseInt(n.group()));
        }
        return Optional.of(out);
    }

    /**
     * Returns whether {@code start}, the beginning of a first line still being streamed, may still become a sources
     * line: after leading whitespace and markup it is empty, a prefix of {@code sources}, or starts with
     * {@code source}.
     */
    public static boolean maySourcesLine(String start) {
        String t = MARKUP.matcher(start).replaceAll("").stripLeading();
        while (!t.isEmpty() && (t.charAt(0) == '#' || t.charAt(0) == '>')) {
            t = t.substring(1).stripLeading();
        }
        t = t.toLowerCase(Locale.ROOT);
        return "sources".startsWith(t) || t.startsWith("source");
    }

    /** Removes think blocks and markdown emphasis. */
    static String clean(String reply) {
        return MARKUP.matcher(THINK.matcher(reply).replaceAll("")).replaceAll("");
    }

    private static int distinctNumbers(String line) {
        Set<Integer> s = new LinkedHashSet<>();
        Matcher m = NUMBER.matcher(line);
        while (m.find()) {
            s.add(parseInt(m.group()));
        }
        return s.size();
    }

    /** Parses a run of digits; -1 when it does not fit an int. */
    private static int parseInt(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

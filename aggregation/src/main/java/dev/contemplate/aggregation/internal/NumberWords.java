package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.internal.AnswerTokenizer.Kind;
import dev.contemplate.aggregation.internal.AnswerTokenizer.Tok;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * English number words, month names and units: folds runs of number words into numbers and binds a unit written right
 * after a number to it. Stateless.
 *
 * <p>A run of number words is read as one number while each word can extend the value so far: {@code three hundred
 * sixty-six} is 366, {@code one hundred and five} 105, {@code two thousand and twenty} 2020 ("and" only right after
 * "hundred" or a scale word). A units or tens word that the value cannot take starts a new number: {@code two three}
 * and {@code two and three} are 2 and 3. Two two-digit groups read as a year: {@code nineteen sixty-nine} is 1969,
 * {@code twenty twenty-four} 2024.
 */
final class NumberWords {

    /** Zero to nineteen. */
    private static final Map<String, Integer> SMALL = indexed(0, 1, "zero one two three four five six seven eight "
            + "nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen");
    /** Twenty to ninety. */
    private static final Map<String, Integer> TENS = indexed(20, 10,
            "twenty thirty forty fifty sixty seventy eighty ninety");
    /** The scale words above a hundred. */
    private static final Map<String, Long> SCALES = Map.of("thousand", 1_000L, "million", 1_000_000L,
            "billion", 1_000_000_000L);
    /** Month names to their number, January is 1. */
    static final Map<String, Integer> MONTHS = indexed(1, 1,
            "january february march april may june july august september october november december");
    /** Unit words and abbreviations (stemmed) that bind to a number right before them, to their canonical unit. */
    static final Map<String, String> UNITS = Map.ofEntries(Map.entry("km", "kilometer"),
            Map.entry("kilometer", "kilometer"), Map.entry("m", "meter"), Map.entry("meter", "meter"),
            Map.entry("cm", "centimeter"), Map.entry("centimeter", "centimeter"), Map.entry("mm", "millimeter"),
            Map.entry("millimeter", "millimeter"), Map.entry("kg", "kilogram"), Map.entry("kilogram", "kilogram"),
            Map.entry("g", "gram"), Map.entry("gram", "gram"), Map.entry("s", "second"),
            Map.entry("sec", "second"), Map.entry("second", "second"), Map.entry("min", "minute"),
            Map.entry("minute", "minute"), Map.entry("h", "hour"), Map.entry("hr", "hour"),
            Map.entry("hour", "hour"), Map.entry("day", "day"), Map.entry("week", "week"), Map.entry("year", "year"),
            Map.entry("mi", "mile"), Map.entry("mile", "mile"), Map.entry("ft", "foot"), Map.entry("foot", "foot"),
            Map.entry("feet", "foot"), Map.entry("lb", "pound"), Map.entry("pound", "pound"),
            Map.entry("c", "celsius"), Map.entry("celsius", "celsius"), Map.entry("f", "fahrenheit"),
            Map.entry("fahrenheit", "fahrenheit"), Map.entry("k", "kelvin"), Map.entry("kelvin", "kelvin"),
            Map.entry("percent", "percent"), Map.entry("l", "liter"), Map.entry("liter", "liter"),
            Map.entry("byte", "byte"), Map.entry("bit", "bit"));

    private NumberWords() {
    }

    /** Maps the i-th of the space-separated {@code words} to {@code first + i * step}. */
    private static Map<String, Integer> indexed(int first, int step, String words) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String w : words.split(" ")) {
            m.put(w, first + m.size() * step);
        }
        return Collections.unmodifiableMap(m);
    }

    /** Whether {@code w} (lower case) is a number word: zero to ninety, hundred, thousand, million or billion. */
    static boolean isNumberWord(String w) {
        return SMALL.containsKey(w) || TENS.containsKey(w) || w.equals("hundred") || SCALES.containsKey(w);
    }

    /**
     * Folds number words into numbers, then binds a unit written right after a number (or after "degrees") to it:
     * {@code 8 minutes} is the number {@code "8 minute"}, {@code 100 °C} is {@code "100 celsius"}.
     *
     * @param in the tokens of a text
     * @return the tokens with numbers folded
     */
    static List<Tok> fold(List<Tok> in) {
        List<Tok> words = new ArrayList<>(in.size());
        int i = 0;
        while (i < in.size()) {
            if (isNumberWord(in, i)) {
                i = readNumber(in, i, words);
            } else {
                words.add(in.get(i++));
            }
        }
        return bindUnits(words);
    }

    private static List<Tok> bindUnits(List<Tok> in) {
        List<Tok> out = new ArrayList<>(in.size());
        int i = 0;
        while (i < in.size()) {
            Tok t = in.get(i);
            if (t.kind() == Kind.NUMBER && !t.value().contains(" ")) {
                int j = i + 1;
                if (j < in.size() && in.get(j).kind() == Kind.WORD && in.get(j).value().equals("degree")) {
                    j++;
                }
                if (j < in.size() && in.get(j).kind() == Kind.WORD && UNITS.containsKey(in.get(j).value())) {
                    String unit = UNITS.get(in.get(j).value());
                    out.add(new Tok(Kind.NUMBER, t.value() + " " + unit, t.surface() + " " + in.get(j).surface()));
                    i = j + 1;
                    continue;
                }
            }
            out.add(t);
            i++;
        }
        return out;
    }

    private static boolean isNumberWord(List<Tok> toks, int i) {
        return i < toks.size() && toks.get(i).kind() == Kind.WORD && isNumberWord(toks.get(i).value());
    }

    /** Reads one number from the number word at {@code start}, adds it to {@code out}; returns the index after it. */
    private static int readNumber(List<Tok> in, int start, List<Tok> out) {
        Value value = new Value();
        StringBuilder surface = new StringBuilder();
        int j = start;
        while (true) {
            if (isNumberWord(in, j) && value.takes(in.get(j).value())) {
                value.add(in.get(j).value());
                surface.append(surface.length() == 0 ? "" : " ").append(in.get(j).surface());
                j++;
            } else if (value.afterScale() && isNumberWord(in, j + 1) && in.get(j).kind() == Kind.WORD
                    && in.get(j).value().equals("and") && value.takes(in.get(j + 1).value())) {
                // "and" only right after "hundred" or a scale word, before a word that extends the number
                j++;
            } else {
                int second = value.yearStart() && isNumberWord(in, j) ? twoDigitGroup(in, j) : 0;
                if (second > 0) {
                    // nineteen sixty-nine: the year 1969
                    int end = j + (TENS.containsKey(in.get(j).value()) && isUnit(in, j + 1) ? 2 : 1);
                    value.year(second);
                    for (; j < end; j++) {
                        surface.append(' ').append(in.get(j).surface());
                    }
                }
                break;
            }
        }
        out.add(new Tok(Kind.NUMBER, Long.toString(value.total()), surface.toString()));
        return j;
    }

    private static boolean isUnit(List<Tok> toks, int i) {
        if (!isNumberWord(toks, i)) {
            return false;
        }
        Integer n = SMALL.get(toks.get(i).value());
        return n != null && n >= 1 && n <= 9;
    }

    /**
     * Returns the value of the two-digit group (10 to 99: a teen, or a tens word with an optional unit) at {@code i}
     * when no hundred or scale word follows it, else 0.
     */
    private static int twoDigitGroup(List<Tok> in, int i) {
        String w = in.get(i).value();
        int value;
        int next;
        if (TENS.containsKey(w)) {
            boolean unit = isUnit(in, i + 1);
            value = TENS.get(w) + (unit ? SMALL.get(in.get(i + 1).value()) : 0);
            next = i + (unit ? 2 : 1);
        } else if (SMALL.getOrDefault(w, 0) >= 10) {
            value = SMALL.get(w);
            next = i + 1;
        } else {
            return 0;
        }
        if (isNumberWord(in, next) && (in.get(next).value().equals("hundred")
                || SCALES.containsKey(in.get(next).value()))) {
            return 0;
        }
        return value;
    }

    /** The value of a run of number words as it is read. */
    private static final class Value {
        /** The sum of the groups closed by a scale word. */
        private long total;
        /** The group after the last scale word. */
        private long current;
        private long lastScale = Long.MAX_VALUE;
        private boolean empty = true;
        /** The last word was a tens word, which takes a unit. */
        private boolean tens;
        /** The last word was "hundred" or a scale word, which takes a teen, tens or unit word. */
        private boolean scale;
        /** A hundred or scale word was read. */
        private boolean scaled;
        /** Takes no more words: zero, or a year. */
        private boolean closed;

        long total() {
            return total + current;
        }

        boolean afterScale() {
            return scale && !closed;
        }

        /** Whether the value so far is one two-digit group (10 to 99) that a second group would make a year. */
        boolean yearStart() {
            return !closed && !scaled && current >= 10 && current <= 99;
        }

        boolean takes(String w) {
            if (closed) {
                return false;
            }
            if (empty) {
                return true;
            }
            Integer small = SMALL.get(w);
            if (small != null) {
                return small >= 1 && (scale || (tens && small <= 9));
            }
            if (TENS.containsKey(w)) {
                return scale;
            }
            if (w.equals("hundred")) {
                return !scale && current >= 1 && current <= 99;
            }
            Long s = SCALES.get(w);
            return s != null && current > 0 && s < lastScale;
        }

        void add(String w) {
            boolean first = empty;
            empty = false;
            tens = false;
            scale = false;
            Integer small = SMALL.get(w);
            if (small != null) {
                current += small;
                closed = first && small == 0;
            } else if (TENS.containsKey(w)) {
                current += TENS.get(w);
                tens = true;
            } else if (w.equals("hundred")) {
                current = Math.max(current, 1) * 100;
                scale = true;
                scaled = true;
            } else {
                long s = SCALES.get(w);
                total += Math.max(current, 1) * s;
                current = 0;
                lastScale = s;
                scale = true;
                scaled = true;
            }
        }

        void year(int second) {
            current = current * 100 + second;
            closed = true;
        }
    }
}

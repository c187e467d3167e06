package dev.contemplate.aggregation.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a text into the tokens {@link AnswerAnalyzer} works on: stemmed lower-case words, numbers (from digits,
 * dates, number words and month names, with a unit written after them), code literals, multiple-choice option letters
 * and sentence stops; marks each word's capitalisation and whether it starts a sentence. Stateless.
 */
final class AnswerTokenizer {

    /** The arguments of a call: at most 8 runs of up to 80 characters, one level of nested parentheses. */
    private static final String ARGS = "\\((?:[^()\\n]{1,80}+|\\([^()\\n]{0,80}+\\)){0,8}+\\)";

    /**
     * One token. Every repeated group and every run that may fail after it is bounded: Java's regex engine recurses
     * once per repetition of a group, and a failing unbounded run would rescan the rest of a long answer from every
     * position.
     */
    private static final Pattern TOKEN = Pattern.compile(String.join("|",
            "`(?<tick>[^`]{1,200}+)`",
            // a call or an index expression, with an optional receiver: len(xs), a.equals(b), ''.join(reversed(s)),
            // O(log n), s[::-1]
            "(?<call>(?:'[^'\\s]{0,20}'|\"[^\"\\s]{0,20}\")?\\.?[A-Za-z_][\\w.]{0,60}+(?:" + ARGS
                    + "|\\[[^\\]\\s]{0,40}\\])(?:\\.[A-Za-z_]\\w{0,60}+(?:" + ARGS + ")?){0,8})",
            "(?<dotted>[A-Za-z_]\\w{1,60}+(?:\\.[A-Za-z_]\\w{1,60}+){1,8})",
            "(?<op>===|==|!=|<=|>=|&&|\\|\\||->|=>)",
            // math-ish: x^2, x^3/3, d/dx, m/s^2, 10^8, request/response
            "(?<math>[A-Za-z0-9_.]{1,40}+(?:[\\^/][A-Za-z0-9_.]{1,40}+){1,8})",
            "(?<date>\\d{4}-\\d{1,2}-\\d{1,2})",
            "(?<num>(?<![\\w.])(?:\\d{1,3}(?:,\\d{3}){1,6}|\\d++)?(?:\\.\\d++)?(?<=\\d)(?:st|nd|rd|th|%)?(?!\\w))",
            "(?<deg>°\\s?[CF]\\b)",
            "(?<alnum>\\d++[A-Za-z]\\w*+)",
            "(?<word>\\p{L}[\\p{L}\\p{M}\\p{N}]*+(?:['’]\\p{L}++)?(?:-\\p{L}[\\p{L}\\p{M}\\p{N}]*+){0,8})",
            "(?<stop>[.;:!?]|,(?!\\d{3}))"));

    private static final Set<String> CLITICS = Set.of("s", "re", "ll", "d", "ve", "m");

    private AnswerTokenizer() {
    }

    /** The kind of a token. */
    enum Kind { WORD, NUMBER, LITERAL, OPTION, STOP }

    /**
     * A token: its kind, canonical value, words as written, and for words their capitalisation and position.
     *
     * @param kind the kind
     * @param value the canonical value: a stemmed word, a number ({@code "42"}, {@code "8 minute"}), a literal, an
     *     option letter or a stop character
     * @param surface the words as written
     * @param capitalised whether a word was written capitalised
     * @param sentenceStart whether a word starts a sentence
     */
    record Tok(Kind kind, String value, String surface, boolean capitalised, boolean sentenceStart) {
        Tok(Kind kind, String value) {
            this(kind, value, value, false, false);
        }

        Tok(Kind kind, String value, String surface) {
            this(kind, value, surface, false, false);
        }

        /** Returns the token in the analyser's namespace: {@code "#42"}, {@code "`len(xs)"}, {@code "opt:b"}. */
        String token() {
            return switch (kind) {
                case NUMBER -> "#" + value;
                case LITERAL -> "`" + value;
                case OPTION -> "opt:" + value;
                default -> value;
            };
        }

        Tok at(boolean start) {
            return new Tok(kind, value, surface, capitalised, start);
        }
    }

    /**
     * Returns the tokens of {@code raw}.
     *
     * @param raw the text
     * @param options the question's multiple-choice options by lower-case letter: a lone capital letter among them is
     *     an option (unless it is the article "A")
     */
    static List<Tok> tokenize(String raw, Map<String, Set<String>> options) {
        String text = raw.replace('\u2019', '\'').replace('\u2018', '\'').replace('\u201C', '"')
                .replace('\u201D', '"').replace("\u00B2", "^2").replace("\u00B3", "^3").replace('\u00D7', ' ')
                .replace('\u2013', '-').replace('\u2014', ' ');
        List<Tok> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            if (m.group("tick") != null) {
                String inner = m.group("tick").strip();
                List<Tok> sub = tokenize(inner, Map.of());
                if (sub.size() == 1 && sub.get(0).kind != Kind.WORD) {
                    out.add(sub.get(0));
                } else {
                    out.add(new Tok(Kind.LITERAL, literal(inner), inner));
                }
            } else if (m.group("call") != null) {
                out.add(new Tok(Kind.LITERAL, literal(m.group("call")), m.group("call")));
            } else if (m.group("dotted") != null || m.group("op") != null || m.group("math") != null) {
                String lit = m.group("dotted") != null ? m.group("dotted")
                        : m.group("op") != null ? m.group("op") : m.group("math");
                out.add(new Tok(Kind.LITERAL, literal(lit), lit));
            } else if (m.group("date") != null) {
                for (String part : m.group("date").split("-")) {
                    out.add(new Tok(Kind.NUMBER, number(part)));
                }
            } else if (m.group("num") != null) {
                out.add(new Tok(Kind.NUMBER, number(m.group("num"))));
                if (m.group("num").endsWith("%")) {
                    out.add(new Tok(Kind.WORD, "percent"));
                }
            } else if (m.group("deg") != null) {
                String u = m.group("deg").substring(m.group("deg").length() - 1);
                out.add(new Tok(Kind.WORD, u.equals("C") ? "celsius" : "fahrenheit"));
            } else if (m.group("alnum") != null) {
                out.add(new Tok(Kind.LITERAL, m.group("alnum").toLowerCase(Locale.ROOT), m.group("alnum")));
            } else if (m.group("word") != null) {
                words(m.group("word"), articleFollows(text, m.end()), out, options);
            } else {
                out.add(new Tok(Kind.STOP, m.group("stop")));
            }
        }
        List<Tok> folded = NumberWords.fold(out);
        // mark sentence starts: the first word of the text and the first after . ; : ! ?
        List<Tok> marked = new ArrayList<>(folded.size());
        boolean start = true;
        for (Tok t : folded) {
            if (t.kind == Kind.STOP) {
                start = !t.value.equals(",");
                marked.add(t);
            } else {
                marked.add(t.kind == Kind.WORD ? t.at(start) : t);
                start = false;
            }
        }
        return marked;
    }

    private static String literal(String s) {
        String lit = s.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
        while (lit.endsWith(".") || lit.endsWith(",") || lit.endsWith(";")) {
            lit = lit.substring(0, lit.length() - 1);
        }
        return lit;
    }

    /** Returns a number written in digits as its plain decimal value ({@code 300,000}, {@code .25}, {@code 4th}). */
    private static String number(String s) {
        String d = s.replace(",", "").replace("%", "").replaceAll("(st|nd|rd|th)$", "");
        try {
            return new BigDecimal(d).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return d;
        }
    }

    /** Whether whitespace and then a lower-case letter follow {@code end}: "A" there is an article. */
    private static boolean articleFollows(String text, int end) {
        int i = end;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i > end && i < text.length() && Character.isLowerCase(text.charAt(i));
    }

    private static void words(String w, boolean beforeLowerCaseWord, List<Tok> out, Map<String, Set<String>> options) {
        boolean cap = Character.isUpperCase(w.charAt(0));
        if (w.length() == 1 && cap && options.containsKey(w.toLowerCase(Locale.ROOT))) {
            // an option letter unless it is the article "A" before a word
            if (!(w.equals("A") && beforeLowerCaseWord)) {
                String letter = w.toLowerCase(Locale.ROOT);
                out.add(new Tok(Kind.OPTION, letter, "option " + letter));
                return;
            }
        }
        String lower = w.toLowerCase(Locale.ROOT);
        if (lower.length() == 1 && !lower.equals("a") && !lower.equals("i") && Character.isLetter(lower.charAt(0))) {
            // a lone letter is a symbol: x, n, the letter of an answer
            out.add(new Tok(Kind.LITERAL, lower, w));
            return;
        }
        int apo = lower.indexOf('\'');
        if (apo >= 0) {
            String head = lower.substring(0, apo);
            String tail = lower.substring(apo + 1);
            if (tail.equals("t") && head.endsWith("n")) {
                String base = head.equals("won") ? "will" : head.equals("can") ? "can"
                        : head.substring(0, head.length() - 1);
                out.add(word(base, cap));
                out.add(new Tok(Kind.WORD, "not"));
                return;
            }
            lower = CLITICS.contains(tail) ? head : lower.replace("'", "");
        }
        if (lower.equals("cannot")) {
            out.add(word("can", cap));
            out.add(new Tok(Kind.WORD, "not"));
            return;
        }
        Integer month = NumberWords.MONTHS.get(lower);
        if (month != null && (cap || !(lower.equals("may") || lower.equals("march")))) {
            out.add(new Tok(Kind.NUMBER, Integer.toString(month), lower));
            return;
        }
        boolean first = true;
        for (String part : lower.split("-")) {
            if (!part.isEmpty()) {
                out.add(word(part, first && cap));
                first = false;
            }
        }
    }

    private static Tok word(String lower, boolean capitalised) {
        String l = lower.toLowerCase(Locale.ROOT);
        return new Tok(Kind.WORD, Stemmer.stem(l), l, capitalised, false);
    }
}

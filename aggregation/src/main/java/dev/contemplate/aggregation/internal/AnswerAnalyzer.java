package dev.contemplate.aggregation.internal;

import java.math.BigDecimal;
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
 * Turns an answer text into the sets of tokens that {@link SameAnswerRule} compares, relative to one question: which
 * content words it asserts and which it negates, its numbers, code literals and multiple-choice letters, and which of
 * its words merely repeat the question.
 *
 * <p>Tokens are strings in one namespace: stemmed lower-case words ({@code "scatter"}), numbers as {@code "#42"},
 * code literals as {@code "`len(xs)"}, multiple-choice options as {@code "opt:b"}; a word under a negation cue is
 * {@code "¬word"}. Numbers are parsed from digits ({@code 300,000}, {@code .25}, {@code 4th}), from number words
 * ({@code forty-two}, {@code three hundred sixty-six}) and from month names ({@code July} is {@code #7}), so that
 * {@code "42"} and {@code "forty-two"}, {@code "20 July 1969"} and {@code "1969-07-20"} carry the same numbers.
 *
 * <p>Immutable and thread-safe.
 */
public final class AnswerAnalyzer {

    private static final Pattern TOKEN = Pattern.compile(String.join("|",
            "`(?<tick>[^`]+)`",
            // a call or an index expression, with an optional receiver: len(xs), a.equals(b), ''.join(reversed(s)),
            // O(log n), s[::-1]
            "(?<call>(?:'[^'\\s]*'|\"[^\"\\s]*\")?\\.?[A-Za-z_][\\w.]*(?:\\((?:[^()]|\\([^()]*\\))*\\)|\\[[^\\]\\s]*\\])"
                    + "(?:\\.[A-Za-z_]\\w*(?:\\((?:[^()]|\\([^()]*\\))*\\))?)*)",
            "(?<dotted>[A-Za-z_]\\w+(?:\\.[A-Za-z_]\\w+)+)",
            "(?<op>===|==|!=|<=|>=|&&|\\|\\||->|=>)",
            // math-ish: x^2, x^3/3, d/dx, m/s^2, 10^8, request/response
            "(?<math>[A-Za-z0-9_.]+(?:[\\^/][A-Za-z0-9_.]+)+)",
            "(?<date>\\d{4}-\\d{1,2}-\\d{1,2})",
            "(?<num>(?<![\\w.])(?:\\d{1,3}(?:,\\d{3})+|\\d+)?(?:\\.\\d+)?(?<=\\d)(?:st|nd|rd|th|%)?(?![\\w]))",
            "(?<deg>°\\s?[CF]\\b)",
            "(?<alnum>\\d+[A-Za-z]\\w*)",
            "(?<word>\\p{L}[\\p{L}\\p{M}\\p{N}]*(?:['’]\\p{L}+)?(?:-\\p{L}[\\p{L}\\p{M}\\p{N}]*)*)",
            "(?<stop>[.;:!?]|,(?!\\d{3}))"));

    private static final Pattern OPTION_MARK = Pattern.compile("(?:^|(?<=[\\s(]))\\(?([A-H])[).:](?=\\s)");

    private static final Set<String> STOPWORDS = Set.copyOf(List.of(("a an the and or but if then else of to in on at by for with "
            + "from into onto about as is are was were be been being am do does did done have has had having it its "
            + "it's this that these those there here what which who whom whose when where why how i me my we our us "
            + "you your he him his she her they them their one's than so such very just also too only really "
            + "answer answers correct final result option choice think believe say would will shall can could should "
            + "may might must probably likely approximately approx roughly around about exactly simply basically "
            + "actually indeed definitely certainly called known equal equals well let lets use using used please "
            + "sure yes ok okay").split(" ")));

    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "none", "nothing", "nobody", "neither",
            "nor");

    private static final Set<String> SCOPE_ENDS = Set.of("but", "because", "since", "so", "instead", "however",
            "although", "though", "while", "whereas", "rather", "unlike");

    private static final Set<String> YES_NO_OPENERS = Set.of("is", "are", "was", "were", "am", "do", "does", "did",
            "can", "could", "should", "would", "will", "shall", "has", "have", "had", "may", "might", "must");

    private static final Map<String, Integer> SMALL = new LinkedHashMap<>();
    private static final Map<String, Integer> TENS = new LinkedHashMap<>();
    private static final Map<String, Long> SCALES = Map.of("hundred", 100L, "thousand", 1_000L, "million", 1_000_000L,
            "billion", 1_000_000_000L);
    private static final Map<String, Integer> MONTHS = new LinkedHashMap<>();
    private static final Map<String, String> UNITS = Map.ofEntries(Map.entry("km", "kilometer"),
            Map.entry("kms", "kilometer"), Map.entry("m", "meter"), Map.entry("cm", "centimeter"),
            Map.entry("mm", "millimeter"), Map.entry("kg", "kilogram"), Map.entry("g", "gram"),
            Map.entry("s", "second"), Map.entry("sec", "second"), Map.entry("secs", "second"),
            Map.entry("min", "minute"), Map.entry("mins", "minute"), Map.entry("h", "hour"), Map.entry("hr", "hour"),
            Map.entry("hrs", "hour"), Map.entry("mi", "mile"), Map.entry("ft", "foot"), Map.entry("lb", "pound"),
            Map.entry("lbs", "pound"), Map.entry("c", "celsius"), Map.entry("f", "fahrenheit"),
            Map.entry("degree", "degree"));

    static {
        String[] small = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                + "fifteen sixteen seventeen eighteen nineteen").split(" ");
        for (int i = 0; i < small.length; i++) {
            SMALL.put(small[i], i);
        }
        String[] tens = "twenty thirty forty fifty sixty seventy eighty ninety".split(" ");
        for (int i = 0; i < tens.length; i++) {
            TENS.put(tens[i], 20 + 10 * i);
        }
        String[] months = ("january february march april may june july august september october november december")
                .split(" ");
        for (int i = 0; i < months.length; i++) {
            MONTHS.put(months[i], i + 1);
        }
    }

    /** A leading (or implied) yes/no of an answer to a yes/no question. */
    public enum Polarity {
        /** Says yes. */
        YES,
        /** Says no. */
        NO,
        /** Says neither, or the question is not a yes/no question. */
        NONE
    }

    /**
     * One answer, analysed relative to its question.
     *
     * @param text the answer text
     * @param tokens every content token, negated ones marked {@code "¬"}
     * @param core the answer-bearing tokens: {@link #tokens} less words that repeat the question (numbers, literals
     *     and options are always kept); when that leaves nothing, the question words the answer uses
     * @param asserted content tokens said positively, question words included
     * @param negated content tokens under a negation cue, question words included (unmarked)
     * @param numbers the numbers said positively
     * @param literals the code literals said positively
     * @param options the multiple-choice options chosen, by letter or by the option's text
     * @param polarity the answer's yes or no to a yes/no question
     * @param length the number of content tokens, repeats included
     */
    public record Analysis(String text, Set<String> tokens, Set<String> core, Set<String> asserted,
            Set<String> negated, Set<String> numbers, Set<String> literals, Set<String> options, Polarity polarity,
            int length) {

        /** Copies the sets. */
        public Analysis {
            tokens = Collections.unmodifiableSet(new LinkedHashSet<>(tokens));
            core = Collections.unmodifiableSet(new LinkedHashSet<>(core));
            asserted = Collections.unmodifiableSet(new LinkedHashSet<>(asserted));
            negated = Collections.unmodifiableSet(new LinkedHashSet<>(negated));
            numbers = Collections.unmodifiableSet(new LinkedHashSet<>(numbers));
            literals = Collections.unmodifiableSet(new LinkedHashSet<>(literals));
            options = Collections.unmodifiableSet(new LinkedHashSet<>(options));
        }
    }

    private final Set<String> questionWords;
    private final boolean yesNo;
    private final Map<String, Set<String>> optionTokens;

    /**
     * Returns an analyser for answers to {@code question}.
     *
     * @param question the question the answers reply to; may be empty
     */
    public AnswerAnalyzer(String question) {
        List<Tok> q = tokenize(question, Map.of());
        Set<String> words = new LinkedHashSet<>();
        for (Tok t : q) {
            if (t.kind == Kind.WORD && !STOPWORDS.contains(t.value) && !NEGATIONS.contains(t.value)) {
                words.add(t.value);
            }
        }
        this.questionWords = Collections.unmodifiableSet(words);
        String first = firstWord(question);
        this.yesNo = YES_NO_OPENERS.contains(first);
        this.optionTokens = parseOptions(question);
    }

    /** Returns the content words of the question (stemmed). */
    public Set<String> questionWords() {
        return questionWords;
    }

    /** Returns whether the question asks for a yes or a no (it opens with an auxiliary verb). */
    public boolean yesNoQuestion() {
        return yesNo;
    }

    /**
     * Analyses one answer.
     *
     * @param text the answer text
     * @return its analysis
     */
    public Analysis analyze(String text) {
        List<Tok> toks = tokenize(text, optionTokens);
        Set<String> tokens = new LinkedHashSet<>();
        Set<String> asserted = new LinkedHashSet<>();
        Set<String> negated = new LinkedHashSet<>();
        Set<String> numbers = new LinkedHashSet<>();
        Set<String> literals = new LinkedHashSet<>();
        Set<String> options = new LinkedHashSet<>();
        Polarity polarity = Polarity.NONE;
        boolean firstSentence = true;
        boolean sawContent = false;
        boolean firstNegation = false;
        boolean firstAssertsQuestion = false;
        int scope = 0;
        int length = 0;
        for (int i = 0; i < toks.size(); i++) {
            Tok t = toks.get(i);
            if (t.kind == Kind.STOP) {
                scope = 0;
                if (!t.value.equals(",") && sawContent) {
                    firstSentence = false;
                }
                continue;
            }
            if (t.kind == Kind.WORD) {
                String w = t.value;
                if (!sawContent && (w.equals("yes") || w.equals("no")) && polarity == Polarity.NONE) {
                    polarity = w.equals("yes") ? Polarity.YES : Polarity.NO;
                    sawContent = true;
                    continue;
                }
                if (NEGATIONS.contains(w)) {
                    scope = 3;
                    if (firstSentence) {
                        firstNegation = true;
                    }
                    sawContent = true;
                    continue;
                }
                if (SCOPE_ENDS.contains(w)) {
                    scope = 0;
                    continue;
                }
                if (STOPWORDS.contains(w)) {
                    continue;
                }
            }
            sawContent = true;
            length++;
            String token = t.token();
            if (scope > 0) {
                scope--;
                negated.add(token);
                tokens.add("¬" + token);
                continue;
            }
            asserted.add(token);
            tokens.add(token);
            if (firstSentence && t.kind == Kind.WORD && questionWords.contains(t.value)) {
                firstAssertsQuestion = true;
            }
            switch (t.kind) {
                case NUMBER -> numbers.add(token);
                case LITERAL -> literals.add(token);
                case OPTION -> options.add(token);
                default -> {
                }
            }
        }
        if (!optionTokens.isEmpty()) {
            for (Map.Entry<String, Set<String>> o : optionTokens.entrySet()) {
                if (!o.getValue().isEmpty() && asserted.containsAll(o.getValue())) {
                    String opt = "opt:" + o.getKey();
                    options.add(opt);
                    tokens.add(opt);
                    asserted.add(opt);
                }
            }
            // an option's text counts as its letter; its numbers are not numbers of their own
            for (String opt : options) {
                numbers.removeAll(optionTokens.getOrDefault(opt.substring(4), Set.of()));
            }
        }
        if (yesNo && polarity == Polarity.NONE) {
            if (firstNegation) {
                polarity = Polarity.NO;
            } else if (firstAssertsQuestion) {
                polarity = Polarity.YES;
            }
        }
        Set<String> core = new LinkedHashSet<>();
        Set<String> echoes = new LinkedHashSet<>();
        for (String token : tokens) {
            String plain = token.startsWith("¬") ? token.substring(1) : token;
            if (questionWords.contains(plain)) {
                echoes.add(token);
            } else if (!(optionTokens.isEmpty() ? false : isOptionWord(plain))) {
                core.add(token);
            }
        }
        if (core.isEmpty()) {
            core = echoes;
        }
        return new Analysis(text, tokens, core, asserted, negated, numbers, literals, options,
                yesNo ? polarity : Polarity.NONE, length);
    }

    private boolean isOptionWord(String token) {
        for (Set<String> o : optionTokens.values()) {
            if (o.contains(token)) {
                return !token.startsWith("opt:");
            }
        }
        return false;
    }

    // ----------------------------------------------------------------------------------------------------------
    // tokenising

    private enum Kind { WORD, NUMBER, LITERAL, OPTION, STOP }

    private record Tok(Kind kind, String value) {
        String token() {
            return switch (kind) {
                case NUMBER -> "#" + value;
                case LITERAL -> "`" + value;
                case OPTION -> "opt:" + value;
                default -> value;
            };
        }
    }

    private static String firstWord(String text) {
        Matcher m = Pattern.compile("\\p{L}+").matcher(text);
        return m.find() ? m.group().toLowerCase(Locale.ROOT) : "";
    }

    private static Map<String, Set<String>> parseOptions(String question) {
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
            return Map.of();
        }
        Map<String, Set<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < marks.size(); i++) {
            int end = i + 1 < marks.size() ? marks.get(i + 1)[0] : question.length();
            String optionText = question.substring(marks.get(i)[1], end);
            Set<String> toks = new LinkedHashSet<>();
            for (Tok t : tokenize(optionText, Map.of())) {
                if (t.kind != Kind.STOP && !(t.kind == Kind.WORD && STOPWORDS.contains(t.value))) {
                    toks.add(t.token());
                }
            }
            options.put(letters.get(i), Collections.unmodifiableSet(toks));
        }
        return Collections.unmodifiableMap(options);
    }

    private static List<Tok> tokenize(String raw, Map<String, Set<String>> options) {
        String text = raw.replace('’', '\'').replace('‘', '\'').replace('“', '"').replace('”', '"')
                .replace("²", "^2").replace("³", "^3").replace('×', ' ').replace('–', '-').replace('—', ' ');
        List<Tok> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            if (m.group("tick") != null) {
                String inner = m.group("tick").strip();
                List<Tok> sub = tokenize(inner, Map.of());
                if (sub.size() == 1 && sub.get(0).kind != Kind.WORD) {
                    out.add(sub.get(0));
                } else {
                    out.add(new Tok(Kind.LITERAL, literal(inner)));
                }
            } else if (m.group("call") != null) {
                String call = m.group("call");
                if (call.matches("[A-Za-z]+\\.")) {
                    out.add(word(call.substring(0, call.length() - 1)));
                } else {
                    out.add(new Tok(Kind.LITERAL, literal(call)));
                }
            } else if (m.group("dotted") != null || m.group("op") != null || m.group("math") != null) {
                String lit = m.group("dotted") != null ? m.group("dotted")
                        : m.group("op") != null ? m.group("op") : m.group("math");
                if (lit.matches("\\d+(?:\\.\\d+)?")) {
                    out.add(new Tok(Kind.NUMBER, number(lit)));
                } else {
                    out.add(new Tok(Kind.LITERAL, literal(lit)));
                }
            } else if (m.group("date") != null) {
                for (String part : m.group("date").split("-")) {
                    out.add(new Tok(Kind.NUMBER, number(part)));
                }
            } else if (m.group("num") != null) {
                out.add(new Tok(Kind.NUMBER, number(m.group("num"))));
            } else if (m.group("deg") != null) {
                String u = m.group("deg").substring(m.group("deg").length() - 1);
                out.add(new Tok(Kind.WORD, u.equals("C") ? "celsius" : "fahrenheit"));
            } else if (m.group("alnum") != null) {
                out.add(new Tok(Kind.LITERAL, m.group("alnum").toLowerCase(Locale.ROOT)));
            } else if (m.group("word") != null) {
                words(m.group("word"), m.end() < text.length() ? text.substring(m.end()) : "", out, options);
            } else {
                out.add(new Tok(Kind.STOP, m.group("stop")));
            }
        }
        return numbersAndUnits(out);
    }

    private static String literal(String s) {
        String lit = s.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
        while (lit.endsWith(".") || lit.endsWith(",") || lit.endsWith(";")) {
            lit = lit.substring(0, lit.length() - 1);
        }
        return lit;
    }

    private static String number(String s) {
        String d = s.replace(",", "").replace("%", "").replaceAll("(st|nd|rd|th)$", "");
        try {
            return new BigDecimal(d).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return d;
        }
    }

    private static void words(String w, String rest, List<Tok> out, Map<String, Set<String>> options) {
        if (w.length() == 1 && Character.isUpperCase(w.charAt(0)) && !options.isEmpty()
                && options.containsKey(w.toLowerCase(Locale.ROOT))) {
            // an option letter unless it is the article "A" before a word
            boolean article = w.equals("A") && rest.matches("(?s)\\s+\\p{Ll}.*");
            if (!article) {
                out.add(new Tok(Kind.OPTION, w.toLowerCase(Locale.ROOT)));
                return;
            }
        }
        String lower = w.toLowerCase(Locale.ROOT);
        int apo = lower.indexOf('\'');
        if (apo >= 0) {
            String head = lower.substring(0, apo);
            String tail = lower.substring(apo + 1);
            if (tail.equals("t") && head.endsWith("n")) {
                String base = head.equals("won") ? "will" : head.equals("can") ? "can"
                        : head.substring(0, head.length() - 1);
                out.add(word(base));
                out.add(new Tok(Kind.WORD, "not"));
                return;
            }
            if (Set.of("s", "re", "ll", "d", "ve", "m").contains(tail)) {
                lower = head;
                w = w.substring(0, apo);
            } else {
                lower = lower.replace("'", "");
            }
        }
        if (lower.equals("cannot")) {
            out.add(word("can"));
            out.add(new Tok(Kind.WORD, "not"));
            return;
        }
        if (MONTHS.containsKey(lower)) {
            boolean ambiguous = lower.equals("may") || lower.equals("march");
            if (!ambiguous || Character.isUpperCase(w.charAt(0))) {
                out.add(new Tok(Kind.NUMBER, Integer.toString(MONTHS.get(lower))));
                return;
            }
        }
        for (String part : lower.split("-")) {
            if (!part.isEmpty()) {
                out.add(word(part));
            }
        }
    }

    private static Tok word(String lower) {
        return new Tok(Kind.WORD, stem(lower.toLowerCase(Locale.ROOT)));
    }

    /** Folds number words into numbers and unit abbreviations after a number into unit words. */
    private static List<Tok> numbersAndUnits(List<Tok> in) {
        List<Tok> out = new ArrayList<>(in.size());
        int i = 0;
        while (i < in.size()) {
            Tok t = in.get(i);
            if (t.kind == Kind.WORD && isNumberWord(t.value)) {
                long total = 0;
                long current = 0;
                int j = i;
                boolean any = false;
                while (j < in.size() && in.get(j).kind == Kind.WORD) {
                    String v = in.get(j).value;
                    if (SMALL.containsKey(v)) {
                        current += SMALL.get(v);
                    } else if (TENS.containsKey(v)) {
                        current += TENS.get(v);
                    } else if (v.equals("hundred")) {
                        current = Math.max(current, 1) * 100;
                    } else if (SCALES.containsKey(v)) {
                        total += Math.max(current, 1) * SCALES.get(v);
                        current = 0;
                    } else if (v.equals("and") && any && j + 1 < in.size() && in.get(j + 1).kind == Kind.WORD
                            && isNumberWord(in.get(j + 1).value)) {
                        j++;
                        continue;
                    } else {
                        break;
                    }
                    any = true;
                    j++;
                }
                out.add(new Tok(Kind.NUMBER, Long.toString(total + current)));
                i = j;
                continue;
            }
            if (t.kind == Kind.WORD && !out.isEmpty() && out.get(out.size() - 1).kind == Kind.NUMBER
                    && UNITS.containsKey(t.value)) {
                out.add(new Tok(Kind.WORD, stem(UNITS.get(t.value))));
            } else {
                out.add(t);
            }
            i++;
        }
        return out;
    }

    private static boolean isNumberWord(String w) {
        return SMALL.containsKey(w) || TENS.containsKey(w) || w.equals("hundred") || SCALES.containsKey(w);
    }

    /**
     * A light English stemmer: British to American spelling of a few endings, plurals, {@code -ing} and {@code -ed}
     * on longer words.
     */
    static String stem(String w) {
        String s = w;
        if (s.length() >= 6 && s.endsWith("our")) {
            s = s.substring(0, s.length() - 3) + "or";
        } else if (s.length() >= 5 && s.endsWith("tre")) {
            s = s.substring(0, s.length() - 3) + "ter";
        } else if (s.length() >= 7 && s.endsWith("tres")) {
            s = s.substring(0, s.length() - 4) + "ters";
        } else if (s.length() >= 7 && s.endsWith("ours")) {
            s = s.substring(0, s.length() - 4) + "ors";
        }
        if (s.length() > 4 && s.endsWith("ies")) {
            s = s.substring(0, s.length() - 3) + "y";
        } else if (s.length() > 4 && (s.endsWith("ches") || s.endsWith("shes") || s.endsWith("xes")
                || s.endsWith("sses") || s.endsWith("oes"))) {
            s = s.substring(0, s.length() - 2);
        } else if (s.length() > 3 && s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us")
                && !s.endsWith("is")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.length() >= 7 && s.endsWith("ing")) {
            s = undouble(s.substring(0, s.length() - 3));
        } else if (s.length() >= 6 && s.endsWith("ed") && !s.endsWith("eed")) {
            s = undouble(s.substring(0, s.length() - 2));
        }
        return s;
    }

    private static String undouble(String s) {
        int n = s.length();
        if (n >= 4 && s.charAt(n - 1) == s.charAt(n - 2) && "bdgmnprt".indexOf(s.charAt(n - 1)) >= 0) {
            return s.substring(0, n - 1);
        }
        if (n >= 3 && (s.endsWith("at") || s.endsWith("iz") || s.endsWith("bl"))) {
            return s + "e";
        }
        return s;
    }
}

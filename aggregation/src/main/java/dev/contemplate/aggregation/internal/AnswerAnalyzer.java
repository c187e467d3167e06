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

    private static final Pattern ANSWER_PHRASE = Pattern.compile("\\banswer\\s*(?:is\\b|:)",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern OPTION_MARK = Pattern.compile("(?:^|(?<=[\\s(]))\\(?([A-H])[).:](?=\\s)");

    private static final Set<String> STOPWORDS = Set.of(("a an the and or but if then else of to in on at by for "
            + "with from into onto about as is are was were be been being am do does did done have has had having it "
            + "its this that these those there here what which who whom whose when where why how i me my we our us "
            + "you your he him his she her they them their than so such very just also too only really answer "
            + "answers correct final result option choice think believe say would will shall can could should may "
            + "might must probably likely approximately approx roughly around exactly simply basically actually "
            + "indeed definitely certainly called known equal equals well let lets use using used please degree yes "
            + "ok okay").split(" "));

    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "none", "nothing", "nobody", "neither",
            "nor");

    private static final Set<String> SCOPE_ENDS = Set.of("but", "because", "since", "so", "instead", "however",
            "although", "though", "while", "whereas", "rather", "unlike");

    private static final Set<String> YES_NO_OPENERS = Set.of("is", "are", "was", "were", "am", "do", "does", "did",
            "can", "could", "should", "would", "will", "shall", "has", "have", "had", "may", "might", "must");

    private static final Map<String, Integer> SMALL = indexed(0, 1, "zero one two three four five six seven eight "
            + "nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen");
    private static final Map<String, Integer> TENS = indexed(20, 10,
            "twenty thirty forty fifty sixty seventy eighty ninety");
    private static final Map<String, Long> SCALES = Map.of("hundred", 100L, "thousand", 1_000L, "million", 1_000_000L,
            "billion", 1_000_000_000L);
    private static final Map<String, Integer> MONTHS = indexed(1, 1,
            "january february march april may june july august september october november december");
    /** Unit words and abbreviations (stemmed) that bind to a number right before them, to their canonical unit. */
    private static final Map<String, String> UNITS = Map.ofEntries(Map.entry("km", "kilometer"),
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

    private static final Pattern FIRST_WORD = Pattern.compile("\\p{L}+");
    private static final Pattern OR = Pattern.compile("\\bor\\b", Pattern.CASE_INSENSITIVE);

    /** Maps the i-th of the space-separated {@code words} to {@code first + i * step}. */
    private static Map<String, Integer> indexed(int first, int step, String words) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String w : words.split(" ")) {
            m.put(w, first + m.size() * step);
        }
        return Collections.unmodifiableMap(m);
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
     * @param text the analysed text
     * @param tokens every token the answer mentions: words (negated ones marked {@code "¬"}), numbers, literals and
     *     options
     * @param core the answer-bearing words: the words less those that repeat the question; when the answer has no
     *     such word and no number, literal or option, the question words it uses
     * @param proper the words of {@link #core} written as proper nouns (capitalised other than at a sentence start,
     *     or next to another capitalised word)
     * @param asserted the tokens said positively, question words included
     * @param negated the tokens under a negation cue, question words included (unmarked)
     * @param numbers the numbers said positively, as {@code "#value"} or {@code "#value unit"}
     * @param literals the code literals said positively
     * @param options the multiple-choice options chosen, by letter or by the option's text
     * @param polarity the answer's yes or no to a yes/no question
     * @param length the number of content tokens, repeats included
     * @param coreText the answer-bearing words in order, as written (the text less stopwords and question words)
     * @param surfaces each token's words as written (unstemmed), for embedding a set of tokens as a phrase
     */
    public record Analysis(String text, Set<String> tokens, Set<String> core, Set<String> proper,
            Set<String> asserted, Set<String> negated, Set<String> numbers, Set<String> literals, Set<String> options,
            Polarity polarity, int length, String coreText, Map<String, String> surfaces) {

        /** Copies the collections. */
        public Analysis {
            tokens = Collections.unmodifiableSet(new LinkedHashSet<>(tokens));
            core = Collections.unmodifiableSet(new LinkedHashSet<>(core));
            proper = Collections.unmodifiableSet(new LinkedHashSet<>(proper));
            asserted = Collections.unmodifiableSet(new LinkedHashSet<>(asserted));
            negated = Collections.unmodifiableSet(new LinkedHashSet<>(negated));
            numbers = Collections.unmodifiableSet(new LinkedHashSet<>(numbers));
            literals = Collections.unmodifiableSet(new LinkedHashSet<>(literals));
            options = Collections.unmodifiableSet(new LinkedHashSet<>(options));
            surfaces = Collections.unmodifiableMap(new LinkedHashMap<>(surfaces));
        }

        /** Returns {@code tokenSet} as a phrase of their words as written, in the order given. */
        public String phrase(Set<String> tokenSet) {
            StringBuilder b = new StringBuilder();
            for (String t : tokenSet) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(surfaces.getOrDefault(t, t));
            }
            return b.toString();
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
        Set<String> words = new LinkedHashSet<>();
        for (Tok t : tokenize(question, Map.of())) {
            if (t.kind == Kind.WORD && !STOPWORDS.contains(t.value) && !NEGATIONS.contains(t.value)) {
                words.add(t.value);
            }
        }
        this.questionWords = Collections.unmodifiableSet(words);
        this.yesNo = YES_NO_OPENERS.contains(firstWord(question))
                && !OR.matcher(question).find();
        this.optionTokens = parseOptions(question);
    }

    /**
     * Returns the part of {@code text} that states the answer: what follows the last "answer is" / "answer:" phrase
     * (case-insensitive), the convention of the project's extractors, so that a chain of reasoning before it is left
     * out; the whole text when there is no such phrase or nothing follows it.
     */
    public static String answerPart(String text) {
        Matcher m = ANSWER_PHRASE.matcher(text);
        int end = -1;
        while (m.find()) {
            end = m.end();
        }
        if (end < 0) {
            return text;
        }
        String rest = text.substring(end);
        return rest.chars().anyMatch(Character::isLetterOrDigit) ? rest : text;
    }

    /** Returns the content words of the question (stemmed). */
    public Set<String> questionWords() {
        return questionWords;
    }

    /** Returns whether the question asks for a yes or a no (it opens with an auxiliary verb and offers no "or"). */
    public boolean yesNoQuestion() {
        return yesNo;
    }

    /**
     * Returns whether two stemmed words count as the same word: equal, one a prefix of the other of at least five
     * letters that is not a comparative ({@code mount} and {@code mountain}, not {@code dense} and {@code denser}),
     * or both at least seven letters long with a common prefix of six ({@code gravity} and {@code gravitational}).
     */
    public static boolean sameWord(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        if (a.startsWith("¬") != b.startsWith("¬") || a.startsWith("#") || b.startsWith("#") || a.startsWith("`")
                || b.startsWith("`") || a.startsWith("opt:") || b.startsWith("opt:")) {
            return false;
        }
        String s = a.length() <= b.length() ? a : b;
        String l = a.length() <= b.length() ? b : a;
        if (s.length() >= 5 && l.startsWith(s)) {
            String rest = l.substring(s.length());
            return !(rest.equals("r") || rest.equals("er") || rest.equals("st") || rest.equals("est"));
        }
        if (s.length() >= 7) {
            int p = 0;
            while (p < s.length() && s.charAt(p) == l.charAt(p)) {
                p++;
            }
            return p >= 6;
        }
        return false;
    }

    private boolean echoesQuestion(String word) {
        if (questionWords.contains(word)) {
            return true;
        }
        for (String q : questionWords) {
            if (sameWord(q, word)) {
                return true;
            }
        }
        return false;
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
        Set<String> words = new LinkedHashSet<>();
        Set<String> properWords = new LinkedHashSet<>();
        Set<String> asserted = new LinkedHashSet<>();
        Set<String> negated = new LinkedHashSet<>();
        Set<String> numbers = new LinkedHashSet<>();
        Set<String> literals = new LinkedHashSet<>();
        Set<String> options = new LinkedHashSet<>();
        Map<String, String> surfaces = new LinkedHashMap<>();
        StringBuilder coreText = new StringBuilder();
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
                    firstNegation |= firstSentence;
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
            boolean neg = scope > 0;
            if (neg) {
                scope--;
                negated.add(token);
                token = "¬" + token;
                surfaces.putIfAbsent(token, "not " + t.surface);
            } else {
                asserted.add(token);
                surfaces.putIfAbsent(token, t.surface);
            }
            tokens.add(token);
            switch (t.kind) {
                case WORD -> {
                    boolean echo = echoesQuestion(t.value);
                    if (!neg && firstSentence && echo) {
                        firstAssertsQuestion = true;
                    }
                    if (!echo && !isOptionWord(t.value)) {
                        words.add(token);
                        if (isProper(toks, i)) {
                            properWords.add(token);
                        }
                        coreText.append(coreText.length() == 0 ? "" : " ").append(surfaces.get(token));
                    }
                }
                case NUMBER -> {
                    if (!neg) {
                        numbers.add(token);
                    }
                    coreText.append(coreText.length() == 0 ? "" : " ").append(surfaces.get(token));
                }
                case LITERAL -> {
                    if (!neg) {
                        literals.add(token);
                    }
                    coreText.append(coreText.length() == 0 ? "" : " ").append(surfaces.get(token));
                }
                case OPTION -> {
                    if (!neg) {
                        options.add(token);
                    }
                }
                default -> {
                }
            }
        }
        if (!optionTokens.isEmpty()) {
            for (Map.Entry<String, Set<String>> o : optionTokens.entrySet()) {
                if (!o.getValue().isEmpty() && asserted.containsAll(o.getValue())) {
                    String opt = "opt:" + o.getKey();
                    surfaces.putIfAbsent(opt, "option " + o.getKey());
                    options.add(opt);
                    tokens.add(opt);
                    asserted.add(opt);
                }
            }
            // an option's text counts as its letter; its numbers are not numbers of their own
            for (String opt : options) {
                for (String n : optionTokens.getOrDefault(opt.substring(4), Set.of())) {
                    numbers.removeIf(x -> x.equals(n) || x.startsWith(n + " "));
                }
            }
        }
        if (yesNo && polarity == Polarity.NONE) {
            if (firstNegation) {
                polarity = Polarity.NO;
            } else if (firstAssertsQuestion) {
                polarity = Polarity.YES;
            }
        }
        Set<String> core = words;
        if (core.isEmpty() && numbers.isEmpty() && literals.isEmpty() && options.isEmpty()) {
            core = new LinkedHashSet<>();
            for (String token : tokens) {
                String plain = token.startsWith("¬") ? token.substring(1) : token;
                if (!plain.startsWith("#") && !plain.startsWith("`") && !plain.startsWith("opt:")) {
                    core.add(token);
                }
            }
            for (int i = 0; i < toks.size(); i++) {
                if (toks.get(i).kind == Kind.WORD && core.contains(toks.get(i).value) && isProper(toks, i)) {
                    properWords.add(toks.get(i).value);
                }
            }
            coreText.append(String.join(" ", core.stream().map(c -> surfaces.getOrDefault(c, c)).toList()));
        }
        return new Analysis(text, tokens, core, properWords, asserted, negated, numbers, literals, options,
                yesNo ? polarity : Polarity.NONE, length, coreText.toString(), surfaces);
    }

    /** A capitalised word not at a sentence start, or next to another capitalised word. */
    private static boolean isProper(List<Tok> toks, int i) {
        Tok t = toks.get(i);
        if (!t.capitalised) {
            return false;
        }
        if (!t.sentenceStart) {
            return true;
        }
        return i + 1 < toks.size() && toks.get(i + 1).kind == Kind.WORD && toks.get(i + 1).capitalised;
    }

    private boolean isOptionWord(String token) {
        for (Set<String> o : optionTokens.values()) {
            if (o.contains(token)) {
                return true;
            }
        }
        return false;
    }

    // ----------------------------------------------------------------------------------------------------------
    // tokenising

    private enum Kind { WORD, NUMBER, LITERAL, OPTION, STOP }

    /** A token: its kind, canonical value, words as written, and for words their capitalisation and position. */
    private record Tok(Kind kind, String value, String surface, boolean capitalised, boolean sentenceStart) {
        Tok(Kind kind, String value) {
            this(kind, value, value, false, false);
        }

        Tok(Kind kind, String value, String surface) {
            this(kind, value, surface, false, false);
        }

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

    private static String firstWord(String text) {
        Matcher m = FIRST_WORD.matcher(text);
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
            Set<String> toks = new LinkedHashSet<>();
            for (Tok t : tokenize(question.substring(marks.get(i)[1], end), Map.of())) {
                if (t.kind != Kind.STOP && !(t.kind == Kind.WORD && STOPWORDS.contains(t.value))) {
                    toks.add(t.token());
                }
            }
            options.put(letters.get(i), Collections.unmodifiableSet(toks));
        }
        return Collections.unmodifiableMap(options);
    }

    private static List<Tok> tokenize(String raw, Map<String, Set<String>> options) {
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
        List<Tok> folded = numbersAndUnits(out);
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
            lower = Set.of("s", "re", "ll", "d", "ve", "m").contains(tail) ? head : lower.replace("'", "");
        }
        if (lower.equals("cannot")) {
            out.add(word("can", cap));
            out.add(new Tok(Kind.WORD, "not"));
            return;
        }
        if (MONTHS.containsKey(lower) && (cap || !(lower.equals("may") || lower.equals("march")))) {
            out.add(new Tok(Kind.NUMBER, Integer.toString(MONTHS.get(lower)), lower));
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
        return new Tok(Kind.WORD, stem(l), l, capitalised, false);
    }

    /**
     * Folds number words into numbers, and binds a unit written right after a number (or after "degrees") to it:
     * {@code 8 minutes} is the number {@code "8 minute"}, {@code 100 °C} is {@code "100 celsius"}.
     */
    private static List<Tok> numbersAndUnits(List<Tok> in) {
        List<Tok> out = new ArrayList<>(in.size());
        int i = 0;
        while (i < in.size()) {
            Tok t = in.get(i);
            if (t.kind == Kind.WORD && isNumberWord(t.value)) {
                long total = 0;
                long current = 0;
                int j = i;
                StringBuilder surface = new StringBuilder();
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
                    } else if (v.equals("and") && j > i && j + 1 < in.size() && in.get(j + 1).kind == Kind.WORD
                            && isNumberWord(in.get(j + 1).value)) {
                        j++;
                        continue;
                    } else {
                        break;
                    }
                    surface.append(surface.length() == 0 ? "" : " ").append(in.get(j).surface);
                    j++;
                }
                out.add(new Tok(Kind.NUMBER, Long.toString(total + current), surface.toString()));
                i = j;
                continue;
            }
            if (t.kind == Kind.NUMBER && !t.value.contains(" ")) {
                int j = i + 1;
                if (j < in.size() && in.get(j).kind == Kind.WORD && in.get(j).value.equals("degree")) {
                    j++;
                }
                if (j < in.size() && in.get(j).kind == Kind.WORD && UNITS.containsKey(in.get(j).value)) {
                    String unit = UNITS.get(in.get(j).value);
                    out.add(new Tok(Kind.NUMBER, t.value + " " + unit, t.surface + " " + in.get(j).surface));
                    i = j + 1;
                    continue;
                }
            }
            out.add(t);
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
        if (isNumberWord(w)) {
            return w;
        }
        String s = w;
        if (s.length() > 4 && s.endsWith("ies")) {
            s = s.substring(0, s.length() - 3) + "y";
        } else if (s.length() > 4 && (s.endsWith("ches") || s.endsWith("shes") || s.endsWith("xes")
                || s.endsWith("sses") || s.endsWith("oes"))) {
            s = s.substring(0, s.length() - 2);
        } else if (s.length() > 3 && s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us")
                && !s.endsWith("is")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.length() >= 6 && s.endsWith("our")) {
            s = s.substring(0, s.length() - 3) + "or";
        } else if (s.length() >= 5 && s.endsWith("tre")) {
            s = s.substring(0, s.length() - 3) + "ter";
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

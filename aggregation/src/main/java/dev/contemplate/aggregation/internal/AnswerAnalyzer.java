package dev.contemplate.aggregation.internal;

import dev.contemplate.aggregation.internal.Analysis.Polarity;
import dev.contemplate.aggregation.internal.AnswerTokenizer.Kind;
import dev.contemplate.aggregation.internal.AnswerTokenizer.Tok;
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
 * Turns an answer text into the sets of tokens ({@link Analysis}) that {@link SameAnswerRule} compares, relative to
 * one question: which content words it asserts and which it negates, its numbers, code literals and multiple-choice
 * letters, and which of its words merely repeat the question; knows the question's words and whether it asks for a
 * yes or a no.
 *
 * <p>Tokens are strings in one namespace: stemmed lower-case words ({@code "scatter"}), numbers as {@code "#42"},
 * code literals as {@code "`len(xs)"}, multiple-choice options as {@code "opt:b"}; a word under a negation cue is
 * {@code "¬word"}. Numbers are parsed from digits ({@code 300,000}, {@code .25}, {@code 4th}), from number words
 * ({@code forty-two}, {@code three hundred sixty-six}, {@code nineteen sixty-nine}; {@link NumberWords}) and from month
 * names ({@code July} is {@code #7}), so that {@code "42"} and {@code "forty-two"}, {@code "20 July 1969"} and
 * {@code "1969-07-20"} carry the same numbers. {@link AnswerTokenizer} splits the text, {@link Stemmer} stems its
 * words, {@link MultipleChoice} reads the question's options.
 *
 * <p>Immutable and thread-safe.
 */
final class AnswerAnalyzer {

    private static final Pattern ANSWER_PHRASE = Pattern.compile("\\banswer\\s*(?:is\\b|:)",
            Pattern.CASE_INSENSITIVE);

    /** Words that carry no answer: articles, auxiliaries, pronouns, hedges, answer phrasing. */
    static final Set<String> STOPWORDS = Set.of(("a an the and or but if then else of to in on at by for "
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

    private static final Pattern FIRST_WORD = Pattern.compile("\\p{L}+");
    private static final Pattern OR = Pattern.compile("\\bor\\b", Pattern.CASE_INSENSITIVE);

    private final Set<String> questionWords;
    private final boolean yesNo;
    private final MultipleChoice choice;

    /**
     * Returns an analyser for answers to {@code question}.
     *
     * @param question the question the answers reply to; may be empty
     */
    AnswerAnalyzer(String question) {
        Set<String> words = new LinkedHashSet<>();
        for (Tok t : AnswerTokenizer.tokenize(question, Map.of())) {
            if (t.kind() == Kind.WORD && !STOPWORDS.contains(t.value()) && !NEGATIONS.contains(t.value())) {
                words.add(t.value());
            }
        }
        this.questionWords = Collections.unmodifiableSet(words);
        this.yesNo = YES_NO_OPENERS.contains(firstWord(question))
                && !OR.matcher(question).find();
        this.choice = MultipleChoice.of(question);
    }

    /**
     * Returns the part of {@code text} that states the answer: what follows the last "answer is" / "answer:" phrase
     * (case-insensitive), the convention of the project's extractors, so that a chain of reasoning before it is left
     * out; the whole text when there is no such phrase or nothing follows it.
     */
    static String answerPart(String text) {
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
    Set<String> questionWords() {
        return questionWords;
    }

    /** Returns whether the question asks for a yes or a no (it opens with an auxiliary verb and offers no "or"). */
    boolean yesNoQuestion() {
        return yesNo;
    }


    private boolean echoesQuestion(String word) {
        if (questionWords.contains(word)) {
            return true;
        }
        for (String q : questionWords) {
            if (Stemmer.sameWord(q, word)) {
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
    Analysis analyze(String text) {
        Map<String, Set<String>> optionTokens = choice.options();
        List<Tok> toks = AnswerTokenizer.tokenize(text, optionTokens);
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
            if (t.kind() == Kind.STOP) {
                scope = 0;
                if (!t.value().equals(",") && sawContent) {
                    firstSentence = false;
                }
                continue;
            }
            if (t.kind() == Kind.WORD) {
                String w = t.value();
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
                surfaces.putIfAbsent(token, "not " + t.surface());
            } else {
                asserted.add(token);
                surfaces.putIfAbsent(token, t.surface());
            }
            tokens.add(token);
            switch (t.kind()) {
                case WORD -> {
                    boolean echo = echoesQuestion(t.value());
                    if (!neg && firstSentence && echo) {
                        firstAssertsQuestion = true;
                    }
                    if (!echo && !choice.isOptionWord(t.value())) {
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
                if (toks.get(i).kind() == Kind.WORD && core.contains(toks.get(i).value()) && isProper(toks, i)) {
                    properWords.add(toks.get(i).value());
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
        if (!t.capitalised()) {
            return false;
        }
        if (!t.sentenceStart()) {
            return true;
        }
        return i + 1 < toks.size() && toks.get(i + 1).kind() == Kind.WORD && toks.get(i + 1).capitalised();
    }

    private static String firstWord(String text) {
        Matcher m = FIRST_WORD.matcher(text);
        return m.find() ? m.group().toLowerCase(Locale.ROOT) : "";
    }
}

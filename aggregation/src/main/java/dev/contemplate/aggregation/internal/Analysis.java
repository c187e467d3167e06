package dev.contemplate.aggregation.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One answer, analysed relative to its question by {@link AnswerAnalyzer}. Immutable.
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
record Analysis(String text, Set<String> tokens, Set<String> core, Set<String> proper,
        Set<String> asserted, Set<String> negated, Set<String> numbers, Set<String> literals, Set<String> options,
        Polarity polarity, int length, String coreText, Map<String, String> surfaces) {

    /** Copies the collections. */
    Analysis {
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
    String phrase(Set<String> tokenSet) {
        StringBuilder b = new StringBuilder();
        for (String t : tokenSet) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(surfaces.getOrDefault(t, t));
        }
        return b.toString();
    }

    /** A leading (or implied) yes/no of an answer to a yes/no question. */
    enum Polarity {
        /** Says yes. */
        YES,
        /** Says no. */
        NO,
        /** Says neither, or the question is not a yes/no question. */
        NONE
    }
}

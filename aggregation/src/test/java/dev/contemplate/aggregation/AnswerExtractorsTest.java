package dev.contemplate.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AnswerExtractorsTest {

    /** The key {@code extractor} finds in {@code text}, "" for none. */
    private static String key(AnswerExtractor extractor, String text) {
        return extractor.extract(text).map(Answer::key).orElse("");
    }

    @Nested
    class Numeric {

        static Stream<Arguments> cases() {
            return Stream.of(
                    // plain numbers and their normal forms
                    arguments("42", "42"),
                    arguments("-3", "-3"),
                    arguments("+5", "5"),
                    arguments("\u22123", "-3"),
                    arguments("0.50", "0.5"),
                    arguments(".5", "0.5"),
                    arguments("5.0", "5"),
                    arguments("007", "7"),
                    arguments("-0.0", "0"),
                    arguments("1,234", "1234"),
                    arguments("1,234,567.890", "1234567.89"),
                    arguments("$1,000.00", "1000"),
                    arguments("-$5", "-5"),
                    arguments("50%", "50"),
                    arguments("It costs 42.", "42"),
                    // fractions: a finite decimal is keyed as that decimal, otherwise p/q reduced
                    arguments("3/4", "0.75"),
                    arguments("6/8", "0.75"),
                    arguments("0.75", "0.75"),
                    arguments("-6/8", "-0.75"),
                    arguments("4/2", "2"),
                    arguments("2/6", "1/3"),
                    arguments("-10/15", "-2/3"),
                    arguments("1.5/3", "0.5"),
                    arguments("0/7", "0"),
                    arguments("3/0", ""),
                    // GSM8K marker beats everything, last one wins
                    arguments("She has 3 apples and buys 4.\n#### 7", "7"),
                    arguments("#### 1,234", "1234"),
                    arguments("#### 5\nThe answer is 6. \\boxed{8}", "5"),
                    arguments("#### 5\n#### 6\n7", "6"),
                    // the demo model's chain: #N at the end
                    arguments("+054+39=+093;+093-25=+068;+068+73=+141;#141", "141"),
                    arguments("-005+09=+004;#4", "4"),
                    arguments("Q:54+39-25+73=?\nL:+054+39=+093;+093-25=+068;+068+73=+141;#141", "141"),
                    // \boxed: last one, first number after its last '='
                    arguments("\\boxed{42}", "42"),
                    arguments("first \\boxed{41}, finally \\boxed{42}. So 43 is wrong.", "42"),
                    arguments("The answer is 7, i.e. $\\boxed{8}$", "8"),
                    arguments("\\boxed{x = 5}", "5"),
                    arguments("\\boxed{5 \\text{ cm}^2}", "5"),
                    arguments("\\boxed{1{,}000}", "1000"),
                    arguments("\\boxed{\\frac{3}{4}}", "0.75"),
                    arguments("\\boxed{-\\dfrac{1}{3}}", "-1/3"),
                    arguments("\\boxed{\\tfrac34}", "0.75"),
                    arguments("\\boxed{\\text{none}} but 9", "9"),
                    // answer phrases: the last one followed by a number, the first number after it
                    arguments("the answer is 42", "42"),
                    arguments("Answer: 42", "42"),
                    arguments("**Answer:** 42", "42"),
                    arguments("THE ANSWER IS 12 apples, not 13.", "12"),
                    arguments("the answer is -3", "-3"),
                    arguments("5 - 8 = -3, so the answer is -3.", "-3"),
                    arguments("The answer is 3. Checking: 3 + 4 = 7.", "3"),
                    arguments("The answer is 3. Wait, the answer is 5!", "5"),
                    arguments("The answer is 5. The answer is unclear.", "5"),
                    arguments("The answer is:\n\n$1,000.00.", "1000"),
                    arguments("The final answer is 3/4", "0.75"),
                    arguments("answers: 1, 2, 3", "3"),
                    // a phrase after words that hold "answer" but are not it
                    arguments("My nonanswer was 3; the answer is 4.", "4"),
                    arguments("Answers vary: 2 or 6. Answer = 5", "5"),
                    arguments("Ticket #12 says 7, but the ANSWER IS 9", "9"),
                    // otherwise the last number
                    arguments("3 + 4 = 7", "7"),
                    arguments("We get 10 then 20 then 30.", "30"),
                    arguments("5-3", "3"),
                    arguments("x-3", "3"),
                    arguments("(-3)", "-3"),
                    arguments("1,2345", "2345"),
                    arguments("3,4,5", "5"),
                    arguments("version 1.2.3", "3"),
                    arguments("12/25/2023", "2023"),
                    // no number
                    arguments("", ""),
                    arguments("I do not know.", ""),
                    arguments("#### none", ""));
        }

        @ParameterizedTest(name = "[{index}] {0} -> {1}")
        @MethodSource("cases")
        void extractsTheNormalisedNumber(String text, String expected) {
            assertThat(key(AnswerExtractors.numeric(), text)).isEqualTo(expected);
        }

        @Test
        void keepsTheNumberAsWrittenForDisplay() {
            assertThat(AnswerExtractors.numeric().extract("Total: $1,000.00.")).contains(new Answer("1000", "$1,000.00"));
        }

        @Test
        void equalValuesWrittenDifferentlyShareAKey() {
            AnswerExtractor n = AnswerExtractors.numeric();
            assertThat(Stream.of("0.75", "3/4", "6/8", "\\boxed{\\frac{3}{4}}", "#### .750").map(t -> key(n, t)))
                    .containsOnly("0.75");
        }
    }

    @Nested
    class Choice {

        static Stream<Arguments> cases() {
            return Stream.of(
                    arguments("(B)", "B"),
                    arguments("(b)", "B"),
                    arguments("B", "B"),
                    arguments("Answer: C", "C"),
                    arguments("answer: c", "C"),
                    arguments("The answer is (d)", "D"),
                    arguments("The answer is D because it fits.", "D"),
                    arguments("the answer is e.", "E"),
                    arguments("The answer is **A**.", "A"),
                    arguments("B. Because the others are wrong.", "B"),
                    arguments("C) it is", "C"),
                    arguments("After comparing, I pick B.", "B"),
                    arguments("Options (A) and (C) fail; so (E).", "E"),
                    arguments("I first thought (A), then (C) seemed right, but it is unclear", "C"),
                    arguments("The answer is a bit tricky: B", "B"),
                    arguments("The answer is (A). Let me double-check (C) too.", "A"),
                    // not a choice
                    arguments("A cat sat on the mat", ""),
                    arguments("It happened in the USA.", ""),
                    arguments("The answer is (F)", ""),
                    arguments("no letter here", ""),
                    arguments("", ""));
        }

        @ParameterizedTest(name = "[{index}] {0} -> {1}")
        @MethodSource("cases")
        void extractsTheLetter(String text, String expected) {
            assertThat(key(AnswerExtractors.choice("ABCDE"), text)).isEqualTo(expected);
        }

        @Test
        void onlyTheGivenLettersCount() {
            AnswerExtractor abcd = AnswerExtractors.choice("abcd");
            assertThat(key(abcd, "Answer: E")).isEmpty();
            assertThat(key(abcd, "Answer: d")).isEqualTo("D");
            assertThat(abcd).hasToString("choice:ABCD");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "AB1", "ABA", "A B", "\u00c4"})
        void rejectsBadLetters(String letters) {
            assertThatThrownBy(() -> AnswerExtractors.choice(letters))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + letters + "'");
        }
    }

    @Nested
    class YesNo {

        static Stream<Arguments> cases() {
            return Stream.of(
                    arguments("Yes", "yes"),
                    arguments("no.", "no"),
                    arguments("TRUE", "yes"),
                    arguments("false", "no"),
                    arguments("The answer is yes, there is no doubt.", "yes"),
                    arguments("Answer: \"No\". Yes, really.", "no"),
                    arguments("Is it true? Not sure... I'd say no", "no"),
                    arguments("No, wait. Yes!", "yes"),
                    arguments("Nobody knows; yesterday was noisy.", ""),
                    arguments("maybe", ""));
        }

        @ParameterizedTest(name = "[{index}] {0} -> {1}")
        @MethodSource("cases")
        void extractsYesOrNo(String text, String expected) {
            assertThat(key(AnswerExtractors.yesNo(), text)).isEqualTo(expected);
        }
    }

    @Nested
    class Regex {

        @Test
        void takesTheLastMatchNormalised() {
            AnswerExtractor r = AnswerExtractors.regex("city:\\s*([^.;]+)", 1);
            assertThat(r.extract("city: Rome; city:  New \t York .")).contains(new Answer("new york", "New \t York"));
        }

        @Test
        void groupZeroIsTheWholeMatch() {
            assertThat(key(AnswerExtractors.regex("[A-Z]{3}", 0), "from LHR to JFK")).isEqualTo("jfk");
        }

        @Test
        void skipsMatchesWhoseGroupIsBlankOrMissing() {
            AnswerExtractor r = AnswerExtractors.regex("x=(\\w*)|y", 1);
            assertThat(key(r, "x=one x= y")).isEqualTo("one");
            assertThat(key(r, "nothing")).isEmpty();
        }

        @Test
        void rejectsAnInvalidPatternNamingIt() {
            assertThatThrownBy(() -> AnswerExtractors.regex("a(b", 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'a(b'");
        }

        @ParameterizedTest
        @ValueSource(ints = {-1, 2})
        void rejectsAMissingGroupNamingIt(int group) {
            assertThatThrownBy(() -> AnswerExtractors.regex("a(b)", group))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("group " + group)
                    .hasMessageContaining("'a(b)'");
        }
    }

    @Nested
    class ExactText {

        static Stream<Arguments> cases() {
            return Stream.of(
                    arguments("Paris", "paris"),
                    arguments("  New\n  York City.  ", "new york city"),
                    arguments("U.S.", "u.s"),
                    arguments("Done...", "done"),
                    arguments("a\u00a0b", "a b"),
                    arguments("", ""),
                    arguments("  . ", ""));
        }

        @ParameterizedTest(name = "[{index}] \"{0}\" -> \"{1}\"")
        @MethodSource("cases")
        void normalisesTheWholeText(String text, String expected) {
            assertThat(key(AnswerExtractors.exactText(), text)).isEqualTo(expected);
        }
    }

    @Nested
    class LastLetters {

        static Stream<Arguments> cases() {
            return Stream.of(
                    arguments("The answer is yajo.", "yajo"),
                    arguments("The answer is \"yajo\".", "yajo"),
                    arguments("The answer is 'Yajo'", "yajo"),
                    arguments("the ANSWER IS \u201cyajo\u201d.", "yajo"),
                    arguments("The answer is: nk", "nk"),
                    arguments("The answer is abc. Hmm, the answer is yajo.", "yajo"),
                    arguments("The answer is yajo. Let me check the letters: y, a, j, o.", "yajo"),
                    arguments("The answer is 42.", ""),
                    arguments("The answer is", ""),
                    arguments("yajo", ""));
        }

        @ParameterizedTest(name = "[{index}] {0} -> {1}")
        @MethodSource("cases")
        void takesTheLettersAfterTheLastAnswerIs(String text, String expected) {
            assertThat(key(AnswerExtractors.lastLetters(), text)).isEqualTo(expected);
        }
    }

    @Nested
    class Parse {

        static Stream<Arguments> specs() {
            return Stream.of(
                    arguments("numeric", "The answer is 0.50.", "0.5"),
                    arguments("NUMERIC", "#### 3", "3"),
                    arguments("letters", "The answer is \"yajo\".", "yajo"),
                    arguments("choice", "Answer: (e)", "E"),
                    arguments("choice:ABCD", "Answer: (e)", ""),
                    arguments("choice:abcd", "Answer: (d)", "D"),
                    arguments("yesno", "The answer is false.", "no"),
                    arguments("exact", " Blue. ", "blue"),
                    arguments("regex:city=(\\w+)", "city=Rome city=Oslo", "oslo"),
                    arguments("regex:[0-9]+", "a1 b22", "22"),
                    arguments("regex:a:b", "xa:b", "a:b"));
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @MethodSource("specs")
        void makesTheNamedExtractor(String spec, String text, String expected) {
            assertThat(key(AnswerExtractors.parse(spec), text)).isEqualTo(expected);
        }

        @ParameterizedTest
        @ValueSource(strings = {"numeric", "letters", "choice:ABCD", "yesno", "exact", "regex:x(\\d)", "regex:\\d+"})
        void toStringRoundTrips(String spec) {
            assertThat(AnswerExtractors.parse(spec)).hasToString(spec);
            assertThat(AnswerExtractors.parse(AnswerExtractors.parse(spec).toString())).hasToString(spec);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "number", "numeric:1", "regex", "regex:", "yes-no"})
        void rejectsUnknownSpecsNamingThemAndTheValidOnes(String spec) {
            assertThatThrownBy(() -> AnswerExtractors.parse(spec))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + spec + "'")
                    .hasMessageContaining(AnswerExtractors.SPECS);
        }

        @Test
        void reportsBadArgumentsOfKnownSpecs() {
            assertThatThrownBy(() -> AnswerExtractors.parse("regex:(")).hasMessageContaining("'('");
            assertThatThrownBy(() -> AnswerExtractors.parse("choice:A1")).hasMessageContaining("'A1'");
        }
    }

    @Test
    void extractorsRejectNullText() {
        for (AnswerExtractor e : new AnswerExtractor[] {AnswerExtractors.numeric(), AnswerExtractors.choice("AB"),
            AnswerExtractors.yesNo(), AnswerExtractors.regex("x", 0), AnswerExtractors.exactText(),
            AnswerExtractors.lastLetters()}) {
            assertThatThrownBy(() -> e.extract(null)).isInstanceOf(NullPointerException.class);
        }
    }
}

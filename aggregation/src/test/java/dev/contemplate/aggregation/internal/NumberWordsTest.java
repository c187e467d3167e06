package dev.contemplate.aggregation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.aggregation.internal.AnswerTokenizer.Kind;
import dev.contemplate.aggregation.internal.AnswerTokenizer.Tok;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Number words folded into numbers by the tokenizer ({@link NumberWords}). */
class NumberWordsTest {

    /** The numbers of {@code text}, in order. */
    private static List<String> numbers(String text) {
        return AnswerTokenizer.tokenize(text, Map.of()).stream().filter(t -> t.kind() == Kind.NUMBER)
                .map(Tok::value).toList();
    }

    @Test
    void compoundNumbers() {
        assertThat(numbers("forty-two")).containsExactly("42");
        assertThat(numbers("forty two")).containsExactly("42");
        assertThat(numbers("three hundred sixty-six days")).containsExactly("366 day");
        assertThat(numbers("one hundred and five")).containsExactly("105");
        assertThat(numbers("two thousand and twenty")).containsExactly("2020");
        assertThat(numbers("a hundred")).containsExactly("100");
        assertThat(numbers("one thousand nine hundred and sixty-nine")).containsExactly("1969");
        assertThat(numbers("nineteen hundred and sixty-nine")).containsExactly("1969");
        assertThat(numbers("one million two hundred thousand")).containsExactly("1200000");
        assertThat(numbers("twelve")).containsExactly("12");
        assertThat(numbers("zero")).containsExactly("0");
    }

    @Test
    void years() {
        assertThat(numbers("nineteen sixty-nine")).containsExactly("1969");
        assertThat(numbers("In nineteen sixty nine, on July twenty")).containsExactly("1969", "7", "20");
        assertThat(numbers("twenty twenty-four")).containsExactly("2024");
        assertThat(numbers("twenty fifteen")).containsExactly("2015");
        assertThat(numbers("eighteen twelve")).containsExactly("1812");
        assertThat(numbers("twenty-one twenty")).containsExactly("2120");
        // a one-digit second group is no year; a hundred or scale word after the second group makes it no year
        assertThat(numbers("nineteen five")).containsExactly("19", "5");
        assertThat(numbers("twenty thirty thousand")).containsExactly("20", "30000");
    }

    @Test
    void aWordTheValueCannotTakeStartsANewNumber() {
        assertThat(numbers("two three")).containsExactly("2", "3");
        assertThat(numbers("two and three")).containsExactly("2", "3");
        assertThat(numbers("between two and three hours")).containsExactly("2", "3 hour");
        assertThat(numbers("forty-two and seven")).containsExactly("42", "7");
        assertThat(numbers("one two three")).containsExactly("1", "2", "3");
        assertThat(numbers("twenty one two")).containsExactly("21", "2");
        assertThat(numbers("ninety nine")).containsExactly("99");
        assertThat(numbers("zero one")).containsExactly("0", "1");
        assertThat(numbers("one hundred and one hundred")).containsExactly("101", "100");
        assertThat(numbers("hundred and")).containsExactly("100");
        assertThat(numbers("and two")).containsExactly("2");
        assertThat(numbers("two thousand and")).containsExactly("2000");
    }

    @Test
    void unitsBindToNumberWordsAndDigits() {
        assertThat(numbers("five minutes")).containsExactly("5 minute");
        assertThat(numbers("8 minutes")).containsExactly("8 minute");
        assertThat(numbers("100 degrees Celsius")).containsExactly("100 celsius");
        assertThat(numbers("two thousand and twenty years")).containsExactly("2020 year");
    }

    @Test
    void surfacesKeepTheWordsAsWritten() {
        List<Tok> toks = AnswerTokenizer.tokenize("Nineteen sixty-nine", Map.of());
        assertThat(toks).singleElement().satisfies(t -> {
            assertThat(t.token()).isEqualTo("#1969");
            assertThat(t.surface()).isEqualTo("nineteen sixty nine");
        });
    }
}

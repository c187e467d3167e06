package dev.contemplate.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StoppingRulesTest {

    /** A tally of answer keys in arrival order; "-" is a sample without an answer. */
    private static Tally tally(String... keys) {
        List<Vote> votes = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            votes.add(keys[i].equals("-") ? Vote.none(i) : Vote.of(i, keys[i]));
        }
        return Tally.of(votes);
    }

    /**
     * Feeds {@code keys} one by one into a budget of {@code budget} samples and returns how many samples were
     * counted when {@code rule} first said stop, or -1 if it never did before the keys ran out.
     */
    private static int stopsAfter(StoppingRule rule, int budget, String... keys) {
        Tally t = Tally.empty();
        for (int i = 0; i < keys.length; i++) {
            t = t.with(keys[i].equals("-") ? Vote.none(i) : Vote.of(i, keys[i]));
            if (rule.shouldStop(t, budget - t.samples())) {
                return t.samples();
            }
        }
        return -1;
    }

    @Nested
    class Fixed {

        @Test
        void neverStopsBeforeTheBudgetIsSpent() {
            StoppingRule fixed = StoppingRules.fixed();
            assertThat(fixed.shouldStop(tally("A", "A", "A", "A"), 1)).isFalse();
            assertThat(fixed.shouldStop(tally("A", "A", "A", "A", "A"), 0)).isTrue();
            assertThat(fixed.shouldStop(Tally.empty(), 0)).isTrue();
            assertThat(fixed.name()).isEqualTo("fixed");
        }

        @Test
        void withKStopsAtKSamplesAnsweredOrNot() {
            StoppingRule three = StoppingRules.fixed(3);
            assertThat(three.shouldStop(tally("A", "-"), 8)).isFalse();
            assertThat(three.shouldStop(tally("A", "-", "B"), 7)).isTrue();
            assertThat(three.shouldStop(tally("A"), 0)).isTrue();
            assertThat(three.name()).isEqualTo("fixed:3");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -2})
        void rejectsKBelowOne(int k) {
            assertThatThrownBy(() -> StoppingRules.fixed(k))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(k));
        }
    }

    @Nested
    class Unassailable {

        static Stream<Arguments> cases() {
            return Stream.of(
                    // budget 5, A,A,A counted, 2 remaining: leader 3 > runner-up 0 + 2 -> stop
                    arguments(List.of("A", "A", "A"), 2, true),
                    // A,B,A, 2 remaining: 2 > 1 + 2 is false -> go on (B could still win 3:2)
                    arguments(List.of("A", "B", "A"), 2, false),
                    // A,B,A,A, 1 remaining: 3 > 1 + 1 -> stop
                    arguments(List.of("A", "B", "A", "A"), 1, true),
                    // A,A,B, 1 remaining: 2 > 1 + 1 is false: B could tie, and a possible tie does not stop
                    arguments(List.of("A", "A", "B"), 1, false),
                    // A,A, 1 remaining, no runner-up: 2 > 0 + 1 -> stop
                    arguments(List.of("A", "A"), 1, true),
                    // "no answer" samples count for nobody: A,-,- with 1 remaining: 1 > 0 + 1 is false
                    arguments(List.of("A", "-", "-"), 1, false),
                    // no answer at all: 0 > 0 + 2 is false
                    arguments(List.of("-"), 2, false),
                    // budget spent always stops, even on a tie
                    arguments(List.of("A", "B"), 0, true));
        }

        @ParameterizedTest(name = "[{index}] {0} remaining {1} -> {2}")
        @MethodSource("cases")
        void stopsOnlyWhenTheLeaderCannotBeCaught(List<String> keys, int remaining, boolean stop) {
            assertThat(StoppingRules.unassailable().shouldStop(tally(keys.toArray(String[]::new)), remaining))
                    .isEqualTo(stop);
        }

        @Test
        void stopsAtTheThirdUnanimousVoteOfFive() {
            assertThat(stopsAfter(StoppingRules.unassailable(), 5, "A", "A", "A", "A", "A")).isEqualTo(3);
            assertThat(StoppingRules.unassailable().name()).isEqualTo("unassailable");
        }
    }

    @Nested
    class Beta {

        static Stream<Arguments> cases() {
            // P = 1 - I_0.5(a + 1, b + 1). For integers, I_x(p, q) = P[Binomial(p + q - 1, x) >= p], so
            // I_0.5(a + 1, b + 1) = sum_{j = a + 1}^{a + b + 1} C(a + b + 1, j) / 2^(a + b + 1).
            return Stream.of(
                    // a=3, b=0: I = C(4,4)/16 = 1/16; P = 0.9375 < 0.95 -> go on
                    arguments(List.of("A", "A", "A"), false),
                    // a=4, b=0: I = 1/32; P = 1 - 0.5^5 = 0.96875 >= 0.95 -> stop
                    arguments(List.of("A", "A", "A", "A"), true),
                    // a=5, b=1: I = (C(7,6) + C(7,7))/128 = 8/128; P = 0.9375 -> go on
                    arguments(List.of("A", "B", "A", "A", "A", "A"), false),
                    // a=6, b=1: I = (C(8,7) + C(8,8))/256 = 9/256; P = 0.96484375 -> stop
                    arguments(List.of("A", "B", "A", "A", "A", "A", "A"), true),
                    // a=4, b=0 with two "no answer" samples: they do not count, P = 0.96875 -> stop
                    arguments(List.of("A", "-", "A", "-", "A", "A"), true),
                    // a=4, b=2, third answer C=1: only the top two count; I = (C(7,5)+C(7,6)+C(7,7))/128
                    // = 29/128; P = 0.7734375 -> go on
                    arguments(List.of("A", "B", "A", "C", "B", "A", "A"), false));
        }

        @ParameterizedTest(name = "[{index}] {0} -> {1}")
        @MethodSource("cases")
        void stopsWhenTheLeaderIsLikelyEnoughAhead(List<String> keys, boolean stop) {
            assertThat(StoppingRules.beta(0.95).shouldStop(tally(keys.toArray(String[]::new)), 10)).isEqualTo(stop);
        }

        @Test
        void needsFourUnanimousAnswersAt95() {
            assertThat(stopsAfter(StoppingRules.beta(0.95), 40, "A", "A", "A", "A", "A")).isEqualTo(4);
        }

        @Test
        void lowerThresholdsStopEarlier() {
            // a=2, b=0: I = 1/8, P = 0.875; a=1, b=0: I = 1/4, P = 0.75
            assertThat(stopsAfter(StoppingRules.beta(0.8), 40, "A", "A", "A")).isEqualTo(2);
            assertThat(stopsAfter(StoppingRules.beta(0.7), 40, "A", "A", "A")).isEqualTo(1);
        }

        @Test
        void neverStopsWithoutAnAnswerEvenAtALowThreshold() {
            // a = b = 0 would give P = 0.5
            assertThat(StoppingRules.beta(0.4).shouldStop(tally("-", "-"), 3)).isFalse();
            assertThat(StoppingRules.beta(0.4).shouldStop(Tally.empty(), 3)).isFalse();
        }

        @Test
        void stopsWhenTheBudgetIsSpent() {
            assertThat(StoppingRules.beta(0.95).shouldStop(tally("A", "B"), 0)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(doubles = {0, 1, -0.5, 1.5, Double.NaN})
        void rejectsThresholdsOutsideTheOpenUnitInterval(double threshold) {
            assertThatThrownBy(() -> StoppingRules.beta(threshold))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(threshold));
        }

        @Test
        void isNamedByItsThreshold() {
            assertThat(StoppingRules.beta(0.95).name()).isEqualTo("beta:0.95");
            assertThat(StoppingRules.beta(0.5).name()).isEqualTo("beta:0.5");
            assertThat(StoppingRules.beta(0.0001).name()).isEqualTo("beta:0.0001");
        }
    }

    @Nested
    class Esc {

        @Test
        void stopsAtTheEndOfTheFirstUnanimousWindow() {
            assertThat(stopsAfter(StoppingRules.esc(5), 40, "A", "A", "A", "A", "A", "B")).isEqualTo(5);
        }

        @Test
        void aSplitWindowDefersTheStopToTheNextUnanimousOne() {
            // window 1 = A,A,B,A,A (split), window 2 = A,A,A,A,A (unanimous) -> stop at 10, not at 6..9
            assertThat(stopsAfter(StoppingRules.esc(5), 40,
                    "A", "A", "B", "A", "A", "A", "A", "A", "A", "A")).isEqualTo(10);
        }

        @Test
        void windowsDoNotOverlap() {
            // samples 2..6 are all A, but windows are [1..5] and [6..10]: no stop before 10
            assertThat(stopsAfter(StoppingRules.esc(5), 40,
                    "B", "A", "A", "A", "A", "A", "A", "A", "A", "A")).isEqualTo(10);
        }

        @Test
        void aSampleWithoutAnAnswerSpoilsItsWindow() {
            assertThat(stopsAfter(StoppingRules.esc(5), 40, "A", "A", "-", "A", "A")).isEqualTo(-1);
            assertThat(stopsAfter(StoppingRules.esc(5), 40, "-", "-", "-", "-", "-")).isEqualTo(-1);
        }

        @Test
        void windowOneStopsAtTheFirstAnswer() {
            assertThat(stopsAfter(StoppingRules.esc(1), 40, "-", "-", "C")).isEqualTo(3);
        }

        @Test
        void stopsWhenTheBudgetIsSpent() {
            assertThat(StoppingRules.esc(5).shouldStop(tally("A", "B", "C"), 0)).isTrue();
            assertThat(stopsAfter(StoppingRules.esc(5), 3, "A", "B", "C")).isEqualTo(3);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1})
        void rejectsWindowsBelowOne(int window) {
            assertThatThrownBy(() -> StoppingRules.esc(window))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(window));
        }
    }

    @Nested
    class Parse {

        static Stream<Arguments> specs() {
            return Stream.of(
                    arguments("fixed", StoppingRules.fixed()),
                    arguments("fixed:7", StoppingRules.fixed(7)),
                    arguments("unassailable", StoppingRules.unassailable()),
                    arguments("beta", StoppingRules.beta(0.95)),
                    arguments("beta:0.9", StoppingRules.beta(0.9)),
                    arguments("esc", StoppingRules.esc(5)),
                    arguments("esc:3", StoppingRules.esc(3)),
                    arguments(" ESC : 3 ", StoppingRules.esc(3)));
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @MethodSource("specs")
        void makesTheNamedRule(String spec, StoppingRule expected) {
            assertThat(StoppingRules.parse(spec)).isEqualTo(expected);
        }

        static Stream<StoppingRule> rules() {
            return Stream.of(StoppingRules.fixed(), StoppingRules.fixed(1), StoppingRules.fixed(40),
                    StoppingRules.unassailable(), StoppingRules.beta(0.95), StoppingRules.beta(0.999),
                    StoppingRules.beta(1e-4), StoppingRules.beta(1.0 / 3), StoppingRules.esc(1), StoppingRules.esc(5));
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @MethodSource("rules")
        void namesRoundTrip(StoppingRule rule) {
            assertThat(StoppingRules.parse(rule.name())).isEqualTo(rule).hasToString(rule.name());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "fixd", "unassailable:3", "beta-0.9", "majority"})
        void rejectsUnknownSpecsNamingThemAndTheValidForms(String spec) {
            assertThatThrownBy(() -> StoppingRules.parse(spec))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + spec + "'")
                    .hasMessageContaining(StoppingRules.SPECS);
        }

        @ParameterizedTest
        @ValueSource(strings = {"fixed:x", "fixed:0", "fixed:", "beta:high", "beta:1.5", "beta:0", "esc:2.5",
            "esc:0", "esc:-3"})
        void rejectsBadNumbersNamingThem(String spec) {
            String value = spec.substring(spec.indexOf(':') + 1);
            assertThatThrownBy(() -> StoppingRules.parse(spec))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(value);
        }
    }

    @Test
    void everyRuleRejectsANegativeRemainder() {
        Parse.rules().forEach(rule -> assertThatThrownBy(() -> rule.shouldStop(Tally.empty(), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1"));
    }
}

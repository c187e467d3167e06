package dev.contemplate.inference.onnx.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.Message;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArithmeticModelTest {

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', nullValues = "EMPTY", textBlock = """
            54+39-25+73                          | 54+39-25+73
            What is 54+39-25+73?                 | 54+39-25+73
            54 + 39 - 25 + 73                    | 54+39-25+73
            compute 33+40-68-2 please            | 33+40-68-2
            What is 54 + 39 - 25 + 73 = ?        | 54+39-25+73
            Q:54+39-25+73=?                      | 54+39-25+73
            5 − 3 + 2 + 1                        | 5-3+2+1
            how much is 05+7+1-9                 | 5+7+1-9
            99-99-99-99                          | 99-99-99-99
            1+1+1+1                              | 1+1+1+1
            54+39-25                             | EMPTY
            54+39-25+73+5                        | EMPTY
            0+39-25+73                           | EMPTY
            100+39-25+73                         | EMPTY
            54+39-25+173                         | EMPTY
            -54+39-25+73                         | EMPTY
            54*2+39-25+73                        | EMPTY
            54+39-25+73*2                        | EMPTY
            54+39-25+73 and 1+2+3+4              | EMPTY
            in 2024: 54+39-25+73                 | EMPTY
            5.5+39-25+73                         | EMPTY
            what is fifty plus one               | EMPTY
            ''                                   | EMPTY
            """)
    void normalizesQuestionsOfTheFamilyOnly(String text, String expected) {
        assertThat(ArithmeticModel.normalizeQuestion(text)).isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    void readsStrategiesAndSettingsFromModelJson() {
        assertThat(ArithmeticModel.strategies()).extracting(Strategy::tag).contains("L", "B", "M");
        assertThat(ArithmeticModel.strategies().get(0).name()).isEqualTo("forward");
        assertThat(ArithmeticModel.strategy("backward")).map(Strategy::tag).contains("B");
        assertThat(ArithmeticModel.strategy("m")).map(Strategy::tag).contains("M");
        assertThat(ArithmeticModel.strategy("Z")).isEmpty();
        assertThat(ArithmeticModel.recommendedTemperature()).isBetween(0.1, 2.0);
        assertThat(ArithmeticModel.config().vocabSize()).isEqualTo(ArithmeticModel.tokenizer().size());
        assertThat(ArithmeticModel.answerMarker()).isEqualTo("#");
    }

    @Test
    void rendersThePromptTheModelWasTrainedOn() {
        assertThat(ArithmeticModel.prompt("What is 54 + 39 - 25 + 73?", "L")).isEqualTo("Q:54+39-25+73=?\nL:");
        var template = ArithmeticModel.promptTemplate();
        assertThat(template.render(List.of(Message.system("B"), Message.user("33+40-68-2"))))
                .isEqualTo("Q:33+40-68-2=?\nB:");
        assertThat(template.render(List.of(Message.user("33+40-68-2")))).isEqualTo("Q:33+40-68-2=?\nL:");
        assertThatThrownBy(() -> template.render(List.of(Message.system("Z"), Message.user("33+40-68-2"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Z'")
                .hasMessageContaining("L (forward)");
        assertThatThrownBy(() -> template.render(List.of(Message.system("L"), Message.user("2*3"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'2*3'");
        assertThatThrownBy(() -> template.render(List.of(Message.system("L"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user message");
    }

    @Test
    void solvesQuestionsAndReadsAnswers() {
        assertThat(ArithmeticModel.solve("What is 54+39-25+73?")).hasValue(141);
        assertThat(ArithmeticModel.solve("33+40-68-2")).hasValue(3);
        assertThat(ArithmeticModel.solve("5-30+1+1")).hasValue(-23);
        assertThat(ArithmeticModel.solve("1+2")).isEmpty();
        assertThat(ArithmeticModel.parseAnswer("+054+39=+093;+093-25=+068;+068+73=+141;#141")).hasValue(141);
        assertThat(ArithmeticModel.parseAnswer("+005-30=-025;#-23")).hasValue(-23);
        assertThat(ArithmeticModel.parseAnswer("+054+39=+093;")).isEmpty();
    }
}

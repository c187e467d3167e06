package dev.contemplate.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.inference.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    @Test
    void substitutesTheLastSystemAndUserMessagesOnce() {
        PromptTemplate t = PromptTemplate.fromFormat("Q:{user}=?\n{system}:");
        assertThat(t.render(List.of(Message.system("B"), Message.user("1+2"), Message.user("54+39-25+73"))))
                .isEqualTo("Q:54+39-25+73=?\nB:");
        assertThat(t.render(List.of(Message.user("{system}")))).isEqualTo("Q:{system}=?\n:");
        assertThatThrownBy(() -> t.render(List.of(Message.system("L"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user message");
        assertThatThrownBy(() -> PromptTemplate.fromFormat("no placeholder"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no placeholder");
    }

    @Test
    void plainJoinsTexts() {
        assertThat(PromptTemplate.plain().render(List.of(Message.system("a"), Message.user("b")))).isEqualTo("a\nb");
    }
}

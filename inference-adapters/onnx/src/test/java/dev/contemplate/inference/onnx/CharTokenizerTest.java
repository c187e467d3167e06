package dev.contemplate.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    private static final String VOCAB = """
            { "tokens": { "<pad>": 0, "<eos>": 1, "0": 2, "1": 3, "+": 4, "\\n": 5, "Q": 6 },
              "special_tokens": { "pad": "<pad>", "eos": "<eos>" }, "pad_token_id": 0, "eos_token_id": 1 }
            """;

    private static CharTokenizer tokenizer() {
        return CharTokenizer.fromJson(new ByteArrayInputStream(VOCAB.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void encodesEachCharacterAndDecodesWithoutSpecialTokens() {
        CharTokenizer t = tokenizer();
        assertThat(t.encode("Q10+1\n")).containsExactly(6, 3, 2, 4, 3, 5);
        assertThat(t.decode(new int[] {6, 3, 2, 1, 0})).isEqualTo("Q10");
        assertThat(t.eosTokenId()).isEqualTo(1);
        assertThat(t.size()).isEqualTo(7);
        assertThat(t.decodesTokenByToken()).isTrue();
    }

    @Test
    void namesACharacterOutsideTheVocabulary() {
        assertThatThrownBy(() -> tokenizer().encode("Q1×0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'×'").hasMessageContaining("U+00D7").hasMessageContaining("index 2");
        assertThatThrownBy(() -> tokenizer().encode("Q\t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0009");
    }

    @Test
    void findsTheEndOfSequenceByItsSpecialTokenName() {
        CharTokenizer t = CharTokenizer.fromJson(new ByteArrayInputStream(
                "{\"tokens\": {\"<e>\": 3, \"a\": 0}, \"special_tokens\": {\"eos\": \"<e>\"}}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(t.eosTokenId()).isEqualTo(3);
    }

    @Test
    void rejectsBadVocabularies() {
        assertThatThrownBy(() -> CharTokenizer.fromJson(new ByteArrayInputStream("[1]".getBytes())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokens");
        assertThatThrownBy(() -> CharTokenizer.fromJson(new ByteArrayInputStream("{\"tokens\": {\"a\": 0}}"
                .getBytes()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eos_token_id");
        assertThatThrownBy(() -> CharTokenizer.of(Map.of("a", 0, "b", -2), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
        assertThatThrownBy(() -> CharTokenizer.of(Map.of("a", 0), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eosTokenId").hasMessageContaining("5");
        assertThatThrownBy(() -> CharTokenizer.fromJson(new ByteArrayInputStream("{oops".getBytes())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid vocabulary JSON");
    }
}

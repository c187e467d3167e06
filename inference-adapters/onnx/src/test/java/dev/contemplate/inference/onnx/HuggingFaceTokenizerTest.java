package dev.contemplate.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DJL-backed tokenizer on a tiny WordLevel tokenizer.json. DJL's jar carries the native library, so this runs
 * without network access.
 */
class HuggingFaceTokenizerTest {

    private static Path file;
    private static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void load() throws URISyntaxException {
        file = Path.of(HuggingFaceTokenizerTest.class.getResource("tiny-tokenizer.json").toURI());
        tokenizer = HuggingFaceTokenizer.newInstance(file, "</s>");
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void encodesWithTheFilesModelAndNoSpecialTokens() {
        assertThat(tokenizer.encode("What is the answer?")).containsExactly(2, 3, 4, 5, 6);
        assertThat(tokenizer.encode("it is 42")).containsExactly(8, 3, 7);
        assertThat(tokenizer.encode("unknown")).containsExactly(0);
    }

    @Test
    void decodesLeavingOutSpecialTokens() {
        assertThat(tokenizer.decode(new int[] {8, 3, 7, 1})).isEqualTo("it is 42");
        assertThat(tokenizer.decodesTokenByToken()).isFalse();
    }

    @Test
    void findsTheEndOfSequenceIdByItsText() {
        assertThat(tokenizer.eosTokenId()).isEqualTo(1);
        assertThat(HuggingFaceTokenizer.findTokenId(file, "answer")).hasValue(5);
        assertThat(HuggingFaceTokenizer.findTokenId(file, "nope")).isEmpty();
        assertThatThrownBy(() -> HuggingFaceTokenizer.newInstance(file, "<|endoftext|>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<|endoftext|>");
    }

    @Test
    void rejectsAMissingFile() {
        assertThatThrownBy(() -> HuggingFaceTokenizer.newInstance(Path.of("no/such/tokenizer.json"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no/such/tokenizer.json");
    }
}

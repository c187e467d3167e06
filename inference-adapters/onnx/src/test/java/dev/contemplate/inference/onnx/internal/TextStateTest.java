package dev.contemplate.inference.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.contemplate.inference.onnx.CharTokenizer;
import dev.contemplate.inference.onnx.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextStateTest {

    private static final CharTokenizer CHARS;

    static {
        Map<String, Integer> v = new HashMap<>();
        v.put("<eos>", 0);
        String chars = "abcdefghijklmnopqrstuvwxyz;#+ ";
        for (int i = 0; i < chars.length(); i++) {
            v.put(String.valueOf(chars.charAt(i)), i + 1);
        }
        CHARS = CharTokenizer.of(v, 0);
    }

    private static List<String> feed(TextState s, Tokenizer t, String text) {
        List<String> deltas = new ArrayList<>();
        for (int id : t.encode(text)) {
            deltas.add(s.add(id));
            if (s.stopped()) {
                break;
            }
        }
        deltas.add(s.flush());
        return deltas;
    }

    @Test
    void withoutStopsEveryTokenIsReleasedAtOnce() {
        TextState s = new TextState(CHARS, List.of());
        assertThat(feed(s, CHARS, "ab c")).containsExactly("a", "b", " ", "c", "");
        assertThat(s.released()).isEqualTo("ab c");
    }

    @Test
    void aStopSequenceEndsTheTextBeforeItAndIsNeverReleased() {
        TextState s = new TextState(CHARS, List.of(";#"));
        List<String> deltas = feed(s, CHARS, "ab;c;#zz");
        assertThat(s.stopped()).isTrue();
        assertThat(s.released()).isEqualTo("ab;c");
        assertThat(String.join("", deltas)).isEqualTo("ab;c");
        assertThat(deltas).doesNotContain(";#");
    }

    @Test
    void aHeldBackPrefixIsReleasedWhenItTurnsOutNotToBeAStop() {
        TextState s = new TextState(CHARS, List.of("abc"));
        assertThat(s.add(CHARS.encode("a")[0])).isEmpty();
        assertThat(s.add(CHARS.encode("b")[0])).isEmpty();
        assertThat(s.add(CHARS.encode("x")[0])).isEqualTo("abx");
        assertThat(s.add(CHARS.encode("a")[0])).isEmpty();
        assertThat(s.flush()).isEqualTo("a");
        assertThat(s.released()).isEqualTo("abxa");
        assertThat(s.stopped()).isFalse();
    }

    @Test
    void theEarliestOfSeveralStopsWins() {
        TextState s = new TextState(CHARS, List.of("cd", "b"));
        feed(s, CHARS, "abcd");
        assertThat(s.released()).isEqualTo("a");
    }

    @Test
    void aWholeSequenceDecoderHoldsBackAnIncompleteCharacter() {
        // a tokenizer whose tokens are UTF-8 bytes: a lone lead byte decodes to U+FFFD until its tail arrives
        Tokenizer bytes = new Tokenizer() {
            @Override
            public int[] encode(String text) {
                byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int[] out = new int[b.length];
                for (int i = 0; i < b.length; i++) {
                    out[i] = b[i] & 0xFF;
                }
                return out;
            }

            @Override
            public String decode(int[] ids) {
                byte[] b = new byte[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    b[i] = (byte) ids[i];
                }
                return new String(b, java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public int eosTokenId() {
                return 256;
            }
        };
        TextState s = new TextState(bytes, List.of());
        List<String> deltas = feed(s, bytes, "aé");
        assertThat(deltas).containsExactly("a", "", "é", "");
        assertThat(s.released()).isEqualTo("aé");
    }
}

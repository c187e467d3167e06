package dev.contemplate.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxEngineBuilderTest {

    private static final CharTokenizer TOKENIZER = CharTokenizer.of(Map.of("<eos>", 1, "a", 0, "b", 2), 1);
    private static final ModelConfig ONE_LAYER = new ModelConfig(1, 1, 4, 8, 8, 1, 0);

    @Test
    void settersNameTheBadValue() {
        OnnxEngine.Builder b = OnnxEngine.builder();
        assertThatThrownBy(() -> b.maxBatchRows(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBatchRows").hasMessageContaining("was 0");
        assertThatThrownBy(() -> b.admissionQueueCapacity(-1)).hasMessageContaining("admissionQueueCapacity")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> b.contextLength(1)).hasMessageContaining("contextLength").hasMessageContaining("1");
        assertThatThrownBy(() -> b.intraOpThreads(0)).hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> b.kvWindowStep(0)).hasMessageContaining("kvWindowStep");
        assertThatThrownBy(() -> b.prefillBatch(0)).hasMessageContaining("prefillBatch");
        assertThatThrownBy(() -> b.name(" ")).hasMessageContaining("name");
        assertThatThrownBy(() -> b.model(new byte[0], "empty")).hasMessageContaining("empty");
    }

    @Test
    void buildNeedsAModelAndATokenizer() {
        assertThatThrownBy(() -> OnnxEngine.builder().tokenizer(TOKENIZER).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("model");
        assertThatThrownBy(() -> OnnxEngine.builder().model(TinyOnnx.identity(), "m").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tokenizer");
        assertThatThrownBy(() -> OnnxEngine.builder().model(Path.of("no/such/model.onnx")).tokenizer(TOKENIZER)
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no/such/model.onnx");
    }

    @Test
    void aModelThatIsNotADecoderIsRejectedNamingWhatIsMissing() {
        assertThatThrownBy(() -> OnnxEngine.builder().model(TinyOnnx.identity(), "identity.onnx")
                .config(ONE_LAYER).tokenizer(TOKENIZER).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("identity.onnx")
                .hasMessageContaining("missing inputs [input_ids, attention_mask, past_key_values.0.key,"
                        + " past_key_values.0.value]")
                .hasMessageContaining("missing outputs [logits, present.0.key, present.0.value]")
                .hasMessageContaining("unsupported inputs [x]");
    }

    @Test
    void aModelWithoutConfigurationIsRejected() {
        assertThatThrownBy(() -> OnnxEngine.builder().model(TinyOnnx.identity(), "identity.onnx")
                .tokenizer(TOKENIZER).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model.json");
    }

    @Test
    void bytesThatAreNoModelAreRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.onnx");
        Files.write(file, new byte[] {1, 2, 3, 4, 5});
        Files.writeString(dir.resolve("model.json"), """
                { "num_layers": 1, "num_heads": 1, "head_dim": 4, "vocab_size": 8, "max_context": 8,
                  "eos_token_id": 1, "pad_token_id": 0 }
                """);
        assertThatThrownBy(() -> OnnxEngine.builder().model(file).tokenizer(TOKENIZER).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broken.onnx")
                .hasMessageContaining("cannot load");
    }

    @Test
    void aTokenizerThatDisagreesOnTheEndOfSequenceIsRejected() {
        CharTokenizer other = CharTokenizer.of(Map.of("<eos>", 2, "a", 0), 2);
        assertThatThrownBy(() -> OnnxEngine.builder().model(TinyOnnx.identity(), "m").config(ONE_LAYER)
                .tokenizer(other).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end-of-sequence id 2");
    }

    @Test
    void aContextBeyondTheModelsIsRejected() {
        assertThatThrownBy(() -> OnnxEngine.builder().model(TinyOnnx.identity(), "m").config(ONE_LAYER)
                .tokenizer(TOKENIZER).contextLength(9).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contextLength 9");
        assertThat(ONE_LAYER.maxContext()).isEqualTo(8);
    }
}

package dev.contemplate.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    private static ModelConfig parse(String json) {
        return ModelConfig.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsModelJsonIgnoringOtherKeys() {
        ModelConfig c = parse("""
                { "model_type": "x", "num_layers": 4, "num_heads": 4, "head_dim": 32, "hidden_size": 128,
                  "vocab_size": 24, "max_context": 64, "eos_token_id": 1, "pad_token_id": 0, "bos_token_id": null,
                  "strategies": [ { "tag": "L" } ] }
                """);
        assertThat(c).isEqualTo(new ModelConfig(4, 4, 32, 24, 64, 1, 0));
        assertThat(c.withMaxContext(32).maxContext()).isEqualTo(32);
    }

    @Test
    void namesAMissingKeyOrABadValue() {
        assertThatThrownBy(() -> parse("{ \"num_layers\": 4 }"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_heads");
        assertThatThrownBy(() -> parse("""
                { "num_layers": 0, "num_heads": 4, "head_dim": 32, "vocab_size": 24, "max_context": 64,
                  "eos_token_id": 1, "pad_token_id": 0 }
                """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numLayers")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new ModelConfig(1, 1, 1, 10, 8, 10, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eosTokenId")
                .hasMessageContaining("10");
    }

    @Test
    void readsTheSameKeysFromModelMetadata() {
        Map<String, String> md = Map.of("num_layers", "2", "num_heads", "2", "head_dim", "8", "vocab_size", "10",
                "max_context", "16", "eos_token_id", "1", "pad_token_id", "0");
        assertThat(ModelConfig.fromMetadata(md)).contains(new ModelConfig(2, 2, 8, 10, 16, 1, 0));
        assertThat(ModelConfig.fromMetadata(Map.of("producer", "x"))).isEmpty();
        assertThatThrownBy(() -> ModelConfig.fromMetadata(Map.of("num_layers", "2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocab_size");
        assertThatThrownBy(() -> ModelConfig.fromMetadata(Map.of("num_layers", "two", "num_heads", "2",
                "head_dim", "8", "vocab_size", "10", "max_context", "16", "eos_token_id", "1", "pad_token_id", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'two'");
    }
}

package dev.contemplate.inference.onnx;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The shape of a decoder-only model: what the engine needs to feed its key/value cache and to stop generating.
 *
 * <p>It is read from a {@code model.json} file beside the model (snake_case keys, unknown keys ignored):
 * <pre>{@code
 * { "num_layers": 4, "num_heads": 4, "head_dim": 32, "vocab_size": 24, "max_context": 64,
 *   "eos_token_id": 1, "pad_token_id": 0 }
 * }</pre>
 * or from the same keys in the ONNX model's metadata ({@link #fromMetadata(Map)}).
 *
 * @param numLayers transformer layers, one {@code past_key_values.{i}.key/value} pair each, at least 1
 * @param numHeads key/value heads per layer, at least 1
 * @param headDim size of one head, at least 1
 * @param vocabSize size of the logits' last dimension, at least 1
 * @param maxContext the most positions a sequence may use (prompt plus generated tokens), at least 2
 * @param eosTokenId the end-of-sequence token, in {@code [0, vocabSize)}
 * @param padTokenId the padding token, in {@code [0, vocabSize)}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelConfig(int numLayers, int numHeads, int headDim, int vocabSize, int maxContext, int eosTokenId,
        int padTokenId) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    /** The metadata and {@code model.json} keys, in component order. */
    private static final List<String> KEYS = List.of("num_layers", "num_heads", "head_dim", "vocab_size",
            "max_context", "eos_token_id", "pad_token_id");

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException naming the bad value if one is out of range
     */
    public ModelConfig {
        positive("numLayers", numLayers, 1);
        positive("numHeads", numHeads, 1);
        positive("headDim", headDim, 1);
        positive("vocabSize", vocabSize, 1);
        positive("maxContext", maxContext, 2);
        if (eosTokenId < 0 || eosTokenId >= vocabSize) {
            throw new IllegalArgumentException(
                    "eosTokenId must be in [0, " + vocabSize + ") but was " + eosTokenId);
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new IllegalArgumentException(
                    "padTokenId must be in [0, " + vocabSize + ") but was " + padTokenId);
        }
    }

    @JsonCreator
    static ModelConfig json(@JsonProperty(value = "num_layers", required = true) int numLayers,
            @JsonProperty(value = "num_heads", required = true) int numHeads,
            @JsonProperty(value = "head_dim", required = true) int headDim,
            @JsonProperty(value = "vocab_size", required = true) int vocabSize,
            @JsonProperty(value = "max_context", required = true) int maxContext,
            @JsonProperty(value = "eos_token_id", required = true) int eosTokenId,
            @JsonProperty(value = "pad_token_id", required = true) int padTokenId) {
        return new ModelConfig(numLayers, numHeads, headDim, vocabSize, maxContext, eosTokenId, padTokenId);
    }

    private static void positive(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + " but was " + value);
        }
    }

    /**
     * Parses a {@code model.json} document.
     *
     * @param json the document
     * @return the configuration
     * @throws IllegalArgumentException if the document is not valid JSON, lacks a key or has a bad value
     * @throws UncheckedIOException if reading fails
     */
    public static ModelConfig fromJson(InputStream json) {
        try {
            return JSON.readValue(json, ModelConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("invalid model configuration: " + rootMessage(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a {@code model.json} file.
     *
     * @param file the file
     * @return the configuration
     * @throws IllegalArgumentException if the file is not a valid configuration (the message names the file)
     * @throws UncheckedIOException if the file cannot be read
     */
    public static ModelConfig read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return fromJson(in);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model configuration " + file, e);
        }
    }

    /**
     * Reads the configuration from model metadata (the custom metadata map of an ONNX model) with the same keys as
     * {@code model.json}.
     *
     * @param metadata the metadata
     * @return the configuration, or empty if the metadata has none of the keys
     * @throws IllegalArgumentException naming the key if only some keys are present or a value is not an integer
     */
    public static Optional<ModelConfig> fromMetadata(Map<String, String> metadata) {
        List<String> missing = new ArrayList<>();
        int[] values = new int[KEYS.size()];
        for (int i = 0; i < KEYS.size(); i++) {
            String v = metadata.get(KEYS.get(i));
            if (v == null) {
                missing.add(KEYS.get(i));
                continue;
            }
            try {
                values[i] = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "model metadata " + KEYS.get(i) + " must be an integer but was '" + v + "'", e);
            }
        }
        if (missing.size() == KEYS.size()) {
            return Optional.empty();
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("model metadata lacks " + missing);
        }
        return Optional.of(new ModelConfig(values[0], values[1], values[2], values[3], values[4], values[5],
                values[6]));
    }

    /** Returns a copy with another context limit (for example to bound the key/value cache). */
    public ModelConfig withMaxContext(int newMaxContext) {
        return new ModelConfig(numLayers, numHeads, headDim, vocabSize, newMaxContext, eosTokenId, padTokenId);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        @Nullable String m = t instanceof com.fasterxml.jackson.core.JsonProcessingException jp
                ? jp.getOriginalMessage() : t.getMessage();
        return m == null ? t.toString() : m;
    }
}

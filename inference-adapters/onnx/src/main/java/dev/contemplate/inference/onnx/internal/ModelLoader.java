package dev.contemplate.inference.onnx.internal;

import dev.contemplate.inference.onnx.ModelConfig;
import dev.contemplate.inference.onnx.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Loads a model for an engine: reads the file (and a {@code model.json} beside it when no configuration is given),
 * opens it on ONNX Runtime, and checks that the engine's settings fit the model's configuration.
 */
public final class ModelLoader {

    /**
     * The engine settings a model must fit.
     *
     * @param contextLength the requested context length, or 0 for the model's own
     * @param maxBatchRows the rows of the key/value cache
     * @param tokenizer the tokenizer, whose end-of-sequence id must be the model's, or null to skip that check
     */
    public record Fit(int contextLength, int maxBatchRows, @Nullable Tokenizer tokenizer) {
    }

    private ModelLoader() {
    }

    /**
     * Loads and checks a model given as a file or as bytes.
     *
     * @param file the {@code .onnx} file, or null when {@code bytes} are given
     * @param bytes the model's bytes, used when {@code file} is null
     * @param source a description of where the model came from, for messages
     * @param config the configuration, or null to read it from beside the file or from the model's metadata
     * @param settings the session settings
     * @param fit the engine settings the model must fit
     * @return the opened model, which the caller closes
     * @throws IllegalArgumentException naming the problem if the file is missing, the model cannot be loaded or
     *     does not fit
     * @throws UncheckedIOException if the file cannot be read
     */
    public static OrtModel load(@Nullable Path file, byte @Nullable [] bytes, String source,
            @Nullable ModelConfig config, OrtModel.Settings settings, Fit fit) {
        byte[] model = bytes;
        ModelConfig resolved = config;
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("model file " + file + " does not exist");
            }
            try {
                model = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read model " + file, e);
            }
            Path sibling = file.toAbsolutePath().resolveSibling("model.json");
            if (resolved == null && Files.isRegularFile(sibling)) {
                resolved = ModelConfig.read(sibling);
            }
        }
        if (resolved != null) {
            checkFits(resolved, fit);
        }
        OrtModel opened = OrtModel.open(Objects.requireNonNull(model), source, resolved, settings);
        try {
            checkFits(opened.config(), fit);
            return opened;
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * Checks that the engine settings fit a model configuration.
     *
     * @throws IllegalArgumentException naming the problem: a context length beyond the model's, a key/value cache
     *     tensor over 2 GiB, or a tokenizer whose end-of-sequence id differs from the model's
     */
    static void checkFits(ModelConfig c, Fit fit) {
        int contextLength = fit.contextLength();
        int maxBatchRows = fit.maxBatchRows();
        if (contextLength > c.maxContext()) {
            throw new IllegalArgumentException("contextLength " + contextLength
                    + " exceeds the model's max_context of " + c.maxContext());
        }
        int ctx = contextLength > 0 ? contextLength : c.maxContext();
        long floats = (long) maxBatchRows * c.numHeads() * ctx * c.headDim();
        if (floats * 4 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a key/value cache tensor of " + maxBatchRows + " rows x "
                    + c.numHeads() + " heads x " + ctx + " positions x " + c.headDim()
                    + " floats exceeds 2 GiB; lower maxBatchRows or contextLength");
        }
        Tokenizer tokenizer = fit.tokenizer();
        if (tokenizer != null && tokenizer.eosTokenId() != c.eosTokenId()) {
            throw new IllegalArgumentException("the tokenizer's end-of-sequence id " + tokenizer.eosTokenId()
                    + " differs from the model's eos_token_id " + c.eosTokenId());
        }
    }
}

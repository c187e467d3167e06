package dev.contemplate.inference.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A tokenizer for models published with a Hugging Face {@code tokenizer.json} (BPE, WordPiece, Unigram, WordLevel),
 * backed by DJL's binding of the Hugging Face {@code tokenizers} library ({@code ai.djl.huggingface:tokenizers},
 * an optional dependency of this module that the application adds).
 *
 * <p>The DJL jar carries the native library for Linux x86-64 and aarch64, macOS aarch64 and Windows x86-64; it is
 * extracted from the jar into DJL's cache folder (by default {@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}) on first
 * use, so no network access is needed. Other platforms are not supported. The end-of-sequence id is looked up in
 * the file's {@code added_tokens} and model vocabulary by the token text given to {@link #newInstance(Path, String)}.
 *
 * <p>Thread-safe. Close it to release the native tokenizer; the engine does not close tokenizers it is given.
 */
public final class HuggingFaceTokenizer implements Tokenizer, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate;
    private final int eosTokenId;

    private HuggingFaceTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate, int eosTokenId) {
        this.delegate = delegate;
        this.eosTokenId = eosTokenId;
    }

    /**
     * Loads a {@code tokenizer.json} file.
     *
     * @param tokenizerJson the file
     * @param eosToken the text of the end-of-sequence token, for example {@code </s>} or {@code <|endoftext|>}
     * @return the tokenizer
     * @throws IllegalArgumentException if the file is not a tokenizer or has no token {@code eosToken}
     * @throws UncheckedIOException if the file cannot be read
     */
    public static HuggingFaceTokenizer newInstance(Path tokenizerJson, String eosToken) {
        Objects.requireNonNull(eosToken, "eosToken");
        int eos = findTokenId(tokenizerJson, eosToken).orElseThrow(() -> new IllegalArgumentException(
                tokenizerJson + " has no token '" + eosToken + "' (in added_tokens or the model vocabulary)"));
        return newInstance(tokenizerJson, eos);
    }

    /**
     * Loads a {@code tokenizer.json} file with a known end-of-sequence id.
     *
     * @param tokenizerJson the file
     * @param eosTokenId the end-of-sequence id, at least 0
     * @return the tokenizer
     * @throws IllegalArgumentException if the file is not a tokenizer or the id is negative
     * @throws UncheckedIOException if the file cannot be read
     */
    public static HuggingFaceTokenizer newInstance(Path tokenizerJson, int eosTokenId) {
        if (eosTokenId < 0) {
            throw new IllegalArgumentException("eosTokenId must be >= 0 but was " + eosTokenId);
        }
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("tokenizer file " + tokenizerJson + " does not exist");
        }
        try {
            var djl = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
            return new HuggingFaceTokenizer(djl, eosTokenId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + tokenizerJson, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /**
     * Looks up a token's id in a {@code tokenizer.json} file: first its {@code added_tokens}, then the model's
     * {@code vocab} (a map for BPE, WordPiece and WordLevel, a list of pairs for Unigram).
     *
     * @param tokenizerJson the file
     * @param token the token text
     * @return the id, or empty if the file has no such token
     * @throws IllegalArgumentException if the file is not JSON
     * @throws UncheckedIOException if the file cannot be read
     */
    public static OptionalInt findTokenId(Path tokenizerJson, String token) {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(tokenizerJson + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + tokenizerJson, e);
        }
        for (JsonNode added : root.path("added_tokens")) {
            if (token.equals(added.path("content").asText(null)) && added.path("id").canConvertToInt()) {
                return OptionalInt.of(added.get("id").intValue());
            }
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject() && vocab.path(token).canConvertToInt()) {
            return OptionalInt.of(vocab.get(token).intValue());
        }
        if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                if (token.equals(vocab.get(i).path(0).asText(null))) {
                    return OptionalInt.of(i);
                }
            }
        }
        return OptionalInt.empty();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the native tokenizer rejects the text
     */
    @Override
    public int[] encode(String text) {
        long[] ids;
        try {
            ids = delegate.encode(text, false, false).getIds();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot tokenize text: " + e.getMessage(), e);
        }
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return delegate.decode(l, true);
    }

    @Override
    public int eosTokenId() {
        return eosTokenId;
    }

    /** Releases the native tokenizer. Idempotent. */
    @Override
    public void close() {
        delegate.close();
    }
}

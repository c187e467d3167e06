package dev.contemplate.inference.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A character-level tokenizer: every character (Unicode code point) of the vocabulary is one token, and
 * multi-character entries (such as {@code <eos>}) are special tokens that encoding never produces and decoding
 * leaves out.
 *
 * <p>The vocabulary JSON has the form
 * <pre>{@code
 * { "tokens": { "<pad>": 0, "<eos>": 1, "0": 2, "1": 3, "+": 12, "\n": 19 },
 *   "eos_token_id": 1, "pad_token_id": 0 }
 * }</pre>
 * {@code eos_token_id} may be omitted when {@code special_tokens.eos} names the token. Immutable and thread-safe.
 */
public final class CharTokenizer implements Tokenizer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Integer, Integer> idByCodePoint;
    private final String[] textById;
    private final int eosTokenId;

    private CharTokenizer(Map<String, Integer> tokens, int eosTokenId) {
        int size = 0;
        for (Map.Entry<String, Integer> e : tokens.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException("token id of '" + e.getKey() + "' must be >= 0 but was "
                        + e.getValue());
            }
            size = Math.max(size, e.getValue() + 1);
        }
        String[] texts = new String[size];
        Arrays.fill(texts, "");
        Map<Integer, Integer> ids = new HashMap<>();
        for (Map.Entry<String, Integer> e : tokens.entrySet()) {
            String t = e.getKey();
            int id = e.getValue();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("vocabulary has an empty token (id " + id + ")");
            }
            if (t.codePointCount(0, t.length()) == 1) {
                Integer previous = ids.put(t.codePointAt(0), id);
                if (previous != null) {
                    throw new IllegalArgumentException("character " + describe(t.codePointAt(0))
                            + " has two ids: " + previous + " and " + id);
                }
                texts[id] = t;
            }
        }
        if (eosTokenId < 0 || eosTokenId >= size) {
            throw new IllegalArgumentException("eosTokenId must be in [0, " + size + ") but was " + eosTokenId);
        }
        this.idByCodePoint = Map.copyOf(ids);
        this.textById = texts;
        this.eosTokenId = eosTokenId;
    }

    /**
     * Returns a tokenizer over the given vocabulary.
     *
     * @param tokens token text to id; single characters are ordinary tokens, longer entries special tokens
     * @param eosTokenId the end-of-sequence id, one of the vocabulary's ids
     * @return the tokenizer
     * @throws IllegalArgumentException naming the bad entry if an id is negative, a token empty, a character listed
     *     twice, or the end-of-sequence id out of range
     */
    public static CharTokenizer of(Map<String, Integer> tokens, int eosTokenId) {
        return new CharTokenizer(tokens, eosTokenId);
    }

    /**
     * Reads a vocabulary JSON document (see the class description).
     *
     * @param json the document
     * @return the tokenizer
     * @throws IllegalArgumentException if the document is not a valid vocabulary
     * @throws UncheckedIOException if reading fails
     */
    public static CharTokenizer fromJson(InputStream json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("invalid vocabulary JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.path("tokens").isObject()) {
            throw new IllegalArgumentException("vocabulary JSON lacks the object 'tokens'");
        }
        Map<String, Integer> tokens = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("tokens").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt()) {
                throw new IllegalArgumentException("id of token '" + e.getKey() + "' is not an integer: "
                        + e.getValue());
            }
            tokens.put(e.getKey(), e.getValue().intValue());
        }
        int eos;
        if (root.path("eos_token_id").canConvertToInt()) {
            eos = root.get("eos_token_id").intValue();
        } else if (root.path("special_tokens").path("eos").isTextual()
                && tokens.containsKey(root.get("special_tokens").get("eos").asText())) {
            eos = tokens.get(root.get("special_tokens").get("eos").asText());
        } else {
            throw new IllegalArgumentException("vocabulary JSON names no eos_token_id");
        }
        return new CharTokenizer(tokens, eos);
    }

    /**
     * Reads a vocabulary JSON file.
     *
     * @param file the file
     * @return the tokenizer
     * @throws IllegalArgumentException if the file is not a valid vocabulary (the message names the file)
     * @throws UncheckedIOException if the file cannot be read
     */
    public static CharTokenizer read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return fromJson(in);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vocabulary " + file, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException naming the first character outside the vocabulary and its index
     */
    @Override
    public int[] encode(String text) {
        int[] out = new int[text.codePointCount(0, text.length())];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            Integer id = idByCodePoint.get(cp);
            if (id == null) {
                throw new IllegalArgumentException("character " + describe(cp) + " at index " + i
                        + " is not in the model's vocabulary");
            }
            out[n++] = id;
            i += Character.charCount(cp);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            sb.append(decode(id));
        }
        return sb.toString();
    }

    /**
     * Decodes one token.
     *
     * @param id the token id
     * @return its character, or the empty string for a special or unknown id
     */
    public String decode(int id) {
        return id >= 0 && id < textById.length ? textById[id] : "";
    }

    @Override
    public int eosTokenId() {
        return eosTokenId;
    }

    /** Returns {@code true}: every token is one character. */
    @Override
    public boolean decodesTokenByToken() {
        return true;
    }

    /** Returns the characters of the vocabulary (without special tokens). */
    public Set<Integer> codePoints() {
        return idByCodePoint.keySet();
    }

    /** Returns the number of ids, special tokens included (the largest id plus one). */
    public int size() {
        return textById.length;
    }

    /** Describes a code point for error messages: {@code 'x'} or {@code U+000A}. */
    static String describe(int cp) {
        String hex = String.format("U+%04X", cp);
        if (Character.isISOControl(cp) || Character.isWhitespace(cp) || !Character.isDefined(cp)) {
            return hex;
        }
        return "'" + new String(Character.toChars(cp)) + "' (" + hex + ")";
    }
}

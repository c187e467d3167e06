package dev.contemplate.inference.onnx;

/**
 * Maps text to a model's token ids and back. Implementations are thread-safe: the engine encodes on the
 * subscribing thread and decodes on its scheduler thread.
 */
public interface Tokenizer {

    /**
     * Encodes text without adding special tokens.
     *
     * @param text the text
     * @return the token ids
     * @throws IllegalArgumentException naming the offending part if the text cannot be encoded (for example a
     *     character outside a character vocabulary)
     */
    int[] encode(String text);

    /**
     * Decodes token ids to text, leaving out special tokens (end of sequence, padding).
     *
     * @param ids the token ids
     * @return the text
     */
    String decode(int[] ids);

    /** Returns the end-of-sequence token id. */
    int eosTokenId();

    /**
     * Returns whether decoding a sequence equals concatenating the decoding of each token alone, so that the
     * engine may decode one token at a time while streaming. Subword tokenizers that merge bytes or spaces across
     * tokens return {@code false} (the default), and the engine decodes the whole generated sequence at each step.
     */
    default boolean decodesTokenByToken() {
        return false;
    }
}

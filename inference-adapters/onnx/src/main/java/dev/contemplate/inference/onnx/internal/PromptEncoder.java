package dev.contemplate.inference.onnx.internal;

import dev.contemplate.inference.GenerationRequest;
import dev.contemplate.inference.PermanentInferenceException;
import dev.contemplate.inference.onnx.PromptTemplate;
import dev.contemplate.inference.onnx.Tokenizer;

/** Renders a request's messages with the prompt template and encodes them, checking the result fits the model. */
public final class PromptEncoder {

    private final String engineName;
    private final PromptTemplate template;
    private final Tokenizer tokenizer;
    private final int contextLength;
    private final int vocabSize;

    /**
     * Creates the encoder.
     *
     * @param engineName the engine's name, for errors
     * @param template renders the messages
     * @param tokenizer encodes the text
     * @param contextLength the most positions of a sequence; a prompt must leave room for one token
     * @param vocabSize the model's vocabulary size; every token id must be below it
     */
    public PromptEncoder(String engineName, PromptTemplate template, Tokenizer tokenizer, int contextLength,
            int vocabSize) {
        this.engineName = engineName;
        this.template = template;
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.vocabSize = vocabSize;
    }

    /**
     * Renders and encodes a request's prompt.
     *
     * @param request the request
     * @return the prompt's token ids
     * @throws PermanentInferenceException naming the problem if the template rejects the messages, the tokenizer
     *     rejects the text, or the prompt leaves no room in the context
     */
    public int[] encode(GenerationRequest request) {
        String text;
        try {
            text = template.render(request.messages());
        } catch (IllegalArgumentException e) {
            throw new PermanentInferenceException(engineName, "bad prompt: " + e.getMessage(), e);
        }
        int[] ids;
        try {
            ids = tokenizer.encode(text);
        } catch (IllegalArgumentException e) {
            throw new PermanentInferenceException(engineName, "cannot tokenize the prompt: " + e.getMessage(), e);
        }
        if (ids.length == 0) {
            throw new PermanentInferenceException(engineName, "the prompt is empty", null);
        }
        if (ids.length >= contextLength) {
            throw new PermanentInferenceException(engineName, "the prompt has " + ids.length
                    + " tokens, which leaves no room in the context of " + contextLength + " positions", null);
        }
        for (int id : ids) {
            if (id < 0 || id >= vocabSize) {
                throw new PermanentInferenceException(engineName, "the tokenizer produced token id " + id
                        + " outside the model's vocabulary of " + vocabSize, null);
            }
        }
        return ids;
    }
}

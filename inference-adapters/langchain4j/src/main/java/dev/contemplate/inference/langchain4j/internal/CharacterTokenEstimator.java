package dev.contemplate.inference.langchain4j.internal;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;

/**
 * The fallback token estimate when a provider reports no usage and no estimator is configured: one token per four
 * characters, rounded up (the usual rule of thumb for English text with BPE tokenizers), and at least one token
 * for non-empty text. It is an estimate, not a count; configure a tokenizer-backed estimator where it matters.
 */
public final class CharacterTokenEstimator implements TokenCountEstimator {

    /** Characters per token. */
    public static final int CHARS_PER_TOKEN = 4;

    @Override
    public int estimateTokenCountInText(String text) {
        return text == null || text.isEmpty() ? 0 : Math.max(1, (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
    }

    @Override
    public int estimateTokenCountInMessage(ChatMessage message) {
        if (message instanceof SystemMessage s) {
            return estimateTokenCountInText(s.text());
        }
        if (message instanceof UserMessage u) {
            return u.hasSingleText() ? estimateTokenCountInText(u.singleText()) : 0;
        }
        if (message instanceof AiMessage a) {
            return a.text() == null ? 0 : estimateTokenCountInText(a.text());
        }
        return 0;
    }

    @Override
    public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
        int total = 0;
        for (ChatMessage m : messages) {
            total += estimateTokenCountInMessage(m);
        }
        return total;
    }
}

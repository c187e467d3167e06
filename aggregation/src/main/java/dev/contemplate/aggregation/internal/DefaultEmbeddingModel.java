package dev.contemplate.aggregation.internal;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * The semantic vote's default embedding model: the quantised all-MiniLM-L6-v2 that ships inside its jar (nothing is
 * downloaded), loaded on first use (about 1 s and 23 MB of model) and then shared by the whole JVM. Thread-safe.
 */
public final class DefaultEmbeddingModel {

    private DefaultEmbeddingModel() {
    }

    private static final class Holder {
        static final EmbeddingModel INSTANCE = new AllMiniLmL6V2QuantizedEmbeddingModel();
    }

    /** Returns the shared model, loading it on the first call. */
    public static EmbeddingModel get() {
        return Holder.INSTANCE;
    }
}

package dev.contemplate.aggregation.internal;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The semantic vote's default embedding model: the quantised all-MiniLM-L6-v2 that ships inside its jar (nothing is
 * downloaded), loaded once (about 1 s and 23 MB of model), on first use or ahead of it when a semantic vote with this
 * model is opened ({@link SemanticVoting#open}), and then shared by the whole JVM. Thread-safe.
 */
public final class DefaultEmbeddingModel {

    /** The shared model. */
    static final Lazy SHARED = new Lazy(AllMiniLmL6V2QuantizedEmbeddingModel::new);

    private DefaultEmbeddingModel() {
    }

    /**
     * Returns the shared model, loading it on the first call (blocking; a call during a preload waits for it).
     *
     * @throws RuntimeException if the model cannot be loaded; a later call tries again
     */
    public static EmbeddingModel get() {
        return SHARED.get();
    }

    /**
     * A model loaded once, on the first {@link #get()} or ahead of it by {@link #preload}; a failed load is retried by
     * the next {@code get()}. Thread-safe.
     */
    static final class Lazy implements Supplier<EmbeddingModel> {
        private final Supplier<? extends EmbeddingModel> loader;
        private final AtomicBoolean preloading = new AtomicBoolean();
        private volatile EmbeddingModel model;

        Lazy(Supplier<? extends EmbeddingModel> loader) {
            this.loader = Objects.requireNonNull(loader, "loader");
        }

        /** Returns the model, loading it first if no load has succeeded yet; blocking. */
        @Override
        public EmbeddingModel get() {
            EmbeddingModel m = model;
            if (m == null) {
                synchronized (this) {
                    m = model;
                    if (m == null) {
                        m = Objects.requireNonNull(loader.get(), "loaded model");
                        model = m;
                    }
                }
            }
            return m;
        }

        /** Returns whether the model is loaded. */
        boolean loaded() {
            return model != null;
        }

        /**
         * Starts loading the model as a task of {@code scheduler} and returns without waiting, unless it is loaded,
         * a preload was already started, or {@code scheduler} is {@link Schedulers#immediate()} (which would load on
         * the caller's thread: the model then loads on first use). A failed preload is left to the first use to
         * report.
         *
         * @return whether a load was scheduled
         */
        boolean preload(Scheduler scheduler) {
            if (model != null || scheduler == Schedulers.immediate() || !preloading.compareAndSet(false, true)) {
                return false;
            }
            try {
                scheduler.schedule(this::preloadNow);
                return true;
            } catch (RejectedExecutionException e) {
                preloading.set(false);
                return false;
            }
        }

        private void preloadNow() {
            try {
                get();
            } catch (RuntimeException | LinkageError e) {
                // the first cast loads again and reports the failure
                preloading.set(false);
            }
        }
    }
}

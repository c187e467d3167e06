package dev.contemplate.orchestrator.langchain4j;

import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The metadata of a {@link ChatResponse} answered by contemplation: LangChain4j's model name, token usage and finish
 * reason, plus the whole {@link Verdict} (votes, stop reason, completeness, per-agent outcomes and tokens,
 * provenance), so callers need not parse the reply text.
 *
 * <pre>{@code
 * ChatResponse response = model.chat(request);
 * if (response.metadata() instanceof ContemplationResponseMetadata m) {
 *     Verdict verdict = m.verdict();
 * }
 * }</pre>
 *
 * <p>The model name says how the verdict was reached: {@code contemplate-fast}, {@code contemplate-auto}, or
 * {@code contemplate-N} for CONTEMPLATE with N planned agents. The token usage is the verdict's total over agents and
 * aggregation calls. The finish reason is {@code STOP} for a complete verdict, {@code LENGTH} when the token budget
 * cut it and {@code OTHER} when the deadline did. Instances are immutable.
 */
public final class ContemplationResponseMetadata extends ChatResponseMetadata {

    private final Verdict verdict;

    private ContemplationResponseMetadata(Builder builder) {
        super(builder);
        this.verdict = Objects.requireNonNull(builder.verdict, "a verdict is required: call verdict(...)");
    }

    /** Returns a builder; a verdict is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the verdict the response was made from. */
    public Verdict verdict() {
        return verdict;
    }

    /** Returns a builder holding this metadata's values. */
    @Override
    public Builder toBuilder() {
        return ((Builder) toBuilder(builder())).verdict(verdict);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ContemplationResponseMetadata that)) {
            return false;
        }
        return super.equals(that) && verdict.equals(that.verdict);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), verdict);
    }

    @Override
    public String toString() {
        return "ContemplationResponseMetadata{modelName=" + modelName() + ", tokenUsage=" + tokenUsage()
                + ", finishReason=" + finishReason() + ", stopReason=" + verdict.stopReason() + ", complete="
                + verdict.complete() + ", answer=" + verdict.answer().key() + ", confidence=" + verdict.confidence()
                + ", provenance=" + verdict.provenance() + ", agents=" + verdict.agents().size() + "}";
    }

    /** Builds a {@link ContemplationResponseMetadata}. Not thread-safe. */
    public static final class Builder extends ChatResponseMetadata.Builder<Builder> {

        private @Nullable Verdict verdict;

        private Builder() {
        }

        /** Sets the verdict (required). */
        public Builder verdict(Verdict value) {
            this.verdict = Objects.requireNonNull(value, "verdict");
            return this;
        }

        /**
         * Returns the metadata.
         *
         * @throws NullPointerException if no verdict was set
         */
        @Override
        public ContemplationResponseMetadata build() {
            return new ContemplationResponseMetadata(this);
        }
    }
}

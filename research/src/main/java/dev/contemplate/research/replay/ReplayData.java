package dev.contemplate.research.replay;

import dev.contemplate.research.dataset.SkippedLine;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ReplayReader} read from one file.
 *
 * @param format the format used, forced or detected; empty when no line could be recognised
 * @param questions the valid questions in file order
 * @param skipped the lines that were not read, in file order
 * @param extractors how many questions each extractor spec was used for, in first-use order
 */
public record ReplayData(Optional<ReplayFormat> format, List<ReplayQuestion> questions, List<SkippedLine> skipped,
        Map<String, Integer> extractors) {

    /**
     * Copies the components.
     *
     * @throws NullPointerException if a component is null
     */
    public ReplayData {
        Objects.requireNonNull(format, "format");
        questions = List.copyOf(questions);
        skipped = List.copyOf(skipped);
        extractors = Collections.unmodifiableMap(new LinkedHashMap<>(extractors));
    }

    /** Returns the number of samples over all questions, before any cap on samples per question. */
    public int samples() {
        return questions.stream().mapToInt(q -> q.samples().size()).sum();
    }

    /** Returns the number of samples without an answer over all questions, before any cap. */
    public int unanswered() {
        return questions.stream().mapToInt(ReplayQuestion::unanswered).sum();
    }
}

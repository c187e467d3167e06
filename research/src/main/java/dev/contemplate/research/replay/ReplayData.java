package dev.contemplate.examples.research;

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
 * @param malformed the rejected lines in file order
 * @param extractors how many questions each extractor spec was used for, in first-use order
 */
public record ReplayData(Optional<ReplayFormat> format, List<ReplayQuestion> questions, List<MalformedLine> malformed,
        Map<String, Integer> extractors) {

    /** Copies the components. */
    public ReplayData {
        Objects.requireNonNull(format, "format");
        questions = List.copyOf(questions);
        malformed = List.copyOf(malformed);
        extractors = Collections.unmodifiableMap(new LinkedHashMap<>(extractors));
    }

    /** Returns the number of samples over all questions, before any {@code --max} cap. */
    public int samples() {
        return questions.stream().mapToInt(q -> q.samples().size()).sum();
    }

    /** Returns the number of samples without an answer over all questions, before any cap. */
    public int unanswered() {
        return questions.stream().mapToInt(ReplayQuestion::unanswered).sum();
    }
}

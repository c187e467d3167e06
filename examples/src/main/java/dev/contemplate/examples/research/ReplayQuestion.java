package dev.contemplate.examples.research;

import dev.contemplate.aggregation.Answer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One recorded question, ready to replay: its gold key and every sample's extracted answer (computed once).
 *
 * @param line the 1-based line it came from
 * @param gold the gold answer as written
 * @param goldKey the gold answer's key, compared with the verdict's key
 * @param samples each sample's answer, empty for a sample without one, in file order
 * @param ordered whether the samples' order is meaningful (ESC and Adaptive-Consistency lists: the first
 *     {@code --max} are replayed); false for expanded counts, whose order is arbitrary
 * @param extractor the extractor used, by its spec ({@code letters}, {@code numeric}, ...)
 */
public record ReplayQuestion(int line, String gold, String goldKey, List<Optional<Answer>> samples, boolean ordered,
        String extractor) {

    /** Validates and copies the components. */
    public ReplayQuestion {
        Objects.requireNonNull(gold, "gold");
        Objects.requireNonNull(goldKey, "goldKey");
        Objects.requireNonNull(extractor, "extractor");
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a question needs at least one sample");
        }
    }

    /** Returns how many samples carry no answer. */
    public int unanswered() {
        int n = 0;
        for (Optional<Answer> a : samples) {
            if (a.isEmpty()) {
                n++;
            }
        }
        return n;
    }
}

package dev.contemplate.research.replay;

import dev.contemplate.aggregation.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One recorded question, ready to replay: its gold key and every sample's extracted answer (computed once), with the
 * samples' texts and labels for votes that read texts.
 *
 * @param line the 1-based line it came from
 * @param gold the gold answer as written; empty for a {@linkplain #labelled() labelled} question, which has none
 * @param goldKey the gold answer's key, compared with the verdict's key; empty for a labelled question
 * @param samples each sample's answer, empty for a sample without one, in file order
 * @param ordered whether the samples' order is meaningful (ESC, Adaptive-Consistency and free-form lists: the first
 *     {@code max} are replayed); false for expanded counts, whose order is arbitrary
 * @param extractor the extractor used, by its spec ({@code letters}, {@code numeric}, ...)
 * @param question the question's text when the file gives it (ESC, free-form)
 * @param texts each sample's text, label and log-probabilities, in the order of {@code samples}
 * @param labelled whether the samples carry their own {@code correct} labels (free-form files) instead of being
 *     judged against a gold answer
 */
public record ReplayQuestion(int line, String gold, String goldKey, List<Optional<Answer>> samples, boolean ordered,
        String extractor, Optional<String> question, List<ReplaySample> texts, boolean labelled) {

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException if there is no sample, or {@code texts} and {@code samples} differ in length
     * @throws NullPointerException if a component is null
     */
    public ReplayQuestion {
        Objects.requireNonNull(gold, "gold");
        Objects.requireNonNull(goldKey, "goldKey");
        Objects.requireNonNull(extractor, "extractor");
        Objects.requireNonNull(question, "question");
        samples = List.copyOf(samples);
        texts = List.copyOf(texts);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a question needs at least one sample");
        }
        if (texts.size() != samples.size()) {
            throw new IllegalArgumentException("a question needs one text per sample but has " + texts.size()
                    + " texts for " + samples.size() + " samples");
        }
    }

    /**
     * Returns a question judged against its gold answer whose sample texts are the answers' texts (empty for a sample
     * without an answer), each correct when its key equals {@code goldKey}, without a question text.
     *
     * @throws IllegalArgumentException if there is no sample
     * @throws NullPointerException if a component is null
     */
    public ReplayQuestion(int line, String gold, String goldKey, List<Optional<Answer>> samples, boolean ordered,
            String extractor) {
        this(line, gold, goldKey, samples, ordered, extractor, Optional.empty(), keyedTexts(samples, goldKey), false);
    }

    private static List<ReplaySample> keyedTexts(List<Optional<Answer>> samples, String goldKey) {
        Objects.requireNonNull(goldKey, "goldKey");
        List<ReplaySample> texts = new ArrayList<>(samples.size());
        for (Optional<Answer> a : samples) {
            texts.add(new ReplaySample(a.map(Answer::text).orElse(""),
                    a.map(x -> x.key().equals(goldKey)).orElse(false)));
        }
        return texts;
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

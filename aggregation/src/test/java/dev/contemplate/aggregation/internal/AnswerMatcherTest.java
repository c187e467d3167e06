package dev.contemplate.aggregation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.contemplate.aggregation.SemanticOptions;
import dev.contemplate.aggregation.internal.SameAnswerRule.Embedded;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AnswerMatcher} and {@link AnswerAnalyzer} with the real embedding model (all-MiniLM-L6-v2, quantised, loaded
 * once for the whole JVM). The rule's precision and recall on {@code semantic/pairs.jsonl} are measured through the
 * vote by {@code SemanticVotingTest}.
 */
class AnswerMatcherTest {

    private static EmbeddingModel model;
    private static List<Pair> pairs;

    /** One pair of answers to a question. */
    record Pair(String question, String a, String b) {
    }

    @BeforeAll
    static void load() throws IOException {
        model = DefaultEmbeddingModel.get();
        pairs = readPairs("/semantic/pairs.jsonl");
    }

    static List<Pair> readPairs(String resource) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Pair> out = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(AnswerMatcherTest.class.getResourceAsStream(resource),
                resource); BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                out.add(new Pair(n.get("question").asText(), n.get("a").asText(), n.get("b").asText()));
            }
        }
        return out;
    }

    @Test
    void judgementsAreSymmetricOnEveryLabelledPair() {
        Map<String, AnswerMatcher> matchers = new HashMap<>();
        Map<String, Embedded> prepared = new HashMap<>();
        for (Pair p : pairs) {
            AnswerMatcher m = matchers.computeIfAbsent(p.question(), AnswerMatcherTest::matcher);
            Embedded a = prepared.computeIfAbsent(p.question() + "\n" + p.a(), k -> m.prepare(p.a()));
            Embedded b = prepared.computeIfAbsent(p.question() + "\n" + p.b(), k -> m.prepare(p.b()));
            assertThat(m.judge(b, a).same()).as("symmetric on %s", p).isEqualTo(m.judge(a, b).same());
        }
    }

    @Test
    void parisParaphrasesMatchAndNearMissesDoNot() {
        AnswerMatcher m = matcher("What is the capital of France?");
        assertThat(same(m, "Paris.", "It's Paris.")).isTrue();
        assertThat(same(m, "Paris.", "The capital of France is Paris.")).isTrue();
        assertThat(same(m, "It's Paris.", "The capital of France is Paris.")).isTrue();
        assertThat(same(m, "The capital of France is Lyon.", "The capital of France is Paris.")).isFalse();
        AnswerMatcher sum = matcher("What is 6 times 7?");
        assertThat(same(sum, "The answer is 42", "The answer is 24")).isFalse();
        assertThat(same(sum, "The answer is 42", "forty-two")).isTrue();
        AnswerMatcher safe = matcher("Is it safe?");
        assertThat(same(safe, "Yes, it is safe.", "No, it is not safe.")).isFalse();
        assertThat(same(safe, "No, it is not safe.", "It isn't safe.")).isTrue();
    }

    @Test
    void numberWordsCompareByTheirValue() {
        AnswerMatcher moon = matcher("In which year did Apollo 11 land on the Moon?");
        assertThat(same(moon, "In nineteen sixty-nine.", "1969")).isTrue();
        assertThat(same(moon, "nineteen sixty-nine", "It was 88 years ago.")).isFalse();
        AnswerMatcher trip = matcher("How long does the trip take?");
        assertThat(same(trip, "Between two and three hours.", "Five hours.")).isFalse();
        assertThat(same(trip, "Between two and three hours.", "2 to 3 hours")).isTrue();
        AnswerMatcher year = matcher("Which year is it?");
        assertThat(same(year, "twenty twenty-four", "2024")).isTrue();
        assertThat(same(year, "two thousand and twenty", "2020")).isTrue();
        assertThat(same(year, "two thousand and twenty", "2002")).isFalse();
    }

    @Test
    void longAndOddTextsAreAnalysedInLinearTimeWithoutOverflowingTheStack() {
        List<String> odd = List.of("Because of f(" + "word ".repeat(20_000), "a-".repeat(50_000),
                "a.ba.ba.b".repeat(10_000), "O(" + "n log ".repeat(20_000) + ")", "The answer is ".repeat(20_000),
                "x^".repeat(50_000), "`" + "x".repeat(100_000), "f(g(h(i(".repeat(10_000),
                "one two and three hundred and ".repeat(10_000), "nineteen sixty-nine ".repeat(10_000));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            AnswerAnalyzer analyzer = new AnswerAnalyzer("Why is it?");
            for (String text : odd) {
                assertThat(analyzer.analyze(AnswerAnalyzer.answerPart(text)).text()).isNotEmpty();
            }
        });
    }

    private static AnswerMatcher matcher(String question) {
        return new AnswerMatcher(question, () -> model, SemanticOptions.defaults());
    }

    private static boolean same(AnswerMatcher m, String a, String b) {
        return m.judge(m.prepare(a), m.prepare(b)).same();
    }
}

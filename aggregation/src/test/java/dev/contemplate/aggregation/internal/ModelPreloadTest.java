package dev.contemplate.aggregation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.contemplate.agents.Candidate;
import dev.contemplate.agents.Conversation;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.SemanticOptions;
import dev.contemplate.aggregation.Vote;
import dev.contemplate.aggregation.Voting;
import dev.contemplate.inference.FinishReason;
import dev.contemplate.inference.TokenUsage;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** Loading an embedding model ahead of the first cast ({@link DefaultEmbeddingModel.Lazy}, {@code open}). */
class ModelPreloadTest {

    /** Embeds every text as the same unit vector. */
    private static final class ConstantModel implements EmbeddingModel {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream().map(s -> Embedding.from(new float[] {1, 0})).toList());
        }
    }

    /** A loader that counts its loads, remembers their threads and waits for {@link #release} before finishing. */
    private static final class SlowLoader {
        final AtomicInteger loads = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        EmbeddingModel load() {
            loads.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            started.countDown();
            try {
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return new ConstantModel();
        }
    }

    private static Candidate candidate(String text) {
        return new Candidate(Team.builder().size(1).build().agents().get(0), text, FinishReason.STOP,
                TokenUsage.ZERO, Duration.ZERO);
    }

    @Test
    void preloadStartsTheLoadOnTheSchedulerWithoutWaitingAndLoadsOnce() throws Exception {
        SlowLoader loader = new SlowLoader();
        DefaultEmbeddingModel.Lazy lazy = new DefaultEmbeddingModel.Lazy(loader::load);

        assertThat(lazy.preload(Schedulers.boundedElastic())).isTrue();
        assertThat(loader.started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lazy.loaded()).isFalse();
        assertThat(lazy.preload(Schedulers.boundedElastic())).isFalse();

        loader.release.countDown();
        EmbeddingModel model = lazy.get();
        assertThat(lazy.get()).isSameAs(model);
        assertThat(lazy.loaded()).isTrue();
        assertThat(loader.loads).hasValue(1);
        assertThat(loader.threads).singleElement().asString().startsWith("boundedElastic");
        assertThat(lazy.preload(Schedulers.boundedElastic())).isFalse();
    }

    @Test
    void theImmediateSchedulerSkipsThePreloadAndTheFirstUseLoads() {
        SlowLoader loader = new SlowLoader();
        loader.release.countDown();
        DefaultEmbeddingModel.Lazy lazy = new DefaultEmbeddingModel.Lazy(loader::load);
        assertThat(lazy.preload(Schedulers.immediate())).isFalse();
        assertThat(loader.loads).hasValue(0);
        lazy.get();
        assertThat(loader.loads).hasValue(1);
        assertThat(loader.threads).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void aFailedLoadIsLoadedAgainOnUse() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch failed = new CountDownLatch(1);
        DefaultEmbeddingModel.Lazy lazy = new DefaultEmbeddingModel.Lazy(() -> {
            if (calls.incrementAndGet() == 1) {
                failed.countDown();
                throw new IllegalStateException("no model");
            }
            return new ConstantModel();
        });
        assertThat(lazy.preload(Schedulers.boundedElastic())).isTrue();
        assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lazy.get()).isInstanceOf(ConstantModel.class);
        assertThat(calls).hasValue(2);

        DefaultEmbeddingModel.Lazy broken = new DefaultEmbeddingModel.Lazy(() -> {
            throw new IllegalStateException("no model");
        });
        assertThatThrownBy(broken::get).hasMessage("no model");
    }

    @Test
    void openPreloadsTheModelWithoutWaitingAndTheFirstCastWaitsForIt() throws Exception {
        SlowLoader loader = new SlowLoader();
        SemanticVoting voting = new SemanticVoting(new DefaultEmbeddingModel.Lazy(loader::load),
                SemanticOptions.defaults(), Schedulers.boundedElastic());

        Voting.Counter counter = voting.open(Conversation.of("What is the capital of France?"));
        assertThat(loader.started.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Vote> vote = counter.cast(candidate("Paris.")).toFuture();
        voting.open(Conversation.of("What is the capital of Italy?"));
        assertThat(vote).isNotDone();

        loader.release.countDown();
        assertThat(vote.get(10, TimeUnit.SECONDS).answer().map(Answer::key)).contains("c1");
        assertThat(loader.loads).hasValue(1);
    }

    @Test
    void openOnTheImmediateSchedulerLeavesTheLoadToTheFirstCast() {
        SlowLoader loader = new SlowLoader();
        loader.release.countDown();
        SemanticVoting voting = new SemanticVoting(new DefaultEmbeddingModel.Lazy(loader::load),
                SemanticOptions.defaults(), Schedulers.immediate());
        Voting.Counter counter = voting.open(Conversation.of("What is the capital of France?"));
        assertThat(loader.loads).hasValue(0);
        CompletableFuture<Vote> vote = counter.cast(candidate("Paris.")).toFuture();
        assertThat(vote).isDone();
        assertThat(loader.loads).hasValue(1);
        assertThat(loader.threads).containsOnly(Thread.currentThread().getName());
    }
}

package dev.contemplate.orchestrator.bench;

import dev.contemplate.agents.Agent;
import dev.contemplate.agents.Team;
import dev.contemplate.aggregation.Answer;
import dev.contemplate.aggregation.AnswerExtractor;
import dev.contemplate.aggregation.AnswerExtractors;
import dev.contemplate.aggregation.StoppingRules;
import dev.contemplate.orchestrator.Contemplator;
import dev.contemplate.orchestrator.Verdict;
import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.UntypedAgent;
import dev.langchain4j.agentic.scope.AgenticScope;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The orchestrator's own cost per contemplation on a zero-latency engine, against a hand-written
 * CompletableFuture fan-out that does the same work (build each agent's request, extract, count, pick the
 * majority) with none of the budget, event or cancellation machinery; and against LangChain4j's own parallel
 * agents ({@code AgenticServices.parallelBuilder()}, langchain4j-agentic) on a chat model that answers the same
 * text at once on the caller's thread, with an output function that takes the majority of the sub-agents' numeric
 * answers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// the tests log the contemplator at DEBUG into a file (simplelogger.properties); a user's default is quieter
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g",
        "-Dorg.slf4j.simpleLogger.log.dev.contemplate.orchestrator.Contemplator=warn"})
public class OrchestratorOverheadBenchmark {

    private static final String QUESTION = "What is 54+39-25+73?";

    @Param({"1", "8", "32"})
    public int agents;

    private ZeroLatencyEngine engine;
    private Contemplator contemplator;
    private Team team;
    private AnswerExtractor extractor;
    private ExecutorService pool;
    private ExecutorService agenticPool;
    private UntypedAgent parallelAgents;

    /** One LangChain4j sub-agent: the question in, the model's text out. */
    public interface Solver {
        @UserMessage("{{question}}")
        @dev.langchain4j.agentic.Agent(description = "Answers the question")
        String solve(@V("question") String question);
    }

    /** LangChain4j's counterpart of {@link ZeroLatencyEngine}: the same text and usage, at once, on the caller. */
    static final class ZeroLatencyChatModel implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            return ChatResponse.builder().aiMessage(AiMessage.from(ZeroLatencyEngine.TEXT))
                    .tokenUsage(new TokenUsage(20, 12))
                    .finishReason(dev.langchain4j.model.output.FinishReason.STOP).build();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        engine = new ZeroLatencyEngine();
        team = Team.builder().size(agents).seed(1).build();
        extractor = AnswerExtractors.numeric();
        contemplator = Contemplator.builder().engine(engine).team(team).extractor(extractor)
                .stoppingRule(StoppingRules.fixed()).build();
        pool = Executors.newFixedThreadPool(2);
        agenticPool = Executors.newFixedThreadPool(2);
        ChatModel model = new ZeroLatencyChatModel();
        List<Object> solvers = new ArrayList<>(agents);
        List<String> keys = new ArrayList<>(agents);
        for (int i = 0; i < agents; i++) {
            keys.add("answer" + i);
            solvers.add(AgenticServices.agentBuilder(Solver.class).name("solver" + i).chatModel(model)
                    .outputKey("answer" + i).build());
        }
        parallelAgents = AgenticServices.parallelBuilder().subAgents(solvers).executor(agenticPool)
                .outputKey("majority").output(scope -> majority(scope, keys)).build();
        String check = (String) parallelAgents.invoke(Map.of("question", QUESTION));
        if (!"141".equals(check)) {
            throw new IllegalStateException("LangChain4j parallel agents answered " + check);
        }
    }

    private String majority(AgenticScope scope, List<String> keys) {
        Map<String, Integer> counts = new HashMap<>();
        for (String k : keys) {
            Object text = scope.readState(k);
            if (text != null) {
                extractor.extract(text.toString()).ifPresent(ans -> counts.merge(ans.key(), 1, Integer::sum));
            }
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
        agenticPool.shutdownNow();
    }

    @Benchmark
    public Verdict contemplator() {
        return contemplator.contemplate(QUESTION).block();
    }

    @Benchmark
    public String completableFutureFanOut() {
        List<CompletableFuture<Optional<Answer>>> futures = new ArrayList<>(agents);
        for (Agent a : team.agents()) {
            futures.add(CompletableFuture.supplyAsync(() -> extractor.extract(
                    engine.generateNow(a.request(QUESTION, List.of())).text()), pool));
        }
        Map<String, Integer> counts = new HashMap<>();
        for (CompletableFuture<Optional<Answer>> f : futures) {
            f.join().ifPresent(ans -> counts.merge(ans.key(), 1, Integer::sum));
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    @Benchmark
    public Object langchain4jParallelAgents() {
        return parallelAgents.invoke(Map.of("question", QUESTION));
    }
}

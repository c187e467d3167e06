package dev.contemplate.orchestrator;

/**
 * The names of the meters and observations a {@link Contemplator} records, and their tags. Nothing is recorded
 * unless a registry is passed: {@link Contemplator.Builder#meterRegistry} for metrics,
 * {@link Contemplator.Builder#observationRegistry} for observations (and through them traces). Logging goes through
 * SLF4J under the logger {@code dev.contemplate.orchestrator.Contemplator} (DEBUG: contemplation and agent starts and
 * ends; WARN: every agent failed, or an aggregation step fell back to the vote).
 *
 * <p>Tags and low-cardinality key values take their values from fixed sets or from the configuration (rule, vote and
 * aggregator names, engine names, aggregation roles); the question, the conversation and the answers never appear in
 * a tag, a key value or a log line. Durations are measured on the contemplator's {@link Contemplator.Builder#clock
 * clock}, like {@link Verdict#elapsed()}.
 *
 * <h2>Meters</h2>
 * <table>
 * <caption>Meters recorded with a meter registry</caption>
 * <tr><th>Name</th><th>Type</th><th>Tags</th><th>Meaning</th></tr>
 * <tr><td>{@value #CONTEMPLATIONS}</td><td>counter</td><td>mode, outcome, exception, rule, vote, aggregator</td>
 * <td>Contemplations that ended. {@code outcome}: {@code complete} or {@code incomplete} (a verdict, see
 * {@link Verdict#complete()}), {@code failed} (an error; {@code exception} is its simple class name, e.g.
 * {@code AllAgentsFailedException}, {@code ContemplationTimeoutException}), {@code cancelled} (by the subscriber
 * before a verdict). {@code exception} is {@code none} unless failed. {@code mode}: {@code fast}, {@code contemplate},
 * {@code auto}.</td></tr>
 * <tr><td>{@value #STOPS}</td><td>counter</td><td>mode, stop_reason</td>
 * <td>Why the agents stopped: {@code rule_satisfied}, {@code all_agents_done}, {@code deadline},
 * {@code token_budget} (see {@link StopReason}); one per contemplation not cancelled before its agents stopped.</td>
 * </tr>
 * <tr><td>{@value #AGENTS_STARTED}</td><td>counter</td><td>mode</td>
 * <td>Agents whose engine call was started.</td></tr>
 * <tr><td>{@value #AGENTS}</td><td>counter</td><td>mode, status, exception</td>
 * <td>Agents that ended, by {@code status}: {@code finished} (its answer was counted), {@code failed} (an error, or
 * no extractable answer: {@code exception=NoAnswerException}), {@code cancelled} (cut by a stop, the deadline or the
 * caller), {@code shed} (refused by the engine's guard: {@code exception} {@code CallNotPermittedException},
 * {@code BulkheadFullException} or {@code RequestNotPermitted}). {@code exception} is the failure's simple class
 * name, {@code none} unless failed or shed. Every started agent ends exactly once; one still running when the
 * contemplation ends counts as cancelled.</td></tr>
 * <tr><td>{@value #SAMPLES}</td><td>distribution summary</td><td>mode</td>
 * <td>Per contemplation whose agents stopped: the generations the vote counted, answered or not
 * ({@code Tally.samples()}).</td></tr>
 * <tr><td>{@value #TOKENS}</td><td>counter</td><td>mode, outcome, type</td>
 * <td>Tokens spent, {@code type} {@code input} or {@code output}, by {@code outcome}: {@code answered} (agents whose
 * answer was counted), {@code failed} (agents that finished without an answer or failed, their partial output
 * included), {@code cut} (cancelled agents: their prompt and partial output, as the engine metered them while
 * streaming), {@code aggregation} (judge, synthesis and verifier calls that finished).</td>
 * </tr>
 * <tr><td>{@value #VERDICT_LATENCY}</td><td>timer</td><td>mode, outcome</td>
 * <td>Time from subscription to the verdict ({@code outcome} {@code complete} or {@code incomplete}), or to the
 * error ({@code failed}) or the cancellation ({@code cancelled}).</td></tr>
 * <tr><td>{@value #DEADLINE_OVERRUN}</td><td>timer</td><td>mode</td>
 * <td>Per verdict or error: how far past the budget's deadline it came; zero when before.</td></tr>
 * <tr><td>{@value #AGGREGATION_CALLS}</td><td>counter</td><td>role, status</td>
 * <td>Engine calls of the aggregation step that ended, by {@code role} ({@code judge}, {@code synthesis},
 * {@code verifier}, ...) and {@code status}: {@code finished}, {@code failed}, {@code cancelled}.</td></tr>
 * <tr><td>{@value #AGGREGATION_FALLBACKS}</td><td>counter</td><td>aggregator, reason</td>
 * <td>Aggregation steps that left the decision to the vote, by the aggregator's name and {@code reason}:
 * {@code deadline}, {@code token_budget}, {@code no_answer}, {@code error}, {@code single_candidate}.</td></tr>
 * <tr><td>{@value #ENGINE_QUEUED}</td><td>gauge</td><td>engine</td>
 * <td>Generations waiting for a slot in a LangChain4j engine the contemplator calls (registered for
 * {@code LangChain4jEngine} only: the engine SPI exposes no queue depth, so other engines have none).</td></tr>
 * <tr><td>{@value #ENGINE_IN_FLIGHT}</td><td>gauge</td><td>engine</td>
 * <td>Generations holding a slot in such an engine.</td></tr>
 * </table>
 *
 * <h2>Observations</h2>
 * <table>
 * <caption>Observations recorded with an observation registry</caption>
 * <tr><th>Name</th><th>Parent</th><th>Low-cardinality keys</th><th>High-cardinality keys</th></tr>
 * <tr><td>{@value #CONTEMPLATION_OBSERVATION}</td><td>the subscriber's current observation, if any (Reactor context
 * key {@code micrometer.observation}, else the registry's current one)</td>
 * <td>mode, outcome, stop_reason ({@code none} if cancelled first), exception, rule, vote, aggregator</td>
 * <td>none</td></tr>
 * <tr><td>{@value #AGENT_OBSERVATION}</td><td>the contemplation</td>
 * <td>mode, outcome ({@code finished}, {@code failed}, {@code cancelled}), exception</td><td>agent.id</td></tr>
 * <tr><td>{@value #AGGREGATION_CALL_OBSERVATION}</td><td>the contemplation</td>
 * <td>role, outcome ({@code finished}, {@code failed}, {@code cancelled}), exception</td><td>engine</td></tr>
 * </table>
 * A contemplation's observation starts on subscription and stops with its verdict, error or cancellation; an
 * agent's starts when its engine call is subscribed and stops when its answer is counted, it fails or it is
 * cancelled, with the error set when it failed; it is the current observation (Reactor context) of the engine call,
 * so an engine's own observations nest under it. With a tracing handler each observation is a span: one root span
 * per contemplation, one child span per agent and per aggregation call.
 */
public final class ContemplationObservability {

    /** Counter of ended contemplations. */
    public static final String CONTEMPLATIONS = "contemplate.contemplations";
    /** Counter of stop reasons. */
    public static final String STOPS = "contemplate.stops";
    /** Counter of started agents. */
    public static final String AGENTS_STARTED = "contemplate.agents.started";
    /** Counter of ended agents. */
    public static final String AGENTS = "contemplate.agents";
    /** Distribution of samples per contemplation. */
    public static final String SAMPLES = "contemplate.samples";
    /** Counter of tokens. */
    public static final String TOKENS = "contemplate.tokens";
    /** Timer of the time to the verdict. */
    public static final String VERDICT_LATENCY = "contemplate.verdict.latency";
    /** Timer of the deadline overrun. */
    public static final String DEADLINE_OVERRUN = "contemplate.deadline.overrun";
    /** Counter of ended aggregation calls. */
    public static final String AGGREGATION_CALLS = "contemplate.aggregation.calls";
    /** Counter of aggregation fallbacks. */
    public static final String AGGREGATION_FALLBACKS = "contemplate.aggregation.fallbacks";
    /** Gauge of an engine's queued generations. */
    public static final String ENGINE_QUEUED = "contemplate.engine.queued";
    /** Gauge of an engine's generations in flight. */
    public static final String ENGINE_IN_FLIGHT = "contemplate.engine.in.flight";

    /** Observation of one contemplation. */
    public static final String CONTEMPLATION_OBSERVATION = "contemplate.contemplation";
    /** Observation of one agent's engine call. */
    public static final String AGENT_OBSERVATION = "contemplate.agent";
    /** Observation of one engine call of the aggregation step. */
    public static final String AGGREGATION_CALL_OBSERVATION = "contemplate.aggregation.call";

    /** Tag and key: {@code fast}, {@code contemplate} or {@code auto}. */
    public static final String MODE = "mode";
    /** Tag and key: how a contemplation, an agent, a call or a token count ended. */
    public static final String OUTCOME = "outcome";
    /** Tag: how an agent or an aggregation call ended. */
    public static final String STATUS = "status";
    /** Tag and key: an error's simple class name, or {@code none}. */
    public static final String EXCEPTION = "exception";
    /** Tag and key: why the agents stopped, or {@code none}. */
    public static final String STOP_REASON = "stop_reason";
    /** Tag and key: the stopping rule's name. */
    public static final String RULE = "rule";
    /** Tag and key: the vote's name. */
    public static final String VOTE = "vote";
    /** Tag and key: the aggregator's name. */
    public static final String AGGREGATOR = "aggregator";
    /** Tag and key: what an aggregation call is for. */
    public static final String ROLE = "role";
    /** Tag: {@code input} or {@code output} tokens. */
    public static final String TYPE = "type";
    /** Tag: why an aggregation step fell back to the vote. */
    public static final String REASON = "reason";
    /** Tag (gauges) and high-cardinality key (aggregation calls): an engine's name. */
    public static final String ENGINE = "engine";
    /** High-cardinality key: an agent's id. */
    public static final String AGENT_ID = "agent.id";

    private ContemplationObservability() {
    }
}

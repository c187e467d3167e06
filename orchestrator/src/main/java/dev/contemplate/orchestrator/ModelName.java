package dev.contemplate.orchestrator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A model name that selects contemplate mode, as an OpenAI-style client sends it (the grammar optillm users know):
 * {@code contemplate} and {@code contemplate-contemplate} select CONTEMPLATE, {@code contemplate-auto} AUTO,
 * {@code contemplate-fast} FAST, and {@code contemplate-N} CONTEMPLATE with N agents. Case and surrounding spaces are
 * ignored. Shared by {@code ContemplatingChatModel}, {@code ContemplatingStreamingChatModel} and the OpenAI-compatible
 * server, which all read names with {@link #parse}, turn them into a budget with {@link #budget(Budget, int)} and
 * write them with {@link #canonical()}.
 *
 * <h2>What {@code contemplate-N} means</h2>
 * {@code contemplate-N} asks for N agents in place of the budget's agent limit, <em>capped</em> at a ceiling set by
 * whoever serves the name: a larger N is never refused, it gets the ceiling (the verdict's planned agents say how
 * many ran). The other names keep the budget as it is. The ceiling is the most agents a client may ask for:
 * <ul>
 *   <li>the OpenAI-compatible server's is its team's size, which its operator sets apart from the contemplator's
 *       budget: that budget's agent limit is only the default of {@code contemplate} and {@code contemplate-auto},
 *       so {@code contemplate-N} may go above it, up to the team;
 *   <li>the LangChain4j chat models have no setting but their budget, so their budget's agent limit is both the
 *       default and the ceiling ({@link #budget(Budget)}): there {@code contemplate-N} can only lower it.
 * </ul>
 * Capping rather than refusing keeps one behaviour for every front end: a LangChain4j model cannot answer an HTTP
 * status, and a name that asks for more than is allowed still gets the most that is.
 *
 * <pre>{@code
 * ModelName.parse("contemplate-8")          // Optional[ModelName[mode=CONTEMPLATE, agents=OptionalInt[8]]]
 * ModelName.parse("gpt-4o")                 // Optional.empty: not a contemplate name
 * ModelName.parse("contemplate-x")          // IllegalArgumentException naming 'contemplate-x'
 * ModelName.parse("contemplate-8").orElseThrow().budget(budget, 5).maxAgents()   // 5: capped at the ceiling
 * }</pre>
 *
 * @param mode the mode the name selects
 * @param agents the agents the name asks for ({@code contemplate-N}), or empty when it asks for none
 */
public record ModelName(Mode mode, OptionalInt agents) {

    /** The model name that selects contemplate mode, and the prefix of its variants. */
    public static final String NAME = "contemplate";

    private static final String PREFIX = NAME + "-";

    /** {@code contemplate}: CONTEMPLATE with the budget as it is. */
    public static final ModelName CONTEMPLATE = new ModelName(Mode.CONTEMPLATE, OptionalInt.empty());

    /** {@code contemplate-auto}: AUTO with the budget as it is. */
    public static final ModelName AUTO = new ModelName(Mode.AUTO, OptionalInt.empty());

    /** {@code contemplate-fast}: FAST. */
    public static final ModelName FAST = new ModelName(Mode.FAST, OptionalInt.empty());

    /** The names {@link #parse} reads, for error messages. */
    public static final String GRAMMAR = NAME + ", " + PREFIX + "contemplate, " + PREFIX + "auto, " + PREFIX
            + "fast or " + PREFIX + "N with N >= 1";

    /**
     * Validates the components; {@link #parse}, {@link #agents(int)} and the constants make the usual ones.
     *
     * @throws IllegalArgumentException if {@code agents} is present and less than 1, or present with a mode other than
     *     CONTEMPLATE
     */
    public ModelName {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(agents, "agents");
        if (agents.isPresent() && agents.getAsInt() < 1) {
            throw new IllegalArgumentException("agents must be >= 1 but was " + agents.getAsInt());
        }
        if (agents.isPresent() && mode != Mode.CONTEMPLATE) {
            throw new IllegalArgumentException("an agent count goes with CONTEMPLATE mode, not " + mode);
        }
    }

    /**
     * Reads a model name.
     *
     * @param modelName the name a client sent, or null
     * @return the mode (and agent count) it selects, or empty when it is null or not a contemplate name (neither
     *     {@code contemplate} nor a name starting with {@code contemplate-})
     * @throws IllegalArgumentException naming {@code modelName} if it starts with {@code contemplate-} but is none of
     *     the names above
     */
    public static Optional<ModelName> parse(@Nullable String modelName) {
        if (!isContemplateName(modelName)) {
            return Optional.empty();
        }
        String name = modelName.strip().toLowerCase(Locale.ROOT);
        if (name.equals(NAME)) {
            return Optional.of(CONTEMPLATE);
        }
        String variant = name.substring(PREFIX.length());
        switch (variant) {
            case "contemplate":
                return Optional.of(CONTEMPLATE);
            case "auto":
                return Optional.of(AUTO);
            case "fast":
                return Optional.of(FAST);
            default:
                return Optional.of(agents(agents(modelName, variant)));
        }
    }

    /**
     * Returns {@code contemplate-N}.
     *
     * @param n the agents asked for
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public static ModelName agents(int n) {
        return new ModelName(Mode.CONTEMPLATE, OptionalInt.of(n));
    }

    /**
     * Returns the name that describes how a verdict was reached: {@link #FAST}, {@link #AUTO}, or
     * {@code contemplate-N} for CONTEMPLATE with N planned agents ({@link #CONTEMPLATE} when none was planned).
     *
     * @param verdict the verdict
     * @return its name; {@link #canonical()} writes it
     */
    public static ModelName of(Verdict verdict) {
        switch (verdict.mode()) {
            case FAST:
                return FAST;
            case AUTO:
                return AUTO;
            default:
                return verdict.agents().isEmpty() ? CONTEMPLATE : agents(verdict.agents().size());
        }
    }

    /**
     * Returns the names served under a ceiling of agents, in the order a model list shows them:
     * {@code contemplate}, {@code contemplate-auto}, {@code contemplate-fast}, then {@code contemplate-1} to
     * {@code contemplate-CEILING}. (Larger N are still read, and capped: see {@link #budget(Budget, int)}.)
     *
     * @param ceiling the most agents a name may ask for, at least 1
     * @throws IllegalArgumentException if {@code ceiling} is less than 1
     */
    public static List<ModelName> served(int ceiling) {
        checkCeiling(ceiling);
        List<ModelName> names = new ArrayList<>(3 + ceiling);
        names.add(CONTEMPLATE);
        names.add(AUTO);
        names.add(FAST);
        for (int n = 1; n <= ceiling; n++) {
            names.add(agents(n));
        }
        return List.copyOf(names);
    }

    /**
     * Returns whether {@code modelName} is one that {@link #parse} reads as a contemplate name (or rejects as a
     * malformed one): {@code contemplate}, or a name starting with {@code contemplate-}, ignoring case.
     */
    public static boolean isContemplateName(@Nullable String modelName) {
        if (modelName == null) {
            return false;
        }
        String name = modelName.strip().toLowerCase(Locale.ROOT);
        return name.equals(NAME) || name.startsWith(PREFIX);
    }

    /**
     * Returns the budget of a request with this name: {@code base} itself, except that {@code contemplate-N} replaces
     * its agent limit by N capped at {@code ceiling}, the most agents a client may ask for (see the class comment).
     * The deadline and token limit stay.
     *
     * @param base the budget of a request that names no agents
     * @param ceiling the most agents a name may ask for, at least 1
     * @return the request's budget
     * @throws IllegalArgumentException if {@code ceiling} is less than 1
     */
    public Budget budget(Budget base, int ceiling) {
        Objects.requireNonNull(base, "base");
        checkCeiling(ceiling);
        if (agents.isEmpty()) {
            return base;
        }
        return new Budget(base.deadline(), Math.min(agents.getAsInt(), ceiling), base.maxTotalTokens());
    }

    /**
     * Returns {@link #budget(Budget, int)} with {@code base}'s own agent limit as the ceiling: {@code contemplate-N}
     * lowers it to N and never raises it. For a front end whose budget is the most agents a client may ask for.
     */
    public Budget budget(Budget base) {
        return budget(base, Objects.requireNonNull(base, "base").maxAgents());
    }

    /**
     * Returns the canonical name, the one {@link #parse} reads back as this: {@code contemplate},
     * {@code contemplate-auto}, {@code contemplate-fast} or {@code contemplate-N}.
     */
    public String canonical() {
        if (agents.isPresent()) {
            return PREFIX + agents.getAsInt();
        }
        switch (mode) {
            case FAST:
                return PREFIX + "fast";
            case AUTO:
                return PREFIX + "auto";
            default:
                return NAME;
        }
    }

    private static void checkCeiling(int ceiling) {
        if (ceiling < 1) {
            throw new IllegalArgumentException("the ceiling of agents must be >= 1 but was " + ceiling);
        }
    }

    private static int agents(String modelName, String variant) {
        if (variant.isEmpty() || !variant.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw malformed(modelName, "");
        }
        int n;
        try {
            n = Integer.parseInt(variant);
        } catch (NumberFormatException e) {
            throw malformed(modelName, ": the number of agents is too large");
        }
        if (n < 1) {
            throw malformed(modelName, ": the number of agents must be at least 1");
        }
        return n;
    }

    private static IllegalArgumentException malformed(String modelName, String why) {
        return new IllegalArgumentException("malformed contemplate model name '" + modelName + "'" + why
                + "; valid: " + GRAMMAR);
    }
}

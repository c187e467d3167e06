package dev.contemplate.orchestrator;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A model name that selects contemplate mode, as an OpenAI-style client sends it (the grammar optillm users know):
 * {@code contemplate} and {@code contemplate-contemplate} select CONTEMPLATE, {@code contemplate-auto} AUTO,
 * {@code contemplate-fast} FAST, and {@code contemplate-N} CONTEMPLATE with at most N agents. Case and surrounding
 * spaces are ignored. Shared by {@code ContemplatingChatModel} and the OpenAI-compatible server.
 *
 * <pre>{@code
 * ModelName.parse("contemplate-8")          // Optional[ModelName[mode=CONTEMPLATE, agents=OptionalInt[8]]]
 * ModelName.parse("gpt-4o")                 // Optional.empty: not a contemplate name
 * ModelName.parse("contemplate-x")          // IllegalArgumentException naming 'contemplate-x'
 * }</pre>
 *
 * @param mode the mode the name selects
 * @param agents the most agents the name asks for ({@code contemplate-N}), or empty when it asks for none
 */
public record ModelName(Mode mode, OptionalInt agents) {

    /** The model name that selects contemplate mode, and the prefix of its variants. */
    public static final String NAME = "contemplate";

    private static final String PREFIX = NAME + "-";

    /** The names {@link #parse} reads, for error messages. */
    public static final String GRAMMAR = NAME + ", " + PREFIX + "contemplate, " + PREFIX + "auto, " + PREFIX
            + "fast or " + PREFIX + "N with N >= 1";

    /**
     * Validates the components.
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
            return Optional.of(new ModelName(Mode.CONTEMPLATE, OptionalInt.empty()));
        }
        String variant = name.substring(PREFIX.length());
        switch (variant) {
            case "contemplate":
                return Optional.of(new ModelName(Mode.CONTEMPLATE, OptionalInt.empty()));
            case "auto":
                return Optional.of(new ModelName(Mode.AUTO, OptionalInt.empty()));
            case "fast":
                return Optional.of(new ModelName(Mode.FAST, OptionalInt.empty()));
            default:
                return Optional.of(new ModelName(Mode.CONTEMPLATE, OptionalInt.of(agents(modelName, variant))));
        }
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
     * Returns {@code base} with its agent limit lowered to this name's agent count, if it has one (never raised).
     */
    public Budget budget(Budget base) {
        if (agents.isEmpty()) {
            return base;
        }
        return new Budget(base.deadline(), Math.min(agents.getAsInt(), base.maxAgents()), base.maxTotalTokens());
    }

    /** Returns the canonical name: {@code contemplate}, {@code contemplate-auto}, {@code contemplate-fast} or
     * {@code contemplate-N}. */
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

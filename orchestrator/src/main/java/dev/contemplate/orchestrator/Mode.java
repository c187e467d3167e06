package dev.contemplate.orchestrator;

/** How much test-time compute one call spends. */
public enum Mode {
    /** One agent (the team's first), asked once whatever the deliberation protocol; no voting. */
    FAST,
    /** The whole team (up to the budget's agent limit), scheduled as configured, stopping early when settled. */
    CONTEMPLATE,
    /**
     * Start with one agent and escalate in growing waves (1, 1, 2, 4, ... agents, so the number that has answered
     * doubles) only while the stopping rule is unsatisfied, up to the budget's agent limit.
     */
    AUTO
}

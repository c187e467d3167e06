/** Agents, personas, teams and deliberation protocols. */
module dev.contemplate.agents {
    requires transitive dev.contemplate.inference;

    exports dev.contemplate.agents;
}

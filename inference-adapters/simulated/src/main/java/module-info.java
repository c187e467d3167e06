/** A seeded simulated engine and a fault-injecting wrapper: research and test tools, never a default engine. */
module dev.contemplate.inference.simulated {
    requires transitive dev.contemplate.inference;

    exports dev.contemplate.inference.simulated;
}

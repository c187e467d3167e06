/**
 * A seeded, programmable simulated inference engine for research on stopping rules, waves and budgets against a
 * known ground truth: see {@link dev.contemplate.inference.simulated.SimulatedEngine} and
 * {@link dev.contemplate.inference.simulated.Scenario}. It is never a default engine, and everything it produces
 * is labelled simulated. {@link dev.contemplate.inference.simulated.FaultInjectingEngine} wraps any engine and injects
 * seeded faults (errors, rate limits, stalls, slow, cut, empty and corrupt outputs) for testing how callers cope.
 * Everything here is non-null unless a parameter or component says otherwise.
 */
@NullMarked
package dev.contemplate.inference.simulated;

import org.jspecify.annotations.NullMarked;

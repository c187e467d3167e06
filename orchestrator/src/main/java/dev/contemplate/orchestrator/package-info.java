/**
 * The {@link dev.contemplate.orchestrator.Contemplator}: runs a team over an engine under a budget, votes, stops
 * early, cancels stragglers and reports a {@link dev.contemplate.orchestrator.Verdict}. Non-null by default.
 */
@NullMarked
package dev.contemplate.orchestrator;

import org.jspecify.annotations.NullMarked;

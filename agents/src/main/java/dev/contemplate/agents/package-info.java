/**
 * Agents and teams: who answers (persona, prompt style, temperature, seed) and how a team deliberates.
 * Everything here is non-null unless a component says otherwise.
 */
@NullMarked
package dev.contemplate.agents;

import org.jspecify.annotations.NullMarked;

/**
 * Turning candidate texts into votes and votes into a verdict: answer extraction and normalisation, the
 * incremental {@link dev.contemplate.aggregation.Tally}, aggregators and stopping rules. Non-null by default.
 */
@NullMarked
package dev.contemplate.aggregation;

import org.jspecify.annotations.NullMarked;

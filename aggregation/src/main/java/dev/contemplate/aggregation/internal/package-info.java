/**
 * Implementations behind {@link dev.contemplate.aggregation.AnswerExtractors} and
 * {@link dev.contemplate.aggregation.StoppingRules}. Not part of the API: obtain instances through those factories.
 * Non-null by default.
 */
@NullMarked
package dev.contemplate.aggregation.internal;

import org.jspecify.annotations.NullMarked;

/**
 * Data sets of questions with known answers, and the one description of a line that a reader skipped.
 * {@link dev.contemplate.research.dataset.Dataset} is what a bench runs on;
 * {@link dev.contemplate.research.dataset.SkippedLine} is what every reader here, the bench's and the replay's,
 * returns for a line it could not read.
 */
@NullMarked
package dev.contemplate.research.dataset;

import org.jspecify.annotations.NullMarked;

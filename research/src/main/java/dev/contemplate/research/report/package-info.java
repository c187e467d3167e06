/**
 * Reports of {@code contemplate bench}: {@link dev.contemplate.research.report.BenchReport} writes a run's numbers
 * ({@link dev.contemplate.research.report.BenchRun}, one {@link dev.contemplate.research.report.BenchRow} per
 * stopping rule and agent count) as {@code bench.csv} (Commons CSV) and a self-contained {@code report.html} whose
 * charts are drawn by JFreeChart and inlined as SVG written by Batik's SVG generator: no scripts, fonts or style
 * sheets are loaded, so the report opens offline. Accuracy intervals are Wilson score intervals from Commons Statistics.
 * Everything here is non-null unless a parameter or component says otherwise.
 */
@NullMarked
package dev.contemplate.research.report;

import org.jspecify.annotations.NullMarked;

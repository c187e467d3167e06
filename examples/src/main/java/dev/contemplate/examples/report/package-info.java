/**
 * Reports of {@code contemplate bench}: {@link dev.contemplate.examples.report.BenchReport} writes a run's numbers
 * ({@link dev.contemplate.examples.report.BenchRun}, one {@link dev.contemplate.examples.report.BenchRow} per
 * stopping rule and agent count) as {@code bench.csv} and a self-contained {@code report.html} whose charts are
 * inline SVG drawn by {@link dev.contemplate.examples.report.SvgChart}: no scripts, fonts or style sheets are
 * loaded, so the report opens offline. Everything here is non-null unless a parameter or component says otherwise.
 */
@NullMarked
package dev.contemplate.examples.report;

import org.jspecify.annotations.NullMarked;

/**
 * The {@code replay} command: {@link dev.contemplate.examples.research.ReplayCommand}, the picocli front end of the
 * replay in {@code contemplate-research} ({@code dev.contemplate.research.replay}), which reads the recorded formats,
 * runs the rules over shuffles and renders the table and the JSON object.
 */
package dev.contemplate.examples.research;

/**
 * The {@code contemplate} command line ({@link dev.contemplate.examples.cli.ContemplateCli}): {@code ask}
 * contemplates one question, {@code bench} measures accuracy, latency and tokens over a data set for several agent
 * counts. Engines: the embedded ONNX demo model (the default), any OpenAI-compatible server, or the simulated
 * engine. Everything here is non-null unless a parameter or component says otherwise.
 */
@NullMarked
package dev.contemplate.examples.cli;

import org.jspecify.annotations.NullMarked;

/**
 * The inference engine SPI: a streaming, cancellable, Reactor-based contract that every engine (LangChain4j
 * chat models, the embedded ONNX engine, simulators) implements. Everything here is non-null unless a
 * parameter or component says otherwise.
 */
@NullMarked
package dev.contemplate.inference;

import org.jspecify.annotations.NullMarked;

/**
 * The embedded inference engine: decoder-only language models exported to ONNX with an explicit key/value cache,
 * run in-process on ONNX Runtime with continuous batching.
 *
 * <p>{@link dev.contemplate.inference.onnx.OnnxEngine} is the engine; {@link dev.contemplate.inference.onnx.ModelConfig}
 * describes the model's shape; a {@link dev.contemplate.inference.onnx.Tokenizer} maps text to token ids and a
 * {@link dev.contemplate.inference.onnx.PromptTemplate} maps a request's messages to prompt text. Everything here is
 * non-null unless a parameter or component says otherwise.
 */
@NullMarked
package dev.contemplate.inference.onnx;

import org.jspecify.annotations.NullMarked;

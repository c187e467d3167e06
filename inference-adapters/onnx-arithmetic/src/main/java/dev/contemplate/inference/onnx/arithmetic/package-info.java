/**
 * The project's demo model: a small decoder-only transformer that answers arithmetic questions of one family
 * ({@code 54+39-25+73}) with a short chain of thought in one of several solution strategies, shipped inside this jar
 * and run on the embedded ONNX engine. Start with {@link dev.contemplate.inference.onnx.arithmetic.ArithmeticModel}.
 */
@NullMarked
package dev.contemplate.inference.onnx.arithmetic;

import org.jspecify.annotations.NullMarked;

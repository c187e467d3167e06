/**
 * The project's demo model: a small decoder-only transformer that answers arithmetic questions of one family
 * ({@code 54+39-25+73}) with a short chain of thought in one of several solution strategies, shipped inside this jar
 * and run on the embedded ONNX engine. Start with {@link dev.contemplate.model.arithmetic.ArithmeticModel}.
 */
@NullMarked
package dev.contemplate.model.arithmetic;

import org.jspecify.annotations.NullMarked;

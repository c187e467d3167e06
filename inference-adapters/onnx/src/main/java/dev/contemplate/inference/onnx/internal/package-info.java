/**
 * Implementation of the ONNX engine: the decode loop's thread, the key/value cache layout, the ONNX Runtime calls and
 * sampling. Not an API: these types may change in any release.
 */
@NullMarked
package dev.contemplate.inference.onnx.internal;

import org.jspecify.annotations.NullMarked;

package dev.contemplate.inference.onnx.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/** Direct, native-order buffers that ONNX Runtime reads and writes in place. */
final class Buffers {

    private Buffers() {
    }

    static FloatBuffer floats(long count) {
        return ByteBuffer.allocateDirect(Math.toIntExact(Math.multiplyExact(count, 4L)))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    static LongBuffer longs(long count) {
        return ByteBuffer.allocateDirect(Math.toIntExact(Math.multiplyExact(count, 8L)))
                .order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** A view of the first {@code count} elements (ONNX Runtime takes a buffer's remaining elements). */
    static FloatBuffer head(FloatBuffer b, int count) {
        return b.duplicate().position(0).limit(count);
    }

    /** A view of the first {@code count} elements. */
    static LongBuffer head(LongBuffer b, int count) {
        return b.duplicate().position(0).limit(count);
    }
}

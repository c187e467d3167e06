package dev.contemplate.inference.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes small ONNX models (protobuf by hand) for tests that need a model which is not a decoder. */
final class TinyOnnx {

    private TinyOnnx() {
    }

    /** Returns a model with one float input {@code x} of shape [n] and an Identity to output {@code y}. */
    static byte[] identity() {
        byte[] node = new Proto().string(1, "x").string(2, "y").string(3, "id").string(4, "Identity").bytes();
        byte[] graph = new Proto().message(1, node).string(2, "g")
                .message(11, valueInfo("x")).message(12, valueInfo("y")).bytes();
        byte[] opset = new Proto().string(1, "").varint(2, 17).bytes();
        return new Proto().varint(1, 8).string(2, "test").message(7, graph).message(8, opset).bytes();
    }

    private static byte[] valueInfo(String name) {
        byte[] dim = new Proto().string(2, "n").bytes();
        byte[] shape = new Proto().message(1, dim).bytes();
        byte[] tensor = new Proto().varint(1, 1).message(2, shape).bytes();
        byte[] type = new Proto().message(1, tensor).bytes();
        return new Proto().string(1, name).message(2, type).bytes();
    }

    /** A minimal protobuf writer. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((field << 3) | 0);
            raw(value);
            return this;
        }

        Proto message(int field, byte[] bytes) {
            raw((field << 3) | 2);
            raw(bytes.length);
            out.writeBytes(bytes);
            return this;
        }

        Proto string(int field, String s) {
            return message(field, s.getBytes(StandardCharsets.UTF_8));
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}

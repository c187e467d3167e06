/** The offline demo arithmetic model; its weights and vocabulary ship inside this module. */
module dev.contemplate.inference.onnx.arithmetic {
    requires transitive dev.contemplate.inference.onnx;
    requires com.fasterxml.jackson.databind;

    exports dev.contemplate.inference.onnx.arithmetic;
}

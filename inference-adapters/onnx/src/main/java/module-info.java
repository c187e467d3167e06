/**
 * The embedded ONNX Runtime engine with continuous batching. DJL's Hugging Face tokenizers are optional: they are
 * needed only by {@link dev.contemplate.inference.onnx.HuggingFaceTokenizer}.
 */
module dev.contemplate.inference.onnx {
    requires transitive dev.contemplate.inference;
    requires transitive com.microsoft.onnxruntime;
    requires com.fasterxml.jackson.databind;
    requires static ai.djl.tokenizers;

    exports dev.contemplate.inference.onnx;
    // ModelConfig reads a model's JSON description through Jackson's creator binding
    opens dev.contemplate.inference.onnx to com.fasterxml.jackson.databind;
}

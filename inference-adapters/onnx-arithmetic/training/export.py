"""ONNX export (opset 17) in the Hugging Face Optimum decoder layout."""
import json

import torch

import arith


class OnnxWrapper(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.layers = model.config["layers"]

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.layers)]
        logits, present = self.model(input_ids, attention_mask, position_ids, past)
        flat = []
        for k, v in present:
            flat += [k, v]
        return (logits, *flat)


def io_names(layers):
    inputs = ["input_ids", "attention_mask", "position_ids"]
    outputs = ["logits"]
    for i in range(layers):
        inputs += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
        outputs += [f"present.{i}.key", f"present.{i}.value"]
    return inputs, outputs


def export(model, path):
    model.eval()
    cfg = model.config
    layers, heads = cfg["layers"], cfg["heads"]
    hd = cfg["d"] // heads
    b, past_len, seq = 2, 3, 2
    ids = torch.tensor([[5, 6], [7, 8]], dtype=torch.long)
    mask = torch.ones((b, past_len + seq), dtype=torch.long)
    pos = torch.tensor([[3, 4], [3, 4]], dtype=torch.long)
    past = []
    for _ in range(layers):
        past += [torch.zeros(b, heads, past_len, hd), torch.zeros(b, heads, past_len, hd)]
    inputs, outputs = io_names(layers)
    dyn = {"input_ids": {0: "batch", 1: "seq"},
           "attention_mask": {0: "batch", 1: "past_plus_seq"},
           "position_ids": {0: "batch", 1: "seq"},
           "logits": {0: "batch", 1: "seq"}}
    for i in range(layers):
        for kind in ("key", "value"):
            dyn[f"past_key_values.{i}.{kind}"] = {0: "batch", 2: "past"}
            dyn[f"present.{i}.{kind}"] = {0: "batch", 2: "past_plus_seq"}
    torch.onnx.export(OnnxWrapper(model), (ids, mask, pos, *past), path,
                      input_names=inputs, output_names=outputs, dynamic_axes=dyn,
                      opset_version=17, do_constant_folding=True)
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def model_json(model, temperature, extra=None):
    cfg = model.config
    d = {
        "model_type": "contemplate-arithmetic-gpt",
        "architecture": "decoder-only transformer, pre-LayerNorm, learned positions, tied embeddings",
        "num_layers": cfg["layers"],
        "num_heads": cfg["heads"],
        "head_dim": cfg["d"] // cfg["heads"],
        "hidden_size": cfg["d"],
        "vocab_size": cfg["vocab_size"],
        "max_context": cfg["max_context"],
        "eos_token_id": arith.EOS_ID,
        "pad_token_id": arith.PAD_ID,
        "bos_token_id": None,
        "prompt_format": arith.PROMPT_FORMAT,
        "answer_marker": "#",
        "strategies": arith.STRATEGIES,
        "recommended_temperature": temperature,
        "onnx": {
            "opset": 17,
            "inputs": "input_ids int64 [batch, seq]; attention_mask int64 [batch, past+seq] (1 = attend, 0 = padding); "
                      "position_ids int64 [batch, seq] (0-based, in [0, max_context)); "
                      "past_key_values.{i}.key/value float32 [batch, heads, past, head_dim] (past may be 0)",
            "outputs": "logits float32 [batch, seq, vocab]; present.{i}.key/value float32 [batch, heads, past+seq, head_dim]",
        },
    }
    if extra:
        d.update(extra)
    return d


def write_bundle(model, directory, temperature, extra=None):
    import os
    os.makedirs(directory, exist_ok=True)
    export(model, os.path.join(directory, "model.onnx"))
    vocab = {"tokens": arith.VOCAB, "special_tokens": {"pad": arith.PAD, "eos": arith.EOS},
             "pad_token_id": arith.PAD_ID, "eos_token_id": arith.EOS_ID}
    with open(os.path.join(directory, "vocab.json"), "w") as f:
        json.dump(vocab, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(directory, "model.json"), "w") as f:
        json.dump(model_json(model, temperature, extra), f, indent=2)
        f.write("\n")

"""A small NumPy interpreter for the operators of the exported graph, used to check the
ONNX file against the PyTorch model without an ONNX runtime in Python."""
import math

import numpy as np
import onnx
from onnx import numpy_helper

import arith


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x).astype(x.dtype)


def _layer_norm(x, scale, bias=None, axis=-1, epsilon=1e-5, **_):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + epsilon) * scale
    return y + bias if bias is not None else y


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _slice(x, starts, ends, axes=None, steps=None):
    axes = list(range(len(starts))) if axes is None else list(axes)
    steps = [1] * len(starts) if steps is None else list(steps)
    sl = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        sl[a] = slice(int(s), int(max(min(e, 2 ** 62), -2 ** 62)), int(st))
    return x[tuple(sl)]


def _reshape(x, shape):
    shape = [x.shape[i] if s == 0 else int(s) for i, s in enumerate(shape)]
    return x.reshape(shape)


_TYPES = {1: np.float32, 6: np.int32, 7: np.int64, 9: np.bool_, 11: np.float64}


def run(model, feeds):
    env = dict(feeds)
    for init in model.graph.initializer:
        env[init.name] = numpy_helper.to_array(init)
    for node in model.graph.node:
        a = _attrs(node)
        x = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            out = [numpy_helper.to_array(a["value"])]
        elif op == "Identity":
            out = [x[0]]
        elif op == "Shape":
            out = [np.array(x[0].shape, dtype=np.int64)]
        elif op == "Gather":
            out = [np.take(x[0], x[1].astype(np.int64), axis=a.get("axis", 0))]
        elif op in ("Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "LessOrEqual", "Greater",
                    "GreaterOrEqual", "And", "Or"):
            f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Pow": np.power,
                 "Equal": np.equal, "Less": np.less, "LessOrEqual": np.less_equal, "Greater": np.greater,
                 "GreaterOrEqual": np.greater_equal, "And": np.logical_and, "Or": np.logical_or}.get(op)
            if op == "Div":
                r = x[0] // x[1] if np.issubdtype(x[0].dtype, np.integer) else x[0] / x[1]
            else:
                r = f(x[0], x[1])
            if op in ("Add", "Sub", "Mul", "Div", "Pow"):
                r = r.astype(x[0].dtype)
            out = [r]
        elif op == "Not":
            out = [np.logical_not(x[0])]
        elif op == "Neg":
            out = [-x[0]]
        elif op == "Sqrt":
            out = [np.sqrt(x[0])]
        elif op == "Erf":
            out = [_erf(x[0])]
        elif op == "MatMul":
            out = [np.matmul(x[0], x[1]).astype(np.float32)]
        elif op == "Gemm":
            b = x[1].T if a.get("transB", 0) else x[1]
            out = [(x[0] @ b * a.get("alpha", 1.0) + (x[2] * a.get("beta", 1.0) if len(x) > 2 else 0)).astype(np.float32)]
        elif op == "Transpose":
            out = [np.transpose(x[0], a.get("perm"))]
        elif op == "Reshape":
            out = [_reshape(x[0], x[1])]
        elif op == "Split":
            axis = a.get("axis", 0)
            sizes = x[1] if len(x) > 1 and x[1] is not None else a.get("split")
            idx = np.cumsum(sizes)[:-1]
            out = np.split(x[0], idx, axis=axis)
        elif op == "Concat":
            out = [np.concatenate(x, axis=a["axis"])]
        elif op == "Unsqueeze":
            r = x[0]
            for ax in sorted(int(v) % (r.ndim + len(x[1])) for v in x[1]):
                r = np.expand_dims(r, ax)
            out = [r]
        elif op == "Squeeze":
            out = [np.squeeze(x[0], axis=tuple(int(v) for v in x[1])) if len(x) > 1 else np.squeeze(x[0])]
        elif op == "Slice":
            out = [_slice(x[0], x[1], x[2], x[3] if len(x) > 3 else None, x[4] if len(x) > 4 else None)]
        elif op == "Range":
            out = [np.arange(x[0], x[1], x[2]).astype(x[0].dtype)]
        elif op == "Cast":
            out = [x[0].astype(_TYPES[a["to"]])]
        elif op == "Where":
            out = [np.where(x[0], x[1], x[2])]
        elif op == "Softmax":
            out = [_softmax(x[0], a.get("axis", -1))]
        elif op == "LayerNormalization":
            out = [_layer_norm(x[0], x[1], x[2] if len(x) > 2 else None, a.get("axis", -1), a.get("epsilon", 1e-5))]
        elif op == "ReduceMean":
            out = [x[0].mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))]
        elif op == "Expand":
            out = [x[0] * np.ones(x[1], dtype=x[0].dtype)]
        elif op == "ConstantOfShape":
            v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            out = [np.full(x[0], v[0], dtype=v.dtype)]
        else:
            raise NotImplementedError(op)
        for name, val in zip(node.output, out):
            env[name] = np.asarray(val)
    return {o.name: env[o.name] for o in model.graph.output}


def compare(torch_model, onnx_path, prompts, new_tokens=4):
    """Left-padded prefill with past=0, then a few cached decoding steps fed with the
    torch model's greedy tokens; returns the largest absolute difference seen."""
    import torch
    model = onnx.load(onnx_path)
    layers, heads = torch_model.config["layers"], torch_model.config["heads"]
    hd = torch_model.config["d"] // heads
    enc = [arith.encode(p) for p in prompts]
    plen = max(len(e) for e in enc)
    b = len(enc)
    ids = np.full((b, plen), arith.PAD_ID, dtype=np.int64)
    mask = np.zeros((b, plen), dtype=np.int64)
    for i, e in enumerate(enc):
        ids[i, plen - len(e):] = e
        mask[i, plen - len(e):] = 1
    pos = np.maximum(mask.cumsum(1) - 1, 0)
    feeds = {"input_ids": ids, "attention_mask": mask, "position_ids": pos}
    for i in range(layers):
        feeds[f"past_key_values.{i}.key"] = np.zeros((b, heads, 0, hd), np.float32)
        feeds[f"past_key_values.{i}.value"] = np.zeros((b, heads, 0, hd), np.float32)
    worst = 0.0
    past = None
    with torch.no_grad():
        for step in range(new_tokens + 1):
            got = run(model, feeds)
            logits, present = torch_model(torch.from_numpy(feeds["input_ids"]), torch.from_numpy(feeds["attention_mask"]),
                                          torch.from_numpy(feeds["position_ids"]), past)
            worst = max(worst, float(np.abs(got["logits"] - logits.numpy()).max()))
            for i, (k, v) in enumerate(present):
                worst = max(worst, float(np.abs(got[f"present.{i}.key"] - k.numpy()).max()),
                            float(np.abs(got[f"present.{i}.value"] - v.numpy()).max()))
            past = present
            nxt = logits[:, -1].argmax(-1).numpy().reshape(b, 1).astype(np.int64)
            assert (got["logits"][:, -1].argmax(-1) == nxt[:, 0]).all()
            mask = np.concatenate([feeds["attention_mask"], np.ones((b, 1), np.int64)], 1)
            feeds = {"input_ids": nxt, "attention_mask": mask, "position_ids": feeds["position_ids"][:, -1:] + 1}
            for i in range(layers):
                feeds[f"past_key_values.{i}.key"] = got[f"present.{i}.key"]
                feeds[f"past_key_values.{i}.value"] = got[f"present.{i}.value"]
    assert worst < 1e-3, worst
    return worst

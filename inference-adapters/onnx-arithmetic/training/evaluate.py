"""Greedy accuracy in PyTorch and verification of the export (the choice of snapshot is in choose.py)."""
import torch

import arith
from generate import generate


def greedy_accuracy(model, questions, tags=None, batch_size=500):
    tags = tags or arith.TAGS
    result = {}
    for tag in tags:
        ok = 0
        for i in range(0, len(questions), batch_size):
            qs = questions[i:i + batch_size]
            outs = generate(model, [arith.prompt(q, tag) for q in qs])
            ok += sum(arith.extract_answer(o) == str(arith.answer(arith.parse_question(q))) for q, o in zip(qs, outs))
        result[tag] = ok / len(questions)
    return result


def verify(model, onnx_path, questions=None):
    """(a) cached incremental greedy decoding == full recomputation, also with left padding;
    (b) the ONNX graph matches the torch model (prefill with past=0, then cached steps)."""
    questions = questions or arith.question_set(99, 24)
    prompts = [arith.prompt(q, arith.TAGS[i % len(arith.TAGS)]) for i, q in enumerate(questions)]
    cached = generate(model, prompts)
    full = generate(model, prompts, use_cache=False)
    single = [generate(model, [p])[0] for p in prompts[:6]]
    assert cached == full, "cached and recomputed greedy decoding differ"
    assert cached[:6] == single, "left-padded batch differs from unpadded single prompts"
    print(f"verified: cached == recomputed greedy decoding on {len(prompts)} prompts (left-padded batch)", flush=True)
    import onnx_check
    diff = onnx_check.compare(model, onnx_path, prompts[:3])
    print(f"verified: ONNX graph matches torch, max abs difference {diff:.2e}", flush=True)
    return diff

"""Trains, selects, evaluates and exports the Contemplate arithmetic demo model.

Run with Debian's Python (packages python3-torch python3-onnx libopenblas0-pthread):

    /usr/bin/python3 inference-adapters/onnx-arithmetic/training/train.py

Everything is seeded: the training stream depends only on (seed, step). The snapshot to ship
and its sampling temperature are chosen afterwards by ``choose.py``, which measures the
snapshots with the project's own Java engine on questions that never occur in this stream.
"""
import argparse
import json
import math
import os
import random
import sys
import time

# Single-threaded on purpose: on the 2-core build machine, multi-threaded OpenMP/BLAS
# was slower for this small model and collapsed when other work ran alongside.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import arith  # noqa: E402
import evaluate  # noqa: E402
import export  # noqa: E402
from model import GPT  # noqa: E402

RESOURCES = os.path.normpath(os.path.join(
    HERE, "..", "src", "main", "resources", "dev", "contemplate", "inference", "onnx", "arithmetic"))

TRAIN_SEED = 1234
VALIDATION_SEED = 2025
HELDOUT_SEED = 8
N_VALIDATION = 2000
N_HELDOUT = 500
# Stratified sets (see arith.STRATA): the held-out one reports accuracy per stratum; validation mixes the same
# strata into the choice of snapshot so that a model failing a corner of its family is not shipped.
REPORT_STRATA = ("small", "mixed", "large", "low-result", "high-result")
HELDOUT_STRATA_SEED = 9
N_HELDOUT_PER_STRATUM = 100
VALIDATION_STRATA_SEED = 2026
N_VALIDATION_PER_STRATUM = 100
# The question sets of the first release (seeds 2024 and 7): retired, but still kept out of
# training and of the current sets.
RETIRED = ((2024, 500), (7, 500))


def retired_questions():
    return {q for seed, n in RETIRED for q in arith.question_set(seed, n)}


def question_sets():
    """The validation questions (choice of snapshot and temperature), the held-out questions and the stratified
    held-out questions (report only): disjoint, seeded, and never part of the training stream. The held-out set is
    drawn first, exactly as it always was, so it stays the same file."""
    retired = retired_questions()
    heldout = arith.question_set(HELDOUT_SEED, N_HELDOUT, exclude=retired)
    heldout_strata = arith.stratified_set(HELDOUT_STRATA_SEED, N_HELDOUT_PER_STRATUM, REPORT_STRATA,
                                          exclude=retired | set(heldout))
    taken = retired | set(heldout) | set(heldout_strata)
    validation_strata = arith.stratified_set(VALIDATION_STRATA_SEED, N_VALIDATION_PER_STRATUM, REPORT_STRATA,
                                             exclude=taken)
    uniform = arith.question_set(VALIDATION_SEED, N_VALIDATION - len(validation_strata),
                                 exclude=taken | set(validation_strata))
    return uniform + validation_strata, heldout, heldout_strata


def pick_tag(rng):
    """The strategy of a training example, drawn with arith.TAG_WEIGHTS."""
    return rng.choices(arith.TAGS, weights=[arith.TAG_WEIGHTS[t] for t in arith.TAGS])[0]


def training_exclusions(*sets):
    """The questions the training stream skips: the current evaluation sets and the retired ones."""
    return set().union(*sets) | retired_questions()


def write_jsonl(path, questions):
    """Writes questions in the bench data format: {"question": ..., "answer": ...} per line."""
    with open(path, "w") as f:
        for q in questions:
            f.write(json.dumps({"question": q, "answer": str(arith.answer(arith.parse_question(q)))}) + "\n")


def examples(step, size, excluded):
    """The (question, text, tag) examples of a step's batch: they depend only on (seed, step), so a run is
    resumable and reproducible, and choose.py can replay the stream without building tensors."""
    rng = random.Random(TRAIN_SEED * 1_000_003 + step)
    out = []
    while len(out) < size:
        q = arith.training_question(rng)
        text = arith.question_text(q)
        if text in excluded:
            continue
        out.append((q, text, pick_tag(rng)))
    return out


def batch(step, size, excluded):
    """The training tensors of a step (see examples)."""
    seqs, starts = [], []
    for q, text, tag in examples(step, size, excluded):
        p = arith.encode(arith.prompt(text, tag))
        s = arith.encode(arith.solution(q, tag)) + [arith.EOS_ID]
        seqs.append(p + s)
        starts.append(len(p))
    t = max(len(s) for s in seqs)
    x = torch.full((size, t - 1), arith.PAD_ID, dtype=torch.long)
    y = torch.full((size, t - 1), -100, dtype=torch.long)
    m = torch.zeros((size, t - 1), dtype=torch.long)
    for i, (s, st) in enumerate(zip(seqs, starts)):
        n = len(s) - 1
        x[i, :n] = torch.tensor(s[:-1])
        m[i, :n] = 1
        tgt = torch.tensor(s[1:])
        tgt[: st - 1] = -100  # loss on the answer only
        y[i, :n] = tgt
    pos = torch.arange(t - 1).unsqueeze(0).expand(size, t - 1)
    return x, m, pos, y


def lr_at(step, total, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))


def make_model(args):
    return GPT(len(arith.VOCAB), d=args.d, layers=args.layers, heads=args.heads, max_context=arith.MAX_CONTEXT)


def train(args, excluded):
    os.makedirs(args.ckpt_dir, exist_ok=True)
    torch.manual_seed(TRAIN_SEED)
    model = make_model(args)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))
    state_path = os.path.join(args.ckpt_dir, "state.pt")
    step, elapsed = 0, 0.0
    if os.path.exists(state_path):
        st = torch.load(state_path)
        if st["steps"] == args.steps:
            model.load_state_dict(st["model"])
            opt.load_state_dict(st["opt"])
            step, elapsed = st["step"], st["elapsed"]
            print(f"resuming at step {step} ({elapsed:.0f}s trained)", flush=True)
    model.train()
    t0 = time.time() - elapsed
    ema = None
    while step < args.steps:
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.steps, args.lr, args.warmup)
        x, m, pos, y = batch(step, args.batch, excluded)
        logits, _ = model(x, m, pos)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % 50 == 0:
            print(f"step {step}/{args.steps} loss {ema:.4f} lr {opt.param_groups[0]['lr']:.2e} "
                  f"{time.time() - t0:.0f}s", flush=True)
        if step % args.snapshot_every == 0 or step == args.steps:
            torch.save(model.state_dict(), os.path.join(args.ckpt_dir, f"snapshot-{step:06d}.pt"))
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                        "steps": args.steps, "elapsed": time.time() - t0}, state_path + ".tmp")
            os.replace(state_path + ".tmp", state_path)
    elapsed = time.time() - t0
    with open(os.path.join(args.ckpt_dir, "training-time.json"), "w") as f:
        json.dump({"seconds": elapsed, "steps": args.steps}, f)
    model.eval()
    return model


def add_run_arguments(ap):
    """The options that define a run's question stream and network shape, shared with choose.py."""
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--d", type=int, default=64)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)


def main():
    ap = argparse.ArgumentParser()
    add_run_arguments(ap)
    ap.add_argument("--lr", type=float, default=2.5e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--snapshot-every", type=int, default=400)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ckpt-dir", default=os.path.join(HERE, "checkpoints"))
    ap.add_argument("--out", default=RESOURCES, help="where model.onnx, vocab.json and model.json go")
    ap.add_argument("--smoke", action="store_true",
                    help="short run: export the bundle without selection or held-out evaluation")
    args = ap.parse_args()
    if args.smoke and args.ckpt_dir == ap.get_default("ckpt_dir"):
        args.ckpt_dir = os.path.join(HERE, "checkpoints", "smoke")
    torch.set_num_threads(args.threads)
    random.seed(TRAIN_SEED)

    validation, heldout, heldout_strata = question_sets()
    write_jsonl(os.path.join(HERE, "validation-2000.jsonl"), validation)
    write_jsonl(os.path.join(HERE, "heldout-500.jsonl"), heldout)
    os.makedirs(os.path.join(HERE, "heldout-strata"), exist_ok=True)
    for i, stratum in enumerate(REPORT_STRATA):
        part = heldout_strata[i * N_HELDOUT_PER_STRATUM:(i + 1) * N_HELDOUT_PER_STRATUM]
        write_jsonl(os.path.join(HERE, "heldout-strata", stratum + ".jsonl"), part)
    excluded = training_exclusions(validation, heldout, heldout_strata)

    model = train(args, excluded)
    print(f"parameters: {model.num_params()}", flush=True)
    if args.smoke:
        acc = evaluate.greedy_accuracy(model, validation[:200])
        print("smoke greedy accuracy on 200 validation questions:", acc, flush=True)
        export.write_bundle(model, args.out, 0.7,
                            {"note": f"early smoke-test model ({args.steps} steps), accuracy is low"})
        try:
            evaluate.verify(model, os.path.join(args.out, "model.onnx"))
        except ImportError as e:
            print("verification skipped:", e)
        return
    print("training done; next: mvn -B -q package -DskipTests, then /usr/bin/python3 "
          "inference-adapters/onnx-arithmetic/training/choose.py", flush=True)


if __name__ == "__main__":
    main()

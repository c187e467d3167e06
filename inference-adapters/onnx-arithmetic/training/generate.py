"""Batched generation with the key/value cache, greedy or sampled, and voting."""
from collections import Counter

import torch

import arith


@torch.no_grad()
def generate(model, prompts, temperature=0.0, generator=None, max_new=None, use_cache=True):
    """prompts: list of strings. Left-pads, prefills, then decodes token by token.
    temperature 0 means greedy. Returns the completions (text before <eos>)."""
    max_ctx = model.config["max_context"]
    enc = [arith.encode(p) for p in prompts]
    b = len(enc)
    plen = max(len(e) for e in enc)
    max_new = max_new or (max_ctx - plen)
    ids = torch.full((b, plen), arith.PAD_ID, dtype=torch.long)
    mask = torch.zeros((b, plen), dtype=torch.long)
    for i, e in enumerate(enc):
        ids[i, plen - len(e):] = torch.tensor(e)
        mask[i, plen - len(e):] = 1
    pos = (mask.cumsum(1) - 1).clamp(min=0)
    out = torch.full((b, max_new), arith.PAD_ID, dtype=torch.long)
    done = torch.zeros(b, dtype=torch.bool)
    past = None
    cur_ids, cur_pos, full_ids, full_mask = ids, pos, ids, mask
    for step in range(max_new):
        if use_cache:
            logits, past = model(cur_ids, full_mask, cur_pos, past)
        else:
            full_pos = (full_mask.cumsum(1) - 1).clamp(min=0)
            logits, _ = model(full_ids, full_mask, full_pos, None)
        last = logits[:, -1, :]
        if temperature and temperature > 0:
            probs = torch.softmax(last / temperature, dim=-1)
            nxt = torch.multinomial(probs, 1, generator=generator).squeeze(1)
        else:
            nxt = last.argmax(-1)
        nxt = torch.where(done, torch.full_like(nxt, arith.PAD_ID), nxt)
        out[:, step] = nxt
        done |= nxt == arith.EOS_ID
        if bool(done.all()):
            break
        cur_ids = nxt.unsqueeze(1)
        cur_pos = cur_pos[:, -1:] + 1
        if int(cur_pos.max()) >= max_ctx:
            break
        full_ids = torch.cat([full_ids, cur_ids], 1)
        full_mask = torch.cat([full_mask, torch.ones((b, 1), dtype=torch.long)], 1)
    return [arith.decode(row.tolist()) for row in out]


def vote(answers):
    """Plurality vote over final answers; None (no answer) abstains; ties go to the
    answer that reached the winning count first in agent order."""
    counts = Counter(a for a in answers if a is not None)
    if not counts:
        return None
    best = max(counts.values())
    for a in answers:
        if a is not None and counts[a] == best:
            return a

"""Pre-LayerNorm GPT with an explicit key/value cache (Optimum decoder layout)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

MASK_VALUE = -1e9  # finite, so that fully masked rows (padding queries) stay NaN-free


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.hd = d // heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)

    def forward(self, x, allowed, past_k=None, past_v=None):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q = q.view(b, t, self.heads, self.hd).transpose(1, 2)
        k = k.view(b, t, self.heads, self.hd).transpose(1, 2)
        v = v.view(b, t, self.heads, self.hd).transpose(1, 2)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        att = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(self.hd))
        att = att.masked_fill(~allowed, MASK_VALUE)
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        x = x + self.fc2(F.gelu(self.fc(self.ln2(x))))
        return x, k, v


class GPT(nn.Module):
    def __init__(self, vocab_size, d=128, layers=4, heads=4, max_context=64):
        super().__init__()
        self.config = dict(vocab_size=vocab_size, d=d, layers=layers, heads=heads, max_context=max_context)
        self.wte = nn.Embedding(vocab_size, d)
        self.wpe = nn.Embedding(max_context, d)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        self.apply(self._init)
        for blk in self.blocks:  # GPT-2 style scaled init of residual projections
            nn.init.normal_(blk.proj.weight, std=0.02 / math.sqrt(2 * layers))
            nn.init.normal_(blk.fc2.weight, std=0.02 / math.sqrt(2 * layers))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    @staticmethod
    def mask(attention_mask, seq_len):
        """[batch, 1, seq, past+seq] boolean: causal within the cache and attention_mask == 1."""
        total = attention_mask.shape[1]
        kpos = torch.arange(total, device=attention_mask.device)
        qpos = torch.arange(seq_len, device=attention_mask.device) + (total - seq_len)
        causal = kpos.unsqueeze(0) <= qpos.unsqueeze(1)
        return causal.unsqueeze(0).unsqueeze(0) & (attention_mask > 0).unsqueeze(1).unsqueeze(2)

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        """past: list of (key, value) per layer or None. Returns logits and the new cache."""
        x = self.wte(input_ids) + self.wpe(position_ids)
        allowed = self.mask(attention_mask, input_ids.shape[1])
        present = []
        for i, blk in enumerate(self.blocks):
            pk, pv = past[i] if past is not None else (None, None)
            x, k, v = blk(x, allowed, pk, pv)
            present.append((k, v))
        logits = torch.matmul(self.ln_f(x), self.wte.weight.t())
        return logits, present

    def num_params(self):
        return sum(p.numel() for p in self.parameters())

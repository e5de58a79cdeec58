"""Greedy decoding in PyTorch with a KV cache, and the F1 of the paper's protocol: for model selection during
training. The production decoders live in the TypeScript engine; this one only has to be correct.
"""
from __future__ import annotations

from collections import defaultdict

import torch

from .format import Segment, render, tokenize_example


@torch.no_grad()
def greedy(model, prompts: list[list[int]], stop_ids: set[int], max_new: int):
    """Right-padded batched prefill then one token per step. -> [(generated ids, probs)], stop token excluded."""
    n = len(prompts)
    lens = torch.tensor([len(p) for p in prompts])
    L = int(lens.max())
    ids = torch.zeros((n, L), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, :len(p)] = torch.tensor(p)
    valid = torch.arange(L)[None, :] < lens[:, None]
    causal = torch.tril(torch.ones(L, L, dtype=torch.bool))
    mask = (causal[None] & valid[:, None, :])[:, None]
    mask |= torch.eye(L, dtype=torch.bool)[None, None]
    pos = torch.arange(L)[None].expand(n, L)
    h, past = model.hidden_states(ids, pos, mask)
    last = model.logits(h[torch.arange(n), lens - 1])
    out = [([], []) for _ in range(n)]
    done = torch.zeros(n, dtype=torch.bool)
    key_valid = valid
    for step in range(max_new):
        probs = torch.softmax(last.float(), dim=-1)
        p, tok = probs.max(dim=-1)
        for i in range(n):
            if done[i]:
                continue
            t = int(tok[i])
            if t in stop_ids:
                done[i] = True
            else:
                out[i][0].append(t)
                out[i][1].append(float(p[i]))
        if bool(done.all()) or step == max_new - 1:
            break
        key_valid = torch.cat([key_valid, torch.ones((n, 1), dtype=torch.bool)], dim=1)
        h, past = model.hidden_states(tok[:, None], (lens + step)[:, None], key_valid[:, None, None, :], past)
        last = model.logits(h[:, 0])
    return out


class Codec:
    """Template rendering + tokenization for one model config and tokenizer."""

    def __init__(self, cfg: dict, tokenizer, eos_id: int):
        self.cfg, self.tok, self.eos_id = cfg, tokenizer, eos_id
        self.newline_id = tokenizer.encode("\n").ids[-1]
        self._cache: dict[str, list[int]] = {}

    def encode(self, text: str) -> list[int]:
        ids = self._cache.get(text)
        if ids is None:
            ids = self.tok.encode(text, add_special_tokens=False).ids
            if len(text) < 64:
                self._cache[text] = ids
        return ids

    def ids(self, segments: list[Segment]) -> list[int]:
        return tokenize_example(segments, self.encode, self.eos_id)[0]

    def decode(self, ids: list[int]) -> str:
        return self.tok.decode(ids, skip_special_tokens=False)


def parallel_predict(model, codec: Codec, texts: list[str], dedup: bool = True, batch_rows: int = 256):
    """-> per text: {label: set(mentions)} using step 1 (counts) and step 2 (mentions)."""
    cfg, t = codec.cfg, codec.cfg["templates"]
    lim = cfg["limits"]
    rows = [(i, label) for i in range(len(texts)) for label in cfg["labels"]]
    prompts = [codec.ids(render(t["prompt"], {"text": texts[i], "label": lab}, False)) for i, lab in rows]
    counts = []
    for b in range(0, len(rows), batch_rows):
        for ids, _ in greedy(model, prompts[b:b + batch_rows], {codec.eos_id, codec.newline_id}, lim["max_count_tokens"]):
            s = codec.decode(ids).strip()
            counts.append(min(int(s), lim["max_count"]) if s.isdigit() else 0)
    rows2, prompts2 = [], []
    for (i, lab), p, n in zip(rows, prompts, counts):
        for k in range(1, n + 1):
            rows2.append((i, lab))
            prompts2.append(p + codec.ids(render(t["count"], {"count": n}, True)
                                          + render(t["mention"].split("{mention}")[0], {"k": k}, True)))
    best: list[dict[str, tuple[str, float]]] = [dict() for _ in texts]
    out: list[dict[str, set]] = [defaultdict(set) for _ in texts]
    for b in range(0, len(rows2), batch_rows):
        gen = greedy(model, prompts2[b:b + batch_rows], {codec.eos_id}, lim["max_mention_tokens"])
        for (i, lab), (ids, probs) in zip(rows2[b:b + batch_rows], gen):
            m = codec.decode(ids)
            if not m:
                continue
            score = 1.0
            for q in probs:
                score *= q
            out[i][lab].add(m)
            prev = best[i].get(m)
            if prev is None or score > prev[1] or (score == prev[1] and cfg["labels"].index(lab) < cfg["labels"].index(prev[0])):
                best[i][m] = (lab, score)
    if dedup:
        out = [{lab: {m for m in ms if best[i][m][0] == lab} for lab, ms in o.items()} for i, o in enumerate(out)]
    return out


def autoregressive_predict(model, codec: Codec, texts: list[str], batch_rows: int = 128):
    cfg, t = codec.cfg, codec.cfg["templates"]
    prompts = [codec.ids(render(t["ar_prompt"], {"text": x}, False)) for x in texts]
    sep = t["ar_item"].split("{label}")[1].split("{mention}")[0]
    out = []
    for b in range(0, len(prompts), batch_rows):
        for ids, _ in greedy(model, prompts[b:b + batch_rows], {codec.eos_id}, cfg["limits"]["max_ar_tokens"] // 2):
            d: dict[str, set] = defaultdict(set)
            for line in codec.decode(ids).split("\n"):
                label, found, mention = line.partition(sep)
                if found and label in cfg["labels"] and mention:
                    d[label].add(mention)
            out.append(d)
    return out


def micro_f1(gold: list[dict[str, set]], pred: list[dict[str, set]]) -> dict:
    tp = fp = fn = 0
    for g, p in zip(gold, pred):
        for label in set(g) | set(p):
            gs, ps = g.get(label, set()), p.get(label, set())
            tp += len(gs & ps)
            fp += len(ps - gs)
            fn += len(gs - ps)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": 100 * prec, "recall": 100 * rec, "f1": 100 * f1}


def gold_sets(sentences, labels) -> list[dict[str, set]]:
    out = []
    for s in sentences:
        d: dict[str, set] = defaultdict(set)
        for e in s.entities:
            if e.label in labels:
                d[e.label].add(s.mention(e))
        out.append(d)
    return out

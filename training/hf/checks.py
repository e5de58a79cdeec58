"""Numerical checks of an exported decoder: ONNX Runtime against PyTorch, and the two properties the engine
relies on: (1) prefix + continuation through the KV cache equals a full recompute; (2) padding anywhere in the
sequence, masked by attention_mask with explicit position_ids, does not change the logits of real tokens."""
from __future__ import annotations

import numpy as np
import onnxruntime as ort

TOLERANCE = 1e-4


class OnnxDecoder:
    def __init__(self, path, arch: dict):
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.arch = arch
        self.inputs = {i.name for i in self.session.get_inputs()}

    def __call__(self, ids, mask, pos, past=None):
        batch = ids.shape[0]
        if past is None:
            empty = np.zeros((batch, self.arch["kv_heads"], 0, self.arch["head_dim"]), np.float32)
            past = [(empty, empty)] * self.arch["layers"]
        feed = {"input_ids": ids, "attention_mask": mask}
        if "position_ids" in self.inputs:
            feed["position_ids"] = pos
        for i, (k, v) in enumerate(past):
            feed[f"past_key_values.{i}.key"] = k
            feed[f"past_key_values.{i}.value"] = v
        out = self.session.run(None, feed)
        names = [o.name for o in self.session.get_outputs()]
        out = dict(zip(names, out))
        present = [(out[f"present.{i}.key"], out[f"present.{i}.value"]) for i in range(self.arch["layers"])]
        return out["logits"], present


class TorchDecoder:
    def __init__(self, model):
        self.model = model.eval()

    def __call__(self, ids, mask, pos, past=None):
        import torch
        from transformers import DynamicCache
        cache = DynamicCache()
        for i, (k, v) in enumerate(past or []):
            cache.update(torch.from_numpy(k), torch.from_numpy(v), i)
        with torch.no_grad():
            out = self.model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                             position_ids=torch.from_numpy(pos), past_key_values=cache, use_cache=True)
        present = [(layer.keys.numpy(), layer.values.numpy()) for layer in out.past_key_values.layers]
        return out.logits.numpy(), present


def _maxdiff(a, b) -> float:
    return float(np.max(np.abs(a - b)))


def _tokens(rng, vocab, *shape):
    return rng.integers(3, vocab, size=shape, dtype=np.int64)


def _ones(b, n):
    return np.ones((b, n), np.int64)


def _positions(b, start, n):
    return np.tile(np.arange(start, start + n, dtype=np.int64), (b, 1))


def onnx_vs_torch(onnx_dec, torch_dec, vocab, seed=0) -> dict:
    """Same random inputs through both: one pass without past, then a continuation with past."""
    rng = np.random.default_rng(seed)
    b, p, c = 2, 6, 3
    prefix, cont = _tokens(rng, vocab, b, p), _tokens(rng, vocab, b, c)
    lo, po = onnx_dec(prefix, _ones(b, p), _positions(b, 0, p))
    lt, pt = torch_dec(prefix, _ones(b, p), _positions(b, 0, p))
    no_past = max([_maxdiff(lo, lt)] + [_maxdiff(x, y) for a, t in zip(po, pt) for x, y in zip(a, t)])
    lo2, po2 = onnx_dec(cont, _ones(b, p + c), _positions(b, p, c), po)
    lt2, pt2 = torch_dec(cont, _ones(b, p + c), _positions(b, p, c), pt)
    with_past = max([_maxdiff(lo2, lt2)] + [_maxdiff(x, y) for a, t in zip(po2, pt2) for x, y in zip(a, t)])
    return {"no_past": no_past, "with_past": with_past}


def cache_equals_recompute(dec, vocab, seed=1) -> float:
    """Logits of a continuation fed through the cache == the same positions of one full pass."""
    rng = np.random.default_rng(seed)
    b, p, c = 2, 7, 4
    ids = _tokens(rng, vocab, b, p + c)
    full, _ = dec(ids, _ones(b, p + c), _positions(b, 0, p + c))
    _, past = dec(ids[:, :p], _ones(b, p), _positions(b, 0, p))
    step, _ = dec(ids[:, p:], _ones(b, p + c), _positions(b, p, c), past)
    return _maxdiff(full[:, p:], step)


def padding_invariance(dec, vocab, seed=2) -> dict:
    """Max |logit difference| of real tokens, padded vs unpadded, for three layouts the engine produces.
    `unmasked_control` feeds the pad with mask 1: it must differ, else these checks prove nothing."""
    rng = np.random.default_rng(seed)
    a, pad, c = 5, 3, 4
    A, P, B = _tokens(rng, vocab, 1, a), _tokens(rng, vocab, 1, pad), _tokens(rng, vocab, 1, c)
    zeros = np.zeros((1, pad), np.int64)
    pad_pos = np.zeros((1, pad), np.int64)

    # reference: A then B through the cache, no padding
    _, past = dec(A, _ones(1, a), _positions(1, 0, a))
    ref_b, _ = dec(B, _ones(1, a + c), _positions(1, a, c), past)
    ref_a, _ = dec(A, _ones(1, a), _positions(1, 0, a))

    # 1. pad at the end of the past (a shorter row in a batch of longer ones), then continue
    mask_past = np.concatenate([_ones(1, a), zeros], 1)
    _, past = dec(np.concatenate([A, P], 1), mask_past, np.concatenate([_positions(1, 0, a), pad_pos], 1))
    out, _ = dec(B, np.concatenate([mask_past, _ones(1, c)], 1), _positions(1, a, c), past)
    in_past = _maxdiff(ref_b, out)

    # control: same layout with the pad visible
    _, past = dec(np.concatenate([A, P], 1), _ones(1, a + pad), np.concatenate([_positions(1, 0, a), pad_pos], 1))
    out, _ = dec(B, _ones(1, a + pad + c), _positions(1, a, c), past)
    control = _maxdiff(ref_b, out)

    # 2. pad between A and B inside one pass
    ids = np.concatenate([A, P, B], 1)
    mask = np.concatenate([_ones(1, a), zeros, _ones(1, c)], 1)
    pos = np.concatenate([_positions(1, 0, a), pad_pos, _positions(1, a, c)], 1)
    out, _ = dec(ids, mask, pos)
    in_pass = _maxdiff(ref_b, out[:, a + pad:])

    # 3. left padding in a prefill (fully masked pad rows), then a continuation through that cache
    ids = np.concatenate([P, A], 1)
    mask = np.concatenate([zeros, _ones(1, a)], 1)
    pos = np.concatenate([pad_pos, _positions(1, 0, a)], 1)
    out_a, past = dec(ids, mask, pos)
    out_b, _ = dec(B, np.concatenate([mask, _ones(1, c)], 1), _positions(1, a, c), past)
    left = max(_maxdiff(ref_a, out_a[:, pad:]), _maxdiff(ref_b, out_b))
    finite = bool(all(np.isfinite(k).all() and np.isfinite(v).all() for k, v in past))

    return {"pad_in_past": in_past, "pad_in_pass": in_pass, "left_pad": left, "left_pad_cache_finite": finite,
            "unmasked_control": control}


def summarize(results: dict) -> dict:
    """Pass/fail per check with TOLERANCE; the control must exceed it."""
    verdict = {}
    for name, value in results.items():
        if isinstance(value, bool):
            verdict[name] = value
        elif name.endswith("unmasked_control"):
            verdict[name] = value > TOLERANCE
        else:
            verdict[name] = value <= TOLERANCE
    return verdict

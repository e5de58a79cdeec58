"""A committed int8 bundle -> a PadeLM checkpoint to fine-tune further: how a full fine-tune resumes on a fresh clone.

  python -m padellm.from_bundle --bundle ../models/padellm-conll03-smollm2 --out runs/next/init.pt

A full fine-tune's checkpoint (weights and AdamW state, 1.6 GB) cannot be committed; the shipped bundle is: every
layer matmul is MatMulNBits (8 bits, blocks of 32, a uint8 zero point per block or 128 throughout) and the tied
embedding is one uint8 table (`vocab.q8`, `vocab.d`, and `vocab.zp` where it has zero points). Dequantized, they are the trained weights to within half a quantization step (dev
F1 within 0.1 of fp32), so training goes on from them; only the optimizer state starts afresh (a short warmup).
"""
from __future__ import annotations

import argparse
import json
import os
import re

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .model import ModelConfig, PadeLM

NODE = re.compile(r"^/blocks\.(\d+)/(attn/[qkvo]|gate|up|down)/MatMul_Q8$")


def dequantize(q: np.ndarray, scales: np.ndarray, n: int, k: int, zero: np.ndarray | None = None) -> np.ndarray:
    """MatMulNBits B [N, K/32, 32] uint8 with scales and zero points [N * K/32] (none: 128) -> the weight [N, K] as
    nn.Linear holds it."""
    zero = np.float32(128) if zero is None else zero.reshape(n, k // 32, 1).astype(np.float32)
    blocks = q.reshape(n, k // 32, 32).astype(np.float32) - zero
    return (blocks * scales.reshape(n, k // 32, 1)).reshape(n, k)


def load(bundle: str) -> PadeLM:
    meta = json.load(open(os.path.join(bundle, "padellm.json"), encoding="utf-8"))
    graph = onnx.load(os.path.join(bundle, meta["files"]["model"]))
    inits = {i.name: numpy_helper.to_array(i) for i in graph.graph.initializer}
    # padellm.json leaves out what the graph bakes in (rope theta, norm epsilon): the base's config has them.
    cfg = ModelConfig(**json.load(open(os.path.join(bundle, "training", "base.json"), encoding="utf-8"))["config"])
    state = {name.removeprefix("model."): torch.from_numpy(a.copy()) for name, a in inits.items()
             if name.startswith("model.") and name.endswith("norm.weight")}
    for node in graph.graph.node:
        m = NODE.match(node.name)
        if node.op_type != "MatMulNBits" or not m:
            continue
        attrs = {a.name: a.i for a in node.attribute}
        if attrs["bits"] != 8 or attrs["block_size"] != 32 or len([i for i in node.input if i]) > 4:
            raise SystemExit(f"{node.name}: only 8-bit blocks of 32 are read")
        zero = inits[node.input[3]] if len(node.input) > 3 and node.input[3] else None
        w = dequantize(inits[node.input[1]], inits[node.input[2]], attrs["N"], attrs["K"], zero)
        state[f"blocks.{m.group(1)}.{m.group(2).replace('/', '.')}.weight"] = torch.from_numpy(w)
    vocab = inits["vocab.q8"]
    state["embed.weight"] = torch.from_numpy(dequantize(vocab, inits["vocab.d"], vocab.shape[0], cfg.hidden,
                                                            inits.get("vocab.zp")))
    model = PadeLM(cfg)
    model.load_state_dict(state)  # strict: a weight the graph did not give fails here
    return model


def agreement(model: PadeLM, bundle: str) -> dict:
    """The recovered model against the bundle itself, on a sentence's prompt: top-1 agreement over its positions and
    the largest logit gap (int8 activations at accuracy level 4 keep them from being exact)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer
    from .export import DecoderContract, io_names
    meta = json.load(open(os.path.join(bundle, "padellm.json"), encoding="utf-8"))
    tok = Tokenizer.from_file(os.path.join(bundle, meta["files"]["tokenizer"]))
    label = meta["labels"][0]
    prompt = meta["templates"]["prompt"].format(text="Maria Lopez flew from Lisbon to Oslo for Nordic Fish Ltd .",
                                                label=label)
    ids = torch.tensor([tok.encode(prompt, add_special_tokens=False).ids])
    n, c = ids.shape[1], model.c
    args = (ids, torch.ones((1, n), dtype=torch.long), torch.arange(n)[None], torch.arange(n)[None],
            *[torch.zeros((1, c.kv_heads, 0, c.head_dim)) for _ in range(2 * c.layers)])
    with torch.no_grad():
        ref = DecoderContract(model.eval())(*args)[0].numpy()
    sess = ort.InferenceSession(os.path.join(bundle, meta["files"]["model"]), providers=["CPUExecutionProvider"])
    got = sess.run(["logits"], {k: v.numpy() for k, v in zip(io_names(c.layers)[0], args)})[0]
    return {"top1_agreement": round(float((ref.argmax(-1) == got.argmax(-1)).mean()), 3),
            "max_abs_logit_diff": round(float(np.abs(ref - got).max()), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    model = load(args.bundle)
    check = agreement(model, args.bundle)
    if check["top1_agreement"] < 0.8:
        raise SystemExit(f"the recovered weights do not reproduce the bundle: {check}")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"model": model.state_dict(), "config": model.c.to_dict()}, args.out)
    print(json.dumps({"params": sum(p.numel() for p in model.parameters()), "check": check, "out": args.out}))


if __name__ == "__main__":
    main()

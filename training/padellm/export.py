"""Export a trained checkpoint to an ONNX bundle with the Optimum decoder contract, check it against PyTorch,
quantize it to int8, and write padellm.json.

  python -m padellm.export --run runs/conll03-small --config configs/conll03.json --out ../models/padellm-conll03-small

A LoRA fine-tune of a GGUF base (from_gguf.py, lora.py) is exported with `--gguf` and `--adapter`: the bundle in
--out then holds only the quantized model of gguf_quant.py (the base's own grid plus the fp32 adapter), and the fp32
export goes to a bundle of its own in --fp32-out, for comparison; it is too large to commit.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .bundle import write_padellm_json
from .model import ModelConfig, PadeLM
from .quantize import quantize_int8_file


class DecoderContract(nn.Module):
    """input_ids, attention_mask [b, past+n], position_ids, logits_positions [b, keep], past k/v per layer ->
    logits [b, keep, vocab], present k/v per layer.

    logits_positions is padellm's one addition to the Optimum contract: the input positions whose logits the caller
    reads. The LM head (vocab x hidden) is ~40% of this model's per-token compute, and most positions in a pass are
    prompt tokens whose logits nobody reads; the engine detects the input and falls back to all logits without it."""

    def __init__(self, model: PadeLM):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, logits_positions, *past_flat):
        layers = self.model.c.layers
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(layers)]
        n = input_ids.shape[1]
        past_len = past_flat[0].shape[2]
        key_idx = torch.arange(past_len + n)
        query_idx = torch.arange(n) + past_len
        causal = key_idx[None, :] <= query_idx[:, None]  # index-causal, as in the Optimum/HF exports
        mask = causal[None, None] & attention_mask[:, None, None, :].bool()
        h, present = self.model.hidden_states(input_ids, position_ids, mask, past)
        kept = torch.gather(h, 1, logits_positions[..., None].expand(-1, -1, h.shape[-1]))
        out = [self.model.logits(kept)]
        for k, v in present:
            out += [k, v]
        return tuple(out)


def io_names(layers: int):
    inputs = ["input_ids", "attention_mask", "position_ids", "logits_positions"]
    outputs = ["logits"]
    for i in range(layers):
        inputs += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
        outputs += [f"present.{i}.key", f"present.{i}.value"]
    return inputs, outputs


def dummy(c: ModelConfig, b: int, n: int, past: int, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, c.vocab_size, (b, n), generator=g)
    mask = torch.ones((b, past + n), dtype=torch.long)
    pos = (torch.arange(n) + past)[None].expand(b, n).contiguous()
    # Every position, in a scrambled order, so the check covers the gather as well as the model.
    keep = torch.stack([torch.randperm(n, generator=g) for _ in range(b)])
    kv = [torch.randn((b, c.kv_heads, past, c.head_dim), generator=g) for _ in range(2 * c.layers)]
    return (ids, mask, pos, keep, *kv)


def export(model: PadeLM, path: str) -> None:
    c = model.c
    inputs, outputs = io_names(c.layers)
    axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
            "position_ids": {0: "batch", 1: "seq"}, "logits_positions": {0: "batch", 1: "keep"},
            "logits": {0: "batch", 1: "keep"}}
    for name in inputs[4:]:
        axes[name] = {0: "batch", 2: "past"}
    for name in outputs[1:]:
        axes[name] = {0: "batch", 2: "total"}
    torch.onnx.export(DecoderContract(model).eval(), dummy(c, 2, 3, 4), path, input_names=inputs,
                      output_names=outputs, dynamic_axes=axes, opset_version=17, dynamo=False)


def max_diff(model: PadeLM, path: str) -> dict:
    import onnxruntime as ort
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [i.name for i in sess.get_inputs()]
    wrapper = DecoderContract(model).eval()
    out = {}
    for label, (b, n, past) in {"no_past": (3, 7, 0), "with_past": (3, 2, 9)}.items():
        args = dummy(model.c, b, n, past, seed=1)
        with torch.no_grad():
            ref = wrapper(*args)
        got = sess.run(None, {k: v.numpy() for k, v in zip(names, args)})
        out[label] = float(max(np.abs(r.numpy() - g).max() for r, g in zip(ref, got)))
    return out


def load_config(path: str, rename: str | None) -> dict:
    """The training config; `rename` (NAME[@VERSION]) gives the bundle another name, as when a retrained model ships
    beside the bundle it replaces."""
    cfg = json.load(open(path, encoding="utf-8"))
    if not rename:
        return cfg
    name, _, version = rename.partition("@")
    return {**cfg, "name": name, "version": version or cfg["version"]}


def write_bundle(folder: str, cfg: dict, files: dict, eos_token: str, pad_token: str, report: dict | None = None) -> None:
    """padellm.json through the one writer (bundle.py: architecture read from the graph), and the export report."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(folder, files["tokenizer"]))
    pad = pad_token if tok.token_to_id(pad_token) is not None else eos_token
    write_padellm_json(Path(folder), cfg["name"], cfg["version"], "llama", eos=eos_token, pad=pad, bos=None,
                       max_positions=cfg["limits"]["max_positions"], labels=cfg["labels"], templates=cfg["templates"],
                       limits=cfg["limits"], files=files)
    if report is not None:
        json.dump(report, open(os.path.join(folder, "export_report.json"), "w"), indent=2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="training output folder (model.pt, tokenizer.json)")
    ap.add_argument("--config", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-int8", action="store_true")
    ap.add_argument("--eos-token", default="</s>")
    ap.add_argument("--pad-token", default="<pad>", help="falls back to the EOS token when the tokenizer has none")
    ap.add_argument("--gguf", help="the GGUF base of a LoRA run: quantize with gguf_quant.py")
    ap.add_argument("--adapter", help="adapter.pt of that LoRA run")
    ap.add_argument("--fp32-out", help="a large model: the fp32 bundle goes here, --out gets the quantized one only")
    ap.add_argument("--tokenizer", help="tokenizer.json (default: the run's own)")
    ap.add_argument("--symmetric", action="store_true",
                    help="full fine-tune: int8 without zero points (the layout of the bundles up to v3)")
    ap.add_argument("--name", help="the bundle's name and version as NAME[@VERSION] (default: the config's)")
    args = ap.parse_args()
    cfg = load_config(args.config, args.name)
    if args.fp32_out:
        return export_large(args, cfg)
    ckpt = torch.load(os.path.join(args.run, "model.pt"), map_location="cpu")
    c = ModelConfig(**ckpt["config"])
    model = PadeLM(c)
    model.load_state_dict(ckpt["model"])
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    fp32 = os.path.join(args.out, "model.onnx")
    export(model, fp32)
    report = {"max_abs_diff_fp32": max_diff(model, fp32), "bytes_fp32": os.path.getsize(fp32)}
    files = {"model": "model.onnx", "tokenizer": "tokenizer.json"}
    if not args.no_int8:
        int8 = os.path.join(args.out, "model.int8.onnx")
        quantize_int8_file(fp32, int8)
        report.update(max_abs_diff_int8=max_diff(model, int8), bytes_int8=os.path.getsize(int8))
        files["model_int8"] = "model.int8.onnx"
    shutil.copy(args.tokenizer or os.path.join(args.run, "tokenizer.json"), os.path.join(args.out, "tokenizer.json"))
    write_bundle(args.out, cfg, files, args.eos_token, args.pad_token, report)
    print(json.dumps(report))


def export_large(args, cfg: dict) -> None:
    """A model too large to commit in fp32: the fp32 bundle goes to --fp32-out, the committed one holds the
    quantized model only (gguf_quant.py: the exact GGUF grid plus the adapter for a LoRA run, else int8)."""
    from .gguf_quant import build_bundle_model
    ckpt = torch.load(os.path.join(args.run, "model.pt"), map_location="cpu")
    c = ModelConfig(**ckpt["config"])
    model = PadeLM(c)
    model.load_state_dict(ckpt["model"])
    model.eval()
    for folder in (args.out, args.fp32_out):
        os.makedirs(folder, exist_ok=True)
        shutil.copy(args.tokenizer or os.path.join(args.run, "tokenizer.json"), os.path.join(folder, "tokenizer.json"))
    fp32 = os.path.join(args.fp32_out, "model.onnx")
    export(model, fp32)
    report = {"max_abs_diff_fp32": max_diff(model, fp32), "bytes_fp32": os.path.getsize(fp32)}
    quantized = os.path.join(args.out, "model.q4.onnx" if args.adapter else "model.q8.onnx")
    data_files = build_bundle_model(fp32, args.gguf, args.adapter, c.heads, c.kv_heads, quantized,
                                    args.symmetric)
    report.update(max_abs_diff_quantized=max_diff(model, quantized), data_files=data_files,
                  bytes_quantized=sum(os.path.getsize(os.path.join(args.out, f)) for f in [os.path.basename(quantized), *data_files]))
    write_bundle(args.fp32_out, cfg, {"model": "model.onnx", "tokenizer": "tokenizer.json"}, args.eos_token, args.pad_token)
    write_bundle(args.out, cfg, {"model": os.path.basename(quantized), "tokenizer": "tokenizer.json"}, args.eos_token,
                 args.pad_token, report)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

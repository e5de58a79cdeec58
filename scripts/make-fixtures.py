#!/usr/bin/env python3
"""Build the tiny random-weight model bundles under test/fixtures/models/{qwen2,gpt2,tiny-llama}/.

Each bundle follows models/README.md: model.onnx (Optimum with-past decoder), tokenizer.json (a small byte-level
BPE trained here on test/fixtures/models/tokenizer-corpus.txt), padellm.json, plus README.md and
verification.json with the numerical checks (ONNX Runtime vs PyTorch, cache vs recompute, masked padding).
Seeded: rerunning with the same package versions (training/hf/requirements.txt) gives the same weights.

    training/.venv-hf/bin/python scripts/make-fixtures.py [--only qwen2]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

import torch  # noqa: E402
from optimum.exporters.onnx import main_export  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # noqa: E402

from hf import checks, tiny_model  # noqa: E402
from padellm import bundle  # noqa: E402
from padellm.quantize import quantize_int8_file  # noqa: E402

FIXTURES = ROOT / "test" / "fixtures" / "models"
CORPUS = FIXTURES / "tokenizer-corpus.txt"
SPECIALS = ["<pad>", "<s>", "</s>"]  # ids 0, 1, 2
VOCAB = 500
MAX_POSITIONS = 512
SEED = 1234
# Larger than the usual 0.02 so attention is far from uniform and a masking bug shows up in the checks.
INIT_RANGE = 0.1


def train_tokenizer() -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train([str(CORPUS)], trainer)
    for i, special in enumerate(SPECIALS):
        assert tok.token_to_id(special) == i, special
    return tok


FIXTURE_FAMILIES = {"qwen2": "qwen2", "gpt2": "gpt2", "tiny-llama": "llama"}


def make(name: str, tok: Tokenizer, work: Path) -> dict:
    family = FIXTURE_FAMILIES[name]
    torch.manual_seed(SEED)
    model = tiny_model.build_model(family, tok.get_vocab_size(), MAX_POSITIONS, INIT_RANGE).eval()
    src = work / f"{name}-hf"
    tiny_model.save(model, tok, src)
    out = work / f"{name}-onnx"
    # no_post_process: keep the plain with-past decoder (no merged model with a use_cache_branch input).
    main_export(str(src), output=str(out), task="text-generation-with-past", no_post_process=True, device="cpu")

    dest = FIXTURES / name
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy(out / "model.onnx", dest / "model.onnx")
    if (out / "model.onnx_data").exists():
        raise SystemExit(f"{name}: export wrote external data; the fixture must be a single file")
    tok.save(str(dest / "tokenizer.json"))
    quantize_int8_file(dest / "model.onnx", dest / "model.int8.onnx")
    meta = bundle.write_padellm_json(dest, f"fixture-{name}", "1.0.0", family, eos="</s>", pad="<pad>", bos=None,
                                     max_positions=MAX_POSITIONS, has_int8=True)
    bundle.check_bundle(dest)

    arch = meta["architecture"]
    onnx_dec, torch_dec = checks.OnnxDecoder(dest / "model.onnx", arch), checks.TorchDecoder(model)
    vocab = arch["vocab_size"]
    results = {
        **{f"onnx_vs_torch_{k}": v for k, v in checks.onnx_vs_torch(onnx_dec, torch_dec, vocab).items()},
        "onnx_cache_equals_recompute": checks.cache_equals_recompute(onnx_dec, vocab),
        **{f"onnx_{k}": v for k, v in checks.padding_invariance(onnx_dec, vocab).items()},
        **{f"torch_{k}": v for k, v in checks.padding_invariance(torch_dec, vocab).items()},
    }
    int8_dec = checks.OnnxDecoder(dest / "model.int8.onnx", arch)
    results["int8_cache_equals_recompute"] = checks.cache_equals_recompute(int8_dec, vocab)
    results.update({f"int8_{k}": v for k, v in checks.padding_invariance(int8_dec, vocab).items()})
    # Not pass/fail: how far quantization moves the logits of these random weights.
    int8_vs_fp32 = checks.onnx_vs_torch(int8_dec, onnx_dec, vocab)
    # Not shipped: the dynamic-quantization alternative, measured to show why it is not used.
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(str(dest / "model.onnx"), str(work / f"{name}.dynamic-int8.onnx"), weight_type=QuantType.QInt8)
    dynamic_dec = checks.OnnxDecoder(work / f"{name}.dynamic-int8.onnx", arch)
    dynamic = {"cache_equals_recompute": checks.cache_equals_recompute(dynamic_dec, vocab),
               **checks.padding_invariance(dynamic_dec, vocab)}
    verdict = checks.summarize(results)
    import onnx
    graph = onnx.load(str(dest / "model.onnx")).graph
    report = {
        "fixture": name,
        "family": family,
        "hf_class": type(model).__name__,
        "parameters": sum(p.numel() for p in model.parameters()),
        "onnx_inputs": [i.name for i in graph.input],
        "onnx_outputs": [o.name for o in graph.output],
        "tolerance": checks.TOLERANCE,
        "int8_vs_fp32_max_abs_logit_diff": int8_vs_fp32,
        "not_shipped_dynamic_int8": dynamic,
        "results": results,
        "pass": verdict,
        "versions": versions(),
    }
    (dest / "verification.json").write_text(json.dumps(report, indent=2) + "\n")
    (dest / "reference.json").write_text(json.dumps(reference(tok, onnx_dec), indent=1) + "\n")
    (dest / "README.md").write_text(readme(report, meta, model.config))
    return report


REFERENCE_TEXTS = ["\n", "text:\n", "\nentity type:\n", "\n\n<num>", "<mention ", ">", "ORG", "MISC", " ",
                   "Zoë Quinlan joined Fernhill Robotics in Tallinn on 2023-04-18.", "12345",
                   "Ünïcødé ✓ 😀 東京 Київ", "  two  spaces\tand a tab", ""]


def reference(tok: Tokenizer, dec) -> dict:
    """Expected outputs from Python (tokenizers + onnxruntime) for the JavaScript side to reproduce:
    token ids of some strings, the last-position logits of one prefill, and a greedy continuation."""
    import numpy as np
    prompt = tok.encode("text:\nNew data from Oslo\nentity type:\nLOC\n\n<num>", add_special_tokens=False).ids
    ids = np.array([prompt], np.int64)
    n = len(prompt)
    logits, past = dec(ids, np.ones((1, n), np.int64), np.arange(n, dtype=np.int64)[None])
    generated, last = [], logits[0, -1]
    for step in range(8):
        nxt = int(np.argmax(last))
        generated.append(nxt)
        out, past = dec(np.array([[nxt]], np.int64), np.ones((1, n + step + 1), np.int64),
                        np.array([[n + step]], np.int64), past)
        last = out[0, -1]
    return {
        "tokenization": [{"text": t, "ids": tok.encode(t, add_special_tokens=False).ids} for t in REFERENCE_TEXTS],
        "prefill": {"input_ids": prompt, "last_logits": [round(float(x), 6) for x in logits[0, -1]]},
        "greedy": {"input_ids": prompt, "generated": generated,
                   "note": "argmax of each step through the KV cache, position_ids continuing, mask all ones"},
    }


def versions() -> dict:
    import onnx
    import onnxruntime
    import optimum.version
    import tokenizers
    import transformers
    return {"torch": torch.__version__, "transformers": transformers.__version__,
            "optimum": optimum.version.__version__, "onnx": onnx.__version__,
            "onnxruntime": onnxruntime.__version__, "tokenizers": tokenizers.__version__}


CHECK_TEXT = {
    "onnx_vs_torch_no_past": "ONNX Runtime vs PyTorch, one pass, empty past (logits and present.*)",
    "onnx_vs_torch_with_past": "ONNX Runtime vs PyTorch, continuation with past (logits and present.*)",
    "onnx_cache_equals_recompute": "prefix, then continuation through the cache == one full pass",
    "int8_cache_equals_recompute": "int8: prefix, then continuation through the cache == one full pass",
    "pad_in_past": "masked pad at the end of the past (short row in a batch), then continue",
    "pad_in_pass": "masked pad between two spans inside one pass, explicit position_ids",
    "left_pad": "left padding in a prefill (fully masked pad rows), then continue through that cache",
    "left_pad_cache_finite": "cache after left-padded prefill has no NaN/Inf",
    "unmasked_control": "control: same pad left visible (mask 1) — must differ, else the checks prove nothing",
}


def readme(report: dict, meta: dict, config) -> str:
    r, ok = report["results"], report["pass"]

    def row(key, label):
        value = r[key]
        shown = str(value) if isinstance(value, bool) else f"{value:.3g}"
        return f"| {label} | {shown} | {'yes' if ok[key] else 'NO'} |"

    rows = [row(k, CHECK_TEXT[k]) for k in ("onnx_vs_torch_no_past", "onnx_vs_torch_with_past",
                                            "onnx_cache_equals_recompute")]
    rows.append(row("int8_cache_equals_recompute", "int8: " + CHECK_TEXT["onnx_cache_equals_recompute"]))
    for backend in ("onnx", "int8", "torch"):
        for k in ("pad_in_past", "pad_in_pass", "left_pad", "left_pad_cache_finite", "unmasked_control"):
            rows.append(row(f"{backend}_{k}", f"{backend}: {CHECK_TEXT[k]}"))
    arch = meta["architecture"]
    i8, dyn = report["int8_vs_fp32_max_abs_logit_diff"], report["not_shipped_dynamic_int8"]
    hidden = getattr(config, "hidden_size", getattr(config, "n_embd", None))
    heads = getattr(config, "num_attention_heads", getattr(config, "n_head", None))
    holds = all(ok[f"onnx_{k}"] for k in ("pad_in_past", "pad_in_pass", "left_pad", "left_pad_cache_finite"))
    return f"""# Fixture `{report['fixture']}`: tiny random-weight {report['hf_class']}

Random weights (seed {SEED}, initializer_range {INIT_RANGE}): the model's output is meaningless, it exists to test
the engine against a real export of this architecture. Built by `scripts/make-fixtures.py`; do not edit by hand.

- {report['parameters']} parameters; hidden {hidden}, {heads} attention heads, {arch['layers']} layers,
  {arch['kv_heads']} KV heads × head_dim {arch['head_dim']}, vocab {arch['vocab_size']}, {arch['kv_dtype']} cache,
  position_ids input: {str(arch['has_position_ids']).lower()}
- Exported with Optimum `main_export(task="text-generation-with-past", no_post_process=True)`: the plain
  with-past decoder, no merged model and no `use_cache_branch`. An empty past (`past_len` 0) does the prefill.
- ONNX inputs, in graph order: {', '.join(f'`{n}`' for n in report['onnx_inputs'])}
  (feed by name: the order differs between architectures)
- Tokenizer: byte-level BPE, vocab {VOCAB}, digits split one per token, `<pad>`=0 `<s>`=1 `</s>`=2,
  trained on `../tokenizer-corpus.txt`; `bos_id` is null.

## Checks (max |difference|, float32, tolerance {report['tolerance']})

| check | value | passes |
|---|---|---|
{chr(10).join(rows)}

Padding anywhere, masked by `attention_mask` with explicit `position_ids`, **{'holds' if holds else 'does NOT hold'}**
for this export.

`model.int8.onnx` is weight-only int8 (onnxruntime `MatMulNBitsQuantizer`, bits 8, block 32; `Gemm` nodes stay
float): it differs from `model.onnx` by at most {i8['no_past']:.3g} (one pass) / {i8['with_past']:.3g} (continuation) in
logits and cache on random inputs (not a check: these weights are random). `quantize_dynamic` was measured and NOT
used: its per-tensor activation scales make a row depend on the rest of the pass (cache vs recompute
{dyn['cache_equals_recompute']:.3g}, masked pad inside a pass {dyn['pad_in_pass']:.3g}).

Versions: {', '.join(f'{k} {v}' for k, v in report['versions'].items())}.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(FIXTURE_FAMILIES), action="append")
    args = parser.parse_args()
    tok = train_tokenizer()
    failed = []
    with tempfile.TemporaryDirectory() as work:
        for name in args.only or FIXTURE_FAMILIES:
            report = make(name, tok, Path(work))
            size = (FIXTURES / name / "model.onnx").stat().st_size
            print(f"{name}: model.onnx {size / 2**20:.2f} MiB")
            for key, value in report["results"].items():
                print(f"  {key:40s} {value!s:>24}  {'ok' if report['pass'][key] else 'FAIL'}")
            if size > 2 * 2**20:
                failed.append(f"{name}: model.onnx over 2 MiB")
            core = ("onnx_vs_torch_no_past", "onnx_vs_torch_with_past", "onnx_cache_equals_recompute",
                    "int8_cache_equals_recompute")
            failed += [f"{name}: {k}" for k in core if not report["pass"][k]]
    if failed:
        raise SystemExit("FAILED: " + "; ".join(failed))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Export a (fine-tuned) Hugging Face causal LM into a padellm-stream model bundle and validate it.

    cd training && python -m hf.make_bundle --model runs/my-model --out ../models/my-model [--config configs/conll03.json]
        [--name my-model --version 1.0.0] [--int8] [--max-positions 1024]
    cd training && python -m hf.make_bundle --check ../models/my-model [--model runs/my-model]

Export: Optimum `text-generation-with-past`, no post-processing, i.e. the plain with-past decoder of
models/README.md (no merged model, no use_cache_branch). padellm.json gets labels/templates/limits from --config
and token ids and architecture facts from the tokenizer and the exported graph. Validation (also --check):
the contract (bundle.check_bundle), then with onnxruntime: prefix + continuation through the cache == full
recompute, masked padding == no padding, and ONNX vs PyTorch when --model is given. An export records the
results in verification.json (--check only prints them); the exit status is non-zero when a check fails.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from padellm import bundle
from padellm.quantize import quantize_int8_file

from . import checks
from .segments import special_ids

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "conll03.json"


def export(model_dir: str, out: Path, config_path: Path, name: str | None, version: str | None, int8: bool,
           max_positions: int | None) -> None:
    from optimum.exporters.onnx import main_export
    from transformers import AutoConfig, AutoTokenizer

    cfg = json.loads(config_path.read_text())
    hf_config = AutoConfig.from_pretrained(model_dir)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    if not tokenizer.is_fast:
        raise SystemExit("a fast tokenizer (tokenizer.json) is required")
    ids = special_ids(tokenizer)
    model_positions = getattr(hf_config, "max_position_embeddings", None) or getattr(hf_config, "n_positions")

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        main_export(model_dir, output=tmp, task="text-generation-with-past", no_post_process=True, device="cpu")
        for file in ("model.onnx", "model.onnx_data"):  # models over 2 GB keep weights in external data
            if (Path(tmp) / file).exists():
                shutil.copy(Path(tmp) / file, out / file)
    tokenizer.save_pretrained(tmp_tok := str(out / ".tokenizer"))
    shutil.move(Path(tmp_tok) / "tokenizer.json", out / "tokenizer.json")
    shutil.rmtree(tmp_tok)
    if int8:
        quantize_int8_file(out / "model.onnx", out / "model.int8.onnx")

    def token(tid):
        return None if tid is None else tokenizer.convert_ids_to_tokens(tid)

    bundle.write_padellm_json(
        out, name or cfg.get("name") or Path(model_dir).name, version or cfg.get("version", "1.0.0"),
        hf_config.model_type, eos=token(ids["eos_id"]), pad=token(ids["pad_id"]), bos=token(ids["bos_id"]),
        max_positions=min(max_positions or model_positions, model_positions), has_int8=int8,
        labels=cfg["labels"], templates=cfg["templates"], limits=cfg.get("limits", bundle.LIMITS))


def validate(out: Path, model_dir: str | None, record: bool) -> bool:
    meta = bundle.check_bundle(out)
    arch = meta["architecture"]
    from tokenizers import Tokenizer
    vocab = min(arch["vocab_size"], Tokenizer.from_file(str(out / meta["files"]["tokenizer"])).get_vocab_size())
    results = {}
    for role, prefix in (("model", "onnx"), ("model_int8", "int8")):
        if role in meta["files"]:
            dec = checks.OnnxDecoder(out / meta["files"][role], arch)
            results[f"{prefix}_cache_equals_recompute"] = checks.cache_equals_recompute(dec, vocab)
            results.update({f"{prefix}_{k}": v for k, v in checks.padding_invariance(dec, vocab).items()})
    if model_dir:
        from transformers import AutoModelForCausalLM
        torch_dec = checks.TorchDecoder(AutoModelForCausalLM.from_pretrained(model_dir, dtype="float32"))
        onnx_dec = checks.OnnxDecoder(out / meta["files"]["model"], arch)
        results.update({f"onnx_vs_torch_{k}": v for k, v in checks.onnx_vs_torch(onnx_dec, torch_dec, vocab).items()})
    verdict = checks.summarize(results)
    if record:
        (out / "verification.json").write_text(json.dumps({"tolerance": checks.TOLERANCE, "results": results,
                                                           "pass": verdict}, indent=2) + "\n")
    for key, value in results.items():
        print(f"  {key:36s} {value!s:>24}  {'ok' if verdict[key] else 'FAIL'}")
    return all(verdict.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="fine-tuned HF model folder (finetune.py --out)")
    ap.add_argument("--out", type=Path, help="bundle folder to write")
    ap.add_argument("--check", type=Path, help="only validate this existing bundle")
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="labels, templates, limits")
    ap.add_argument("--name")
    ap.add_argument("--version")
    ap.add_argument("--int8", action="store_true", help="also write model.int8.onnx (weight-only int8)")
    ap.add_argument("--max-positions", type=int, help="cap on the model's own max_position_embeddings")
    args = ap.parse_args()
    if args.check:
        target = args.check
    elif args.model and args.out:
        export(args.model, args.out, args.config, args.name, args.version, args.int8, args.max_positions)
        target = args.out
    else:
        ap.error("give --model and --out, or --check")
    try:
        ok = validate(target, args.model, record=not args.check)
    except bundle.BundleError as e:
        raise SystemExit(f"bundle {target} breaks the contract: {e}")
    print(f"bundle {target}: {'valid' if ok else 'CHECKS FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

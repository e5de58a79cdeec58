"""The bundle contract's Python side. The contract itself is stated once, in models/README.md; this module writes
padellm.json (the one writer: export.py, hf/make_bundle.py and scripts/make-fixtures.py all call it), reading the
architecture from the exported graph, and checks a bundle folder against the contract. src/model/bundle.ts is the
engine's side of the same contract."""
from __future__ import annotations

import json
import re
from pathlib import Path

import onnx
from tokenizers import Tokenizer

LABELS = ["ORG", "MISC", "PER", "LOC"]
TEMPLATES = {
    "prompt": "text:\n{text}\nentity type:\n{label}\n\n<num>",
    "count": "{count}\n",
    "mention": "<mention {k}>{mention}",
    "ar_prompt": "text:\n{text}\nentities:\n",
    "ar_item": "{label}: {mention}\n",
}
LIMITS = {"max_count": 20, "max_count_tokens": 3, "max_mention_tokens": 32, "max_ar_tokens": 256,
          "max_positions": 512}
FILES = {"model": "model.onnx", "model_int8": "model.int8.onnx", "tokenizer": "tokenizer.json"}

_PAST = re.compile(r"^past_key_values\.(\d+)\.(key|value)$")
_PRESENT = re.compile(r"^present\.(\d+)\.(key|value)$")
_DTYPES = {onnx.TensorProto.FLOAT: "float32", onnx.TensorProto.FLOAT16: "float16"}


class BundleError(Exception):
    pass


def _dims(value_info) -> list:
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def read_architecture(model_path: Path, family: str) -> dict:
    """Architecture facts as the engine needs them, read from the graph's inputs and outputs
    (not from a config.json, so the facts cannot drift from the file that is shipped)."""
    graph = onnx.load(str(model_path), load_external_data=False).graph
    inputs = {i.name: i for i in graph.input}
    outputs = {o.name: o for o in graph.output}
    layers = sorted({int(m.group(1)) for m in map(_PAST.match, inputs) if m})
    if not layers or layers != list(range(len(layers))):
        raise BundleError(f"{model_path}: past_key_values.N inputs missing or not numbered 0..N-1")
    key = inputs["past_key_values.0.key"]
    dims = _dims(key)
    if len(dims) != 4 or not isinstance(dims[1], int) or not isinstance(dims[3], int):
        raise BundleError(f"{model_path}: past_key_values.0.key must be [batch, kv_heads, past, head_dim], got {dims}")
    vocab = _dims(outputs["logits"])[-1]
    if not isinstance(vocab, int):
        raise BundleError(f"{model_path}: logits vocab dimension is symbolic ({vocab})")
    return {
        "family": family,
        "layers": len(layers),
        "kv_heads": dims[1],
        "head_dim": dims[3],
        "kv_dtype": _DTYPES[key.type.tensor_type.elem_type],
        "has_position_ids": "position_ids" in inputs,
        "vocab_size": vocab,
    }


def single_token_id(tokenizer: Tokenizer, text: str) -> int:
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    if len(ids) != 1:
        raise BundleError(f"{text!r} must encode to exactly one token, got {ids}")
    return ids[0]


def token_ids(tokenizer: Tokenizer, eos: str, pad: str | None, bos: str | None) -> dict:
    def special(tok: str | None):
        if tok is None:
            return None
        tid = tokenizer.token_to_id(tok)
        if tid is None:
            raise BundleError(f"special token {tok!r} is not in the tokenizer")
        return tid
    return {"eos_id": special(eos), "newline_id": single_token_id(tokenizer, "\n"),
            "pad_id": special(pad), "bos_id": special(bos)}


def write_padellm_json(bundle: Path, name: str, version: str, family: str, *, eos: str, pad: str | None,
                       bos: str | None, max_positions: int, has_int8: bool = False, labels: list[str] = LABELS,
                       templates: dict = TEMPLATES, limits: dict = LIMITS, files: dict | None = None) -> dict:
    """`files` defaults to FILES (model_int8 only with has_int8); the architecture is read from files["model"]."""
    bundle = Path(bundle)
    if files is None:
        files = dict(FILES)
        if not has_int8:
            files.pop("model_int8")
    tokenizer = Tokenizer.from_file(str(bundle / files["tokenizer"]))
    doc = {
        "name": name,
        "version": version,
        "labels": labels,
        "templates": templates,
        "tokens": token_ids(tokenizer, eos, pad, bos),
        "limits": {**limits, "max_positions": max_positions},
        "architecture": read_architecture(bundle / files["model"], family),
        "files": files,
    }
    (bundle / "padellm.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return doc


def check_bundle(bundle: Path) -> dict:
    """Raise BundleError when the folder breaks the contract; return padellm.json on success."""
    meta_path = bundle / "padellm.json"
    if not meta_path.is_file():
        raise BundleError(f"{bundle}: padellm.json missing")
    meta = json.loads(meta_path.read_text())
    for key in ("name", "version", "labels", "templates", "tokens", "limits", "architecture", "files"):
        if key not in meta:
            raise BundleError(f"padellm.json: '{key}' missing")
    missing = [t for t in TEMPLATES if t not in meta["templates"]]
    if missing:
        raise BundleError(f"padellm.json: templates missing {missing}")
    for role, file in meta["files"].items():
        if not (bundle / file).is_file():
            raise BundleError(f"{bundle}: files.{role} = {file} does not exist")

    tokenizer = Tokenizer.from_file(str(bundle / meta["files"]["tokenizer"]))
    tokens = meta["tokens"]
    vocab = tokenizer.get_vocab_size(with_added_tokens=True)
    if tokens["newline_id"] != single_token_id(tokenizer, "\n"):
        raise BundleError("padellm.json: newline_id is not the id of '\\n' tokenized alone")
    for key in ("eos_id", "pad_id", "bos_id"):
        tid = tokens.get(key)
        if tid is not None and not 0 <= tid < vocab:
            raise BundleError(f"padellm.json: tokens.{key}={tid} outside the vocabulary (size {vocab})")

    for role in ("model", "model_int8"):
        if role not in meta["files"]:
            continue
        arch = read_architecture(bundle / meta["files"][role], meta["architecture"]["family"])
        for key, value in arch.items():
            if meta["architecture"].get(key) != value and not (role == "model_int8" and key == "kv_dtype"):
                raise BundleError(f"padellm.json: architecture.{key}={meta['architecture'].get(key)!r} "
                                  f"but {meta['files'][role]} has {value!r}")
        if arch["vocab_size"] < vocab:
            raise BundleError(f"logits have {arch['vocab_size']} entries but the tokenizer has {vocab} tokens")
        _check_io(bundle / meta["files"][role], arch)
    return meta


def _check_io(model_path: Path, arch: dict) -> None:
    graph = onnx.load(str(model_path), load_external_data=False).graph
    inputs = {i.name for i in graph.input}
    outputs = {o.name for o in graph.output}
    want_in = {"input_ids", "attention_mask"} | {f"past_key_values.{i}.{kv}" for i in range(arch["layers"])
                                                 for kv in ("key", "value")}
    want_out = {"logits"} | {f"present.{i}.{kv}" for i in range(arch["layers"]) for kv in ("key", "value")}
    extra = inputs - want_in - {"position_ids", "logits_positions"}
    if want_in - inputs or want_out - outputs or extra:
        raise BundleError(f"{model_path}: decoder I/O differs from the contract: missing inputs "
                          f"{sorted(want_in - inputs)}, missing outputs {sorted(want_out - outputs)}, "
                          f"unexpected inputs {sorted(extra)} (a merged model with use_cache_branch is not supported)")
    # logits_positions is padellm's optional extension of the Optimum contract (models/README.md).

"""Segment-wise tokenization of converted PaDeLLM examples with a Hugging Face tokenizer (models/README.md).

Every segment is encoded on its own with the tokenizer.json backend (`tokenizers.Tokenizer`, no special tokens),
which is exactly what the engine does with the same file in JavaScript; the transformers wrapper is not used for
encoding because some of its Python-side logic (legacy SentencePiece handling, added prefixes) is not in
tokenizer.json and would make training and inference disagree.
"""
from __future__ import annotations

import json
from pathlib import Path

IGNORE = -100  # label value the causal-LM loss skips


def special_ids(hf_tokenizer) -> dict:
    """bos/eos/pad ids as the bundle will declare them. bos_id is set only when the tokenizer's own
    post-processor prepends BOS (Llama-style), so fine-tuning sees what pretraining saw."""
    eos = hf_tokenizer.eos_token_id
    if eos is None:
        raise ValueError("the tokenizer has no eos_token; set one (tokenizer.eos_token = ...) before fine-tuning")
    bos = hf_tokenizer.bos_token_id
    probe = hf_tokenizer.backend_tokenizer.encode("a", add_special_tokens=True).ids
    adds_bos = bos is not None and len(probe) > 0 and probe[0] == bos
    pad = hf_tokenizer.pad_token_id
    return {"bos_id": bos if adds_bos else None, "eos_id": eos, "pad_id": eos if pad is None else pad}


def encode_segments(segments: list[dict], backend, ids: dict) -> tuple[list[int], list[int]]:
    """(input_ids, labels): labels copy the target tokens and are IGNORE elsewhere (loss on answers only)."""
    input_ids: list[int] = [] if ids["bos_id"] is None else [ids["bos_id"]]
    labels: list[int] = [IGNORE] * len(input_ids)
    for seg in segments:
        piece = [ids["eos_id"]] if seg.get("eos") else backend.encode(seg["text"], add_special_tokens=False).ids
        input_ids += piece
        labels += piece if seg["target"] else [IGNORE] * len(piece)
    return input_ids, labels


def read_examples(path: Path, formats: set[str]) -> list[list[dict]]:
    """Segments of each line of the converter's JSONL (training/padellm/convert.py) whose format is wanted."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                if row["format"] in formats:
                    out.append(row["segments"])
    return out

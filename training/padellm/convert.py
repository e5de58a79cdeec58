"""CLI: annotated sentences (CoNLL IOB or JSONL) -> PaDeLLM and autoregressive examples as JSONL of segments.

  python -m padellm.convert --config configs/conll03.json --data train.txt --out train.padellm.jsonl
Each output line: {"format": "parallel"|"autoregressive", "sentence": n, "segments": [{"text"|"eos", "target"}]}.
"""
from __future__ import annotations

import argparse
import json

from .data import read_sentences
from .format import autoregressive_example, parallel_examples


def convert(sentences, cfg, formats=("parallel", "autoregressive")):
    for n, s in enumerate(sentences):
        if "parallel" in formats:
            for ex in parallel_examples(s, cfg):
                yield {"format": "parallel", "sentence": n, "segments": [seg.to_json() for seg in ex]}
        if "autoregressive" in formats:
            yield {"format": "autoregressive", "sentence": n,
                   "segments": [seg.to_json() for seg in autoregressive_example(s, cfg)]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True, help="model config with labels and templates")
    ap.add_argument("--data", required=True, help="CoNLL IOB file, or .jsonl with text/entities")
    ap.add_argument("--out", required=True)
    ap.add_argument("--formats", default="parallel,autoregressive")
    args = ap.parse_args()
    cfg = json.load(open(args.config, encoding="utf-8"))
    sentences = read_sentences(args.data)
    counts: dict[str, int] = {}
    with open(args.out, "w", encoding="utf-8") as f:
        for row in convert(sentences, cfg, tuple(args.formats.split(","))):
            counts[row["format"]] = counts.get(row["format"], 0) + 1
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps({"sentences": len(sentences), "examples": counts}))


if __name__ == "__main__":
    main()

"""Where the errors come from: step-1 count accuracy, and step-2 mention accuracy given the gold count, split by
whether the gold mention string occurs in the training data (copying vs memorising).

  python -m padellm.diagnose --run runs/p2 --config configs/conll03.json --train train.txt --data dev.txt --n 200
"""
from __future__ import annotations

import argparse
import json
import random

import torch
from tokenizers import Tokenizer

from .data import read_sentences
from .decode import Codec, greedy
from .format import mentions_by_label, render
from .model import ModelConfig, PadeLM


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="folder with model.pt and tokenizer.json")
    ap.add_argument("--config", required=True)
    ap.add_argument("--train", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args()
    ck = torch.load(f"{args.run}/model.pt", map_location="cpu")
    model = PadeLM(ModelConfig(**ck["config"]))
    model.load_state_dict(ck["model"])
    model.eval()
    cfg = json.load(open(args.config, encoding="utf-8"))
    tok = Tokenizer.from_file(f"{args.run}/tokenizer.json")
    codec, t = Codec(cfg, tok, tok.token_to_id("</s>")), cfg["templates"]
    sents = random.Random(1).sample(read_sentences(args.data), args.n)
    seen = {s.mention(e) for s in read_sentences(args.train) for e in s.entities}
    rows = [(s, lab) for s in sents for lab in cfg["labels"]]
    prompts = [codec.ids(render(t["prompt"], {"text": s.text, "label": lab}, False)) for s, lab in rows]
    right = over = 0
    forced, gold = [], []
    for (s, lab), p, (ids, _) in zip(rows, prompts, greedy(model, prompts, {codec.eos_id, codec.newline_id}, 3)):
        mentions = mentions_by_label(s, cfg["labels"])[lab]
        txt = codec.decode(ids).strip()
        n = int(txt) if txt.isdigit() else 0
        right += n == len(mentions)
        over += n > len(mentions)
        for k, m in enumerate(mentions, 1):
            forced.append(p + codec.ids(render(t["count"], {"count": len(mentions)}, True)
                                        + render(t["mention"].split("{mention}")[0], {"k": k}, True)))
            gold.append(m)
    hits = {True: [0, 0], False: [0, 0]}
    for i in range(0, len(forced), 128):
        for (ids, _), g in zip(greedy(model, forced[i:i + 128], {codec.eos_id}, 32), gold[i:i + 128]):
            hits[g in seen][0] += codec.decode(ids) == g
            hits[g in seen][1] += 1
    print(json.dumps({"count_accuracy": right / len(rows), "count_over": over / len(rows),
                      "count_under": 1 - (right + over) / len(rows),
                      "mention_accuracy_seen_in_train": hits[True][0] / max(1, hits[True][1]), "n_seen": hits[True][1],
                      "mention_accuracy_unseen": hits[False][0] / max(1, hits[False][1]), "n_unseen": hits[False][1]}))


if __name__ == "__main__":
    main()

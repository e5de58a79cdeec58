"""Train the byte-level BPE tokenizer: any UTF-8 text encodes, digits split one per token.

  python -m padellm.tokenizer --data train.txt --config configs/conll03.json --vocab 6000 --out tokenizer.json
"""
from __future__ import annotations

import argparse
import json

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from .data import read_sentences
from .format import split_template

SPECIALS = ["<pad>", "<s>", "</s>"]  # ids 0, 1, 2


def build(texts, vocab_size: int) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    return tok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--vocab", type=int, default=6000)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    cfg = json.load(open(args.config, encoding="utf-8"))
    texts = [s.text for s in read_sentences(args.data)]
    # Template literals and labels are learned as whole tokens too: they appear in every example.
    extra = [v for t in cfg["templates"].values() for k, v in split_template(t) if k == "lit"] + cfg["labels"]
    tok = build(texts + extra * 200, args.vocab)
    tok.save(args.out)
    print(json.dumps({"vocab": tok.get_vocab_size(), "newline_id": tok.encode("\n").ids}))


if __name__ == "__main__":
    main()

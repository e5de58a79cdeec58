#!/usr/bin/env python3
"""A tiny random-weight causal LM of a given family, saved as a Hugging Face model folder with a tokenizer.

    python training/hf/tiny_model.py --family qwen2 --tokenizer test/fixtures/models/qwen2/tokenizer.json --out /tmp/tiny

Stands in for a real pretrained model (no hub access here) to prove the fine-tune -> bundle path end to end; the
test fixtures (scripts/make-fixtures.py) are built from the same definitions.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast,
                          Qwen2Config, Qwen2ForCausalLM)

FAMILIES = ("qwen2", "gpt2", "llama")


def build_model(family: str, vocab: int, max_positions: int = 512, init_range: float = 0.02):
    """hidden 64, 2 layers, 4 heads (Qwen2: 2 KV heads, grouped); special ids <pad>=0 <s>=1 </s>=2."""
    common = dict(vocab_size=vocab, pad_token_id=0, bos_token_id=1, eos_token_id=2, initializer_range=init_range)
    if family == "qwen2":
        return Qwen2ForCausalLM(Qwen2Config(hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                            num_attention_heads=4, num_key_value_heads=2,
                                            max_position_embeddings=max_positions, tie_word_embeddings=False,
                                            **common))
    if family == "gpt2":
        return GPT2LMHeadModel(GPT2Config(n_embd=64, n_layer=2, n_head=4, n_positions=max_positions, **common))
    if family == "llama":
        return LlamaForCausalLM(LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                            num_attention_heads=4, num_key_value_heads=4,
                                            max_position_embeddings=max_positions, tie_word_embeddings=False,
                                            **common))
    raise ValueError(f"family must be one of {FAMILIES}")


def save(model, tokenizer: Tokenizer, out: Path) -> None:
    model.save_pretrained(out)
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="<pad>", bos_token="<s>",
                            eos_token="</s>").save_pretrained(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--family", choices=FAMILIES, default="qwen2")
    ap.add_argument("--tokenizer", required=True, type=Path, help="tokenizer.json with <pad>, <s>, </s> = 0, 1, 2")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    tokenizer = Tokenizer.from_file(str(args.tokenizer))
    save(build_model(args.family, tokenizer.get_vocab_size()), tokenizer, args.out)
    print(f"{args.family} -> {args.out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fine-tune a Hugging Face causal LM (Llama, Qwen2, GPT-2, ...) on converted PaDeLLM examples.

    cd training && python -m hf.finetune --model <hf dir> --train train.padellm.jsonl --out runs/my-model \\
        [--eval dev.padellm.jsonl] [--epochs 2 | --max-steps N] [--lr 2e-5] [--batch-size 8] [--bf16]

--train/--eval are the output of training/padellm/convert.py. Loss is on answer tokens only; every segment is
tokenized on its own (segments.py). Writes the fine-tuned model and its tokenizer to --out, ready for
hf.make_bundle.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments

from .segments import IGNORE, encode_segments, read_examples, special_ids


class Examples(torch.utils.data.Dataset):
    def __init__(self, path: Path, backend, ids: dict, formats: set[str], max_length: int):
        self.rows, self.dropped = [], 0
        for segments in read_examples(path, formats):
            input_ids, labels = encode_segments(segments, backend, ids)
            if len(input_ids) > max_length:
                self.dropped += 1  # truncating would cut the answer, the only part with a loss
                continue
            self.rows.append((input_ids, labels))
        self.target_tokens = sum(sum(1 for x in labels if x != IGNORE) for _, labels in self.rows)
        self.tokens = sum(len(ids_) for ids_, _ in self.rows)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def collate(pad_id: int):
    def pad(batch):
        width = max(len(ids) for ids, _ in batch)
        input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, (ids, lab) in enumerate(batch):
            input_ids[row, :len(ids)] = torch.tensor(ids)
            labels[row, :len(lab)] = torch.tensor(lab)
            mask[row, :len(ids)] = 1
        return {"input_ids": input_ids, "attention_mask": mask, "labels": labels}
    return pad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="HF model folder (or hub name where the hub is reachable)")
    ap.add_argument("--train", required=True, type=Path)
    ap.add_argument("--eval", type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--formats", default="parallel", help="comma list of converter formats to train on")
    ap.add_argument("--max-length", type=int, default=512)
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--max-steps", type=int, default=-1)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--grad-accum", type=int, default=1)
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    if not tokenizer.is_fast:
        raise SystemExit("a fast tokenizer (tokenizer.json) is required: the engine loads tokenizer.json")
    ids = special_ids(tokenizer)
    formats = set(args.formats.split(","))
    train = Examples(args.train, tokenizer.backend_tokenizer, ids, formats, args.max_length)
    evaluation = Examples(args.eval, tokenizer.backend_tokenizer, ids, formats, args.max_length) if args.eval else None
    print(json.dumps({"train_examples": len(train), "dropped_too_long": train.dropped, "tokens": train.tokens,
                      "target_tokens": train.target_tokens, **ids}))
    if not len(train):
        raise SystemExit("no training examples")

    model = AutoModelForCausalLM.from_pretrained(args.model)
    training_args = TrainingArguments(
        output_dir=str(args.out / "checkpoints"), num_train_epochs=args.epochs, max_steps=args.max_steps,
        learning_rate=args.lr, per_device_train_batch_size=args.batch_size, per_device_eval_batch_size=args.batch_size,
        gradient_accumulation_steps=args.grad_accum, bf16=args.bf16, logging_steps=10, save_strategy="no",
        eval_strategy="epoch" if evaluation else "no", report_to=[], seed=args.seed,
        remove_unused_columns=False, lr_scheduler_type="cosine", warmup_ratio=0.03, disable_tqdm=True)
    trainer = Trainer(model=model, args=training_args, train_dataset=train, eval_dataset=evaluation,
                      data_collator=collate(ids["pad_id"]))
    result = trainer.train()
    metrics = dict(result.metrics)
    if evaluation:
        metrics.update(trainer.evaluate())
    trainer.save_model(str(args.out))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.save_pretrained(str(args.out))
    (args.out / "finetune.json").write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()},
                                                        "special_ids": ids, "metrics": metrics}, indent=2) + "\n")
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()

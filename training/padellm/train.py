"""Train the small PaDeLLM model from scratch on both formats (parallel + autoregressive), within a time budget.

  python -m padellm.train --config configs/conll03.json --train train.txt --dev dev.txt \
      --tokenizer tokenizer.json --out runs/small --minutes 80
Each sentence's examples are packed into one trie sequence (pack.py); the loss covers answer tokens only. The
cosine schedule is sized after timing the first steps so that training ends inside the budget.

Fine-tuning a pretrained base: `--init-from` its model.pt (from_gguf.py) with `--eos-token` set to its end token.
Every `--checkpoint-minutes` the model, the optimizer, the schedule and the position in the data order are saved to
`checkpoint.pt`; `--resume` goes on from there with the same data order (each epoch's order is a function of the
seed and the epoch), so a run longer than one sitting loses at most one checkpoint interval.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer

from .data import read_sentences
from .augment import augment, mention_pool
from .decode import Codec, autoregressive_predict, gold_sets, micro_f1, parallel_predict
from .format import autoregressive_example, parallel_examples, tokenize_example
from .lora import add_lora, merge_lora, trainable_state
from .model import ModelConfig, PadeLM
from .pack import pack, tree_mask


def packed_sentences(sentences, cfg, codec: Codec, count_weight: float = 1.0):
    """count_weight scales the loss of each step-1 answer (its first two target tokens: the count, then the newline
    or EOS). Counting is the method's main error source, and a pretrained LM learns to copy mentions long before it
    learns to count them: after 67 steps at weight 1 every count on dev was the prior's 0 while mentions copied."""
    out = []
    for s in sentences:
        par = parallel_examples(s, cfg)
        exs = [tokenize_example(e, codec.encode, codec.eos_id) for e in par + [autoregressive_example(s, cfg)]]
        weights = []
        for k, (_, target) in enumerate(exs):
            w, seen = [], 0
            for is_target in target:
                seen += is_target
                w.append(count_weight if k < len(par) and is_target and seen <= 2 else 1.0)
            weights.append(w)
        out.append(pack(exs, weights))
    return out


def batches(packed, max_tokens: int, rng: random.Random):
    """Length-bucketed batches under a padded-token budget, in random order."""
    order = sorted(range(len(packed)), key=lambda i: (len(packed[i][0]), rng.random()))
    out, cur, cur_max = [], [], 0
    for i in order:
        n = len(packed[i][0])
        if cur and max(cur_max, n) * (len(cur) + 1) > max_tokens:
            out.append(cur)
            cur, cur_max = [], 0
        cur.append(i)
        cur_max = max(cur_max, n)
    if cur:
        out.append(cur)
    rng.shuffle(out)
    return out


def collate(packed, idx):
    L = max(len(packed[i][0]) for i in idx)
    b = len(idx)
    ids = np.zeros((b, L), np.int64)
    pos = np.zeros((b, L), np.int64)
    mask = np.zeros((b, L, L), bool)
    mask[:, np.arange(L), np.arange(L)] = True  # padding attends to itself only
    lp_b, lp_i, lid, lw = [], [], [], []
    for r, i in enumerate(idx):
        tid, par, dep, lpos, lids, lws = packed[i]
        n = len(tid)
        ids[r, :n], pos[r, :n] = tid, dep
        mask[r, :n, :n] = tree_mask(par)
        lp_b += [r] * len(lpos)
        lp_i += list(lpos)
        lid += list(lids)
        lw += list(lws)
    return (torch.from_numpy(ids), torch.from_numpy(pos), torch.from_numpy(mask)[:, None],
            torch.tensor(lp_b), torch.tensor(lp_i), torch.tensor(lid), torch.tensor(lw))


def evaluate(model, codec, sentences, labels):
    model.eval()
    texts = [s.text for s in sentences]
    gold = gold_sets(sentences, labels)
    t0 = time.time()
    par = micro_f1(gold, parallel_predict(model, codec, texts))
    t1 = time.time()
    ar = micro_f1(gold, autoregressive_predict(model, codec, texts))
    model.train()
    return {"parallel_f1": par["f1"], "ar_f1": ar["f1"], "parallel_s": t1 - t0, "ar_s": time.time() - t1}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True)
    ap.add_argument("--train", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=80.0, help="wall-clock budget for the optimisation loop")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--kv-heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=704)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--batch-tokens", type=int, default=8192)
    ap.add_argument("--dev-eval", type=int, default=300, help="dev sentences used for model selection")
    ap.add_argument("--evals", type=int, default=4, help="dev evaluations spread over the budget")
    ap.add_argument("--limit", type=int, default=0, help="train sentences (0 = all), for smoke runs")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--init-from", help="warm start from this model.pt (its architecture wins over the flags)")
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--augment", type=int, default=0, help="mention-replaced copies of each sentence with entities")
    ap.add_argument("--synthetic-rate", type=float, default=0.5, help="share of replacements that are made-up words")
    ap.add_argument("--eos-token", default="</s>", help="the tokenizer's end token (SmolLM2: <|im_end|>)")
    ap.add_argument("--lora-rank", type=int, default=0, help="0: full fine-tuning; >0: LoRA (lora.py)")
    ap.add_argument("--lora-alpha", type=float, default=32.0)
    ap.add_argument("--bf16", action="store_true", help="bf16 autocast for the forward and backward matmuls")
    ap.add_argument("--count-weight", type=float, default=1.0, help="loss weight of step-1 (count) answers")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--checkpoint-minutes", type=float, default=10.0)
    ap.add_argument("--resume", action="store_true", help="go on from <out>/checkpoint.pt")
    ap.add_argument("--start-batch", type=int, default=0,
                    help="skip this many batches of the start epoch: the ones an earlier run (same seed) trained on")
    ap.add_argument("--start-epoch", type=int, default=1,
                    help="the data-order epoch to start in (with --start-batch: where an earlier phase stopped)")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    cfg = json.load(open(args.config, encoding="utf-8"))
    tok = Tokenizer.from_file(args.tokenizer)
    eos_id = tok.token_to_id(args.eos_token)
    if eos_id is None:
        raise SystemExit(f"the tokenizer has no {args.eos_token!r}; set --eos-token")
    codec = Codec(cfg, tok, eos_id=eos_id)
    train = read_sentences(args.train)
    if args.limit:
        train = train[:args.limit]
    if args.augment:
        pool, arng = mention_pool(train), random.Random(args.seed)
        train = train + [augment(s, pool, arng, args.synthetic_rate)
                         for _ in range(args.augment) for s in train if s.entities]
    dev = read_sentences(args.dev)
    dev_eval = random.Random(0).sample(dev, min(args.dev_eval, len(dev)))
    t_start = time.time()
    packed = packed_sentences(train, cfg, codec, args.count_weight)
    n_tok = sum(len(p[0]) for p in packed)
    n_loss = sum(len(p[3]) for p in packed)
    mc = ModelConfig(vocab_size=tok.get_vocab_size(), hidden=args.hidden, layers=args.layers, heads=args.heads,
                     kv_heads=args.kv_heads, ffn=args.ffn, max_positions=cfg["limits"]["max_positions"])
    if args.init_from:
        ckpt = torch.load(args.init_from, map_location="cpu")
        mc = ModelConfig(**ckpt["config"])
    model = PadeLM(mc)
    if args.init_from:
        model.load_state_dict(ckpt["model"])
    if args.lora_rank:
        add_lora(model, args.lora_rank, args.lora_alpha)
    n_params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"sentences": len(train), "packed_tokens": n_tok, "loss_tokens": n_loss, "params": n_params,
                      "prep_s": round(time.time() - t_start, 1)}), flush=True)

    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    decay = [p for n, p in params if p.dim() >= 2]
    no_decay = [p for n, p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    budget = args.minutes * 60
    steps_per_epoch = len(batches(packed, args.batch_tokens, random.Random(0)))
    warmup, total, step, epoch, skip = args.warmup, None, 0, args.start_epoch - 1, args.start_batch
    recent: list[float] = []  # durations of the latest steps: the plan follows the machine's current speed
    curve, best, tokens_seen = [], None, 0
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    t0 = time.time()
    next_eval = budget / args.evals
    if args.resume:
        st = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        model.load_state_dict(st["model"], strict=not args.lora_rank)
        if st.get("opt") is not None:
            opt.load_state_dict(st["opt"])
        step, epoch, skip, total, curve, best, tokens_seen = (st[k] for k in (
            "step", "epoch", "batch_in_epoch", "total", "curve", "best", "tokens_seen"))
        epoch -= 1  # the loop below re-enters the saved epoch and skips its done batches
        t0 = time.time() - st["elapsed_s"]
        # Not at once: a run that stopped after evaluating would evaluate the same point again.
        next_eval = max(st["next_eval_s"], st["elapsed_s"] + budget / args.evals / 2)
        print(json.dumps({"resumed": {"step": step, "epoch": epoch + 1, "elapsed_min": round(st["elapsed_s"] / 60, 2)}}),
              flush=True)
    next_ckpt = (time.time() - t0) + args.checkpoint_minutes * 60
    model.train()
    while True:
        epoch += 1
        for b_i, idx in enumerate(batches(packed, args.batch_tokens, random.Random(args.seed * 1000 + epoch))):
            if b_i < skip:
                continue
            skip = 0
            if total is None and step == 40:
                per_step = (time.time() - t0) / step
                total = int(budget / per_step * 0.92)
                print(json.dumps({"per_step_s": round(per_step, 3), "planned_steps": total}), flush=True)
            horizon = total or 10**9
            lr = args.lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, step / horizon))))
            for g in opt.param_groups:
                g["lr"] = lr
            t_step = time.time()
            ids, pos, mask, lb, li, lid, lw = collate(packed, idx)
            # bf16 autocast: this CPU's AVX512_BF16 runs the matmuls about 3x faster than fp32 (measured 352 vs 120
            # GFLOPS on 2 cores); weights, optimizer state and the loss stay fp32.
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                h, _ = model.hidden_states(ids, pos, mask)
                logits = model.logits(h[lb, li])
            loss = (F.cross_entropy(logits.float(), lid, reduction="none") * lw).sum() / lw.sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
            opt.step()
            step += 1
            tokens_seen += int(ids.numel())
            recent = (recent + [time.time() - t_step])[-100:]
            elapsed = time.time() - t0
            if step % args.log_every == 0:
                print(json.dumps({"step": step, "epoch": epoch, "loss": round(loss.item(), 4), "lr": round(lr, 6),
                                  "elapsed_min": round(elapsed / 60, 2)}), flush=True)
            finished = (total is not None and step >= total) or elapsed >= budget
            if elapsed >= next_eval or finished:
                ev = evaluate(model, codec, dev_eval, cfg["labels"])
                ev.update({"step": step, "epoch": epoch, "epoch_frac": round(step / steps_per_epoch, 2),
                           "tokens_trained": tokens_seen,
                           "elapsed_min": round((time.time() - t0) / 60, 2), "loss": round(loss.item(), 4)})
                curve.append(ev)
                print(json.dumps({"eval": ev}), flush=True)
                if best is None or ev["parallel_f1"] >= best:
                    best = ev["parallel_f1"]
                    final = copy.deepcopy(model)
                    merge_lora(final)
                    torch.save({"model": final.state_dict(), "config": mc.to_dict()}, os.path.join(args.out, "model.pt"))
                    del final
                    if args.lora_rank:
                        torch.save({"model": trainable_state(model), "config": mc.to_dict(), "step": step,
                                    "lora": {"rank": args.lora_rank, "alpha": args.lora_alpha}},
                                   os.path.join(args.out, "adapter.pt"))
                next_eval = (time.time() - t0) + budget / args.evals
                if total is not None and not finished:
                    # Re-plan so evaluation time does not push the end past the budget.
                    per_step = sum(recent) / len(recent)
                    total = max(step + 1, int(step + (budget - (time.time() - t0)) / per_step))
            if time.time() - t0 >= next_ckpt and not finished:
                tmp = ckpt_path + ".tmp"
                torch.save({"model": trainable_state(model) if args.lora_rank else model.state_dict(),
                            "opt": opt.state_dict(), "step": step, "epoch": epoch,
                            "batch_in_epoch": b_i + 1, "total": total, "curve": curve, "best": best,
                            "tokens_seen": tokens_seen, "elapsed_s": time.time() - t0, "next_eval_s": next_eval,
                            "config": mc.to_dict()}, tmp)
                os.replace(tmp, ckpt_path)
                next_ckpt = (time.time() - t0) + args.checkpoint_minutes * 60
                print(json.dumps({"checkpoint": {"step": step, "elapsed_min": round((time.time() - t0) / 60, 2)}}),
                      flush=True)
            if finished:
                break
        if finished:
            break
    summary = {"params": n_params, "config": mc.to_dict(), "steps": step, "epochs": round(step / steps_per_epoch, 2),
               "train_minutes": round((time.time() - t0) / 60, 2), "packed_tokens_per_epoch": n_tok,
               "curve": curve, "best_dev_subset_parallel_f1": best, "args": vars(args)}
    json.dump(summary, open(os.path.join(args.out, "train_summary.json"), "w"), indent=2)
    print(json.dumps({"done": True, "best": best}), flush=True)


if __name__ == "__main__":
    main()

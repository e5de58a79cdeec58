"""Where one forward pass of a bundle spends its time, by ONNX operator type (ONNX Runtime's own profiler).

  python bench/profile_pass.py [--model models/<default>/model.q8.onnx] [--rows 64] [--tokens 1] [--past 60]
      [--threads 2] [--runs 5]

The pass is the decoder contract's: `rows` rows of `tokens` new tokens each over a past of `past` positions (a
decode step of many mention rows by default). Prints the median wall time of a run and each operator type's share
of the kernel time.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import tempfile
import time

import numpy as np
import onnxruntime as ort


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="models/padellm-conll03-smollm2-v6/model.q8.onnx")
    ap.add_argument("--rows", type=int, default=64)
    ap.add_argument("--tokens", type=int, default=1)
    ap.add_argument("--past", type=int, default=60)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    so.enable_profiling = True
    so.profile_file_prefix = os.path.join(tempfile.gettempdir(), "padellm-profile")
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    s = ort.InferenceSession(args.model, so, providers=["CPUExecutionProvider"])
    b, c, p = args.rows, args.tokens, args.past
    rng = np.random.default_rng(0)
    feeds = {"input_ids": rng.integers(100, 5000, (b, c)), "attention_mask": np.ones((b, p + c), np.int64)}
    for i in s.get_inputs():
        if i.name == "position_ids":
            feeds[i.name] = np.tile(np.arange(p, p + c), (b, 1))
        elif i.name == "logits_positions":
            feeds[i.name] = np.full((b, 1), c - 1, np.int64)
        elif i.name.startswith("past_key_values."):
            feeds[i.name] = rng.standard_normal((b, i.shape[1], p, i.shape[3])).astype(np.float32)
    s.run(None, feeds)  # warm-up: not timed, but in the profile; dropped below
    walls = []
    for _ in range(args.runs):
        t = time.perf_counter()
        s.run(None, feeds)
        walls.append((time.perf_counter() - t) * 1000)
    path = s.end_profiling()
    with open(path) as f:
        events = json.load(f)
    os.remove(path)
    runs = [e for e in events if e.get("cat") == "Session" and e["name"] == "model_run"]
    after_warmup = runs[1]["ts"] if len(runs) > 1 else 0
    by_op: collections.Counter = collections.Counter()
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time") and e["ts"] >= after_warmup:
            by_op[e["args"]["op_name"]] += e["dur"]
    total = sum(by_op.values())
    print(f"{os.path.basename(args.model)}: {b} rows x {c} tokens over {p} past, {args.threads} threads: "
          f"median {statistics.median(walls):.1f} ms a run")
    for op, us in by_op.most_common(8):
        print(f"  {op:30s} {us / args.runs / 1000:8.1f} ms  {100 * us / total:5.1f}%")


if __name__ == "__main__":
    main()

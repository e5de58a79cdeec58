"""The README's latency-against-load plot, from a `padellm bench --json` result.

  python bench/plot.py bench/results/engine-<date>.json docs/bench-load.png

One point per load level (messages kept in flight): throughput on x, p50 and p95 latency on y, each labelled with
its level; batch-1 latency of the autoregressive decoder is drawn as a line for scale.
"""
from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src: str, dest: str) -> None:
    r = json.load(open(src, encoding="utf-8"))
    curve = r["load_curve"]
    x = [p["msgs_per_s"] for p in curve]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    ax.plot(x, [p["p50_ms"] for p in curve], "o-", label="parallel, p50")
    ax.plot(x, [p["p95_ms"] for p in curve], "s--", label="parallel, p95")
    for p in curve:
        ax.annotate(str(p["concurrency"]), (p["msgs_per_s"], p["p50_ms"]), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize=8)
    ar = r["decoders"]["autoregressive"]
    ax.axhline(ar["p50_ms"], color="grey", lw=1, ls=":", label=f"autoregressive p50, batch 1 ({ar['p50_ms']} ms)")
    ax.set_xlabel("throughput (messages/s); point labels: messages in flight")
    ax.set_ylabel("latency per message (ms)")
    ax.set_yscale("log")
    ax.set_title(f"{r['model']}, {r['messages']} CoNLL-03 dev messages, {r['execution_provider']}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(dest)
    print(dest)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python bench/plot.py <bench result .json> <out .png>")
    main(sys.argv[1], sys.argv[2])

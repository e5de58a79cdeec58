"""Roofline figures of this CPU in ONNX Runtime, beside what the model's own passes achieve.

  python bench/roofline.py [--bundle models/<default>] [--threads 2] [--json bench/results/roofline-<date>.json]

Peaks, measured here rather than taken from a data sheet:
- GEMM: one MatMul [M x 576] x [576 x 1536] in fp32, and the same weight as MatMulNBits 8-bit (blocks of 32) at
  accuracy level 4 (int8 activations per row and block, VNNI/AMX kernels) and 0 (fp32 compute), for M = 1 .. 256;
- memory bandwidth: a Mul by a scalar over a 256 MiB tensor (one read and one write of each byte).
Achieved: the bundle's prefill and decode passes, timed through the decoder contract, as GFLOPS (2 x the layer
weights x tokens, plus the LM head where logits are read) and as weight bytes read per second (each pass reads every
layer weight once, whatever its row count: what bounds a decode step).
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

K, N = 576, 1536


def session(model: onnx.ModelProto, threads: int) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])


SECONDS = 1.0  # per figure; --seconds scales it


def best_of(fn, seconds: float = 1.0) -> float:
    """Fastest of repeated calls over about `seconds` (after one warm call): the machine is shared and noisy."""
    fn()
    best, t_end = float("inf"), time.perf_counter() + seconds * SECONDS
    while time.perf_counter() < t_end:
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def matmul_model(int8_level: int | None) -> onnx.ModelProto:
    w = np.random.default_rng(0).standard_normal((K, N)).astype(np.float32) * 0.02
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["m", K])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["m", N])
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], "gemm", [x], [y],
                          [numpy_helper.from_array(w, "w")])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    if int8_level is None:
        return model
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    q = MatMulNBitsQuantizer(model, bits=8, block_size=32, is_symmetric=True, accuracy_level=int8_level or None)
    q.process()
    return q.model.model


def gemm_peaks(threads: int) -> list[dict]:
    out = []
    for name, level in (("fp32", None), ("int8, accuracy 4", 4), ("int8, accuracy 0", 0)):
        sess = session(matmul_model(level), threads)
        for m in (1, 16, 64, 256):
            x = np.random.default_rng(1).standard_normal((m, K)).astype(np.float32)
            s = best_of(lambda: sess.run(None, {"x": x}))
            out.append({"kernel": name, "m": m, "ms": round(s * 1e3, 4), "gflops": round(2 * m * K * N / s / 1e9, 1)})
    return out


def bandwidth(threads: int) -> dict:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])
    g = helper.make_graph([helper.make_node("Mul", ["x", "two"], ["y"])], "bw", [x], [y],
                          [numpy_helper.from_array(np.array(2.0, np.float32), "two")])
    sess = session(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), threads)
    a = np.ones(64 * 2**20, np.float32)  # 256 MiB: far past any cache
    s = best_of(lambda: sess.run(None, {"x": a}), 3.0)
    return {"bytes_moved": 2 * a.nbytes, "ms": round(s * 1e3, 2), "gb_per_s": round(2 * a.nbytes / s / 1e9, 2)}


def bundle_passes(bundle: str, threads: int) -> dict:
    meta = json.load(open(os.path.join(bundle, "padellm.json"), encoding="utf-8"))
    arch = meta["architecture"]
    path = os.path.join(bundle, meta["files"]["model"])
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    m = onnx.load(path)
    weight_bytes = sum(t.ByteSize() for t in m.graph.initializer)
    layers = arch["layers"]
    # Multiply-adds per token, read off the graph's weight matmuls; the LM head is the one with N = vocabulary.
    inits = {t.name: t for t in m.graph.initializer}
    sizes = []
    for node in m.graph.node:
        if node.op_type == "MatMulNBits":
            a = {x.name: x.i for x in node.attribute}
            sizes.append(a["K"] * a["N"])
        elif node.op_type == "MatMul" and node.input[1] in inits:
            sizes.append(int(np.prod(inits[node.input[1]].dims)))
    head_params = max(sizes)
    layer_params = sum(sizes) - head_params
    rng = np.random.default_rng(2)
    names = {i.name for i in sess.get_inputs()}

    def feeds(rows: int, n: int, past: int, read: int) -> dict:
        f = {"input_ids": rng.integers(100, arch["vocab_size"], (rows, n)), "attention_mask": np.ones((rows, past + n), np.int64),
             "position_ids": np.tile(np.arange(past, past + n), (rows, 1)),
             "logits_positions": np.tile(np.arange(n - read, n), (rows, 1))}
        for i in range(layers):
            for part in ("key", "value"):
                f[f"past_key_values.{i}.{part}"] = rng.standard_normal(
                    (rows, arch["kv_heads"], past, arch["head_dim"])).astype(np.float32)
        # A bundle without logits_positions computes every position's logits (the engine falls back the same way).
        return {k: (v.astype(np.int64) if v.dtype.kind == "i" else v) for k, v in f.items() if k in names}

    out = []
    for label, rows, n, past, read in (("prefill, 46 tokens", 1, 46, 0, 1), ("decode, 1 row", 1, 1, 60, 1),
                                       ("decode, 16 rows", 16, 1, 60, 1), ("decode, 64 rows", 64, 1, 60, 1),
                                       ("verify a 9-token draft, 1 row", 1, 9, 60, 9)):
        f = feeds(rows, n, past, read)
        s = best_of(lambda: sess.run(["logits"], f), 3.0)
        flops = 2 * rows * (n * layer_params + (read if "logits_positions" in names else n) * head_params)
        out.append({"pass": label, "ms": round(s * 1e3, 2), "gflops": round(flops / s / 1e9, 1),
                    "weight_gb_per_s": round(weight_bytes / s / 1e9, 2)})
    return {"model": meta["name"], "weight_bytes": weight_bytes, "passes": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bundle", help="a bundle folder: its passes are timed too")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--json", help="write the figures here as well")
    ap.add_argument("--seconds", type=float, default=1.0, help="time per figure (its best run is kept)")
    args = ap.parse_args()
    global SECONDS
    SECONDS = args.seconds
    flags = open("/proc/cpuinfo").read().split("flags")[1].split("\n")[0].split() if os.path.exists("/proc/cpuinfo") else []
    r = {"onnxruntime": ort.__version__, "threads": args.threads,
         "cpu_flags": sorted(f for f in flags if f.startswith(("avx512", "amx", "avx_vnni"))),
         "gemm": gemm_peaks(args.threads), "memory": bandwidth(args.threads)}
    if args.bundle:
        r["bundle"] = bundle_passes(args.bundle, args.threads)
    text = json.dumps(r, indent=1)
    print(text)
    if args.json:
        open(args.json, "w", encoding="utf-8").write(text + "\n")


if __name__ == "__main__":
    main()

"""The quantized bundle of a LoRA fine-tune of a GGUF base: the base keeps the GGUF's own quantized grid, exactly,
and the adapter runs beside it in fp32.

The base was fine-tuned from the GGUF's dequantized weights (from_gguf.py) and stayed frozen (lora.py), so its
values are exactly `d * q + m` per block of 32 (Q4_1) or `d * q` (Q8_0). Re-quantizing the merged weights to 4
bits would round a second time (measured on the untuned base: top-1 agreement with fp32 fell to 0.67); instead:
- each layer matmul becomes MatMulNBits (4 bits, block 32, ONNX Runtime's default zero point 8) holding the GGUF's
  q with scale d, which computes d * (q - 8); the block offsets m + 8d are a per-block constant, so they add as
  blocksum(x) @ (m + 8d)^T, a [K/32 x N] matmul. Together they compute the base's fp32 weights exactly (a float
  zero point -m/d would too, but ONNX Runtime then leaves its fast kernels: 534 vs 75 ms a decode step). The
  adapter's x @ A^T @ (s B)^T runs beside them in fp32;
- the LM head (tied to the Q8_0 embedding) becomes MatMulNBits with 8 bits, and the embedding Gather reads the
  same uint8 table, so the vocabulary's 28M weights are stored once.

  python -m padellm.gguf_quant --fp32 bundle-fp32/model.onnx --gguf base.gguf --adapter run/adapter.pt \
      --out bundle/model.q4.onnx
"""
from __future__ import annotations

import argparse
import json
import re

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

from .onnx_files import save_split
from .quantize import BLOCK, int8_weight_only


GGUF_NAMES = {"attn/q": "attn_q", "attn/k": "attn_k", "attn/v": "attn_v", "attn/o": "attn_output",
              "gate": "ffn_gate", "up": "ffn_up", "down": "ffn_down"}
NODE = re.compile(r"^/blocks\.(\d+)/(attn/[qkvo]|gate|up|down)/MatMul$")


def q4_1_blocks(raw: np.ndarray, rows: int, cols: int):
    """GGUF Q4_1 bytes -> q uint8 [rows, cols], d and m float32 [rows, cols/32]. Per block: f16 d, f16 m, then 16
    bytes whose low nibbles are elements 0..15 and high nibbles 16..31 (ggml's layout)."""
    b = raw.reshape(rows, cols // BLOCK, 20)
    d = b[..., 0:2].copy().view(np.float16)[..., 0].astype(np.float32)
    m = b[..., 2:4].copy().view(np.float16)[..., 0].astype(np.float32)
    qs = b[..., 4:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).reshape(rows, cols)
    return q, d, m


def q8_0_blocks(raw: np.ndarray, rows: int, cols: int):
    """GGUF Q8_0 bytes -> q int8 [rows, cols], d float32 [rows, cols/32]. Per block: f16 d, then 32 int8."""
    b = raw.reshape(rows, cols // BLOCK, 34)
    d = b[..., 0:2].copy().view(np.float16)[..., 0].astype(np.float32)
    q = b[..., 2:].copy().view(np.int8).reshape(rows, cols)
    return q, d


def unpermute_rows(rows: int, heads: int) -> np.ndarray:
    """Row order that undoes llama.cpp's q/k permutation (as transformers' GGUF loader does)."""
    idx = np.arange(rows)
    return idx.reshape(heads, rows // heads // 2, 2).swapaxes(2, 1).reshape(rows)


def pack4(q: np.ndarray) -> np.ndarray:
    """[N, K] values 0..15 -> MatMulNBits B [N, K/32, 16]: element 2j in the low nibble, 2j+1 in the high."""
    n, k = q.shape
    return (q[:, 0::2] | (q[:, 1::2] << 4)).astype(np.uint8).reshape(n, k // BLOCK, BLOCK // 2)


class Graph:
    def __init__(self, model: onnx.ModelProto):
        self.model, self.g = model, model.graph
        self.inits = {i.name: i for i in self.g.initializer}

    def add(self, name: str, arr: np.ndarray) -> str:
        self.g.initializer.append(numpy_helper.from_array(arr, name))
        return name

    def drop(self, name: str) -> None:
        self.g.initializer.remove(self.inits.pop(name))

    def replace(self, node: onnx.NodeProto, new: list[onnx.NodeProto]) -> None:
        i = list(self.g.node).index(node)
        self.g.node.remove(node)
        for k, n in enumerate(new):
            self.g.node.insert(i + k, n)


# MatMulNBits accuracy_level by bit width. 0 computes in fp32, exactly the base's weights. The 8-bit LM head uses 4
# (int8 activations, quantized per row and block, so still batch-invariant): ONNX Runtime 1.32's fp32 path for 8-bit
# weights dequantizes the whole 49152 x 576 table every pass (a decode step took 288 ms against 46 ms with level 4).
ACCURACY_LEVEL = {4: 0, 8: 4}


def nbits(name, x, b, s, y, k, n, bits):
    return helper.make_node("MatMulNBits", [x, b, s], [y], name=name, domain="com.microsoft",
                            K=k, N=n, bits=bits, block_size=BLOCK, accuracy_level=ACCURACY_LEVEL[bits])


def build(fp32_path: str, gguf_path: str, adapter_path: str, heads: int, kv_heads: int) -> onnx.ModelProto:
    from gguf import GGUFReader
    tensors = {t.name: t for t in GGUFReader(gguf_path).tensors}
    adapter = torch.load(adapter_path, map_location="cpu")
    lora, state = adapter["lora"], adapter["model"]
    scale = lora["alpha"] / lora["rank"]
    gr = Graph(onnx.load(fp32_path))
    gr.add("blocks.shape", np.array([0, 0, -1, BLOCK], np.int64))
    gr.add("blocks.axis", np.array([-1], np.int64))
    for node in [n for n in gr.g.node if n.op_type == "MatMul" and NODE.match(n.name)]:
        layer, part = NODE.match(node.name).groups()
        t = tensors[f"blk.{layer}.{GGUF_NAMES[part]}.weight"]
        k, n = (int(x) for x in t.shape)  # ggml: ne0 = input features, ne1 = output features
        q, d, m = q4_1_blocks(np.asarray(t.data), n, k)
        if part in ("attn/q", "attn/k"):
            order = unpermute_rows(n, heads if part == "attn/q" else kv_heads)
            q, d, m = q[order], d[order], m[order]
        merged = numpy_helper.to_array(gr.inits[node.input[1]])  # [K, N]
        key = f"blocks.{layer}.{part.replace('/', '.')}"
        a, b = state[f"{key}.a"].numpy(), state[f"{key}.b"].numpy()
        base = (q.reshape(n, k // BLOCK, BLOCK) * d[..., None] + m[..., None]).reshape(n, k)
        gap = np.abs(base.T + scale * (b @ a).T - merged).max()
        if gap > 1e-4:
            raise SystemExit(f"{node.name}: the GGUF grid plus the adapter is not the exported weight (gap {gap})")
        x, y, p = node.input[0], node.output[0], node.name
        gr.drop(node.input[1])
        gr.add(p + ".q", pack4(q))
        gr.add(p + ".d", d.reshape(-1))
        gr.add(p + ".offset", np.ascontiguousarray((m + 8 * d).T).astype(np.float32))  # [K/32, N]
        gr.add(p + ".lora_a", np.ascontiguousarray(a.T))
        gr.add(p + ".lora_b", np.ascontiguousarray((scale * b).T).astype(np.float32))
        gr.replace(node, [
            nbits(p + "_q4", x, p + ".q", p + ".d", y + ".q", k, n, 4),
            helper.make_node("Reshape", [x, "blocks.shape"], [y + ".xb"], name=p + "_xb"),
            helper.make_node("ReduceSum", [y + ".xb", "blocks.axis"], [y + ".xs"], name=p + "_xs", keepdims=0),
            helper.make_node("MatMul", [y + ".xs", p + ".offset"], [y + ".m"], name=p + "_m"),
            helper.make_node("Add", [y + ".q", y + ".m"], [y + ".base"], name=p + "_base"),
            helper.make_node("MatMul", [x, p + ".lora_a"], [y + ".la"], name=p + "_la"),
            helper.make_node("MatMul", [y + ".la", p + ".lora_b"], [y + ".lb"], name=p + "_lb"),
            helper.make_node("Add", [y + ".base", y + ".lb"], [y], name=p + "_add")])
    t = tensors["token_embd.weight"]
    k, vocab = (int(x) for x in t.shape)
    q, d = q8_0_blocks(np.asarray(t.data), vocab, k)
    _vocab(gr, (q.astype(np.int16) + 128).astype(np.uint8), d, np.full(d.shape, 128, np.uint8), exact=True,
           zero_points=False)
    return gr.model


def build_int8(fp32_path: str, symmetric: bool = False) -> onnx.ModelProto:
    """A full fine-tune (every weight moved off the GGUF grid): weight-only int8, blocks of 32, with int8 activations
    per row and block (accuracy level 4), and the tied vocabulary table stored once.

    Asymmetric by default. A later phase starts from the previous bundle's symmetric grid (from_bundle.py) and moves
    most weights by less than half a step; rounding back onto that same grid snaps them to where they started and
    undoes the fine-tune (v3: int8 86.92 against fp32 89.94 on the first 500 dev sentences). A zero point per block
    puts the grid elsewhere, so the rounding error no longer cancels the update, and the grid is finer (256 levels
    over [min, max] rather than 255 over [-absmax, absmax]) for one byte more per 32 weights."""
    gr = Graph(onnx.load(fp32_path))
    gather = next(n for n in gr.g.node if n.op_type == "Gather" and n.input[1] == "input_ids")
    table = numpy_helper.to_array(gr.inits[gather.input[0]]).astype(np.float32)
    vocab, k = table.shape
    head = next(n for n in gr.g.node if n.op_type == "MatMul" and n.input[1] in gr.inits
                and list(gr.inits[n.input[1]].dims) == [k, vocab])
    gr = Graph(int8_weight_only(gr.model, accuracy_level=4, exclude=(head.name,), symmetric=symmetric).model)
    blocks = table.reshape(vocab, k // BLOCK, BLOCK)
    if symmetric:
        d = np.maximum(np.abs(blocks).max(axis=-1), 1e-12) / 127.0
        zero = np.full(d.shape, 128, np.uint8)
    else:
        low, high = np.minimum(blocks.min(axis=-1), 0), np.maximum(blocks.max(axis=-1), 0)
        d = np.maximum(high - low, 1e-12) / 255.0
        zero = np.clip(np.round(-low / d), 0, 255).astype(np.uint8)
    q = np.clip(np.round(blocks / d[..., None]) + zero[..., None], 0, 255).astype(np.uint8).reshape(vocab, k)
    _vocab(gr, q, d.astype(np.float32), zero, exact=False, zero_points=not symmetric)
    return gr.model


def _vocab(gr: Graph, q: np.ndarray, d: np.ndarray, zero: np.ndarray, exact: bool, zero_points: bool) -> None:
    """Embedding Gather and LM head MatMul over one uint8 table q [vocab, K] with scales d and zero points `zero`
    [vocab, K/32]; `zero_points` False means every zero point is 128 and the MatMulNBits takes none (the
    symmetric layout from_bundle.py and dequant_graph.py also read)."""
    vocab, k = q.shape
    gather = next(n for n in gr.g.node if n.op_type == "Gather" and n.input[1] == "input_ids")
    head = next(n for n in gr.g.node if n.op_type == "MatMul" and n.input[1] in gr.inits
                and list(gr.inits[n.input[1]].dims) == [k, vocab])
    table = numpy_helper.to_array(gr.inits[gather.input[0]])
    centred = q.reshape(vocab, k // BLOCK, BLOCK).astype(np.float32) - zero[..., None]
    gap = np.abs((centred * d[..., None]).reshape(vocab, k) - table).max()
    if exact and gap > 1e-6:
        raise SystemExit(f"the embedding is not the GGUF's Q8_0 table (gap {gap})")
    gr.drop(gather.input[0])
    gr.drop(head.input[1])
    u8 = gr.add("vocab.q8", q.reshape(vocab, k // BLOCK, BLOCK))
    sc = gr.add("vocab.d", d.reshape(-1))
    gr.add("vocab.shape", np.array([0, 0, k], np.int64))
    # The embedding path reads the head's scales and zero points through a Reshape rather than a second copy.
    gr.add("vocab.blocks", np.array([vocab, k // BLOCK, 1], np.int64))
    views = [helper.make_node("Reshape", [sc, "vocab.blocks"], ["vocab.d3"], name="vocab_scales")]
    inputs = [head.input[0], u8, sc]
    if zero_points:
        inputs.append(gr.add("vocab.zp", zero.reshape(-1)))
        views.append(helper.make_node("Reshape", ["vocab.zp", "vocab.blocks"], ["vocab.zp3"], name="vocab_zero"))
    else:
        gr.add("vocab.zero", np.array(128.0, np.float32))
    gr.replace(head, [helper.make_node("MatMulNBits", inputs, [head.output[0]], name="lm_head_q8",
                                       domain="com.microsoft", K=k, N=vocab, bits=8, block_size=BLOCK,
                                       accuracy_level=ACCURACY_LEVEL[8])])
    e = gather.output[0]
    if zero_points:
        centre = [helper.make_node("Gather", ["vocab.zp3", "input_ids"], [e + ".zq"], name="embed_zero", axis=0),
                  helper.make_node("Cast", [e + ".zq"], [e + ".z"], name="embed_zero_cast", to=onnx.TensorProto.FLOAT),
                  helper.make_node("Sub", [e + ".f", e + ".z"], [e + ".c"], name="embed_center")]
    else:
        centre = [helper.make_node("Sub", [e + ".f", "vocab.zero"], [e + ".c"], name="embed_center")]
    gr.replace(gather, [
        *views,
        helper.make_node("Gather", [u8, "input_ids"], [e + ".q"], name="embed_q8", axis=0),
        helper.make_node("Cast", [e + ".q"], [e + ".f"], name="embed_cast", to=onnx.TensorProto.FLOAT),
        *centre,
        helper.make_node("Gather", ["vocab.d3", "input_ids"], [e + ".d"], name="embed_scale", axis=0),
        helper.make_node("Mul", [e + ".c", e + ".d"], [e + ".b"], name="embed_mul"),
        helper.make_node("Reshape", [e + ".b", "vocab.shape"], [e], name="embed_flat")])


def build_bundle_model(fp32: str, gguf: str | None, adapter: str | None, heads: int, kv_heads: int, out: str,
                       symmetric: bool = False) -> list[str]:
    """LoRA run (gguf and adapter given): the exact grid; full fine-tune: int8. -> the data files beside `out`."""
    model = build(fp32, gguf, adapter, heads, kv_heads) if adapter else build_int8(fp32, symmetric)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return save_split(model, out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fp32", required=True, help="the fp32 export of the merged model (export.py)")
    ap.add_argument("--gguf", required=True)
    ap.add_argument("--adapter", required=True, help="adapter.pt of the LoRA run")
    ap.add_argument("--heads", type=int, default=9)
    ap.add_argument("--kv-heads", type=int, default=3)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    print(json.dumps({"files": build_bundle_model(args.fp32, args.gguf, args.adapter, args.heads, args.kv_heads, args.out)}))


if __name__ == "__main__":
    main()

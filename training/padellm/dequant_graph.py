"""A second graph for an int8 bundle that computes in fp32: the same weight files, dequantized when the session loads.

  python -m padellm.dequant_graph --model models/<bundle>/model.q8.onnx --out models/<bundle>/model.q8-f32.onnx \
      [--keep-lm-head]

MatMulNBits at accuracy level 4 quantizes activations to int8 and runs VNNI kernels: fastest for one row (the weights
are a quarter of the bytes to read), but on this CPU it reaches about half of MLAS's fp32 GEMM once a pass holds 16
rows or more (bench/roofline.py). The rewritten graph feeds each MatMulNBits's own int8 blocks and scales through
Cast, Sub (the zero point 128), Mul (the block scales), Reshape and Transpose into a plain MatMul. Those inputs are
all initializers, so ONNX Runtime's constant folding turns them into fp32 weights once, at session creation; passes
then run fp32 GEMMs. The weights stay int8 on disk (the graph file is the only new file, well under 1 MB) and the
numbers are the int8 model's exactly, without activation quantization. The cost is memory: fp32 weights in RAM,
4x the int8 bytes.
"""
from __future__ import annotations

import argparse

import numpy as np
import onnx
from onnx import helper, numpy_helper


def _attr(node: onnx.NodeProto, name: str):
    return next(helper.get_attribute_value(a) for a in node.attribute if a.name == name)


def dequantize_matmuls(model: onnx.ModelProto, keep: tuple[str, ...] = ()) -> int:
    """Replaces each MatMulNBits (8 bits, no zero-point input) whose name is not in `keep`. -> how many."""
    g = model.graph
    zero = f"dequant/zero_128"
    g.initializer.append(numpy_helper.from_array(np.array(128.0, np.float32), zero))
    out: list[onnx.NodeProto] = []
    done = 0
    for n in g.node:
        if n.op_type != "MatMulNBits" or n.name in keep:
            out.append(n)
            continue
        if _attr(n, "bits") != 8 or len([i for i in n.input if i]) > 4:
            raise ValueError(f"{n.name}: only 8-bit MatMulNBits is supported")
        k, nout, block = _attr(n, "K"), _attr(n, "N"), _attr(n, "block_size")
        if k % block:
            raise ValueError(f"{n.name}: K={k} is not a multiple of the block size {block}")
        a, q, scales = n.input[:3]
        p = f"dequant/{done}/"
        shapes = {p + "scale_shape": [nout, k // block, 1], p + "w_shape": [nout, k]}
        g.initializer.extend(numpy_helper.from_array(np.array(v, np.int64), name) for name, v in shapes.items())
        centre = zero
        if len(n.input) > 3 and n.input[3]:
            centre = p + "zero"
            out += [helper.make_node("Cast", [n.input[3]], [p + "zf"], to=onnx.TensorProto.FLOAT, name=p + "zcast"),
                    helper.make_node("Reshape", [p + "zf", p + "scale_shape"], [centre], name=p + "zero")]
        out += [
            helper.make_node("Cast", [q], [p + "qf"], to=onnx.TensorProto.FLOAT, name=p + "cast"),
            helper.make_node("Sub", [p + "qf", centre], [p + "centred"], name=p + "centre"),
            helper.make_node("Reshape", [scales, p + "scale_shape"], [p + "scales"], name=p + "scales"),
            helper.make_node("Mul", [p + "centred", p + "scales"], [p + "blocks"], name=p + "scale"),
            helper.make_node("Reshape", [p + "blocks", p + "w_shape"], [p + "w_nk"], name=p + "rows"),
            helper.make_node("Transpose", [p + "w_nk"], [p + "w"], perm=[1, 0], name=p + "w"),
            helper.make_node("MatMul", [a, p + "w"], list(n.output), name=n.name.replace("_Q8", "") or p + "matmul"),
        ]
        done += 1
    del g.node[:]
    g.node.extend(out)
    return done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="the int8 graph (MatMulNBits); its weight files are reused")
    ap.add_argument("--out", required=True, help="the new graph file, in the same folder")
    ap.add_argument("--keep-lm-head", action="store_true",
                    help="leave the tied LM head int8 (its fp32 copy alone would be vocab x hidden x 4 bytes)")
    args = ap.parse_args()
    model = onnx.load(args.model, load_external_data=False)
    keep = tuple(n.name for n in model.graph.node if n.op_type == "MatMulNBits" and "lm_head" in n.name) \
        if args.keep_lm_head else ()
    count = dequantize_matmuls(model, keep)
    onnx.save_model(model, args.out)
    print(f"{args.out}: {count} MatMulNBits dequantized at load{', LM head kept int8' if keep else ''}")


if __name__ == "__main__":
    main()

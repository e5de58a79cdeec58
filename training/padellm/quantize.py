"""The one weight-only int8 quantizer of the bundles (MatMulNBits, 8 bits, blocks of 32; symmetric, or with a
uint8 zero point per block).

Activations stay float, so a row's logits do not depend on what else is in the batch: the engine's batched ==
one-at-a-time and cache == recompute guarantees hold. Dynamic quantization instead scales activations per tensor,
which made those differ by ~0.1 in logits on the fixtures.
"""
from __future__ import annotations

import onnx

BLOCK = 32


def int8_weight_only(model: onnx.ModelProto, accuracy_level: int = 0, exclude: tuple[str, ...] = (),
                     symmetric: bool = True):
    """-> the quantizer's ONNXModel. accuracy_level 4 lets the kernel quantize activations per row and block to int8
    (still batch-invariant: no statistic crosses rows); 0 computes in fp32. symmetric=False maps each block's
    [min, max] onto 0..255 with a zero point: a finer grid, and a different one from the symmetric grid a fine-tune
    may have started on (see gguf_quant.build_int8)."""
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    q = MatMulNBitsQuantizer(model, bits=8, block_size=BLOCK, is_symmetric=symmetric,
                             accuracy_level=accuracy_level or None,
                             nodes_to_exclude=list(exclude))
    q.process()
    return q.model


def quantize_int8_file(src: str, dest: str) -> None:
    int8_weight_only(onnx.load(str(src))).save_model_to_file(str(dest), False)

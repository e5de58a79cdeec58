"""The int8 bundle quantizer (gguf_quant.build_int8) on a small graph of the export's shape: a tied vocabulary table
read by the embedding Gather and the LM head, and one layer matmul between them. Needs onnx and onnxruntime (the
training venv, training/hf/setup-venv.sh); skipped without them."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
pytest.importorskip("torch")  # from_bundle imports the model

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from padellm.from_bundle import dequantize  # noqa: E402
from padellm.gguf_quant import build_int8  # noqa: E402

VOCAB, HIDDEN = 96, 64


def tiny_graph(table: np.ndarray, layer: np.ndarray) -> onnx.ModelProto:
    nodes = [helper.make_node("Gather", ["embed", "input_ids"], ["h0"], axis=0),
             helper.make_node("MatMul", ["h0", "layer"], ["h1"], name="/blocks.0/up/MatMul"),
             helper.make_node("MatMul", ["h1", "head"], ["logits"], name="/lm_head/MatMul")]
    inits = [numpy_helper.from_array(table, "embed"), numpy_helper.from_array(layer, "layer"),
             numpy_helper.from_array(np.ascontiguousarray(table.T), "head")]
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, None])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, None, VOCAB])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def quantized(tmp_path, table, layer, symmetric):
    path = str(tmp_path / "fp32.onnx")
    onnx.save(tiny_graph(table, layer), path)
    model = build_int8(path, symmetric=symmetric)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    layer_node = next(n for n in model.graph.node if n.op_type == "MatMulNBits" and "blocks.0" in n.name)
    zero = inits[layer_node.input[3]] if len(layer_node.input) > 3 else None
    w = dequantize(inits[layer_node.input[1]], inits[layer_node.input[2]], HIDDEN, HIDDEN, zero)
    t = dequantize(inits["vocab.q8"], inits["vocab.d"], VOCAB, HIDDEN, inits.get("vocab.zp"))
    step = np.repeat(inits[layer_node.input[2]].reshape(HIDDEN, HIDDEN // 32), 32, axis=1)
    return model, w.T, t, step.T


@pytest.mark.parametrize("symmetric", [True, False])
def test_the_bundle_computes_the_fp32_graph_within_int8_error(tmp_path, symmetric):
    rng = np.random.default_rng(0)
    table = rng.normal(0, 0.05, (VOCAB, HIDDEN)).astype(np.float32)
    layer = rng.normal(0, 0.1, (HIDDEN, HIDDEN)).astype(np.float32)
    model, w, t, _ = quantized(tmp_path, table, layer, symmetric)
    # The weights read back (as from_bundle.py reads them) are the fp32 ones to within half a step.
    assert np.abs(w - layer).max() < np.abs(layer).max() / 127
    assert np.abs(t - table).max() < np.abs(table).max() / 127
    ids = np.array([[3, 17, 95, 0]], np.int64)
    ref = ort.InferenceSession(tiny_graph(table, layer).SerializeToString()).run(None, {"input_ids": ids})[0]
    got = ort.InferenceSession(model.SerializeToString()).run(None, {"input_ids": ids})[0]
    assert np.abs(got - ref).max() < 0.02 * np.abs(ref).max()
    assert (got.argmax(-1) == ref.argmax(-1)).mean() >= 0.75


def test_zero_points_keep_an_update_smaller_than_half_a_step(tmp_path):
    """The reason the default has zero points: weights that started on a symmetric grid and moved by less than half
    a step round back to where they started there, and the update is lost; the asymmetric grid keeps most of it."""
    rng = np.random.default_rng(1)
    table = rng.normal(0, 0.05, (VOCAB, HIDDEN)).astype(np.float32)
    _, start_layer, _, step = quantized(tmp_path, table, rng.normal(0, 0.1, (HIDDEN, HIDDEN)).astype(np.float32), True)
    update = rng.uniform(-0.3, 0.3, start_layer.shape).astype(np.float32) * step
    layer = start_layer + update
    kept = {}
    for symmetric in (True, False):
        _, w, _, _ = quantized(tmp_path, table, layer, symmetric)
        kept[symmetric] = float(((w - start_layer) * update).sum() / (update * update).sum())
    assert kept[True] < 0.2
    assert kept[False] > 0.6

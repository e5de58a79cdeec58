"""Rewrites an exported decoder's graph file for faster passes; the weight files are not touched.

  python -m padellm.rewrite_graph --model models/<bundle>/model.q8.onnx [--check]

Two rewrites, each skipped where the graph already has it:

1. Grouped-query attention without repeated K/V. Bundles exported before model.py folded the query group into the
   query axis repeat each layer's whole past K and V `heads / kv_heads` times (Unsqueeze, Tile, Reshape) before the
   score and value MatMuls: 13-15% of a 64-row decode pass on the 135M model. Rewritten as

     scores = Reshape(Reshape(q, [0, kv, -1, 0]) @ Transpose(k), [0, heads, -1, 0])
     y      = Reshape(Reshape(probs, [0, kv, -1, 0]) @ v, [0, heads, -1, 0])

   the same sums, so the outputs agree to float rounding.
2. The new positions' K and V as outputs of their own, `new_key_values.<layer>.key|value` [batch, kv_heads, new,
   head_dim], beside the contract's `present.*` (past and new concatenated). The engine fetches only these: a pass
   no longer hands every row's whole past back to JavaScript, which then kept only the new positions anyway (on the
   135M model that was 46 KB a position, hundreds of MB a big pass, left for the garbage collector).

The external-data references stay as they are, so a committed bundle changes by its small graph file only. --check
compares the rewritten graph's outputs against the original's on random inputs before replacing it.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil

import numpy as np
import onnx
from onnx import helper, numpy_helper


def _index(graph: onnx.GraphProto):
    producer = {o: n for n in graph.node for o in n.output}
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    return producer, consumers


def _repeated(producer, tile_out_reshape: onnx.NodeProto) -> str:
    """The present tensor a Reshape(Tile(Unsqueeze(present))) chain repeats."""
    tile = producer[tile_out_reshape.input[0]]
    assert tile.op_type == "Tile", tile.op_type
    unsq = producer[tile.input[0]]
    assert unsq.op_type == "Unsqueeze", unsq.op_type
    return unsq.input[0]


def fold(model: onnx.ModelProto, heads: int, kv_heads: int) -> int:
    """Rewrites every attention whose score and value MatMuls read repeated K/V. -> layers rewritten."""
    g = model.graph
    producer, consumers = _index(g)
    folded = 0
    new_nodes: list[onnx.NodeProto] = []
    shape_kv = f"fold_gqa/shape_{kv_heads}"
    shape_h = f"fold_gqa/shape_{heads}"
    g.initializer.extend([numpy_helper.from_array(np.array([0, kv_heads, -1, 0], np.int64), shape_kv),
                          numpy_helper.from_array(np.array([0, heads, -1, 0], np.int64), shape_h)])
    for n in list(g.node):
        if n.op_type != "Softmax":
            continue
        pv = next((c for c in consumers.get(n.output[0], []) if c.op_type == "MatMul"), None)
        where = producer.get(n.input[0])
        scale = producer.get(where.input[2]) if where is not None and where.op_type == "Where" else None
        qk = producer.get(scale.input[0]) if scale is not None and scale.op_type == "Mul" else None
        if pv is None or qk is None or qk.op_type != "MatMul":
            continue
        kt = producer[qk.input[1]]
        if kt.op_type != "Transpose":
            continue
        v_reshape, k_reshape = producer[pv.input[1]], producer[kt.input[0]]
        if v_reshape.op_type != "Reshape" or k_reshape.op_type != "Reshape":
            continue
        key, value = _repeated(producer, k_reshape), _repeated(producer, v_reshape)
        p = f"fold_gqa/{folded}/"
        q_folded, k_t, s_folded = p + "q", p + "k_t", p + "scores_kv"
        new_nodes += [
            helper.make_node("Reshape", [qk.input[0], shape_kv], [q_folded], name=p + "fold_q"),
            helper.make_node("Transpose", [key], [k_t], perm=[0, 1, 3, 2], name=p + "k_t"),
            helper.make_node("MatMul", [q_folded, k_t], [s_folded], name=p + "scores"),
            helper.make_node("Reshape", [s_folded, shape_h], [qk.output[0]], name=p + "unfold_scores"),
            helper.make_node("Reshape", [n.output[0], shape_kv], [p + "probs"], name=p + "fold_probs"),
            helper.make_node("MatMul", [p + "probs", value], [p + "y_kv"], name=p + "values"),
            helper.make_node("Reshape", [p + "y_kv", shape_h], [pv.output[0]], name=p + "unfold_y"),
        ]
        g.node.remove(qk)
        g.node.remove(pv)
        folded += 1
    # The rewritten nodes take the old outputs' names, so insert them and let a topological sort place them.
    g.node.extend(new_nodes)
    _toposort(g)
    _drop_dead(g)
    return folded


def _drop_dead(g: onnx.GraphProto) -> None:
    live = {o.name for o in g.output}
    keep: list[onnx.NodeProto] = []
    for n in reversed(list(g.node)):
        if any(o in live for o in n.output):
            keep.append(n)
            live.update(i for i in n.input if i)
    del g.node[:]
    g.node.extend(reversed(keep))


def _toposort(g: onnx.GraphProto) -> None:
    ready = {i.name for i in g.input} | {t.name for t in g.initializer} | {""}
    pending, ordered = list(g.node), []
    while pending:
        rest = []
        for n in pending:
            if all(i in ready for i in n.input):
                ordered.append(n)
                ready.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise ValueError(f"graph has a cycle or a missing input near {rest[0].name}")
        pending = rest
    del g.node[:]
    g.node.extend(ordered)


def add_new_kv_outputs(model: onnx.ModelProto) -> int:
    """Exposes the second input of each `present.*` Concat as `new_key_values.*`. -> outputs added."""
    g = model.graph
    producer, _ = _index(g)
    have = {o.name for o in g.output}
    added = 0
    for out in list(g.output):
        if not out.name.startswith("present."):
            continue
        name = "new_key_values." + out.name[len("present."):]
        concat = producer.get(out.name)
        if name in have or concat is None or concat.op_type != "Concat":
            continue
        dims = [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]
        dims[2] = "new_length"
        # An Identity gives the output its own name; the Concat keeps reading the original tensor.
        g.node.append(helper.make_node("Identity", [concat.input[1]], [name], name="new_kv/" + name))
        g.output.append(helper.make_tensor_value_info(name, out.type.tensor_type.elem_type, dims))
        added += 1
    return added


def heads_of(model: onnx.ModelProto) -> tuple[int, int]:
    """(query heads, KV heads) from the first layer's past input and its Tile repeats."""
    kv = next(i for i in model.graph.input if i.name.startswith("past_key_values."))
    kv_heads = kv.type.tensor_type.shape.dim[1].dim_value
    tile = next(n for n in model.graph.node if n.op_type == "Tile")
    consts = {o: n for n in model.graph.node if n.op_type == "Constant" for o in n.output}
    reps = numpy_helper.to_array(consts[tile.input[1]].attribute[0].t) if tile.input[1] in consts else \
        numpy_helper.to_array(next(t for t in model.graph.initializer if t.name == tile.input[1]))
    return kv_heads * int(np.prod(reps)), kv_heads


def check(original: str, rewritten: str, seed: int = 0) -> float:
    import onnxruntime as ort
    a, b = (ort.InferenceSession(p, providers=["CPUExecutionProvider"]) for p in (original, rewritten))
    rng = np.random.default_rng(seed)
    batch, new, past = 3, 4, 5
    feeds = {"input_ids": rng.integers(0, 1000, (batch, new)), "attention_mask": np.ones((batch, past + new), np.int64)}
    names = {i.name: i for i in a.get_inputs()}
    if "position_ids" in names:
        feeds["position_ids"] = np.tile(np.arange(past, past + new), (batch, 1))
    if "logits_positions" in names:
        feeds["logits_positions"] = np.tile(np.arange(new), (batch, 1))
    for name, i in names.items():
        if name.startswith("past_key_values."):
            feeds[name] = rng.standard_normal((batch, i.shape[1], past, i.shape[3])).astype(np.float32)
    outs_a, outs_b = a.run(None, feeds), b.run(None, feeds)
    diff = max(float(np.abs(x - y).max()) for x, y in zip(outs_a, outs_b))
    named = dict(zip([o.name for o in b.get_outputs()], outs_b))
    for name, new_kv in named.items():
        if name.startswith("new_key_values."):
            present = named["present." + name[len("new_key_values."):]]
            diff = max(diff, float(np.abs(present[:, :, past:] - new_kv).max()))
    return diff


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="the bundle's graph file; its weight files stay as they are")
    ap.add_argument("--check", action="store_true", help="compare outputs with the original before replacing it")
    args = ap.parse_args()
    model = onnx.load(args.model, load_external_data=False)
    done = []
    if any(n.op_type == "Tile" for n in model.graph.node):
        heads, kv_heads = heads_of(model)
        done.append(f"{fold(model, heads, kv_heads)} layers folded ({heads} query heads over {kv_heads} KV heads)")
    added = add_new_kv_outputs(model)
    if added:
        done.append(f"{added} new_key_values outputs")
    if not done:
        print(f"{args.model}: nothing to do")
        return
    tmp = re.sub(r"\.onnx$", ".rewritten.onnx", args.model)
    onnx.save_model(model, tmp)
    if args.check:
        diff = check(args.model, tmp)
        print(f"max |difference| against the original: {diff:.3g}")
        if diff > 1e-2:
            os.remove(tmp)
            raise SystemExit("outputs differ: the original is kept")
    shutil.move(tmp, args.model)
    print(f"{args.model}: " + ", ".join(done))


if __name__ == "__main__":
    main()

"""Pack one sentence's examples into a single sequence: a prefix trie with a tree attention mask.

Every example of a sentence starts with the same text prompt, and the step-2 examples of a label share their step-1
prefix too. Merging the examples into a trie forwards each shared token once; each token attends to its ancestors
and itself only, at position = its depth, so every branch sees exactly what its own example would.
"""
from __future__ import annotations

import numpy as np


def pack(examples: list[tuple[list[int], list[bool]]], weights: list[list[float]] | None = None):
    """-> ids, parent, depth, loss_pos, loss_ids, loss_weights (numpy). Loss: logits at loss_pos predict loss_ids.
    weights: per example, per token (default 1); a position shared by several examples keeps the largest."""
    ids: list[int] = []
    parent: list[int] = []
    depth: list[int] = []
    children: list[dict] = [{}]  # children[0] is the virtual root; node i+1 is token i
    loss: dict[tuple[int, int], float] = {}
    for e, (tok_ids, target) in enumerate(examples):
        node = 0
        for j, (t, is_target) in enumerate(zip(tok_ids, target)):
            key = (t, is_target)
            nxt = children[node].get(key)
            if nxt is None:
                ids.append(t)
                parent.append(node - 1)
                depth.append(depth[node - 1] + 1 if node else 0)
                children.append({})
                nxt = len(ids)
                children[node][key] = nxt
            if is_target and node > 0:
                w = weights[e][j] if weights else 1.0
                loss[(node - 1, t)] = max(w, loss.get((node - 1, t), 0.0))
            node = nxt
    loss_sorted = sorted(loss)
    return (np.array(ids, np.int64), np.array(parent, np.int64), np.array(depth, np.int64),
            np.array([p for p, _ in loss_sorted], np.int64), np.array([t for _, t in loss_sorted], np.int64),
            np.array([loss[k] for k in loss_sorted], np.float32))


def tree_mask(parent: np.ndarray) -> np.ndarray:
    """bool [n, n]: mask[i, j] is True when j is i or an ancestor of i (parents precede children)."""
    n = len(parent)
    m = np.zeros((n, n), dtype=bool)
    for i in range(n):
        p = parent[i]
        if p >= 0:
            m[i] = m[p]
        m[i, i] = True
    return m

"""Mention replacement: copies of a sentence whose entity mentions are swapped for other mentions of the same label
or for made-up words. A small model trained from scratch otherwise memorises the training mentions instead of
learning to copy from the text (measured: 0.8% of dev mentions unseen in training came out right)."""
from __future__ import annotations

import random

from .data import Entity, Sentence

_CONS = "bcdfghklmnprstvz"
_VOW = "aeiou"


def _pseudo_word(rng: random.Random, like: str) -> str:
    n = max(1, min(4, len(like) // 2))
    w = "".join(rng.choice(_CONS) + rng.choice(_VOW) for _ in range(n))
    if like.isupper() and len(like) > 1:
        return w.upper()
    return w[0].upper() + w[1:] if like[:1].isupper() else w


def augment(s: Sentence, pool: dict[str, list[str]], rng: random.Random, synthetic_rate: float) -> Sentence:
    """A copy of s with every mention replaced; the rest of the text is unchanged and offsets are rebuilt."""
    out, ents, pos = [], [], 0
    for e in sorted(s.entities, key=lambda e: e.start):
        out.append(s.text[pos:e.start])
        start = sum(len(p) for p in out)
        old = s.mention(e)
        if rng.random() < synthetic_rate or not pool.get(e.label):
            new = " ".join(_pseudo_word(rng, w) for w in old.split(" "))
        else:
            new = rng.choice(pool[e.label])
        out.append(new)
        ents.append(Entity(e.label, start, start + len(new)))
        pos = e.end
    out.append(s.text[pos:])
    return Sentence("".join(out), ents)


def mention_pool(sentences: list[Sentence]) -> dict[str, list[str]]:
    pool: dict[str, list[str]] = {}
    for s in sentences:
        for e in s.entities:
            pool.setdefault(e.label, []).append(s.mention(e))
    return pool

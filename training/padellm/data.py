"""Readers for annotated sentences: CoNLL-style IOB files and a simple JSONL format.

A sentence is {"text": str, "entities": [{"label", "start", "end"}]} with character offsets into text,
entities sorted by start. CoNLL tokens are joined with single spaces.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass
class Entity:
    label: str
    start: int
    end: int


@dataclass
class Sentence:
    text: str
    entities: list[Entity] = field(default_factory=list)

    def mention(self, e: Entity) -> str:
        return self.text[e.start:e.end]


def _sentence_from_tokens(tokens: list[str], tags: list[str]) -> Sentence:
    text_parts: list[str] = []
    entities: list[Entity] = []
    pos = 0
    current: Entity | None = None
    for token, tag in zip(tokens, tags):
        if text_parts:
            pos += 1
        start, end = pos, pos + len(token)
        text_parts.append(token)
        pos = end
        kind, _, label = tag.partition("-")
        if kind == "I" and current is not None and current.label == label:
            current.end = end
            continue
        if current is not None:
            entities.append(current)
            current = None
        if kind in ("B", "I"):  # a stray I- (IOB1 style) opens an entity too
            current = Entity(label, start, end)
    if current is not None:
        entities.append(current)
    return Sentence(" ".join(text_parts), entities)


# CoNLL-03's document separator line starts with this.
DOC_START = "-DOCSTART-"


def read_conll(path: str) -> list[Sentence]:
    """IOB2 (or IOB1) files: one token per line, tag in the last column, blank lines between sentences."""
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens:
            sentences.append(_sentence_from_tokens(tokens, tags))
        tokens.clear()
        tags.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                flush()
                continue
            cols = line.split()
            if cols[0] == DOC_START:
                continue
            tokens.append(cols[0])
            tags.append(cols[-1])
    flush()
    return sentences


def read_jsonl(path: str) -> list[Sentence]:
    """Lines of {"text": ..., "entities": [{"label", "start", "end"}]}."""
    out: list[Sentence] = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            text = obj["text"]
            ents = []
            for e in obj.get("entities", []):
                start, end = int(e["start"]), int(e["end"])
                if not (0 <= start < end <= len(text)):
                    raise ValueError(f"{path}:{n}: entity offsets {start}..{end} outside the text")
                ents.append(Entity(e["label"], start, end))
            ents.sort(key=lambda e: (e.start, e.end))
            out.append(Sentence(text, ents))
    return out


def read_sentences(path: str) -> list[Sentence]:
    return read_jsonl(path) if path.endswith((".jsonl", ".json")) else read_conll(path)

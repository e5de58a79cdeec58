"""PaDeLLM-NER examples from annotated sentences, with the templates of a model config.

An example is a list of segments. Each literal piece of a template and each placeholder value is its own segment
and is tokenized on its own (models/README.md, "Tokenization rule"), so tokens never merge across a template
boundary and the engine can reproduce every prefix exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from .data import Sentence

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Segment:
    text: str | None  # None means the EOS token
    target: bool

    def to_json(self) -> dict:
        return {"eos": True, "target": self.target} if self.text is None else {"text": self.text, "target": self.target}


Example = list[Segment]


def split_template(template: str) -> list[tuple[str, str]]:
    """[("lit", text) | ("var", name)] in order; empty literals dropped."""
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            parts.append(("lit", template[pos:m.start()]))
        parts.append(("var", m.group(1)))
        pos = m.end()
    if pos < len(template):
        parts.append(("lit", template[pos:]))
    return parts


def render(template: str, values: dict[str, object], target: bool) -> Example:
    out: Example = []
    for kind, val in split_template(template):
        if kind == "lit":
            out.append(Segment(val, target))
        else:
            if val not in values:
                raise KeyError(f"template {template!r} needs {{{val}}}")
            text = str(values[val])
            if text:
                out.append(Segment(text, target))
    return out


EOS = Segment(None, True)


def mentions_by_label(sentence: Sentence, labels: list[str]) -> dict[str, list[str]]:
    """Mention strings per label, in order of appearance; labels outside the config are ignored."""
    by_label: dict[str, list[str]] = {label: [] for label in labels}
    for e in sorted(sentence.entities, key=lambda e: (e.start, e.end)):
        if e.label in by_label:
            by_label[e.label].append(sentence.mention(e))
    return by_label


def parallel_examples(sentence: Sentence, cfg: dict) -> list[Example]:
    """Step-1 and step-2 examples of the paper: P(L) -> `0` EOS, or P(L) -> `{n}\\n<mention k>{m_k}` EOS per k."""
    t = cfg["templates"]
    out: list[Example] = []
    for label, mentions in mentions_by_label(sentence, cfg["labels"]).items():
        prompt = render(t["prompt"], {"text": sentence.text, "label": label}, target=False)
        if not mentions:
            out.append(prompt + render(t["count"].split("{count}")[0] + "{count}", {"count": 0}, True) + [EOS])
            continue
        count = render(t["count"], {"count": len(mentions)}, target=True)
        for k, mention in enumerate(mentions, 1):
            out.append(prompt + count + render(t["mention"], {"k": k, "mention": mention}, True) + [EOS])
    return out


def autoregressive_example(sentence: Sentence, cfg: dict) -> Example:
    """The structured baseline: every (label, mention) pair in text order in one answer, then EOS."""
    t = cfg["templates"]
    labels = set(cfg["labels"])
    ex = render(t["ar_prompt"], {"text": sentence.text}, target=False)
    for e in sorted(sentence.entities, key=lambda e: (e.start, e.end)):
        if e.label in labels:
            ex += render(t["ar_item"], {"label": e.label, "mention": sentence.mention(e)}, target=True)
    return ex + [EOS]


def tokenize_example(example: Example, encode: Callable[[str], list[int]], eos_id: int,
                     bos_id: int | None = None) -> tuple[list[int], list[bool]]:
    ids: list[int] = [] if bos_id is None else [bos_id]
    target: list[bool] = [False] * len(ids)
    for seg in example:
        piece = [eos_id] if seg.text is None else encode(seg.text)
        ids += piece
        target += [seg.target] * len(piece)
    return ids, target


def example_text(example: Iterable[Segment], eos: str = "</s>") -> str:
    return "".join(eos if s.text is None else s.text for s in example)

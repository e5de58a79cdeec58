"""A small Llama-architecture causal LM: RMSNorm, rotary positions, SwiGLU, grouped KV heads, tied embeddings.

`forward` takes an explicit boolean attention mask [batch, 1, q, past+q] so that training can pack a sentence's
branches into one sequence (tree mask) and export can build the index-causal mask of the decoder contract.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class ModelConfig:
    vocab_size: int = 8000
    hidden: int = 256
    layers: int = 4
    heads: int = 8
    kv_heads: int = 4
    ffn: int = 704
    rope_theta: float = 10000.0
    max_positions: int = 512
    norm_eps: float = 1e-5

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    def to_dict(self) -> dict:
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return x * cos + torch.cat((-x2, x1), dim=-1) * sin


class Attention(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.c = c
        self.q = nn.Linear(c.hidden, c.heads * c.head_dim, bias=False)
        self.k = nn.Linear(c.hidden, c.kv_heads * c.head_dim, bias=False)
        self.v = nn.Linear(c.hidden, c.kv_heads * c.head_dim, bias=False)
        self.o = nn.Linear(c.heads * c.head_dim, c.hidden, bias=False)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        b, n, _ = x.shape
        c = self.c
        q = self.q(x).view(b, n, c.heads, c.head_dim).transpose(1, 2)
        k = self.k(x).view(b, n, c.kv_heads, c.head_dim).transpose(1, 2)
        v = self.v(x).view(b, n, c.kv_heads, c.head_dim).transpose(1, 2)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        # Grouped query heads meet their KV head by folding the group into the query axis, [b, kv, rep * n, d],
        # instead of repeating K and V per query head: the same sums, but a pass no longer copies every row's whole
        # past `rep` times (ONNX Tile was half of a 64-row decode pass on the 135M model).
        rep = c.heads // c.kv_heads
        t = k.shape[2]
        qg = q.reshape(b, c.kv_heads, rep * n, c.head_dim)
        att = ((qg @ k.transpose(-1, -2)) * (c.head_dim ** -0.5)).view(b, c.heads, n, t)
        att = att.masked_fill(~mask, torch.finfo(att.dtype).min)
        y = (torch.softmax(att, dim=-1).view(b, c.kv_heads, rep * n, t) @ v).view(b, c.heads, n, c.head_dim)
        return self.o(y.transpose(1, 2).reshape(b, n, c.heads * c.head_dim)), k, v


class Block(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.attn_norm = RMSNorm(c.hidden, c.norm_eps)
        self.attn = Attention(c)
        self.mlp_norm = RMSNorm(c.hidden, c.norm_eps)
        self.gate = nn.Linear(c.hidden, c.ffn, bias=False)
        self.up = nn.Linear(c.hidden, c.ffn, bias=False)
        self.down = nn.Linear(c.ffn, c.hidden, bias=False)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        a, k, v = self.attn(self.attn_norm(x), cos, sin, mask, past_k, past_v)
        x = x + a
        h = self.mlp_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h)), k, v


class PadeLM(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c.vocab_size, c.hidden)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.layers))
        self.norm = RMSNorm(c.hidden, c.norm_eps)
        inv = 1.0 / (c.rope_theta ** (torch.arange(0, c.head_dim, 2).float() / c.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)
        self.apply(self._init)

    def _init(self, m: nn.Module) -> None:
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def rope(self, position_ids: torch.Tensor):
        f = position_ids.float()[..., None] * self.inv_freq  # [b, n, hd/2]
        emb = torch.cat([f, f], dim=-1)[:, None]  # [b, 1, n, hd]
        return emb.cos(), emb.sin()

    def hidden_states(self, input_ids, position_ids, mask, past=None):
        """mask: bool [b, 1, n, past+n], True where attention is allowed. Returns (hidden, [(k, v)] per layer)."""
        x = self.embed(input_ids)
        cos, sin = self.rope(position_ids)
        present = []
        for i, block in enumerate(self.blocks):
            pk, pv = past[i] if past is not None else (None, None)
            x, k, v = block(x, cos, sin, mask, pk, pv)
            present.append((k, v))
        return self.norm(x), present

    def logits(self, h: torch.Tensor) -> torch.Tensor:
        return h @ self.embed.weight.T

"""Attention: ``F.scaled_dot_product_attention`` and ``nn.MultiheadAttention``, composites of recorded ops.

    attention(Q, K, V) = softmax(Q Kᵀ · s + B) V,   s = 1/√E by default,

where the bias B is 0, or −∞ where a boolean mask forbids a position (and the mask's values where it is
a float mask), plus −∞ above the diagonal with ``is_causal``. Gradients come from the recorded ops:
∂/∂Q, ∂/∂K, ∂/∂V of the softmax-weighted sum, through softmax's Jacobian-vector product.

Mask conventions differ, as in PyTorch: for ``scaled_dot_product_attention`` a boolean ``attn_mask`` is
True where attention is *allowed*; for ``MultiheadAttention`` a boolean ``attn_mask`` or
``key_padding_mask`` is True where it is *not*.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...tensor import Tensor
from .. import init
from ..parameter import Parameter
from .linear import Linear
from .module import Module

__all__ = ["MultiheadAttention", "scaled_dot_product_attention"]


def _bias(mask: Any, dtype: np.dtype, allowed_when_true: bool) -> Any:
    """An additive bias from a mask: a float mask as is, a boolean one as 0 / −∞."""
    if mask is None:
        return None
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype == np.bool_:
        forbid = ~m if allowed_when_true else m
        return Tensor._wrap(np.where(forbid, -np.inf, 0.0).astype(dtype))
    return mask


def _causal(L: int, S: int, dtype: np.dtype) -> Tensor:
    return Tensor._wrap(np.where(np.tril(np.ones((L, S), bool)), 0.0, -np.inf).astype(dtype))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Any = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(Q Kᵀ·scale + mask) V over the last two dimensions (PyTorch's reference formula). A query
    row that every key is masked from gives 0, as PyTorch's kernel does (not NaN)."""
    from ...ops.shape import repeat_interleave
    from ...ops.softmax import softmax
    from ..functional import dropout

    L, S, E = query.shape[-2], key.shape[-2], query.shape[-1]
    s = 1 / math.sqrt(E) if scale is None else scale
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        reps = query.shape[-3] // key.shape[-3]
        key = repeat_interleave(key, reps, -3)
        value = repeat_interleave(value, reps, -3)
    scores = (query @ key.transpose(-2, -1)) * s
    dt = scores._data.dtype
    if is_causal:
        scores = scores + _causal(L, S, dt)
    bias = _bias(attn_mask, dt, allowed_when_true=True)
    if bias is not None:
        scores = scores + bias
    dead = np.isneginf(scores._data).all(axis=-1, keepdims=True)
    if dead.any():  # rows with no allowed key give 0, not softmax's 0/0 (and no NaN in the gradient)
        dead_t = Tensor._wrap(np.broadcast_to(dead, scores.shape))
        weights = softmax(scores.masked_fill(dead_t, 0.0), -1).masked_fill(dead_t, 0.0)
    else:
        weights = softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ value


class NonDynamicallyQuantizableLinear(Linear):
    """PyTorch's name for MultiheadAttention's output projection (a plain Linear)."""


class MultiheadAttention(Module):
    """``MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
    add_zero_attn=False, kdim=None, vdim=None, batch_first=False)``: PyTorch's parameters
    (``in_proj_weight``/``in_proj_bias``, or ``q/k/v_proj_weight`` when kdim or vdim differ, and
    ``out_proj``), initialisation and forward: heads of ``embed_dim // num_heads`` dimensions attend
    independently and are concatenated and projected by ``out_proj``."""

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        if embed_dim % num_heads:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("MultiheadAttention: add_bias_kv and add_zero_attn are not implemented")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim = embed_dim // num_heads
        from ...creation import empty

        kw = {"dtype": dtype}
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty(3 * embed_dim, embed_dim, **kw))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = Parameter(empty(embed_dim, embed_dim, **kw))
            self.k_proj_weight = Parameter(empty(embed_dim, self.kdim, **kw))
            self.v_proj_weight = Parameter(empty(embed_dim, self.vdim, **kw))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **kw))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        self.bias_k = self.bias_v = None
        self.add_zero_attn = False
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def _project(self, x: Tensor, i: int) -> Tensor:
        E = self.embed_dim
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight[i * E:(i + 1) * E]
        else:
            w = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)[i]
        y = x @ w.t()
        if self.in_proj_bias is not None:
            y = y + self.in_proj_bias[i * E:(i + 1) * E]
        return y

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        from ...ops.softmax import softmax
        from ..functional import dropout

        batched = query.dim() == 3
        if not batched:  # (L, E): one sequence
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:  # (N, L, E) -> (L, N, E)
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        L, N, E = query.shape
        S = key.shape[0]
        H, hd = self.num_heads, self.head_dim
        q = self._project(query, 0).reshape(L, N * H, hd).transpose(0, 1)  # (N·H, L, hd)
        k = self._project(key, 1).reshape(S, N * H, hd).transpose(0, 1)
        v = self._project(value, 2).reshape(S, N * H, hd).transpose(0, 1)
        scores = (q * (1 / math.sqrt(hd))) @ k.transpose(-2, -1)  # (N·H, L, S)
        dt = scores._data.dtype
        if is_causal and attn_mask is None:
            attn_mask = Tensor._wrap(~np.tril(np.ones((L, S), bool)))
        bias = _bias(attn_mask, dt, allowed_when_true=False)
        if bias is not None:
            scores = scores + (bias if bias.dim() == 3 else bias.unsqueeze(0))
        if key_padding_mask is not None:
            pad = _bias(key_padding_mask, dt, allowed_when_true=False)  # (N, S)
            scores = (scores.reshape(N, H, L, S) + pad.reshape(N, 1, 1, S)).reshape(N * H, L, S)
        weights = softmax(scores, -1)
        if self.dropout > 0.0 and self.training:
            weights = dropout(weights, self.dropout, training=True)
        out = (weights @ v).transpose(0, 1).reshape(L * N, E)
        out = self.out_proj(out).reshape(L, N, E)
        if not batched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        w = weights.reshape(N, H, L, S)
        if average_attn_weights:
            w = w.mean(1)
        if not batched:
            w = w.squeeze(0)
        return out, w



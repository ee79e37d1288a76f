"""``F.embedding_bag`` and ``nn.EmbeddingBag``: the sum, mean or max of bags of embedding rows.

    bag_b = reduce_{i in bag b} w_i · weight[input_i]      (w_i = per_sample_weights, 1 by default)

Bags are the rows of a 2-D ``input``, or the runs of a 1-D ``input`` that ``offsets`` starts; an empty bag
gives zeros. A composite of recorded ops — the row lookup, then a segment sum (``index_add``) or a max per
bag — so ∂L/∂weight scatters each bag's gradient back to its rows (divided by the bag size for 'mean',
to the arg-max row for 'max'), as PyTorch's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...ops._util import named_grad_fn
from ...tensor import Tensor
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["EmbeddingBag", "embedding_bag"]


def _bags(input: Tensor, offsets: Tensor | None, include_last_offset: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """(flat indices, bag id of each, number of bags)."""
    idx = input._data
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError("offsets has to be None if input is 2D, but got offsets of shape "
                             f"{list(offsets.shape)}")
        b, n = idx.shape
        return idx.reshape(-1), np.repeat(np.arange(b), n), b
    if idx.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    off = offsets._data.astype(np.int64)
    if off.ndim != 1:
        raise ValueError(f"offsets has to be a 1D Tensor, but got Tensor of dimension {off.ndim}")
    starts = off[:-1] if include_last_offset else off
    n_bags = len(starts)
    bag = np.searchsorted(starts, np.arange(len(idx)), side="right") - 1
    if include_last_offset and len(off):
        bag = np.where(np.arange(len(idx)) < off[-1], bag, -1)
    return idx, bag, n_bags


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Sum, mean or max of the embedding rows of each bag (see the module docstring)."""
    from ...ops.scatter import index_add
    from ...ops.shape import stack
    from ..functional_layers import embedding

    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    flat, bag, n_bags = _bags(input, offsets, include_last_offset)
    keep = bag >= 0
    if padding_idx is not None:
        keep &= flat != padding_idx % weight.shape[0]
    rows = embedding(Tensor._wrap(flat[keep]), weight, None, max_norm, norm_type)
    bag_k = bag[keep]
    if per_sample_weights is not None:
        w = per_sample_weights.reshape(-1)[Tensor._wrap(np.flatnonzero(keep))]
        rows = rows * w.unsqueeze(1)
    dim = weight.shape[1]
    zeros = Tensor._wrap(np.zeros((n_bags, dim), dtype=weight._data.dtype))
    if mode == "max":
        out = [rows[Tensor._wrap(np.flatnonzero(bag_k == b))].max(0).values if (bag_k == b).any() else zeros[b]
               for b in range(n_bags)]
        return named_grad_fn(stack(out), "EmbeddingBagBackward0") if out else zeros
    total = index_add(zeros, 0, Tensor._wrap(bag_k.astype(np.int64)), rows)
    if mode == "mean":
        counts = np.bincount(bag_k, minlength=n_bags).astype(weight._data.dtype)
        total = total / Tensor._wrap(np.maximum(counts, 1)[:, None])
    return named_grad_fn(total, "EmbeddingBagBackward0")


class EmbeddingBag(Module):
    """``EmbeddingBag(num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
    mode='mean', sparse=False, _weight=None, include_last_offset=False, padding_idx=None)``."""

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                 _weight: Tensor | None = None, include_last_offset: bool = False, padding_idx: int | None = None,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if scale_grad_by_freq or sparse:
            raise NotImplementedError("EmbeddingBag: scale_grad_by_freq and sparse gradients are not supported")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("padding_idx must be within num_embeddings")
            padding_idx %= num_embeddings
        self.padding_idx = padding_idx
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset
        if _weight is None:
            from ...creation import empty

            self.weight = Parameter(empty(num_embeddings, embedding_dim, dtype=dtype))
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight)

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    def forward(self, input: Tensor, offsets: Tensor | None = None,
                per_sample_weights: Tensor | None = None) -> Tensor:
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                             self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if not math.isclose(self.norm_type, 2):
            s += f", norm_type={self.norm_type}"
        s += f", mode='{self.mode}'"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s

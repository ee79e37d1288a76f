"""Sorting and selection: sort argsort topk nonzero masked_select unique diag trace.

Each differentiable result is built from ops that already have derivatives
(``gather``, indexing), so its gradient routes back to the selected elements:
∂L/∂x = zeros with G scattered to the chosen positions.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ._util import Tensor, wrap, wrap_dim
from .indexing import getitem
from .reduction import _ReturnType
from .shape import gather

_ValuesIndices = namedtuple("_ValuesIndices", ["values", "indices"])


class sort_return(_ReturnType):
    """``torch.return_types.sort``: (values, indices), with PyTorch's name and repr."""

    __slots__ = ()


class topk_return(_ReturnType):
    """``torch.return_types.topk``: (values, indices), with PyTorch's name and repr."""

    __slots__ = ()


for _cls, _name in ((sort_return, "sort"), (topk_return, "topk")):
    _cls.__name__ = _cls.__qualname__ = _name
    _cls.__module__ = "torch.return_types"


def _order(A: np.ndarray, d: int, descending: bool) -> np.ndarray:
    if descending:
        # a stable descending order: sort the negated keys; NaN counts as the largest value (PyTorch), so
        # NaNs come first, in their original order
        if A.dtype.kind == "f":
            nan = np.isnan(A)
            idx = np.lexsort((np.where(nan, 0, -A), ~nan), axis=d) if nan.any() else np.argsort(-A, axis=d,
                                                                                                 kind="stable")
        else:
            idx = np.argsort(-A if A.dtype.kind == "i" else ~A, axis=d, kind="stable")
    else:
        idx = np.argsort(A, axis=d, kind="stable")
    return idx.astype(np.int64)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> sort_return:
    """Values sorted along ``dim`` and the indices they came from; values differentiable (via gather)."""
    A = input._data
    if A.ndim == 0:
        return sort_return(input.clone(), wrap(np.zeros((), dtype=np.int64)))
    d = wrap_dim(dim, A.ndim)
    idx = _order(A, d, descending)
    return sort_return(gather(input, d, wrap(idx)), wrap(idx))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim``."""
    A = input._data
    if A.ndim == 0:
        return wrap(np.zeros((), dtype=np.int64))
    return wrap(_order(A, wrap_dim(dim, A.ndim), descending))


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> topk_return:
    """The ``k`` largest (or smallest) values along ``dim`` and their indices."""
    A = input._data
    d = wrap_dim(dim, A.ndim) if A.ndim else 0
    n = A.shape[d] if A.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if A.ndim == 0:
        return topk_return(input.clone(), wrap(np.zeros((), dtype=np.int64)))
    idx = np.take(_order(A, d, largest), np.arange(k), axis=d)
    return topk_return(gather(input, d, wrap(idx)), wrap(idx))


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one index tensor per dim."""
    idx = np.nonzero(input._data) if input._data.ndim else np.nonzero(input._data.reshape(1))
    if as_tuple:
        return tuple(wrap(i.astype(np.int64)) for i in idx)
    return wrap(np.stack(idx, axis=1).astype(np.int64) if idx else np.zeros((0, 0), np.int64))


def argwhere(input: Tensor) -> Tensor:
    return nonzero(input)


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements where ``mask`` is True (broadcast together), as a 1-D tensor; differentiable."""
    M = mask._data
    if M.dtype.kind != "b":
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {M.dtype}")
    shape = np.broadcast_shapes(input._data.shape, M.shape)
    from .shape import expand

    x = input if input._data.shape == shape else expand(input, shape)
    return getitem(x, np.broadcast_to(M, shape))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None) -> Any:
    """The distinct values (sorted), optionally with the inverse indices and the counts."""
    A = input._data
    res = np.unique(A, return_inverse=True, return_counts=True, axis=dim)
    vals, inv, counts = res
    out = [wrap(vals)]
    if return_inverse:
        out.append(wrap(inv.reshape(A.shape if dim is None else (-1,)).astype(np.int64)))
    if return_counts:
        out.append(wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D tensor → the matrix with it on a diagonal; a 2-D tensor → that diagonal. Differentiable."""
    A = input._data
    if A.ndim == 1:
        n = A.shape[0] + abs(diagonal)
        rows = np.arange(A.shape[0]) + max(-diagonal, 0)
        cols = np.arange(A.shape[0]) + max(diagonal, 0)
        from .indexing import index_add_zeros

        if input._rg:
            return index_add_zeros((n, n), (rows, cols), input)
        out = np.zeros((n, n), dtype=A.dtype)
        out[rows, cols] = A
        return wrap(out)
    if A.ndim == 2:
        return diagonal_(input, diagonal)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {A.ndim}D")


def diagonal_(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of the (dim1, dim2) planes, as the last dimension (PyTorch's layout); differentiable."""
    from .shape import permute

    A = input._data
    nd = A.ndim
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if (d1, d2) != (nd - 2, nd - 1):
        input = permute(input, tuple(d for d in range(nd) if d not in (d1, d2)) + (d1, d2))
    h, w = A.shape[d1], A.shape[d2]
    n = max(min(h - max(-offset, 0), w - max(offset, 0)), 0)
    rows = np.arange(n) + max(-offset, 0)
    cols = np.arange(n) + max(offset, 0)
    return getitem(input, (Ellipsis, rows, cols))


def trace(input: Tensor) -> Tensor:
    """Σ of the main diagonal of a matrix; differentiable."""
    if input._data.ndim != 2:
        raise RuntimeError("trace: expected a matrix")
    from .reduction import sum as _sum

    return _sum(diagonal_(input, 0))


def median(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median (see ``statistics.median``: NaN-propagating, PyTorch's return type and ties)."""
    from .statistics import median as _median

    return _median(input, dim, keepdim)

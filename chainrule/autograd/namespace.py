"""The two array namespaces a backward formula runs on ("one formula, two speeds").

Backward formulas are written once, against ``F``:

* ``ARRAY`` (``create_graph=False``): the values are NumPy arrays and ``F`` is
  NumPy itself plus a few helpers -- nothing is recorded, so a pass is fast;
* ``TENSOR`` (``create_graph=True``): the values are Tensors and ``F`` holds
  chainrule's own differentiable functions with NumPy's spelling -- the pass is
  recorded and can be differentiated again.

Both expose the same names with NumPy's signatures, so a formula such as
``g * (1 - y * y)`` or ``F.where(x > 0, g, 0)`` runs unchanged on either.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops import _special
from ..ops._consts import ONE


def sum_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Reduce a broadcast gradient back to ``shape`` (sum leading dims, then size-1 dims)."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    out = g.sum(axis=axes, keepdims=True) if axes else g
    if lead:
        out = out.reshape(shape)
    return out


def _index_add(shape: tuple[int, ...], index: Any, g: np.ndarray) -> np.ndarray:
    """zeros(shape) with ``g`` added at ``index`` (repeated indices accumulate)."""
    out = np.zeros(shape, dtype=g.dtype)
    np.add.at(out, index, g)
    return out


def _scatter_add(shape: tuple[int, ...], dim: int, index: np.ndarray, g: np.ndarray) -> np.ndarray:
    out = np.zeros(shape, dtype=g.dtype)
    idx: list[Any] = list(np.indices(index.shape, sparse=True))
    idx[dim] = index
    np.add.at(out, tuple(idx), g)
    return out


class ArrayNS:
    """NumPy, for backward passes that record nothing."""

    is_tensor = False
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    log1p = staticmethod(np.log1p)
    expm1 = staticmethod(np.expm1)
    sqrt = staticmethod(np.sqrt)
    tanh = staticmethod(np.tanh)
    sigmoid = staticmethod(_special.sigmoid)
    softplus = staticmethod(_special.softplus)
    erf = staticmethod(_special.erf)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    sinh = staticmethod(np.sinh)
    cosh = staticmethod(np.cosh)
    sign = staticmethod(np.sign)
    abs = staticmethod(np.abs)
    where = staticmethod(np.where)
    maximum = staticmethod(np.maximum)
    minimum = staticmethod(np.minimum)
    matmul = staticmethod(np.matmul)
    # methods rather than np.* wrappers: NumPy's Python-level dispatch costs more than the work on small arrays
    swapaxes = staticmethod(lambda x, a, b: x.swapaxes(a, b))
    transpose = staticmethod(lambda x, axes=None: x.transpose(axes))
    reshape = staticmethod(lambda x, shape: x.reshape(shape))
    expand_dims = staticmethod(np.expand_dims)
    zeros_like = staticmethod(np.zeros_like)
    ones_like = staticmethod(np.ones_like)
    concatenate = staticmethod(np.concatenate)
    stack = staticmethod(np.stack)
    take_along_axis = staticmethod(np.take_along_axis)
    sum_to = staticmethod(sum_to)
    index_add = staticmethod(_index_add)
    scatter_add = staticmethod(_scatter_add)

    @staticmethod
    def broadcast_to(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        """A writable copy of ``x`` broadcast to ``shape`` (5x cheaper than ``np.broadcast_to`` on small arrays)."""
        out = np.empty(shape, dtype=x.dtype)
        out[...] = x
        return out

    @staticmethod
    def sum(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
        return np.asarray(np.sum(x, axis=axis, keepdims=keepdims))

    @staticmethod
    def mean(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
        return np.asarray(np.mean(x, axis=axis, keepdims=keepdims))

    @staticmethod
    def astype(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
        return x.astype(dtype, copy=False)

    @staticmethod
    def const(value: Any, like: np.ndarray) -> np.ndarray:
        """A constant (not differentiated) of ``like``'s dtype."""
        return np.asarray(value, dtype=like.dtype)

    @staticmethod
    def one_minus(x: np.ndarray) -> np.ndarray:
        """1 − x, with a 0-d one of x's dtype (~1 µs cheaper than the Python 1 on a small array)."""
        return ONE[x.dtype] - x

    @staticmethod
    def value(x: Any) -> np.ndarray:
        return x

    @staticmethod
    def getitem(x: np.ndarray, index: Any) -> np.ndarray:
        return x[index]


class _TensorNSType:
    """chainrule's differentiable functions under NumPy's names (filled in by ``chainrule.ops``)."""

    is_tensor = True

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - a missing rule is a bug
        raise NotImplementedError(f"the create_graph form of {name!r} is missing from the tensor namespace")


TENSOR: Any = _TensorNSType()
ARRAY: Any = ArrayNS

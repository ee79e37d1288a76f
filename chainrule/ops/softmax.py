"""softmax and log_softmax along a dim, shifted by the max so no input overflows.

softmax:      yᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m)
              ∂L/∂x = y ⊙ (G − Σⱼ Gⱼ yⱼ)            (the Jacobian diag(y) − y yᵀ applied to G)
log_softmax:  yᵢ = xᵢ − log Σⱼ e^(xⱼ)
              ∂L/∂x = G − e^y · Σⱼ Gⱼ
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import _kernels
from .._dtype import as_dtype
from .._errstate import silent
from ..autograd.graph import SAVE_OUTPUT
from ._util import GRAD_ENABLED, Node, Tensor, numpy_names, record, wrap, wrap_dim


def implicit_dim(name: str, ndim: int, stacklevel: int = 3) -> int:
    """PyTorch's deprecated implicit ``dim`` for softmax-like functions: 0 for 0-, 1- and 3-D input, else 1."""
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _prep(input: Tensor, dim: Any, dtype: Any, name: str) -> tuple[np.ndarray, int]:
    A = input._data
    if dtype is not None:
        A = A.astype(as_dtype(dtype).np)
    if A.dtype.kind != "f":
        tn = {"int64": "Long", "int32": "Int", "bool": "Bool"}.get(str(A.dtype), str(A.dtype))
        raise NotImplementedError(f'"{name}_lastdim_kernel_impl" not implemented for \'{tn}\'')
    if dim is None:
        dim = implicit_dim(name, A.ndim, stacklevel=4)
    return A, (wrap_dim(dim, A.ndim) if A.ndim else 0)


def _shifted(A: np.ndarray, d: int) -> np.ndarray:
    """A − max along d. Like PyTorch, the max is used even where it is ±inf: a row holding +inf, or
    only −inf, becomes NaN (inf − inf), and its softmax is NaN throughout."""
    return A - A.max(axis=d, keepdims=True) if A.shape[d] else A.copy()


def softmax_array(A: np.ndarray, d: int) -> np.ndarray:
    if A.ndim == 0:
        return np.ones_like(A)
    fast = _kernels.softmax(A, d) if A.size >= _kernels.MIN_SIZE else None
    if fast is not None:
        return fast
    with silent():
        e = np.exp(_shifted(A, d))
        return e / e.sum(axis=d, keepdims=True)


def log_softmax_array(A: np.ndarray, d: int) -> np.ndarray:
    if A.ndim == 0:
        return np.zeros_like(A)
    fast = _kernels.log_softmax(A, d) if A.size >= _kernels.MIN_SIZE else None
    if fast is not None:
        return fast
    with silent():
        shifted = _shifted(A, d)
        return shifted - np.log(np.exp(shifted).sum(axis=d, keepdims=True))


class SoftmaxBackward0(Node):
    """y = softmax(x).   ∂L/∂x = y ⊙ (G − Σ G⊙y)."""

    __slots__ = ("dim",)
    dim: Any
    name = "SoftmaxBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if y.ndim == 0:
            return (g * 0,)
        if not F.is_tensor and y.size >= _kernels.MIN_SIZE and (
                fast := _kernels.softmax_backward(g, y, self.dim)) is not None:
            return (fast,)
        gy = g * y
        return (gy - y * F.sum(gy, axis=self.dim, keepdims=True),)


class LogSoftmaxBackward0(Node):
    """y = log_softmax(x).   ∂L/∂x = G − eʸ Σ G."""

    __slots__ = ("dim",)
    dim: Any
    name = "LogSoftmaxBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if y.ndim == 0:
            return (g * 0,)
        if not F.is_tensor and y.size >= _kernels.MIN_SIZE and (
                fast := _kernels.log_softmax_backward(g, y, self.dim)) is not None:
            return (fast,)
        return (g - F.exp(y) * F.sum(g, axis=self.dim, keepdims=True),)


def _finish(cls: type[Node], out: np.ndarray, input: Tensor, d: int) -> Tensor:
    t = wrap(out)
    if GRAD_ENABLED[0] and input._rg:
        node: Any = cls.__new__(cls)
        node.dim = d
        record(node, t, (input,))
    return t


@numpy_names
def softmax(input: Tensor, dim: Any = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """e^(xᵢ − max) / Σ e^(xⱼ − max) along ``dim``."""
    A, d = _prep(input, dim, dtype, "softmax")
    return _finish(SoftmaxBackward0, softmax_array(A, d), input, d)


@numpy_names
def log_softmax(input: Tensor, dim: Any = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """xᵢ − log Σ e^(xⱼ) along ``dim``, without forming the softmax (exact for huge logits)."""
    A, d = _prep(input, dim, dtype, "log_softmax")
    return _finish(LogSoftmaxBackward0, log_softmax_array(A, d), input, d)


def softmin(input: Tensor, dim: Any = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """softmax(−x)."""
    if dim is None:
        dim = implicit_dim("softmin", input._data.ndim)
    from .arith import neg

    return softmax(neg(input if dtype is None else input.to(dtype)), dim)

"""Reductions: sum mean var std prod max min amax amin argmax argmin logsumexp norm any all.

Every reduction's backward broadcasts the output gradient back over the
reduced dimensions (``_expand_back``); ties in full ``max``/``amax`` share the
gradient evenly, while ``max(dim)`` routes it to the returned index, as PyTorch.
"""

from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Any

import numpy as np

from .._dtype import _default, as_dtype
from .._errstate import ERRSTATE_VAR as _EV
from .._errstate import QUIET_STATE as _QS
from .._errstate import quiet, silent
from ..autograd.graph import SAVE_INPUTS, SAVE_OUTPUT, SAVE_STATE
from ..autograd.namespace import ARRAY
from ._util import GRAD_ENABLED, Node, Tensor, norm_dims, numpy_names, record, to_array, wrap, wrap_dim

_ndarray = np.ndarray
_add_reduce = np.add.reduce
_empty = np.empty
_new = object.__new__
_quiet_add_reduce = quiet(np.add.reduce)


def _kept_shape(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> tuple[int, ...]:
    if dims is None:
        return tuple(1 for _ in shape)
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _expand_back(F: Any, g: Any, shape: tuple[int, ...], dims: tuple[int, ...] | None, keepdim: bool) -> Any:
    """Broadcast a reduced gradient back to ``shape``."""
    if not keepdim:
        g = F.reshape(g, _kept_shape(shape, dims))
    return F.broadcast_to(g, shape)


def _axis(dims: tuple[int, ...] | None) -> Any:
    return dims


def _reduce_node(node_cls: type[Node], out: Any, input: Tensor, dims: Any, keepdim: bool, **extra: Any) -> Tensor:
    t = wrap(to_array(out))
    if GRAD_ENABLED[0] and input._rg:
        node: Any = node_cls.__new__(node_cls)
        node.dims = dims
        node.keepdim = keepdim
        node.shape = input._data.shape
        for k, v in extra.items():
            setattr(node, k, v)
        record(node, t, (input,))
    return t


class SumBackward0(Node):
    """y = Σᵢ xᵢ over every element.   ∂y/∂xᵢ = 1: the scalar gradient is broadcast to x's shape.

    Nothing to store: the input's shape is read from the input itself (the loss.sum() of every
    training step records one of these, so it is kept minimal)."""

    __slots__ = ()
    name = "SumBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (F.broadcast_to(g, self.inputs[0]._data.shape),)


class SumBackward1(Node):
    """y = Σ xᵢ over ``dims``.   ∂y/∂xᵢ = 1: the gradient is broadcast back over the summed dims."""

    __slots__ = ("dims", "keepdim", "shape")
    dims: Any
    keepdim: Any
    shape: Any
    name = "SumBackward1"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (_expand_back(F, g, self.shape, self.dims, self.keepdim),)


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None, axis: Any = None,  # noqa: A001
        keepdims: Any = None) -> Tensor:
    """Σ over ``dim`` (all by default); integer and bool tensors sum to int64. (``axis``/``keepdims``: NumPy's
    names, accepted as PyTorch does; spelled out rather than wrapped, this op is hot.)"""
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    A = input._data
    if dtype is not None:
        A = A.astype(as_dtype(dtype).np)
    elif A.dtype.kind in "biu":
        A = A.astype(np.int64)
    if dim is None and not keepdim:
        # the ufunc directly (A.sum() adds a Python wrapper); inf + (−inf) = nan silently, as PyTorch
        if _EV is not None:  # the error state set inline: no wrapper frame on this hot path
            token = _EV.set(_QS)
            try:  # reducing into a 0-d array avoids NumPy's scalar and a second conversion
                r = _add_reduce(A, None, None, _empty((), A.dtype))  # type: ignore[call-overload]  # positional out
            finally:
                _EV.reset(token)
        else:  # pragma: no cover - NumPy 1.x
            r = np.asarray(_quiet_add_reduce(A, None))
        t = wrap(r)
        if GRAD_ENABLED[0] and input._rg:
            record(_new(SumBackward0), t, (input,))
        return t
    dims = norm_dims(dim, A.ndim) if A.ndim else None
    if dims is None and dim is not None and not (isinstance(dim, (list, tuple)) and len(dim) == 0):
        dims = None
    with silent():
        r = A.sum(axis=dims, keepdims=keepdim)
    return _reduce_node(SumBackward1, r, input, dims, keepdim)


class MeanBackward0(Node):
    """y = (1/N) Σᵢ xᵢ.   ∂y/∂xᵢ = 1/N."""

    __slots__ = ("dims", "keepdim", "shape", "n")
    dims: Any
    keepdim: Any
    shape: Any
    n: Any
    name = "MeanBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (_expand_back(F, g / self.n, self.shape, self.dims, self.keepdim),)


class MeanBackward1(MeanBackward0):
    __slots__ = ()
    name = "MeanBackward1"


def _count(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> int:
    n = 1
    for i, s in enumerate(shape):
        if dims is None or i in dims:
            n *= s
    return n


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None, axis: Any = None,
         keepdims: Any = None) -> Tensor:
    """Arithmetic mean over ``dim``; an empty reduction gives NaN, as in PyTorch (``axis``/``keepdims`` as in sum)."""
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    A = input._data
    if dtype is not None:
        A = A.astype(as_dtype(dtype).np)
    elif A.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
            f"Got: {_torch_type_name(A.dtype)}"
        )
    dims = norm_dims(dim, A.ndim) if (dim is not None and A.ndim) else None
    n = _count(A.shape, dims)
    with silent():
        out = A.sum(axis=dims, keepdims=keepdim) / A.dtype.type(n) if n else np.full(
            _out_shape(A.shape, dims, keepdim), np.nan, dtype=A.dtype)
    cls = MeanBackward0 if dim is None else MeanBackward1
    # n if n > 1 else 1: the builtin max is shadowed in this module
    return _reduce_node(cls, np.asarray(out, dtype=A.dtype), input, dims, keepdim, n=n if n > 1 else 1)


def _out_shape(shape: tuple[int, ...], dims: tuple[int, ...] | None, keepdim: bool) -> tuple[int, ...]:
    if keepdim:
        return _kept_shape(shape, dims)
    if dims is None:
        return ()
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def _torch_type_name(dt: np.dtype) -> str:
    return {"int64": "Long", "int32": "Int", "bool": "Bool", "int16": "Short", "int8": "Char",
            "uint8": "Byte"}.get(str(dt), str(dt))


class VarBackward0(Node):
    """v = Σ(xᵢ − x̄)²/(N − c).   ∂v/∂xᵢ = 2(xᵢ − x̄)/(N − c)."""

    __slots__ = ("dims", "keepdim", "shape", "denom")
    dims: Any
    keepdim: Any
    shape: Any
    denom: Any
    name = "VarBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if 0 in self.shape:  # an empty input has an empty gradient (and no mean to centre on)
            return (_expand_back(F, g, self.shape, self.dims, self.keepdim),)
        a = x[0]
        centred = a - F.mean(a, axis=self.dims, keepdims=True)
        scale = np.float64(2.0) / self.denom  # inf when no degrees of freedom are left, as PyTorch
        return (_expand_back(F, g, self.shape, self.dims, self.keepdim) * centred * scale,)


class StdBackward0(Node):
    """s = √var.   ∂s/∂xᵢ = (xᵢ − x̄)/((N − c)·s)."""

    __slots__ = ("dims", "keepdim", "shape", "denom")
    dims: Any
    keepdim: Any
    shape: Any
    denom: Any
    name = "StdBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if 0 in self.shape:  # an empty input has an empty gradient (and no mean to centre on)
            return (_expand_back(F, g, self.shape, self.dims, self.keepdim),)
        a = x[0]
        centred = a - F.mean(a, axis=self.dims, keepdims=True)
        # PyTorch masks the gradient to 0 where s = 0 (a constant slice), instead of 0/0
        zero = (y._data if F.is_tensor else y) == 0
        scale = _expand_back(F, F.where(zero, g * 0, g / (y * self.denom + F.const(zero, y))), self.shape,
                             self.dims, self.keepdim)
        return (scale * centred,)


def _correction(unbiased: Any, correction: Any) -> float:
    if correction is not None:
        return float(correction)
    if unbiased is None:
        return 1.0
    return 1.0 if unbiased else 0.0


def _var_args(dim: Any, unbiased: Any, keepdim: Any) -> tuple[Any, Any, bool]:
    # var(x, True) / var(x, False) is the old ``unbiased`` positional form
    if isinstance(dim, bool):
        return None, dim, bool(keepdim)
    return dim, unbiased, bool(keepdim)


@numpy_names
def var(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    """Variance with Bessel's correction by default (``correction=1``), as PyTorch."""
    dim, unbiased, keepdim = _var_args(dim, unbiased, keepdim)
    A = _float_input(input, "var")
    dims = norm_dims(dim, A.ndim) if (dim is not None and A.ndim) else None
    c = _correction(unbiased, correction)
    n = _count(A.shape, dims)
    with silent():
        if n - c > 0:
            out = np.asarray(np.var(A, axis=dims, keepdims=keepdim, ddof=0) * (n / (n - c)), dtype=A.dtype)
        else:  # no degrees of freedom left: Σ(x − x̄)²/0, so inf, or nan for a constant (or empty) slice
            centred = A - A.mean(axis=dims, keepdims=True) if n else A
            out = np.asarray(np.sum(centred * centred, axis=dims, keepdims=keepdim) / 0.0, dtype=A.dtype)
    return _reduce_node(VarBackward0, out, input, dims, keepdim, denom=builtins.max(n - c, 0))


@numpy_names
def std(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:
    """Standard deviation, √var (Bessel-corrected by default)."""
    v = var(input.detach(), dim, unbiased, keepdim, correction=correction)
    dim, unbiased, keepdim = _var_args(dim, unbiased, keepdim)
    A = input._data
    dims = norm_dims(dim, A.ndim) if (dim is not None and A.ndim) else None
    n = _count(A.shape, dims)
    return _reduce_node(StdBackward0, np.sqrt(v._data), input, dims, keepdim,
                        denom=(n - _correction(unbiased, correction)))


def _float_input(input: Tensor, op: str) -> np.ndarray:
    A = input._data
    if A.dtype.kind != "f":
        raise RuntimeError(f"{op}(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {_torch_type_name(A.dtype)}")
    return A


@numpy_names
def var_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple[Tensor, Tensor]:
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


@numpy_names
def std_mean(input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple[Tensor, Tensor]:
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


class ProdBackward0(Node):
    """y = Πᵢ xᵢ.   ∂y/∂xᵢ = Π_{j≠i} xⱼ  (exclusive products: exact with zeros in x)."""

    __slots__ = ("dims", "keepdim", "shape")
    dims: Any
    keepdim: Any
    shape: Any
    name = "ProdBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        a = x[0]
        ge = _expand_back(F, g, self.shape, self.dims, self.keepdim)
        if F.is_tensor:
            if (a._data == 0).any():  # y / x would be 0/0: exclusive products, differentiably
                return (ge * _prod_others_tensor(a, self.dims),)
            return (ge * _expand_back(F, y, self.shape, self.dims, self.keepdim) / a,)
        return (ge * _prod_others(a, self.dims),)


class ProdBackward1(ProdBackward0):
    """prod(x, dim): the same rule along one dim."""

    __slots__ = ()
    name = "ProdBackward1"


def _prod_others_tensor(a: Tensor, dims: tuple[int, ...] | None) -> Tensor:
    """Π_{j≠i} a_j as a recorded computation: prod over the last axis of a with its diagonal set to 1.

    O(n²) in the reduced size, so only used under create_graph when the input has zeros.
    """
    from .selection import where
    from .shape import permute, reshape, unsqueeze

    shape = a._data.shape
    dims = tuple(range(len(shape))) if dims is None else dims
    keep = [d for d in range(len(shape)) if d not in dims]
    order = keep + list(dims)
    moved = reshape(permute(a, order), tuple(shape[d] for d in keep) + (-1,))
    n = moved._data.shape[-1]
    eye = Tensor._wrap(np.eye(n, dtype=bool))
    others = prod(where(eye, Tensor._wrap(np.ones((), dtype=a._data.dtype)), unsqueeze(moved, -2)), -1)
    others = reshape(others, tuple(shape[d] for d in order))
    return permute(others, tuple(int(i) for i in np.argsort(order)))


def _prod_others(a: np.ndarray, dims: tuple[int, ...] | None) -> np.ndarray:
    """Π_{j≠i} a_j along the reduced dims, via prefix and suffix cumulative products."""
    shape = a.shape
    if not a.size:
        return np.zeros_like(a)
    dims = tuple(range(a.ndim)) if dims is None else dims
    keep = [d for d in range(a.ndim) if d not in dims]
    moved = np.transpose(a, keep + list(dims)).reshape(tuple(shape[d] for d in keep) + (-1,))
    ones = np.ones(moved.shape[:-1] + (1,), dtype=a.dtype)
    before = np.cumprod(np.concatenate([ones, moved[..., :-1]], axis=-1), axis=-1)
    after = np.flip(np.cumprod(np.flip(np.concatenate([moved[..., 1:], ones], axis=-1), -1), axis=-1), -1)
    others = (before * after).reshape(tuple(shape[d] for d in keep) + tuple(shape[d] for d in dims))
    return np.transpose(others, np.argsort(keep + list(dims)))


@numpy_names
def prod(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Π over ``dim`` (one int, or all); integers give int64."""
    A = input._data
    if dtype is not None:
        A = A.astype(as_dtype(dtype).np)
    elif A.dtype.kind in "biu":
        A = A.astype(np.int64)
    dims = (wrap_dim(dim, A.ndim),) if dim is not None else None
    cls = ProdBackward0 if dim is None else ProdBackward1
    with silent():  # inf · 0 is nan, silently
        r = A.prod(axis=dims, keepdims=keepdim)
    return _reduce_node(cls, r, input, dims, keepdim)


class MaxBackward1(Node):
    """y = max(x) over all elements.   Ties share the gradient evenly: ∂y/∂xᵢ = [xᵢ = y]/#ties."""

    __slots__ = ("dims", "keepdim", "shape")
    dims: Any
    keepdim: Any
    shape: Any
    name = "MaxBackward1"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        a = x[0]._data if F.is_tensor else x[0]
        yb = _expand_back(ARRAY, y._data if F.is_tensor else y, self.shape, self.dims, self.keepdim)
        hit = a == yb
        if a.dtype.kind == "f":  # a NaN maximum: the gradient goes to the NaNs, as PyTorch
            hit |= (a != a) & (yb != yb)
        mask = F.const(hit, g)
        count = F.sum(mask, axis=self.dims, keepdims=True)
        return (_expand_back(F, g, self.shape, self.dims, self.keepdim) * mask / count,)


class MinBackward1(MaxBackward1):
    __slots__ = ()
    name = "MinBackward1"


class AmaxBackward0(MaxBackward1):
    __slots__ = ()
    name = "AmaxBackward0"


class AminBackward0(MaxBackward1):
    __slots__ = ()
    name = "AminBackward0"


class MaxBackward0(Node):
    """(values, indices) = max(x, dim).   The gradient goes to the selected index only."""

    __slots__ = ("dims", "keepdim", "shape", "index")
    dims: Any
    keepdim: Any
    shape: Any
    index: Any
    name = "MaxBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if not self.shape:  # max of a 0-d tensor over dim 0 is the tensor itself
            return (g,)
        d = self.dims[0]
        idx = self.index if self.keepdim else np.expand_dims(self.index, d)
        gk = g if self.keepdim else F.expand_dims(g, d)
        return (F.scatter_add(self.shape, d, idx, gk),)


class MinBackward0(MaxBackward0):
    __slots__ = ()
    name = "MinBackward0"


_MinMax = namedtuple("_MinMax", ["values", "indices"])


class _ReturnType(_MinMax):
    """``(values, indices)``, like ``torch.return_types.max`` / ``.min`` (a named tuple with PyTorch's repr)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"torch.return_types.{type(self).__name__}(\nvalues={self.values!r},\nindices={self.indices!r})"


# PyTorch's class names (torch.return_types.max / .min)
return_type_max = type("max", (_ReturnType,), {"__slots__": (), "__module__": "torch.return_types"})
return_type_min = type("min", (_ReturnType,), {"__slots__": (), "__module__": "torch.return_types"})
torch_return_types_max = return_type_max  # the old name


def _extreme(input: Tensor, dim: Any, keepdim: bool, largest: bool, other: Any) -> Any:
    if other is not None:
        from .arith import maximum, minimum

        return maximum(input, other) if largest else minimum(input, other)
    A = input._data
    if dim is None:
        if A.size == 0:
            raise RuntimeError(
                f"{'max' if largest else 'min'}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        out = A.max() if largest else A.min()
        if A.dtype.kind == "f" and np.isnan(A).any():
            out = np.asarray(np.nan, dtype=A.dtype)
        return _reduce_node(MaxBackward1 if largest else MinBackward1, out, input, None, False)
    d = wrap_dim(dim, A.ndim)
    if A.ndim == 0:
        idx = np.zeros((), dtype=np.int64)
        vals = A.copy()
    else:
        if A.shape[d] == 0:
            raise IndexError(f"{'max' if largest else 'min'}(): Expected reduction dim {d} to have non-zero size.")
        idx = np.argmax(A, axis=d, keepdims=keepdim) if largest else np.argmin(A, axis=d, keepdims=keepdim)
        vals = np.take_along_axis(A, idx if keepdim else np.expand_dims(idx, d), axis=d)
        if not keepdim:
            vals = np.squeeze(vals, axis=d)
    values = _reduce_node(MaxBackward0 if largest else MinBackward0, vals, input, (d,), keepdim,
                          index=idx if A.ndim else np.zeros((1,) * 0, dtype=np.int64))
    return (return_type_max if largest else return_type_min)(values, wrap(np.asarray(idx, dtype=np.int64)))


@numpy_names
def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:  # noqa: A001
    """Largest element; with ``dim``, the named tuple ``(values, indices)``; with a Tensor, ``maximum``."""
    if isinstance(dim, Tensor):
        return _extreme(input, None, False, True, dim)
    return _extreme(input, dim, keepdim, True, other)


@numpy_names
def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None) -> Any:  # noqa: A001
    """Smallest element; with ``dim``, the named tuple ``(values, indices)``; with a Tensor, ``minimum``."""
    if isinstance(dim, Tensor):
        return _extreme(input, None, False, False, dim)
    return _extreme(input, dim, keepdim, False, other)


@numpy_names
def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """Largest value over ``dim`` (all by default); ties share the gradient evenly."""
    A = input._data
    dims = norm_dims(dim, A.ndim) if A.ndim and dim not in ((), None, []) else None
    out = A.max(axis=dims, keepdims=keepdim)
    return _reduce_node(AmaxBackward0, out, input, dims, keepdim)


@numpy_names
def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """Smallest value over ``dim`` (all by default); ties share the gradient evenly."""
    A = input._data
    dims = norm_dims(dim, A.ndim) if A.ndim and dim not in ((), None, []) else None
    out = A.min(axis=dims, keepdims=keepdim)
    return _reduce_node(AminBackward0, out, input, dims, keepdim)


@numpy_names
def argmax(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the largest element (of the flattened tensor when ``dim`` is None)."""
    A = input._data
    if dim is None:
        r = np.argmax(A)
        return wrap(np.asarray(r, dtype=np.int64).reshape((1,) * A.ndim if keepdim else ()))
    return wrap(np.asarray(np.argmax(A, axis=wrap_dim(dim, A.ndim), keepdims=keepdim), dtype=np.int64))


@numpy_names
def argmin(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest element (of the flattened tensor when ``dim`` is None)."""
    A = input._data
    if dim is None:
        r = np.argmin(A)
        return wrap(np.asarray(r, dtype=np.int64).reshape((1,) * A.ndim if keepdim else ()))
    return wrap(np.asarray(np.argmin(A, axis=wrap_dim(dim, A.ndim), keepdims=keepdim), dtype=np.int64))


class LogsumexpBackward0(Node):
    """y = log Σ eˣⁱ (shifted by the max).   ∂y/∂xᵢ = e^(xᵢ − y) = softmax(x)ᵢ."""

    __slots__ = ("dims", "keepdim", "shape")
    dims: Any
    keepdim: Any
    shape: Any
    name = "LogsumexpBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        yb = _expand_back(F, y, self.shape, self.dims, self.keepdim)
        gb = _expand_back(F, g, self.shape, self.dims, self.keepdim)
        return (gb * F.exp(x[0] - yb),)


def logsumexp_array(A: np.ndarray, dims: Any, keepdim: bool) -> np.ndarray:
    """log Σ exp over ``dims``, stable: shift by the (finite) max first."""
    m = A.max(axis=dims, keepdims=True) if A.size else np.zeros(_kept_shape(A.shape, dims), A.dtype)
    m = np.where(np.isfinite(m), m, 0)
    with silent():
        out = np.log(np.exp(A - m).sum(axis=dims, keepdims=True)) + m
    return out if keepdim else (out.reshape(_out_shape(A.shape, dims, False)))


@numpy_names
def logsumexp(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """log Σ exp(x) over ``dim``, computed stably (no overflow at 1000)."""
    A = input._data
    if A.dtype.kind != "f":
        A = A.astype(_default[0].np)
    dims = norm_dims(dim, A.ndim) if A.ndim and dim not in (None, (), []) else None
    return _reduce_node(LogsumexpBackward0, logsumexp_array(A, dims, keepdim), input, dims, keepdim)


class NormBackward1(Node):
    """y = (Σ|xᵢ|ᵖ)^(1/p).   ∂y/∂xᵢ = sign(xᵢ)|xᵢ|ᵖ⁻¹ / yᵖ⁻¹   (0 where y = 0, like PyTorch)."""

    __slots__ = ("dims", "keepdim", "shape", "p")
    dims: Any
    keepdim: Any
    shape: Any
    p: Any
    name = "LinalgVectorNormBackward0"  # PyTorch's norm dispatches to linalg.vector_norm
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        a = x[0]
        p = self.p
        yb = _expand_back(F, y, self.shape, self.dims, self.keepdim)
        gb = _expand_back(F, g, self.shape, self.dims, self.keepdim)
        if p == 2:
            return (F.where(yb == 0, 0.0, gb * a / F.where(yb == 0, 1.0, yb)),)
        if p == 1:
            return (gb * F.sign(a),)
        if p == float("inf") or p == float("-inf"):
            mask = F.astype(F.abs(a) == yb, a.dtype) if not F.is_tensor else (F.abs(a) == yb).to(a.dtype)
            count = F.sum(mask, axis=self.dims, keepdims=True)
            return (gb * F.sign(a) * mask / count,)
        safe = F.where(yb == 0, 1.0, yb)
        return (F.where(yb == 0, 0.0, gb * F.sign(a) * F.abs(a) ** (p - 1) / safe ** (p - 1)),)


@numpy_names
def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """Vector p-norm over ``dim`` (all elements by default); ``'fro'`` is the 2-norm."""
    A = _float_input(input, "linalg.vector_norm") if dtype is None else input._data.astype(as_dtype(dtype).np)
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        raise NotImplementedError("the nuclear norm is not supported; use p='fro' or a number")
    p = float(p)
    dims = norm_dims(dim, A.ndim) if A.ndim and dim is not None else None
    absA = np.abs(A)
    if p == 2:
        out = np.sqrt((A * A).sum(axis=dims, keepdims=keepdim))
    elif p == float("inf"):
        out = absA.max(axis=dims, keepdims=keepdim)
    elif p == float("-inf"):
        out = absA.min(axis=dims, keepdims=keepdim)
    elif p == 0:
        out = (A != 0).sum(axis=dims, keepdims=keepdim).astype(A.dtype)
    elif p == 1:
        out = absA.sum(axis=dims, keepdims=keepdim)
    else:
        out = (absA ** p).sum(axis=dims, keepdims=keepdim) ** (1.0 / p)
    return _reduce_node(NormBackward1, np.asarray(out, dtype=A.dtype), input, dims, keepdim, p=p)


@numpy_names
def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    A = input._data
    axis = None if dim is None else wrap_dim(dim, A.ndim)
    return wrap(np.asarray(np.any(A, axis=axis, keepdims=keepdim)))


@numpy_names
def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    A = input._data
    axis = None if dim is None else wrap_dim(dim, A.ndim)
    return wrap(np.asarray(np.all(A, axis=axis, keepdims=keepdim)))


@numpy_names
def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    A = input._data
    axis = None if dim is None else norm_dims(dim, A.ndim)
    return wrap(np.asarray(np.count_nonzero(A, axis=axis), dtype=np.int64))


class CumsumBackward0(Node):
    """yᵢ = Σ_{j≤i} xⱼ.   ∂L/∂xⱼ = Σ_{i≥j} gᵢ (a reversed cumulative sum)."""

    __slots__ = ("dim", "ndim")
    dim: Any
    ndim: Any
    name = "CumsumBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        from .shape import flip

        if not self.ndim:
            return (g,)
        if F.is_tensor:
            return (flip(cumsum(flip(g, [self.dim]), self.dim), [self.dim]),)
        return (np.flip(np.cumsum(np.flip(g, self.dim), axis=self.dim), self.dim),)


@numpy_names
def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Cumulative sum along ``dim``."""
    A = input._data
    if dtype is not None:
        A = A.astype(as_dtype(dtype).np)
    elif A.dtype.kind in "biu":
        A = A.astype(np.int64)
    d = wrap_dim(dim, A.ndim)
    if A.dtype.kind == "f" and A.dtype.itemsize < 8:  # PyTorch accumulates float16/32 in double, then rounds
        out = np.cumsum(A, axis=d, dtype=np.float64).astype(A.dtype) if A.ndim else A.copy()
    else:
        out = np.cumsum(A, axis=d) if A.ndim else A.copy()
    t = wrap(np.asarray(out))
    if GRAD_ENABLED[0] and input._rg:
        node = CumsumBackward0.__new__(CumsumBackward0)
        node.dim = d
        node.ndim = A.ndim
        record(node, t, (input,))
    return t

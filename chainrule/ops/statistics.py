"""Cumulative ops, order statistics and statistics.

cumprod cummax cummin logcumsumexp diff aminmax kthvalue mode quantile nanquantile nanmean nansum
nanmedian cov corrcoef bincount histc searchsorted bucketize isin cdist dist trapezoid trapz
cumulative_trapezoid.

Cumulative ops and the selections (cummax, kthvalue, mode, nanmedian along a dim) are primitives with
PyTorch's node names; the gradient of a selection goes to the selected index (a scatter-add, as for
``max(dim)``), ties of a full reduction (``aminmax``, ``nanmedian()``) share it evenly. The rest are
composites of recorded ops (sort + gather + lerp for quantiles, matmul for ``cov``, narrow − narrow
for ``diff``), so their derivatives follow.
"""

from __future__ import annotations

import warnings
from collections import namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np

from .._dtype import _default, as_dtype
from .._errstate import silent
from ..autograd.graph import SAVE_INPUTS, SAVE_OUTPUT
from ._util import GRAD_ENABLED, Node, Tensor, make, norm_dims, numpy_names, record, wrap, wrap_dim
from .reduction import MaxBackward0, MaxBackward1, _out_shape, _reduce_node, _ReturnType, _torch_type_name

__all__ = ["cumprod", "cummax", "cummin", "logcumsumexp", "diff", "aminmax", "kthvalue", "mode", "quantile",
           "nanquantile", "nanmean", "nansum", "nanmedian", "cov", "corrcoef", "bincount", "histc", "searchsorted",
           "bucketize", "isin", "cdist", "dist", "trapezoid", "trapz", "cumulative_trapezoid"]


def _return_type(name: str) -> type:
    """``torch.return_types.<name>``: the (values, indices) named tuple of ``max(dim)``, renamed."""
    return type(name, (_ReturnType,), {"__slots__": (), "__module__": "torch.return_types"})


return_type_cummax = _return_type("cummax")
return_type_cummin = _return_type("cummin")
return_type_kthvalue = _return_type("kthvalue")
return_type_mode = _return_type("mode")
return_type_nanmedian = _return_type("nanmedian")

_MinMaxPair = namedtuple("_MinMaxPair", ["min", "max"])


class return_type_aminmax(_MinMaxPair):
    """``(min, max)``, like ``torch.return_types.aminmax``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"torch.return_types.aminmax(\nmin={self.min!r},\nmax={self.max!r})"


return_type_aminmax.__name__ = "aminmax"
return_type_aminmax.__module__ = "torch.return_types"


def _tn(dt: np.dtype) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half"}.get(str(dt)) or _torch_type_name(dt)


def _rev_cumsum(F: Any, a: Any, d: int) -> Any:
    """Σ_{i≥j} aᵢ along ``d`` (arrays or recorded tensors)."""
    if F is not np and F.is_tensor:
        from .reduction import cumsum
        from .shape import flip

        return flip(cumsum(flip(a, [d]), d), [d])
    return np.flip(np.cumsum(np.flip(a, d), axis=d), d)


# --- cumprod ------------------------------------------------------------------------------------------------

class CumprodBackward0(Node):
    """yᵢ = Π_{j≤i} xⱼ.   ∂L/∂xₖ = Σ_{i≥k} gᵢ Π_{j≤i, j≠k} xⱼ.

    Without zeros that is Σ_{i≥k} gᵢyᵢ / xₖ. With a first zero at z in a slice: for k < z the same
    formula (yᵢ = 0 for i ≥ z); for k = z, Σ_{i≥z} gᵢ·y_{z−1}·Π_{z<j≤i} xⱼ (the cumulative product with
    x_z replaced by 1); for k > z, 0 (every product keeps the factor x_z = 0)."""

    __slots__ = ("dim", "ndim")
    dim: Any
    ndim: Any
    name = "CumprodBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if not self.ndim:
            return (g,)
        d, a = self.dim, x[0]
        if F.is_tensor:
            if (a._data == 0).any():
                return (_cumprod_grad_tensor(a, g, d),)
            return (_rev_cumsum(F, g * y, d) / a,)
        return (_cumprod_grad_array(a, g, y, d),)


def _cumprod_grad_array(a: np.ndarray, g: np.ndarray, y: np.ndarray, d: int) -> np.ndarray:
    with silent():
        if a.size == 0 or not (a == 0).any():
            return _rev_cumsum(np, g * y, d) / a  # type: ignore[no-any-return]
        A, G, Y = (np.moveaxis(np.broadcast_to(t, a.shape), d, -1) for t in (a, g, y))
        n = A.shape[-1]
        zero = A == 0
        has = zero.any(-1, keepdims=True)
        z = np.where(has, np.argmax(zero, -1)[..., None], n)  # the first zero (n: none)
        k = np.arange(n)
        before = _rev_cumsum(np, G * Y, A.ndim - 1) / np.where(zero, 1, A)
        out = np.where(k < z, before, 0).astype(np.result_type(A, G))
        ones = np.where(k == z, 1, A)  # x_z replaced by 1
        at_z = np.sum(np.where(k >= z, G * np.cumprod(ones, -1), 0), -1, keepdims=True)
        out = np.where(k == z, at_z, out)
        return np.moveaxis(out, -1, d)


def _cumprod_grad_tensor(a: Tensor, g: Tensor, d: int) -> Tensor:
    """The same derivative as a recorded O(n²) computation (create_graph with zeros in the input):
    row k of M is x with xₖ replaced by 1; its cumulative product at i ≥ k is Π_{j≤i, j≠k} xⱼ."""
    from .reduction import sum as _sum
    from .selection import where
    from .shape import movedim, unsqueeze

    am, gm = movedim(a, d, -1), movedim(g, d, -1)
    n = am._data.shape[-1]
    dt = am._data.dtype
    rows = where(wrap(np.eye(n, dtype=bool)), wrap(np.ones((), dt)), unsqueeze(am, -2))
    upper = wrap(np.triu(np.ones((n, n), dtype=bool)))  # column i ≥ row k
    terms = where(upper, cumprod(rows, -1) * unsqueeze(gm, -2), wrap(np.zeros((), dt)))
    return movedim(_sum(terms, -1), -1, d)


def _cum_dtype(A: np.ndarray, dtype: Any) -> np.ndarray:
    if dtype is not None:
        return A.astype(as_dtype(dtype).np)
    if A.dtype.kind in "biu":
        return A.astype(np.int64)
    return A


@numpy_names
def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Cumulative product yᵢ = Π_{j≤i} xⱼ along ``dim`` (integers and bools give int64).

    Derivative: ∂L/∂xₖ = Σ_{i≥k} gᵢ Π_{j≤i, j≠k} xⱼ, exact when x has zeros (see CumprodBackward0)."""
    A = _cum_dtype(input._data, dtype)
    d = wrap_dim(dim, A.ndim)
    if not A.ndim:
        out = A.copy()
    elif A.dtype.kind == "f" and A.dtype.itemsize < 8:  # accumulated in double, then rounded, as PyTorch
        with silent():
            out = np.cumprod(A, axis=d, dtype=np.float64).astype(A.dtype)
    else:
        with silent():
            out = np.cumprod(A, axis=d)
    return make(CumprodBackward0, out, (input,), dim=d, ndim=A.ndim)


def cumprod_(self: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """In-place ``cumprod``."""
    from .inplace import apply_inplace

    return apply_inplace(self, cumprod, dim, dtype=dtype)


def cumsum_(self: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """In-place ``cumsum``."""
    from .inplace import apply_inplace
    from .reduction import cumsum

    return apply_inplace(self, cumsum, dim, dtype=dtype)


# --- cummax / cummin ----------------------------------------------------------------------------------------

class CummaxBackward0(MaxBackward0):
    """(values, indices) = cummax(x, dim): yᵢ = x_{idxᵢ}, so the gradients scatter-add to the indices."""

    __slots__ = ()
    name = "CummaxBackward0"


class CumminBackward0(MaxBackward0):
    __slots__ = ()
    name = "CumminBackward0"


def _cumextreme(input: Tensor, dim: int, largest: bool) -> Any:
    A = input._data
    d = wrap_dim(dim, A.ndim)
    cls, rt = (CummaxBackward0, return_type_cummax) if largest else (CumminBackward0, return_type_cummin)
    if not A.ndim or A.shape[d] == 0:
        idx = np.zeros(A.shape, dtype=np.int64)
        return rt(_reduce_node(cls, A.copy(), input, (d,), True, index=idx), wrap(idx))
    acc = np.maximum if largest else np.minimum
    vals = acc.accumulate(A, axis=d)
    hit = A == vals  # the index moves to j when xⱼ ties or beats the running extreme (or is NaN)
    if A.dtype.kind == "f":
        hit |= np.isnan(A)
    shape = [1] * A.ndim
    shape[d] = A.shape[d]
    pos = np.where(hit, np.arange(A.shape[d]).reshape(shape), 0)
    idx = np.maximum.accumulate(pos, axis=d).astype(np.int64)
    return rt(_reduce_node(cls, vals, input, (d,), True, index=idx), wrap(idx))


@numpy_names
def cummax(input: Tensor, dim: int) -> Any:
    """Running maximum along ``dim`` and where it was attained (the latest index on ties; NaN propagates).
    The gradient of yᵢ goes to x_{indicesᵢ}."""
    return _cumextreme(input, dim, True)


@numpy_names
def cummin(input: Tensor, dim: int) -> Any:
    """Running minimum along ``dim`` and its indices (see ``cummax``)."""
    return _cumextreme(input, dim, False)


# --- logcumsumexp -------------------------------------------------------------------------------------------

class LogcumsumexpBackward0(Node):
    """yᵢ = log Σ_{j≤i} e^{xⱼ}.   ∂L/∂xⱼ = Σ_{i≥j} gᵢ e^{xⱼ − yᵢ}  (each factor ≤ 1: no overflow).

    Arrays: the sum is split by the sign of g and taken in log space (a reversed logcumsumexp);
    recorded tensors: the masked (j, i) matrix of e^{xⱼ − yᵢ}, O(n²) but differentiable again."""

    __slots__ = ("dim", "ndim")
    dim: Any
    ndim: Any
    name = "LogcumsumexpBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if not self.ndim:
            return (g,)
        d, a = self.dim, x[0]
        if F.is_tensor:
            from .pointwise import exp
            from .reduction import sum as _sum
            from .selection import where
            from .shape import movedim, unsqueeze

            am, ym, gm = movedim(a, d, -1), movedim(y, d, -1), movedim(g, d, -1)
            n = am._data.shape[-1]
            upper = wrap(np.triu(np.ones((n, n), dtype=bool)))  # row j, column i ≥ j
            expo = where(upper, unsqueeze(am, -1) - unsqueeze(ym, -2), wrap(np.asarray(-np.inf, am._data.dtype)))
            return (movedim(_sum(exp(expo) * unsqueeze(gm, -2), -1), -1, d),)
        with silent():
            def rev_lcse(v: np.ndarray) -> np.ndarray:
                return np.flip(np.logaddexp.accumulate(np.flip(v, d), axis=d), d)  # type: ignore[no-any-return]

            pos = np.log(np.where(g > 0, g, 0)) - y
            neg = np.log(np.where(g < 0, -g, 0)) - y
            out = np.exp(a + rev_lcse(pos)) - np.exp(a + rev_lcse(neg))
        return (out.astype(np.result_type(a, g), copy=False),)


@numpy_names
def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """yᵢ = log Σ_{j≤i} e^{xⱼ} along ``dim``, computed stably (a running log-add-exp).

    Derivative: ∂L/∂xⱼ = Σ_{i≥j} gᵢ e^{xⱼ − yᵢ}."""
    A = input._data
    if A.dtype.kind != "f":
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{_tn(A.dtype)}'")
    d = wrap_dim(dim, A.ndim)
    with silent():
        out = np.logaddexp.accumulate(A, axis=d) if A.ndim else A.copy()
    return make(LogcumsumexpBackward0, out, (input,), dim=d, ndim=A.ndim)


# --- diff ---------------------------------------------------------------------------------------------------

def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """n-th forward difference along ``dim``: out[i] = x[i+1] − x[i], applied ``n`` times (after
    concatenating ``prepend`` and ``append``); bool tensors use xor. Linear, so ∂out/∂x is the transposed
    difference operator (it follows from the recorded narrow and sub)."""
    from .arith import logical_xor, sub
    from .shape import cat, narrow

    A = input._data
    if A.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, A.ndim)
    parts = []
    for label, extra in (("prepend", prepend), ("append", append)):
        if extra is None:
            continue
        if not isinstance(extra, Tensor):
            raise TypeError(f"diff(): argument '{label}' must be Tensor, not {type(extra).__name__}")
        E = extra._data
        if E.ndim != A.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        for i in range(A.ndim):
            if i != d and E.shape[i] != A.shape[i]:
                raise RuntimeError(
                    "diff expects the shape of tensor to prepend or append to match that of input except along "
                    f"the differencing dimension; input.size({i}) = {A.shape[i]}, but got tensor.size({i}) = "
                    f"{E.shape[i]}")
    if prepend is not None or append is not None:
        parts = [t for t in (prepend, input, append) if t is not None]
        x = cat(parts, d)
    else:
        x = input
    if n == 0:
        from .cast import clone

        return clone(x)
    for _ in range(n):
        length = x._data.shape[d]
        if length == 0:
            break
        hi, lo = narrow(x, d, 1, length - 1), narrow(x, d, 0, length - 1)
        x = logical_xor(hi, lo) if x._data.dtype == np.bool_ else sub(hi, lo)
    return x


# --- aminmax ------------------------------------------------------------------------------------------------

class AminmaxBackward0(MaxBackward1):
    """min and max over ``dim`` (or all): ties share the gradient evenly, as PyTorch."""

    __slots__ = ()
    name = "AminmaxBackward0"


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False) -> Any:
    """``(min, max)`` over ``dim`` (all elements by default), as ``torch.return_types.aminmax``."""
    A = input._data
    if dim is None:
        if A.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                               "no identity.")
        dims = None
        lo, hi = A.min(keepdims=keepdim), A.max(keepdims=keepdim)
    else:
        d = wrap_dim(dim, A.ndim)
        if A.ndim and A.shape[d] == 0:
            raise IndexError(f"aminmax(): Expected reduction dim {d} to have non-zero size.")
        dims = (d,) if A.ndim else None
        lo, hi = A.min(axis=dims, keepdims=keepdim), A.max(axis=dims, keepdims=keepdim)
    if A.dtype.kind == "f" and A.size:  # a NaN anywhere in a slice makes both results NaN
        nan = np.isnan(A).any(axis=dims, keepdims=keepdim)
        lo, hi = np.where(nan, np.nan, lo).astype(A.dtype), np.where(nan, np.nan, hi).astype(A.dtype)
    return return_type_aminmax(_reduce_node(AminmaxBackward0, np.asarray(lo), input, dims, keepdim),
                               _reduce_node(AminmaxBackward0, np.asarray(hi), input, dims, keepdim))


# --- kthvalue / mode / nanmedian ----------------------------------------------------------------------------

class KthvalueBackward0(MaxBackward0):
    """(values, indices) = kthvalue(x, k, dim): the gradient goes to the selected index."""

    __slots__ = ()
    name = "KthvalueBackward0"


class ModeBackward0(MaxBackward0):
    __slots__ = ()
    name = "ModeBackward0"


class NanmedianBackward1(MaxBackward0):
    __slots__ = ()
    name = "NanmedianBackward1"


class NanmedianBackward0(MaxBackward1):
    """nanmedian() over all elements: ties (or, for an all-NaN input, the NaNs) share the gradient evenly."""

    __slots__ = ()
    name = "NanmedianBackward0"


def _select(input: Tensor, d: int, keepdim: bool, idx: np.ndarray, cls: type[Node], rt: type) -> Any:
    """Values at ``idx`` (kept-dim index array along d) as (values, indices) with a scatter-back node."""
    A = input._data
    vals = np.take_along_axis(A, idx, axis=d)
    if not keepdim:
        vals, idx = np.squeeze(vals, d), np.squeeze(idx, d)
    return rt(_reduce_node(cls, vals, input, (d,), keepdim, index=idx), wrap(np.asarray(idx, dtype=np.int64)))


def _scalar_select(input: Tensor, cls: type[Node], rt: type) -> Any:
    idx = np.zeros((), dtype=np.int64)
    node: Any = None
    t = wrap(input._data.copy())
    if GRAD_ENABLED[0] and input._rg:
        node = cls.__new__(cls)
        node.dims, node.keepdim, node.shape, node.index = (0,), False, (), idx
        record(node, t, (input,))
    return rt(t, wrap(idx))


return_type_median = _return_type("median")


class MedianBackward1(MaxBackward0):
    __slots__ = ()
    name = "MedianBackward1"


class MedianBackward0(MaxBackward1):
    """median() over all elements: ties (or the NaNs, when the median is NaN) share the gradient evenly."""

    __slots__ = ()
    name = "MedianBackward0"


def median(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median, the ((n − 1)//2)-th smallest (PyTorch's choice for an even count); NaN if any
    element is NaN. With ``dim``: ``torch.return_types.median`` (values, indices), ties resolved to the
    first occurrence (the first NaN for a slice holding NaN) and the gradient to that element; without,
    ties share the gradient evenly, as PyTorch's."""
    A = input._data
    if dim is None:
        if A.size == 0:
            return wrap(np.asarray(np.nan, dtype=A.dtype))
        flat = A.reshape(-1)
        has_nan = A.dtype.kind == "f" and bool(np.isnan(flat).any())
        out = np.nan if has_nan else np.sort(flat)[(flat.size - 1) // 2]
        return _reduce_node(MedianBackward0, np.asarray(out, dtype=A.dtype), input, None, False)
    d = wrap_dim(dim, A.ndim) if A.ndim else 0
    if not A.ndim:
        return _scalar_select(input, MedianBackward1, return_type_median)
    if A.shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    order = np.argsort(A, axis=d, kind="stable")  # NaNs last, in their original order
    if A.dtype.kind == "f":
        count = (~np.isnan(A)).sum(axis=d, keepdims=True)
        k = np.where(count < A.shape[d], count, (A.shape[d] - 1) // 2)  # a NaN in the slice: its first NaN
    else:
        k = np.full(_out_shape(A.shape, (d,), True), (A.shape[d] - 1) // 2)
    idx = np.take_along_axis(order, k, axis=d).astype(np.int64)
    return _select(input, d, keepdim, idx, MedianBackward1, return_type_median)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The k-th smallest element along ``dim`` (NaN counts as largest) and its index, as
    ``torch.return_types.kthvalue``; the gradient goes to that element."""
    A = input._data
    d = wrap_dim(dim, A.ndim)
    n = A.shape[d] if A.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if not A.ndim:
        return _scalar_select(input, KthvalueBackward0, return_type_kthvalue)
    order = np.argsort(A, axis=d, kind="stable")
    idx = np.take(order, [k - 1], axis=d).astype(np.int64)
    return _select(input, d, keepdim, idx, KthvalueBackward0, return_type_kthvalue)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> Any:
    """The most frequent value along ``dim`` (the smallest on a tie in counts) and the index of its last
    occurrence, as ``torch.return_types.mode``; the gradient goes to that element."""
    A = input._data
    d = wrap_dim(dim, A.ndim)
    if not A.ndim:
        return _scalar_select(input, ModeBackward0, return_type_mode)
    if A.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    rows = np.moveaxis(A, d, -1).reshape(-1, A.shape[d])
    n = rows.shape[1]
    found = np.empty(rows.shape[0], dtype=np.int64)
    for r, row in enumerate(rows):
        vals, counts = np.unique(row, return_counts=True)
        v = vals[np.argmax(counts)]
        found[r] = n - 1 - int(np.argmax((row == v)[::-1]))
    idx = np.expand_dims(found.reshape(np.moveaxis(A, d, -1).shape[:-1]), -1)
    return _select(input, d, keepdim, np.moveaxis(idx, -1, d), ModeBackward0, return_type_mode)


def nanmedian(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median ignoring NaNs (NaN if all are NaN). With ``dim``, ``torch.return_types.nanmedian``
    (values, indices) and the gradient to the selected element; without, ties share it evenly."""
    A = input._data
    if dim is None:
        if A.size == 0:
            return wrap(np.asarray(np.nan, dtype=A.dtype))
        flat = A.reshape(-1)
        valid = flat[~np.isnan(flat)] if A.dtype.kind == "f" else flat
        out = np.sort(valid)[(valid.size - 1) // 2] if valid.size else np.nan
        return _reduce_node(NanmedianBackward0, np.asarray(out, dtype=A.dtype), input, None, False)
    d = wrap_dim(dim, A.ndim)
    if not A.ndim:
        return _scalar_select(input, NanmedianBackward1, return_type_nanmedian)
    if A.shape[d] == 0:
        raise IndexError(f"nanmedian(): Expected reduction dim {d} to have non-zero size.")
    order = np.argsort(A, axis=d, kind="stable")  # NaNs last
    count = (~np.isnan(A)).sum(axis=d, keepdims=True) if A.dtype.kind == "f" else np.full(
        _out_shape(A.shape, (d,), True), A.shape[d])
    k = np.where(count == 0, (A.shape[d] - 1) // 2, (count - 1) // 2)  # all NaN: the middle NaN
    idx = np.take_along_axis(order, k, axis=d).astype(np.int64)
    return _select(input, d, keepdim, idx, NanmedianBackward1, return_type_nanmedian)


# --- quantile / nanquantile ---------------------------------------------------------------------------------

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input: Tensor, q: Any, dim: Any, keepdim: bool, interpolation: str, ignore_nan: bool) -> Tensor:
    from .selection import where
    from .shape import gather, movedim, reshape
    from .sorting import sort

    fn = "quantile()"  # PyTorch's messages say quantile() for nanquantile too
    A = input._data
    if A.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{fn} input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        Q = q._data
        if Q.ndim > 1:
            raise RuntimeError(f"{fn} q must be a scalar or 1D tensor")
        if Q.dtype != A.dtype:
            raise RuntimeError(f"{fn} q tensor must be same dtype as the input tensor")
        if not ((Q >= 0) & (Q <= 1)).all():
            raise RuntimeError(f"{fn} q values must be in the range [0, 1]")
        scalar = Q.ndim == 0
        qs = Q.reshape(-1)
    else:
        if not 0 <= float(q) <= 1:
            raise RuntimeError(f"{fn} q must be in the range [0, 1] but got {q}")
        scalar = True
        qs = np.asarray([q], dtype=A.dtype)
    if A.size == 0:
        raise RuntimeError(f"{fn} input tensor must be non-empty")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{fn} interpolation must be one of linear, lower, higher, midpoint or nearest, but "
                           f"got {interpolation}")
    if dim is None:
        x = reshape(input, (-1,))
        out_shape: tuple[int, ...] = (1,) * A.ndim if keepdim else ()
    else:
        d = wrap_dim(dim, A.ndim)
        x = movedim(input, d, -1) if A.ndim else reshape(input, (1,))
        out_shape = _out_shape(A.shape, (d,), keepdim) if A.ndim else ()
    s = sort(x, -1).values  # NaNs last
    S = s._data
    n = S.shape[-1]
    batch = S.shape[:-1]
    nan = np.isnan(S)
    if ignore_nan:
        valid = (~nan).sum(-1)
        fill, at = valid == 0, 0  # all NaN: the first (NaN) element
    else:
        valid = np.full(batch, n)
        fill, at = nan[..., -1], n - 1  # any NaN (sorted last): the result is that NaN
    ranks = (qs.reshape((-1,) + (1,) * len(batch)) * (valid - 1).astype(A.dtype)).astype(A.dtype)
    ranks = np.where(fill, A.dtype.type(at), ranks)  # shape (Q, *batch)
    lo = np.floor(ranks)
    if interpolation == "lower":
        picks = [lo]
    elif interpolation == "higher":
        picks = [np.ceil(ranks)]
    elif interpolation == "nearest":
        picks = [np.round(ranks)]  # half to even, as torch.round
    else:
        picks = [lo, np.ceil(ranks)]

    def take(r: np.ndarray) -> Tensor:  # (*batch, Q) gathered from the sorted values
        return gather(s, -1, wrap(np.moveaxis(r.astype(np.int64), 0, -1)))

    if len(picks) == 1:
        r = take(picks[0])
    else:
        below, above = take(picks[0]), take(picks[1])
        w = np.moveaxis(ranks - lo if interpolation == "linear" else np.full_like(ranks, 0.5), 0, -1)
        wt, w1 = wrap(w.astype(A.dtype)), wrap((1 - w).astype(A.dtype))
        step = above - below
        r = where(wrap(w < 0.5), below + wt * step, above - step * w1)  # PyTorch's lerp
    r = movedim(r, -1, 0)  # (Q, *batch)
    return reshape(r, out_shape if scalar else (qs.size,) + out_shape)


def quantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The q-th quantiles along ``dim`` (of all elements by default): with the sorted values v and rank
    r = q·(n − 1), ``linear`` gives v⌊r⌋ + (r − ⌊r⌋)(v⌈r⌉ − v⌊r⌋) ('lower', 'higher', 'nearest',
    'midpoint' pick ⌊r⌋, ⌈r⌉, round(r), or the mean of both). A 1-D ``q`` adds a leading dim. A slice with
    a NaN gives NaN. Differentiable in ``input`` through the sort (the weights depend on q only)."""
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    """``quantile`` ignoring NaNs (rank q·(n_valid − 1)); an all-NaN slice gives NaN."""
    return _quantile(input, q, dim, keepdim, interpolation, True)


# --- nansum / nanmean ---------------------------------------------------------------------------------------

class NansumBackward0(Node):
    """y = Σ xᵢ over the non-NaN elements.   ∂y/∂xᵢ = [xᵢ is not NaN]."""

    __slots__ = ("dims", "keepdim", "shape")
    dims: Any
    keepdim: Any
    shape: Any
    name = "NansumBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        from .reduction import _expand_back

        a = x[0]._data if F.is_tensor else x[0]
        keep = F.const(~np.isnan(a), g)
        return (_expand_back(F, g, self.shape, self.dims, self.keepdim) * keep,)


def _dims(dim: Any, ndim: int) -> tuple[int, ...] | None:
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0) or not ndim:
        if ndim == 0 and dim is not None and not isinstance(dim, (list, tuple)):
            wrap_dim(dim, 0)
        return None
    return norm_dims(dim, ndim)


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Σ over ``dim`` treating NaN as zero (integers and bools sum to int64).
    Derivative: 1 for each non-NaN element, 0 for the NaNs."""
    A = _cum_dtype(input._data, dtype)
    dims = _dims(dim, A.ndim)
    with silent():
        out = np.nansum(A, axis=dims, keepdims=keepdim) if A.dtype.kind == "f" else A.sum(axis=dims,
                                                                                            keepdims=keepdim)
    return _reduce_node(NansumBackward0, np.asarray(out, dtype=A.dtype), input, dims, keepdim)


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """The mean of the non-NaN elements: nansum(x) / count(not NaN) (NaN when there are none).
    Derivative: 1/count for each non-NaN element."""
    from .arith import div, logical_not
    from .pointwise import isnan
    from .reduction import sum as _sum

    A = input._data
    if dtype is None and A.dtype.kind != "f":
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_tn(A.dtype)}")
    dims = _dims(dim, A.ndim)
    red = dims if dims is not None else (tuple(range(A.ndim)) or None)
    mask = logical_not(isnan(input))
    count = _sum(mask, red, keepdim) if red is not None else _sum(mask)
    total = nansum(input, red, keepdim, dtype=dtype)
    with silent():
        return div(total, count)


# --- cov / corrcoef -----------------------------------------------------------------------------------------

def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:
    """Covariance of the rows (variables) over the columns (observations), with weights w = fweights·aweights:
    x̄ = Σ wⱼxⱼ / Σ w,  C = (x − x̄) diag(w) (x − x̄)ᵀ / (Σ w − c·Σ(w·a)/Σ w) (plain N − c unweighted).
    Size-1 dims are squeezed. Differentiable in ``input`` and ``aweights`` (a composite of recorded ops)."""
    from .arith import div, mul, sub
    from .cast import cast
    from .linalg import mm
    from .reduction import mean
    from .reduction import sum as _sum
    from .shape import reshape, squeeze, transpose, unsqueeze

    A = input._data
    if A.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{A.ndim} dimensions")
    x = input if A.ndim == 2 else reshape(input, (1, -1))
    N = x._data.shape[1]
    for label, wt, kinds, what in (("fweights", fweights, "iu", "integral"), ("aweights", aweights, "f",
                                                                                "floating point")):
        if wt is None:
            continue
        W = wt._data
        if W.ndim > 1:
            raise RuntimeError(f"cov(): expected {label} to have one or fewer dimensions but got {label} with "
                               f"{W.ndim} dimensions")
        if W.size != N:
            raise RuntimeError(f"cov(): expected {label} to have the same numel as there are observations in the "
                               f"input but got {W.size} != {N}")
        if W.dtype.kind not in kinds:
            raise RuntimeError(f"cov(): expected {label} to have {what} dtype but got {label} with "
                               f"{_tn(W.dtype)} dtype")
        if (W < 0).any():
            raise RuntimeError(f"cov(): {label} cannot be negative")
    if A.dtype.kind == "f":
        dt = np.result_type(A.dtype, aweights._data.dtype) if aweights is not None else A.dtype
    else:
        dt = aweights._data.dtype if aweights is not None else _default[0].np
    if x._data.dtype != dt:
        x = cast(x, dt)
    w: Any = None
    if fweights is not None:
        w = reshape(fweights, (-1,))
    if aweights is not None:
        a = reshape(aweights, (-1,))
        w = a if w is None else mul(w, a)
    if w is None:
        avg = mean(x, 1) if N else wrap(np.full((x._data.shape[0],), np.nan, dtype=dt))
        norm: Any = float(N - correction)
    else:
        wsum = _sum(w)
        avg = div(_sum(mul(x, w), 1), wsum)
        if correction == 0:
            norm = wsum
        elif aweights is None:
            norm = sub(wsum, correction)
        else:
            norm = sub(wsum, div(mul(_sum(mul(w, reshape(aweights, (-1,)))), correction), wsum))
    nv = norm._data if isinstance(norm, Tensor) else norm
    if nv <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
        norm = 0.0 if not isinstance(norm, Tensor) else wrap(np.zeros((), dtype=norm._data.dtype))
    xm = sub(x, unsqueeze(avg, 1))
    xw = xm if w is None else mul(xm, w)
    with silent():
        c = div(mm(xm, transpose(xw, 0, 1)), norm)
    return squeeze(c)


def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients: Rᵢⱼ = Cᵢⱼ / √(Cᵢᵢ Cⱼⱼ) with C = cov(input), clamped to [−1, 1]."""
    from .arith import div
    from .pointwise import sqrt
    from .selection import clamp
    from .shape import unsqueeze
    from .sorting import diagonal_

    c = cov(input)
    with silent():
        if c._data.ndim == 0:
            return div(c, c)
        sd = sqrt(diagonal_(c, 0))
        c = div(div(c, unsqueeze(sd, 1)), unsqueeze(sd, 0))
    return clamp(c, -1, 1)


# --- bincount / histc ---------------------------------------------------------------------------------------

def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """Counts of each non-negative integer in a 1-D tensor (or the sums of ``weights`` per value); length
    max(input) + 1, at least ``minlength``. Not differentiable."""
    A = input._data
    if A.dtype.kind not in "iub":
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{_tn(A.dtype)}'")
    if A.ndim != 1 or (A.size and A.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return wrap(np.bincount(A, minlength=minlength).astype(np.int64))
    W = weights._data
    if W.ndim != 1 or W.shape[0] != A.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = W.dtype if W.dtype.kind == "f" else np.dtype(np.float64)
    return wrap(np.bincount(A, weights=W.astype(np.float64), minlength=minlength).astype(dt))


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """Histogram of ``bins`` equal-width bins on [min, max] (the data's range when min = max = 0; widened
    by 1 each side if that is one point). Values outside are ignored; ``max`` falls in the last bin."""
    A = input._data
    if A.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{_tn(A.dtype)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = A.dtype.type(min), A.dtype.type(max)
    if lo == hi and A.size:
        lo, hi = A.min(), A.max()
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_fmt(lo)}, {_fmt(hi)}] is not finite")
    flat = A.reshape(-1)
    inside = flat[(flat >= lo) & (flat <= hi)]
    with silent():
        pos = ((inside - lo) / (hi - lo) * A.dtype.type(bins)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)
    return wrap(np.bincount(pos, minlength=bins).astype(A.dtype))


def _fmt(v: Any) -> str:
    v = float(v)
    if np.isnan(v):
        return "-nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:g}"


# --- searchsorted / bucketize / isin ------------------------------------------------------------------------

def searchsorted(sorted_sequence: Tensor, values: Any, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None) -> Tensor:
    """Indices i such that inserting each value before index i keeps each innermost row of
    ``sorted_sequence`` sorted: the first i with s[i] ≥ v (``right``/``side='right'``: s[i] > v)."""
    S = sorted_sequence._data
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    if S.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    if isinstance(values, Tensor):
        V = values._data
        if S.ndim > 1 and (V.ndim != S.ndim or V.shape[:-1] != S.shape[:-1]):
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                f"boundaries tensor and input value tensor must match, but we got boundaries tensor {list(S.shape)} "
                f"and input value tensor {list(V.shape)}")
    else:
        V = np.asarray(values)
        if S.ndim != 1:
            raise RuntimeError("torch.searchsorted(): input value can be a scalar only when boundaries tensor "
                               f"dimension is 1, but we got boundaries tensor dim({S.ndim}) and input value's "
                               "dim(0) numel(1)")
    if sorter is not None:
        O = sorter._data
        if O.shape != S.shape:
            raise RuntimeError("torch.searchsorted(): boundary and sorter must have the same size, but got "
                               f"boundary tensor {list(S.shape)}and got sorter tensor {list(O.shape)}")
        S = np.take_along_axis(S, O, axis=-1)
    how: Any = "right" if right else "left"
    if S.ndim == 1:
        out = np.searchsorted(S, V, side=how)
    else:
        rows_s = S.reshape(-1, S.shape[-1])
        rows_v = V.reshape(-1, V.shape[-1])
        out = np.stack([np.searchsorted(s, v, side=how) for s, v in zip(rows_s, rows_v)]).reshape(V.shape)
    return wrap(np.asarray(out, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """The bucket of each element among 1-D ``boundaries``: the i with b[i−1] < x ≤ b[i]
    (``right``: b[i−1] ≤ x < b[i]), i.e. ``searchsorted(boundaries, input)``."""
    B = boundaries._data
    if B.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({B.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each element of ``elements`` occurs in ``test_elements`` (negated with ``invert``);
    either may be a scalar."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got ({type(elements).__name__}, "
                        f"{type(test_elements).__name__}), but expected one of: (Tensor elements, Tensor "
                        "test_elements), (Number element, Tensor test_elements), (Tensor elements, Number "
                        "test_element)")
    E = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    T = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return wrap(np.asarray(np.isin(E, T, assume_unique=assume_unique, invert=invert)))


# --- cdist / dist -------------------------------------------------------------------------------------------

def _pnorm_grad(F: Any, dd: Any, D: Any, p: float) -> Any:
    """∂‖d‖ₚ/∂d for differences ``dd`` against norms ``D`` broadcast to them: sign(d)|d|ᵖ⁻¹/Dᵖ⁻¹,
    0 where D = 0 (and, for p < 1, where d = 0); p = ∞: sign(d) on the maximal |d|, ties sharing evenly."""
    Dv = D._data if F.is_tensor else D
    zero = Dv == 0
    if p == 0:
        return dd * 0
    if p == 1:
        return F.sign(dd)
    if p == 2:
        return F.where(zero, dd * 0, dd / (D + F.const(zero, D)))
    if p == float("inf"):
        dv = dd._data if F.is_tensor else dd
        hit = np.abs(dv) == Dv
        return F.sign(dd) * F.const(hit, dd)
    mag = F.abs(dd)
    dv = dd._data if F.is_tensor else dd
    bad = zero | (dv == 0) if p < 1 else np.broadcast_to(zero, dv.shape)
    safe_mag = mag + F.const(dv == 0, dd) if p < 1 else mag
    safe_D = D + F.const(zero, D)
    with silent():
        val = F.sign(dd) * safe_mag ** (p - 1) / safe_D ** (p - 1)
    return F.where(bad, dd * 0, val)


class CdistBackward0(Node):
    """D_{pr} = ‖x1_p − x2_r‖ₚ.   ∂D/∂x1_p = ∂‖d‖ₚ/∂d (d = x1_p − x2_r), ∂D/∂x2_r = −the same;
    0 where D = 0 (PyTorch's convention at coincident points)."""

    __slots__ = ("p",)
    p: Any
    name = "CdistBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        dd = F.expand_dims(a, -2) - F.expand_dims(b, -3)  # (..., P, R, M)
        D = F.expand_dims(y, -1)
        gd = _pnorm_grad(F, dd, D, self.p) * F.expand_dims(g, -1)
        return F.sum(gd, axis=-2), -F.sum(gd, axis=-3)


def _pdist_array(dd: np.ndarray, p: float, axis: Any) -> np.ndarray:
    with silent():
        if p == 2:
            return np.sqrt(np.sum(dd * dd, axis=axis))  # type: ignore[no-any-return]
        if p == 1:
            return np.sum(np.abs(dd), axis=axis)  # type: ignore[no-any-return]
        if p == 0:
            return np.sum(dd != 0, axis=axis).astype(dd.dtype)  # type: ignore[no-any-return]
        if p == float("inf"):
            return np.max(np.abs(dd), axis=axis, initial=0)  # type: ignore[no-any-return]
        return np.sum(np.abs(dd) ** p, axis=axis) ** (1.0 / p)  # type: ignore[no-any-return]


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """Pairwise p-norm distances between the rows of x1 (..., P, M) and x2 (..., R, M) → (..., P, R)
    (batch dims broadcast). Gradient: sign(d)|d|ᵖ⁻¹/Dᵖ⁻¹ per pair, 0 at D = 0."""
    A, B = x1._data, x2._data
    if A.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {A.ndim}D")
    if B.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {B.ndim}D")
    if A.dtype.kind != "f":
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {_tn(A.dtype)}")
    if B.dtype.kind != "f":
        raise RuntimeError(f"cdist only supports floating-point dtypes, X2 got: {_tn(B.dtype)}")
    if A.shape[-1] != B.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {A.shape[-1]} X2: {B.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if A.dtype != B.dtype:
        raise RuntimeError(f"expected scalar type {_tn(A.dtype)} but found {_tn(B.dtype)}")
    if compute_mode not in ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                            "donot_use_mm_for_euclid_dist"):
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    _broadcast_batch(A.shape[:-2], B.shape[:-2])
    P, R = A.shape[-2], B.shape[-2]
    use_mm = p == 2 and (compute_mode == "use_mm_for_euclid_dist" or (
        compute_mode == "use_mm_for_euclid_dist_if_necessary" and (P > 25 or R > 25)))
    if use_mm:  # ‖a‖² + ‖b‖² − 2a·b, clamped at 0 (PyTorch's route for larger inputs)
        with silent():
            sq = (np.sum(A * A, -1)[..., :, None] + np.sum(B * B, -1)[..., None, :]
                  - 2 * np.matmul(A, np.swapaxes(B, -1, -2)))
            out = np.sqrt(np.maximum(sq, 0))
    else:
        out = _pdist_array(A[..., :, None, :] - B[..., None, :, :], float(p), -1)
    return make(CdistBackward0, np.asarray(out, dtype=A.dtype), (x1, x2), p=float(p))


def _broadcast_batch(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    n = len(a) - len(b)
    ra, rb = (1,) * -n + a if n < 0 else a, (1,) * n + b if n > 0 else b
    for i, (s, t) in enumerate(zip(ra, rb)):
        if s != t and s != 1 and t != 1:
            raise RuntimeError(f"The size of tensor a ({s}) must match the size of tensor b ({t}) at non-singleton "
                               f"dimension {i}")
    return tuple(s if t == 1 else t for s, t in zip(ra, rb))


class DistBackward0(Node):
    """y = ‖a − b‖ₚ over all elements.   ∂y/∂a = sign(d)|d|ᵖ⁻¹/yᵖ⁻¹ (0 at y = 0; p = ∞: ties share
    evenly), ∂y/∂b = −∂y/∂a."""

    __slots__ = ("p",)
    p: Any
    name = "DistBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        dd = x[0] - x[1]
        if self.p == float("inf"):
            dv = dd._data if F.is_tensor else dd
            yv = y._data if F.is_tensor else y
            hit = np.abs(dv) == yv
            gd = F.sign(dd) * F.const(hit / max(int(hit.sum()), 1), dd)
        else:
            gd = _pnorm_grad(F, dd, y, self.p)
        return g * gd, -(g * gd)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """‖input − other‖ₚ over all elements (broadcast together), a 0-d tensor."""
    from ._util import promote_pair

    a, b, A, B = promote_pair(input, other)
    if A.dtype.kind != "f":
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{_tn(A.dtype)} Instead.".replace(" Instead.", " instead."))
    try:
        dd = A - B
    except ValueError:
        _broadcast_batch(A.shape, B.shape)
        raise
    out = _pdist_array(dd.reshape(-1), float(p), None)
    return make(DistBackward0, np.asarray(out, dtype=A.dtype), (a, b), p=float(p))


# --- trapezoid ----------------------------------------------------------------------------------------------

def _float_y(y: Tensor) -> Tensor:
    from .cast import cast

    return y if y._data.dtype.kind == "f" else cast(y, _default[0].np)


def _spacing(y: Tensor, x: Tensor, d: int) -> Tensor:
    """Δx along ``d`` shaped to broadcast against the intervals of y."""
    from .shape import reshape

    X = x._data
    n = y._data.shape[d]
    if X.ndim == 1:
        if X.shape[0] != n:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        shape = [1] * y._data.ndim
        shape[d] = max(n - 1, 0)
        return reshape(diff(x), tuple(shape))
    return diff(x, dim=d - y._data.ndim)


def _check_x(x: Any, fn: str) -> None:
    if x is not None and not isinstance(x, Tensor):
        raise TypeError(f"{fn}() received an invalid combination of arguments - got (Tensor, "
                        f"{type(x).__name__}), but expected one of: (Tensor y, Tensor x, *, int dim), "
                        "(Tensor y, *, Number dx, int dim)")


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """∫ y along ``dim`` by the trapezoidal rule: Σᵢ (xᵢ₊₁ − xᵢ)(yᵢ + yᵢ₊₁)/2, or with a constant
    spacing dx (default 1): dx·(Σ y − (y₀ + yₙ₋₁)/2). Linear in y; differentiable in y and x."""
    from .arith import add, div, mul, sub
    from .reduction import sum as _sum
    from .shape import narrow

    _check_x(x, "trapezoid")
    d = wrap_dim(dim, y._data.ndim)
    yf = _float_y(y)
    n = yf._data.shape[d]
    if n == 0:  # no intervals: zeros, outside the graph (as PyTorch)
        return wrap(np.zeros(_out_shape(yf._data.shape, (d,), False), dtype=yf._data.dtype))
    if x is not None:
        left, right = narrow(yf, d, 0, n - 1), narrow(yf, d, 1, n - 1)
        return div(_sum(mul(_spacing(yf, x, d), add(left, right)), d), 2.0)
    ends = add(narrow(yf, d, 0, 1), narrow(yf, d, n - 1, 1))
    from .shape import squeeze

    return mul(sub(_sum(yf, d), mul(squeeze(ends, d), 0.5)), 1 if dx is None else dx)


def trapz(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The older name of ``trapezoid`` (same rule and arguments)."""
    _check_x(x, "trapz")
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral: out[k] = Σ_{i≤k} Δxᵢ (yᵢ + yᵢ₊₁)/2 (one element shorter than y
    along ``dim``). Linear in y; differentiable in y and x."""
    from .arith import add, div, mul
    from .reduction import cumsum
    from .shape import narrow

    _check_x(x, "cumulative_trapezoid")
    d = wrap_dim(dim, y._data.ndim)
    yf = _float_y(y)
    n = yf._data.shape[d]
    if n == 0:
        return cumsum(yf, d)
    pairs = add(narrow(yf, d, 0, n - 1), narrow(yf, d, 1, n - 1))
    if x is not None:
        return div(cumsum(mul(_spacing(yf, x, d), pairs), d), 2.0)
    return cumsum(mul(pairs, (1 if dx is None else dx) / 2.0), d)


# Tensor methods this family adds: method name -> function (the tensor is the first argument)
METHODS: dict[str, Callable[..., Any]] = {
    "cumprod": cumprod, "cumprod_": cumprod_, "cumsum_": cumsum_, "cummax": cummax, "cummin": cummin,
    "logcumsumexp": logcumsumexp, "diff": diff, "aminmax": aminmax, "kthvalue": kthvalue, "mode": mode,
    "quantile": quantile, "nanquantile": nanquantile, "nanmean": nanmean, "nansum": nansum,
    "nanmedian": nanmedian, "cov": cov, "corrcoef": corrcoef, "bincount": bincount, "histc": histc, "dist": dist,
}

"""Scatter and index ops: write (or add, or reduce) values into chosen positions of a copy of the input.

Notation: ``idx(I, d)`` is the position set of a scatter along ``d``: element ``j`` of ``src`` (over the
index's shape) goes to ``out[j with coordinate d replaced by I[j]]``.

* ``scatter``:  out = x, then out[idx] = src.   ∂L/∂x = G with zeros at idx;  ∂L/∂src = gather(G, d, I)
  (zeros outside the index's region of ``src``).
* ``scatter_add``: out = x + Σ src at idx.      ∂L/∂x = G;  ∂L/∂src = gather(G, d, I).
* ``scatter_reduce``: out[p] = reduce(x[p] (if include_self), src[j] for all j sent to p).
  sum: as scatter_add.  mean: ∂/∂ each member = G / N (N members).  amax/amin: G shared evenly by the
  members equal to the result.  prod: G times the product of the other members.
* ``index_add``: out = x; out[..., I[k], ...] += α·src[..., k, ...].   ∂L/∂x = G;  ∂L/∂src = α·G[..., I, ...].
* ``index_copy`` / ``index_fill``: overwrite slices;  ∂L/∂x = G with the slices zeroed, the source
  (value) gets G at the slices (summed for a value).
* ``take`` / ``put``: the same on the flattened tensor;  ``take_along_dim``: a broadcast ``gather``.
* ``masked_scatter``: out[mask] = source[:k] in row-major order.  ∂L/∂x = G where not mask;
  ∂L/∂source = G[mask] in its first k elements.
* ``index_put``: ``out[indices] = values`` (or ``+=`` with accumulate).

The backward formulas call these same functions on Tensors in a ``create_graph`` pass, so every gradient
here is itself differentiable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..autograd.graph import SAVE_INPUTS, SAVE_OUTPUT, SAVE_STATE
from ._util import Node, Tensor, make, wrap, wrap_dim
from .inplace import apply_inplace

__all__: list[str] = ["scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill",
                      "take", "take_along_dim", "masked_scatter", "put", "index_put"]

_TN = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
       "bool": "Bool", "int16": "Short", "int8": "Char", "uint8": "Byte"}
_INT_INDEX = (np.dtype(np.int64), np.dtype(np.int32))


def _tn(dt: np.dtype) -> str:
    return _TN.get(str(dt), str(dt))


def _shape(x: Any) -> tuple[int, ...]:
    return x._data.shape if isinstance(x, Tensor) else np.shape(x)  # type: ignore[no-any-return]


def _need_tensor(fn: str, arg: str, pos: int, value: Any) -> None:
    if not isinstance(value, Tensor):
        from ._util import arg_type_error

        raise arg_type_error(fn, arg, pos, value)


# --- shared pieces of the backward formulas (array or Tensor, see "one formula, two speeds") --------------

def _positions(shape: tuple[int, ...], d: int, I: np.ndarray) -> tuple[Any, ...]:
    """The advanced index of a scatter/gather along ``d`` with index ``I`` (of shape ``shape``)."""
    idx: list[Any] = list(np.indices(shape, sparse=True))
    idx[d] = I
    return tuple(idx)


def _region(I: np.ndarray) -> tuple[slice, ...]:
    return tuple(slice(0, n) for n in I.shape)


def _gather(F: Any, g: Any, d: int, I: np.ndarray) -> Any:
    if F.is_tensor:
        from .shape import gather

        return gather(g, d, wrap(I))
    return g[_positions(I.shape, d, I)]


def _zero_at(F: Any, g: Any, d: int, I: np.ndarray) -> Any:
    """``g`` with zeros where a scatter along ``d`` wrote."""
    if F.is_tensor:
        return scatter(g, d, wrap(I), 0.0)
    out = g.copy()
    out[_positions(I.shape, d, I)] = 0
    return out


def _pad(F: Any, t: Any, shape: tuple[int, ...]) -> Any:
    """``t`` (the index's shape) placed at the start of zeros of ``shape`` (a src larger than the index)."""
    ts = _shape(t)
    if ts == tuple(shape):
        return t
    region = tuple(slice(0, n) for n in ts)
    if F.is_tensor:
        from .indexing import index_add_zeros

        return index_add_zeros(tuple(shape), region, t, basic=True)
    out = np.zeros(shape, dtype=t.dtype)
    out[region] = t
    return out


def _mask_out(F: Any, g: Any, keep: np.ndarray) -> Any:
    """``g`` times a constant 0/1 mask."""
    if F.is_tensor:
        return g * wrap(keep.astype(g._data.dtype))
    return g * keep.astype(g.dtype)


# --- scatter ----------------------------------------------------------------------------------------------

def _check_index(fn: str, A: np.ndarray, d: int, I: np.ndarray, S: np.ndarray | None, msg: str = "scatter") -> None:
    if I.dtype not in _INT_INDEX:
        raise RuntimeError(f"{msg}(): Expected dtype int32/int64 for index")
    if I.ndim != A.ndim and not (I.ndim <= 1 and A.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if S is not None and I.ndim != S.ndim and not (I.ndim <= 1 and S.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if I.size == 0 or A.ndim == 0:
        return
    too_big = any(I.shape[k] > A.shape[k] for k in range(A.ndim) if k != d)
    if S is not None:
        too_big = too_big or any(I.shape[k] > S.shape[k] for k in range(I.ndim))
        if too_big:
            raise RuntimeError(f"Expected index {list(I.shape)} to be no larger than self {list(A.shape)} apart from "
                               f"dimension {d} and to be no larger size than src {list(S.shape)}")
    elif too_big:
        raise RuntimeError(f"Expected index {list(I.shape)} to be no larger than self {list(A.shape)} apart from "
                           f"dimension {d}")
    bad = (I < 0) | (I >= A.shape[d])
    if bad.any():
        raise RuntimeError(f"index {int(I[bad].flat[0])} is out of bounds for dimension {d} with size {A.shape[d]}")


def _prepare(fn: str, input: Tensor, dim: int, index: Tensor, src: Any, msg: str = "scatter"
             ) -> tuple[np.ndarray, int, np.ndarray, np.ndarray | None]:
    _need_tensor(fn, "input", 1, input)
    _need_tensor(fn, "index", 3, index)
    A = input._data
    d = wrap_dim(dim, max(A.ndim, 1))
    I = index._data
    S = src._data if isinstance(src, Tensor) else None
    _check_index(fn, A, d, I, S, msg)
    if S is not None and S.dtype != A.dtype:
        raise RuntimeError(f"{msg}(): Expected self.dtype to be equal to src.dtype")
    return A, d, I.astype(np.int64, copy=False), S


class ScatterBackward0(Node):
    """y = x with src written at idx.   ∂L/∂x = G with zeros at idx,   ∂L/∂src = gather(G, d, I) (padded)."""

    __slots__ = ("dim", "index", "src_shape")
    dim: Any
    index: Any
    src_shape: Any
    name = "ScatterBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, s = self.inputs
        d, I = self.dim, self.index
        gx = _zero_at(F, g, d, I) if a is not None and a._rg else None
        gs = _pad(F, _gather(F, g, d, I), self.src_shape) if s is not None and s._rg else None
        return gx, gs


class ScatterBackward1(Node):
    """y = x with the number v written at idx.   ∂L/∂x = G with zeros at idx."""

    __slots__ = ("dim", "index")
    dim: Any
    index: Any
    name = "ScatterBackward1"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (_zero_at(F, g, self.dim, self.index),)


class ScatterReduceLegacyBackward(Node):
    """scatter(..., reduce='add'|'multiply'): PyTorch has no derivative for this overload."""

    __slots__ = ()
    name = "torch::autograd::NotImplemented"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        raise RuntimeError("derivative for aten::scatter is not implemented")


_MISSING = object()


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = _MISSING, value: Any = _MISSING, *,
            reduce: str | None = None) -> Tensor:
    """``scatter(input, dim, index, src)`` / ``scatter(input, dim, index, value)``: a copy of ``input`` with
    ``out[... I[j] (at dim) ...] = src[j]`` for every position ``j`` of ``index``.

    ``reduce='add'`` / ``'multiply'`` combine instead of overwrite (not differentiable, as in PyTorch).
    Gradient: ∂L/∂input = G with zeros where written; ∂L/∂src = gather(G, dim, index).
    """
    if src is _MISSING and value is _MISSING:
        raise TypeError("scatter() missing required argument 'src' or 'value' (position 4)")
    if src is _MISSING:
        src = value
    if not isinstance(src, Tensor) and not isinstance(src, (bool, int, float, np.number)):
        raise TypeError(f"scatter(): argument 'src' (position 4) must be Tensor or Number, not {type(src).__name__}")
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    A, d, I, S = _prepare("scatter", input, dim, index, src)
    if _needs_0d_reshape(A, I, A if S is None else S):
        if isinstance(src, Tensor):
            return _via_vector(lambda a, i, s: scatter(a, 0, i, s, reduce=reduce), input, index, src)
        return _via_vector(lambda a, i, s: scatter(a, 0, i, src, reduce=reduce), input, index, input)
    out = A.copy()
    pos = _positions(I.shape, d, I)
    V = S[_region(I)] if S is not None else np.asarray(src).astype(A.dtype)
    if reduce == "add":
        np.add.at(out, pos, V if S is not None else np.broadcast_to(V, I.shape))
    elif reduce == "multiply":
        np.multiply.at(out, pos, V if S is not None else np.broadcast_to(V, I.shape))
    else:
        out[pos] = V
    inputs = (input, src) if isinstance(src, Tensor) else (input,)
    if reduce is not None:
        return make(ScatterReduceLegacyBackward, out, inputs)
    if isinstance(src, Tensor):
        return make(ScatterBackward0, out, inputs, dim=d, index=I, src_shape=src._data.shape)
    return make(ScatterBackward1, out, inputs, dim=d, index=I)


class ScatterAddBackward0(Node):
    """y = x + Σ src at idx.   ∂L/∂x = G,   ∂L/∂src = gather(G, d, I) (padded to src's shape)."""

    __slots__ = ("dim", "index", "src_shape")
    dim: Any
    index: Any
    src_shape: Any
    name = "ScatterAddBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, s = self.inputs
        gs = _pad(F, _gather(F, g, self.dim, self.index), self.src_shape) if s._rg else None
        return (g if a._rg else None), gs


def _needs_0d_reshape(*arrays: np.ndarray) -> bool:
    return any(a.ndim == 0 for a in arrays)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src[j]`` added at ``out[... I[j] (at dim) ...]``; repeated indices accumulate.

    Gradient: ∂L/∂input = G,  ∂L/∂src = gather(G, dim, index).
    """
    _need_tensor("scatter_add", "src", 4, src)
    A, d, I, S = _prepare("scatter_add", input, dim, index, src)
    assert S is not None
    if _needs_0d_reshape(A, I, S):
        return _via_vector(lambda a, i, s: scatter_add(a, 0, i, s), input, index, src)
    out = A.copy()
    np.add.at(out, _positions(I.shape, d, I), S[_region(I)])
    return make(ScatterAddBackward0, out, (input, src), dim=d, index=I, src_shape=S.shape)


def _via_vector(fn: Callable[..., Tensor], input: Tensor, index: Tensor, src: Tensor) -> Tensor:
    """0-d operands as one-element vectors (a composite through reshape)."""
    from .shape import reshape

    def v(t: Tensor) -> Tensor:
        return reshape(t, (1,)) if t._data.ndim == 0 else t

    return reshape(fn(v(input), v(index), v(src)), input._data.shape)


# --- scatter_reduce ---------------------------------------------------------------------------------------

_REDUCE = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum, "amin": np.minimum}


def _identity(reduce: str, dt: np.dtype) -> Any:
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dt.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dt.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dt)
    return info.min if reduce == "amax" else info.max


class ScatterReduceBackward0(Node):
    """y = scatter_reduce(x, d, I, src, reduce).   See the module docstring for each reduction's gradient."""

    __slots__ = ("dim", "index", "reduce", "include_self")
    dim: Any
    index: Any
    reduce: Any
    include_self: Any
    name = "ScatterReduceBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT | SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a_in, s_in = self.inputs
        # one formula on Tensors: in an array pass the arrays are wrapped (nothing requires grad, nothing is
        # recorded); in a create_graph pass they are the graph's Tensors, so the result differentiates again
        arr = not F.is_tensor
        G, X, S, R = (wrap(v) if arr else v for v in (g, x[0], x[1], y))
        tx, ts = _scatter_reduce_vjp(G, X, S, R, self.dim, self.index, self.reduce, self.include_self)
        gx = tx if a_in._rg else None
        gs = ts if s_in._rg else None
        if arr:
            return (None if gx is None else gx._data), (None if gs is None else gs._data)
        return gx, gs


def _scatter_reduce_vjp(G: Tensor, X: Tensor, S: Tensor, R: Tensor, d: int, I: np.ndarray, reduce: str,
                        include_self: bool) -> tuple[Tensor, Tensor]:
    from .selection import where
    from .shape import gather

    Iw = wrap(I)
    reg = _region(I)
    src_shape = S._data.shape
    Xd, Sd, Rd = X._data, S._data[reg], R._data
    dt = G._data.dtype
    hit = np.zeros(Xd.shape, dtype=bool)  # positions something was scattered to
    hit[_positions(I.shape, d, I)] = True

    class _TF:
        is_tensor = True

    TF = _TF()

    def g_src(t: Tensor) -> Tensor:
        return _pad(TF, t, src_shape)

    def from_src_region(t: Tensor) -> Tensor:
        from .indexing import getitem

        return t if t._data.shape == I.shape else getitem(t, reg)

    if reduce == "sum":
        gx = G if include_self else _mask_out(TF, G, ~hit)
        return gx, g_src(gather(G, d, Iw))
    if reduce == "mean":
        N = np.full(Xd.shape, 1 if include_self else 0, dtype=dt)
        np.add.at(N, _positions(I.shape, d, I), 1)
        N[N == 0] = 1
        Gn = G / wrap(N)
        gx = Gn if include_self else _mask_out(TF, G, ~hit)
        return gx, g_src(gather(Gn, d, Iw))
    if reduce in ("amax", "amin"):
        x_is = (Xd == Rd) & (~hit if not include_self else True)
        s_is = Sd == Rd[_positions(I.shape, d, I)]
        N = x_is.astype(dt)
        np.add.at(N, _positions(I.shape, d, I), s_is.astype(dt))
        N[N == 0] = 1
        Gn = G / wrap(N)
        gx = _mask_out(TF, Gn, x_is) if include_self else where(wrap(hit), 0.0, G)
        return gx, g_src(_mask_out(TF, gather(Gn, d, Iw), s_is))
    # prod: G times the product of the other members of the group, counting zeros so that a single zero
    # member still receives the product of the rest
    x_zero = (Xd == 0) & include_self
    s_zero = Sd == 0
    Z = x_zero.astype(np.int64)
    np.add.at(Z, _positions(I.shape, d, I), s_zero.astype(np.int64))
    Ssub = from_src_region(S)
    Sm = where(wrap(s_zero), 1.0, Ssub)
    if include_self:
        Xm = where(wrap(x_zero), 1.0, X)
    else:
        Xm = wrap(np.ones(Xd.shape, dtype=dt))
    P = scatter_reduce(Xm, d, Iw, Sm, "prod", include_self=True)  # product of the nonzero members
    if include_self:
        gx = G * where(wrap(Z - x_zero == 0), P / Xm, 0.0)
    else:
        gx = _mask_out(TF, G, ~hit)
    Zs = Z[_positions(I.shape, d, I)]
    excl = where(wrap(Zs - s_zero == 0), gather(P, d, Iw) / Sm, 0.0)
    return gx, g_src(gather(G, d, Iw) * excl)


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                   include_self: bool = True) -> Tensor:
    """out[p] = reduce over {input[p] if include_self} ∪ {src[j] : j scattered to p} (positions nothing is
    scattered to keep ``input``). ``reduce`` is 'sum', 'prod', 'mean', 'amax' or 'amin'; integer 'mean'
    rounds down.

    Gradients: sum → G to every member; mean → G/N to each of the N members; amax/amin → G shared evenly
    among the members equal to the result; prod → G · (product of the other members).
    """
    _need_tensor("scatter_reduce", "src", 4, src)
    red = {"max": "amax", "min": "amin"}.get(reduce, reduce)
    if red not in _REDUCE:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    A, d, I, S = _prepare("scatter_reduce", input, dim, index, src)
    assert S is not None
    if _needs_0d_reshape(A, I, S):
        return _via_vector(lambda a, i, s: scatter_reduce(a, 0, i, s, red, include_self=include_self),
                           input, index, src)
    out = A.copy()
    pos = _positions(I.shape, d, I)
    V = S[_region(I)]
    if not include_self:
        out[pos] = _identity(red, A.dtype)
    _REDUCE[red].at(out, pos, V)
    if red == "mean":
        N = np.full(A.shape, 1 if include_self else 0, dtype=np.int64)
        np.add.at(N, pos, 1)
        N[N == 0] = 1
        out = out / N.astype(A.dtype) if A.dtype.kind == "f" else np.floor_divide(out, N).astype(A.dtype)
    return make(ScatterReduceBackward0, out, (input, src), dim=d, index=I, reduce=red, include_self=include_self)


# --- index_add / index_copy / index_fill ------------------------------------------------------------------

def _index_vector(fn: str, I: np.ndarray) -> np.ndarray:
    if I.ndim > 1:
        raise IndexError(f"{fn}(): Index is supposed to be a vector, but got dim: {I.ndim} with type: "
                         f"{_tn(I.dtype)} and size: {list(I.shape)}")
    return I.reshape(-1).astype(np.int64, copy=False)


def _slice_key(d: int, I: np.ndarray) -> tuple[Any, ...]:
    return (slice(None),) * d + (I,)


class IndexAddBackward0(Node):
    """y = x with α·src[k] added at slice I[k] along d.   ∂L/∂x = G,   ∂L/∂src = α·G[..., I, ...]."""

    __slots__ = ("key", "alpha", "src_shape")
    key: Any
    alpha: Any
    src_shape: Any
    name = "IndexAddBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, s = self.inputs
        gs = None
        if s._rg:
            gs = F.getitem(g, self.key)
            if self.alpha != 1:
                gs = gs * self.alpha
            gs = F.reshape(gs, self.src_shape)
        return (g if a._rg else None), gs


def _check_source_shape(A: np.ndarray, S: np.ndarray, d: int) -> None:
    if A.shape[:d] + A.shape[d + 1:] != S.shape[:d] + S.shape[d + 1:]:
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(A.shape)} source.shape = {list(S.shape)}")


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """A copy of ``input`` with ``alpha * source[..., k, ...]`` added to slice ``index[k]`` along ``dim``;
    repeated indices accumulate.

    Gradient: ∂L/∂input = G,  ∂L/∂source = alpha · index_select(G, dim, index).
    """
    _need_tensor("index_add", "input", 1, input)
    _need_tensor("index_add", "index", 3, index)
    _need_tensor("index_add", "source", 4, source)
    A, I0, S = input._data, index._data, source._data
    if I0.dtype not in _INT_INDEX:
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: {_tn(I0.dtype)}")
    I = _index_vector("index_add_", I0)
    if A.ndim == 0 or S.ndim == 0:
        if A.ndim == 0 and S.ndim == 0:
            return _via_vector(lambda a, i, s: index_add(a, 0, i, s, alpha=alpha), input, wrap(I), source)
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(A.shape)} source.shape = {list(S.shape)}")
    d = wrap_dim(dim, A.ndim)
    if S.ndim != A.ndim:
        if d >= S.ndim:
            raise RuntimeError(f"index_add_(): Indexing dim {d} is out of bounds of the source tensor with dim "
                               f"{S.ndim}")
        _check_source_shape(A, S, d)
    if len(I) != S.shape[d]:
        raise RuntimeError(f"index_add_(): Number of indices ({len(I)}) should be equal to source.size(dim): "
                           f"({S.shape[d]}), for dim: {d}")
    _check_source_shape(A, S, d)
    if S.dtype != A.dtype:
        raise RuntimeError(f"index_add_(): self ({_tn(A.dtype)}) and source ({_tn(S.dtype)}) must have the same "
                           "scalar type")
    bad = (I < 0) | (I >= A.shape[d])
    if bad.any():
        raise RuntimeError(f"index {int(I[bad][0])} is out of bounds for dimension {d} with size {A.shape[d]}")
    out = A.copy()
    a = alpha if A.dtype.kind == "f" else int(alpha)
    V = S if a == 1 else (S * np.asarray(a, dtype=A.dtype)).astype(A.dtype)
    np.add.at(out, _slice_key(d, I), V)
    return make(IndexAddBackward0, out, (input, source), key=_slice_key(d, I), alpha=a, src_shape=S.shape)


class IndexCopyBackward0(Node):
    """y = x with src's slices copied to slices I along d.   ∂L/∂x = G with those slices zeroed,
    ∂L/∂src = G[..., I, ...]."""

    __slots__ = ("dim", "index", "key", "src_shape")
    dim: Any
    index: Any
    key: Any
    src_shape: Any
    name = "IndexCopyBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, s = self.inputs
        gx = gs = None
        if a._rg:
            if F.is_tensor:
                gx = index_fill(g, self.dim, wrap(self.index), 0.0)
            else:
                gx = g.copy()
                gx[self.key] = 0
        if s._rg:
            gs = F.reshape(F.getitem(g, self.key), self.src_shape)
        return gx, gs


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` whose slices ``index[k]`` along ``dim`` are ``source[..., k, ...]``.

    Gradient: ∂L/∂input = G with those slices zeroed,  ∂L/∂source = index_select(G, dim, index).
    """
    _need_tensor("index_copy", "input", 1, input)
    _need_tensor("index_copy", "index", 3, index)
    _need_tensor("index_copy", "source", 4, source)
    A, I0, S = input._data, index._data, source._data
    if I0.dtype != np.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got {_tn(I0.dtype)}")
    I = _index_vector("index_copy_", I0)
    if A.ndim == 0 or S.ndim == 0:
        if A.ndim == 0 and S.ndim == 0:
            return _via_vector(lambda a, i, s: index_copy(a, 0, i, s), input, wrap(I), source)
    if S.ndim != A.ndim and A.ndim and S.ndim:
        raise IndexError("index_copy_(): When source and destination are not scalars, their dimensionality must "
                         f"match. Source dimensionality ({S.ndim}), destination dimensionality ({A.ndim})")
    d = wrap_dim(dim, A.ndim)
    n_src = S.shape[d] if S.ndim else 1
    if len(I) != n_src:
        raise IndexError(f"index_copy_(): Number of indices ({len(I)}) should be equal to source.size(dim) "
                         f"({n_src})")
    _check_source_shape(A, S, d)
    if S.dtype != A.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{_tn(A.dtype)} and (source) {_tn(S.dtype)}")
    bad = (I < 0) | (I >= A.shape[d])
    if bad.any():
        raise IndexError(f"index_copy_(): index {int(I[bad][0])} is out of bounds for dimension {d} with size "
                         f"{A.shape[d]}")
    out = A.copy()
    key = _slice_key(d, I)
    out[key] = S
    return make(IndexCopyBackward0, out, (input, source), dim=d, index=I, key=key, src_shape=S.shape)


class IndexFillBackward0(Node):
    """y = x with slices I along d set to a number.   ∂L/∂x = G with those slices zeroed."""

    __slots__ = ("dim", "index", "key", "filled")
    dim: Any
    index: Any
    key: Any
    filled: Any
    name = "IndexFillBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        gx = _mask_out(F, g, ~self.filled)
        return (gx if self.inputs[0]._rg else None,) + ((None,) if len(self.inputs) == 1 else ())


class IndexFillBackward1(IndexFillBackward0):
    """y = x with slices I along d set to the 0-d tensor v.   ∂L/∂x = G with those slices zeroed,
    ∂L/∂v = Σ G over the filled positions (each position once)."""

    __slots__ = ()
    name = "IndexFillBackward1"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        a, v = self.inputs
        gx = _mask_out(F, g, ~self.filled) if a._rg else None
        gv = F.sum(_mask_out(F, g, self.filled)) if v._rg else None
        return gx, gv


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with the slices ``index`` along ``dim`` set to ``value`` (a number or a 0-d tensor).

    Gradient: ∂L/∂input = G with the filled slices zeroed,  ∂L/∂value = Σ G over the filled positions.
    """
    _need_tensor("index_fill", "input", 1, input)
    _need_tensor("index_fill", "index", 3, index)
    A, I0 = input._data, index._data
    if I0.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    I = _index_vector("index_fill_", I0)
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value._data.ndim} dimension(s).")
    A1 = A.reshape(1) if A.ndim == 0 else A
    d = wrap_dim(dim, A1.ndim)
    n = A1.shape[d]
    bad = (I < -n) | (I >= n)
    if bad.any():
        raise IndexError(f"index {int(I[bad][0])} is out of bounds for dimension {d} with size {n}")
    filled = np.zeros(A1.shape, dtype=bool)
    filled[_slice_key(d, I)] = True
    filled = filled.reshape(A.shape)
    v = value._data if isinstance(value, Tensor) else value
    out = np.where(filled, np.asarray(v).astype(A.dtype), A)
    if isinstance(value, Tensor):
        return make(IndexFillBackward1, out, (input, value), dim=d, index=I, key=_slice_key(d, I), filled=filled)
    return make(IndexFillBackward0, out, (input,), dim=d, index=I, key=_slice_key(d, I), filled=filled)


# --- take / take_along_dim / put --------------------------------------------------------------------------

def _flat_index(fn: str, I: np.ndarray, n: int) -> np.ndarray:
    if I.dtype != np.int64:
        raise RuntimeError(f"{fn}(): Expected a long tensor for index, but got {_tn(I.dtype)}")
    bad = (I < -n) | (I >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(I[bad].flat[0])} on a tensor of {n} elements.")
    return np.where(I < 0, I + n, I)


class TakeBackward0(Node):
    """y = x.flatten()[I].   ∂L/∂x = zeros with G added at the flat positions I (repeats accumulate)."""

    __slots__ = ("index", "shape")
    index: Any
    shape: Any
    name = "TakeBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        n = int(np.prod(self.shape))
        if F.is_tensor:
            from .indexing import index_add_zeros

            return (F.reshape(index_add_zeros((n,), self.index, g), self.shape),)
        out = np.zeros(n, dtype=g.dtype)
        np.add.at(out, self.index, g)
        return (out.reshape(self.shape),)


def take(input: Tensor, index: Tensor) -> Tensor:
    """``input`` treated as 1-D (row-major): out = input.flatten()[index], shaped like ``index``.

    Gradient: ∂L/∂input = zeros with G added at the flat positions ``index``.
    """
    _need_tensor("take", "input", 1, input)
    _need_tensor("take", "index", 2, index)
    A = input._data
    I = _flat_index("take", index._data, A.size)
    out = A.reshape(-1)[I]
    return make(TakeBackward0, out, (input,), index=I, shape=A.shape)


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """``gather`` along ``dim`` after broadcasting ``input`` and ``indices`` in every other dimension; with
    ``dim=None`` both are flattened first.

    Gradient (through gather): ∂L/∂input = zeros with G scatter-added at ``indices``.
    """
    from .shape import expand, gather, reshape

    _need_tensor("take_along_dim", "input", 1, input)
    _need_tensor("take_along_dim", "indices", 2, indices)
    A, I = input._data, indices._data
    if I.dtype.kind not in "iu":
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {_tn(I.dtype)}")
    idx = wrap(I.astype(np.int64, copy=False))
    if dim is None:
        return gather(reshape(input, (-1,)), 0, reshape(idx, (-1,)))
    if A.ndim != I.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {A.ndim} dimensions for input, and {I.ndim} dimensions for indices")
    if A.ndim == 0:
        return gather(input, 0, idx)
    d = wrap_dim(dim, A.ndim)
    shape = []
    for k, (a, b) in enumerate(zip(A.shape, I.shape)):
        if k == d or a == b or b == 1:
            shape.append(a)
        elif a == 1:
            shape.append(b)
        else:
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                               f"dimension {k}")
    ishape = list(shape)
    ishape[d] = I.shape[d]
    x = input if tuple(shape) == A.shape else expand(input, tuple(shape))
    i = idx if tuple(ishape) == I.shape else wrap(np.broadcast_to(idx._data, tuple(ishape)).copy())
    return gather(x, d, i)


class PutBackward0(Node):
    """y = x.flatten() with src written (or added) at flat positions I.   ∂L/∂x = G (with zeros at I unless
    accumulating),   ∂L/∂src = G.flatten()[I]."""

    __slots__ = ("index", "accumulate", "src_shape")
    index: Any
    accumulate: Any
    src_shape: Any
    name = "PutBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, s = self.inputs
        gx = gs = None
        if a._rg:
            if self.accumulate:
                gx = g
            else:
                keep = np.ones(_shape(g), dtype=bool)
                keep.reshape(-1)[self.index] = False
                gx = _mask_out(F, g, keep)
        if s._rg:
            gs = F.reshape(F.getitem(F.reshape(g, (-1,)), self.index), self.src_shape)
        return gx, gs


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``source``'s elements written (``accumulate=True``: added) at the flat,
    row-major positions ``index``.

    Gradient: ∂L/∂input = G (zeros at the written positions unless accumulating),
    ∂L/∂source = take(G, index).
    """
    _need_tensor("put", "input", 1, input)
    _need_tensor("put", "index", 2, index)
    _need_tensor("put", "source", 3, source)
    A, S = input._data, source._data
    if index._data.dtype != np.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {_tn(index._data.dtype)}")
    if S.size != index._data.size:
        raise IndexError("put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {S.size}, index.numel() = {index._data.size}")
    if S.dtype != A.dtype:
        raise RuntimeError("put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{_tn(A.dtype)} and source.dtype = {_tn(S.dtype)}")
    I = _flat_index("put_", index._data, A.size).reshape(-1)
    out = A.copy()
    flat = out.reshape(-1)
    if accumulate:
        np.add.at(flat, I, S.reshape(-1))
    else:
        flat[I] = S.reshape(-1)
    return make(PutBackward0, out, (input, source), index=I, accumulate=bool(accumulate), src_shape=S.shape)


# --- masked_scatter ---------------------------------------------------------------------------------------

class MaskedScatterBackward0(Node):
    """y = x with mask's positions filled from source in order.   ∂L/∂x = G where not mask,
    ∂L/∂source = G[mask] in its first k elements (zeros after)."""

    __slots__ = ("mask", "src_shape")
    mask: Any
    src_shape: Any
    name = "MaskedScatterBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, s = self.inputs
        M = self.mask
        gx = _mask_out(F, g, ~M) if a._rg else None
        gs = None
        if s._rg:
            n = int(np.prod(self.src_shape))
            k = int(M.sum())
            if F.is_tensor:
                from .indexing import getitem, index_add_zeros

                gs = F.reshape(index_add_zeros((n,), slice(0, k), getitem(g, M), basic=True), self.src_shape)
            else:
                flat = np.zeros(n, dtype=g.dtype)
                flat[:k] = g[M]
                gs = flat.reshape(self.src_shape)
        return gx, gs


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` (broadcast with ``mask``) whose positions where ``mask`` is True take ``source``'s
    elements in row-major order.

    Gradient: ∂L/∂input = G where mask is False,  ∂L/∂source = G[mask] in the first k elements.
    """
    _need_tensor("masked_scatter", "input", 1, input)
    _need_tensor("masked_scatter", "mask", 2, mask)
    _need_tensor("masked_scatter", "source", 3, source)
    A, M, S = input._data, mask._data, source._data
    if M.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype {_tn(M.dtype)}")
    if S.dtype != A.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got{_tn(A.dtype)} and "
                           f"{_tn(S.dtype)}")
    try:
        shape = np.broadcast_shapes(A.shape, M.shape)
    except ValueError:
        raise RuntimeError(f"The size of tensor a must match the size of tensor b: masked_scatter got input "
                           f"{list(A.shape)} and mask {list(M.shape)}, which do not broadcast") from None
    Mb = np.broadcast_to(M, shape)
    k = int(Mb.sum())
    if k > S.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    out = np.array(np.broadcast_to(A, shape))
    out[Mb] = S.reshape(-1)[:k]
    return make(MaskedScatterBackward0, out, (input, source), mask=np.ascontiguousarray(Mb), src_shape=S.shape)


# --- index_put --------------------------------------------------------------------------------------------

class IndexPutBackward0(Node):
    """y = x with values written (or added) at x[indices].   ∂L/∂x = G (zeros at indices unless accumulating),
    ∂L/∂values = G[indices] (summed over broadcast dimensions by the engine)."""

    __slots__ = ("index", "accumulate")
    index: Any
    accumulate: Any
    name = "IndexPutBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        from .indexing import TwoStep, at, getitem
        from .indexing import put as put_at

        a, v = self.inputs
        idx = self.index
        gx = gv = None
        if a._rg:
            if self.accumulate:
                gx = g
            else:
                keep = np.ones(_shape(g), dtype=bool)
                put_at(keep, idx, False)
                gx = _mask_out(F, g, keep)
        if v._rg:
            if F.is_tensor:
                gv = getitem(getitem(g, idx.basic), idx.advanced) if type(idx) is TwoStep else getitem(g, idx)
            else:
                gv = at(g, idx)
        return gx, gv


def index_put(input: Tensor, indices: Sequence[Any], values: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``out[indices] = values`` (``accumulate=True``: ``+=``, repeated indices adding
    up); ``indices`` is a tuple of index tensors, ``values`` broadcast to the indexed shape.

    Gradient: ∂L/∂input = G (zeros at the indexed positions unless accumulating),  ∂L/∂values = G[indices].
    """
    from .indexing import _index_error, add_at, at, convert_index
    from .indexing import put as put_at

    _need_tensor("index_put", "input", 1, input)
    _need_tensor("index_put_", "values", 2, values)
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' (position 2) must be tuple of Tensors, not "
                        f"{type(indices).__name__}")
    A, V = input._data, values._data
    if V.dtype != A.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {_tn(A.dtype)} for the "
                           f"destination and {_tn(V.dtype)} for the source.")
    idx = convert_index(tuple(indices))
    try:
        region = at(A, idx)
    except IndexError as e:
        raise _index_error(A, idx, e) from None
    try:
        np.broadcast_to(V, np.shape(region))
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(V.shape)} cannot be broadcast to indexing "
                           f"result of shape {list(np.shape(region))}") from None
    out = A.copy()
    if accumulate:
        add_at(out, idx, np.broadcast_to(V, np.shape(region)))
    else:
        put_at(out, idx, V)
    return make(IndexPutBackward0, out, (input, values), index=idx, accumulate=bool(accumulate))


# --- in-place methods -------------------------------------------------------------------------------------

def scatter_(self: Tensor, dim: int, index: Tensor, src: Any = _MISSING, value: Any = _MISSING, *,
             reduce: str | None = None) -> Tensor:
    """In-place ``scatter`` (``torch.zeros(n, C).scatter_(1, y.unsqueeze(1), 1.0)`` is a one-hot encoding)."""
    if src is _MISSING:
        src = value
    return apply_inplace(self, lambda a, s: scatter(a, dim, index, s, reduce=reduce), src)


def scatter_add_(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """In-place ``scatter_add``."""
    return apply_inplace(self, lambda a, s: scatter_add(a, dim, index, s), src)


def scatter_reduce_(self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                    include_self: bool = True) -> Tensor:
    """In-place ``scatter_reduce``."""
    return apply_inplace(self, lambda a, s: scatter_reduce(a, dim, index, s, reduce, include_self=include_self), src)


def index_add_(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """In-place ``index_add`` (repeated indices accumulate)."""
    return apply_inplace(self, lambda a, s: index_add(a, dim, index, s, alpha=alpha), source)


def index_copy_(self: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """In-place ``index_copy``."""
    return apply_inplace(self, lambda a, s: index_copy(a, dim, index, s), source)


def index_fill_(self: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """In-place ``index_fill``."""
    return apply_inplace(self, lambda a, v: index_fill(a, dim, index, v), value)


def masked_scatter_(self: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """In-place ``masked_scatter`` (``mask`` must broadcast to ``self``'s shape)."""
    _need_tensor("masked_scatter_", "mask", 1, mask)
    try:
        ok = np.broadcast_shapes(self._data.shape, mask._data.shape) == self._data.shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"expand(size={list(self._data.shape)}): the mask of shape {list(mask._data.shape)} "
                           "must broadcast to the tensor's shape")
    return apply_inplace(self, lambda a, s: masked_scatter(a, mask, s), source)


def put_(self: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """In-place ``put``."""
    return apply_inplace(self, lambda a, s: put(a, index, s, accumulate), source)


def index_put_(self: Tensor, indices: Sequence[Any], values: Tensor, accumulate: bool = False) -> Tensor:
    """In-place ``index_put`` (``x.index_put_((rows, cols), v, accumulate=True)``)."""
    _need_tensor("index_put_", "values", 2, values)
    return apply_inplace(self, lambda a, v: index_put(a, indices, v, accumulate), values)


# Tensor methods this family adds: method name -> function (the tensor is the first argument)
METHODS: dict[str, Callable[..., Any]] = {
    "scatter": scatter, "scatter_add": scatter_add, "scatter_reduce": scatter_reduce, "index_add": index_add,
    "index_copy": index_copy, "index_fill": index_fill, "take": take, "take_along_dim": take_along_dim,
    "masked_scatter": masked_scatter, "put": put, "index_put": index_put,
    "scatter_": scatter_, "scatter_add_": scatter_add_, "scatter_reduce_": scatter_reduce_, "index_add_": index_add_,
    "index_copy_": index_copy_, "index_fill_": index_fill_, "masked_scatter_": masked_scatter_, "put_": put_,
    "index_put_": index_put_,
}

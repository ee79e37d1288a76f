"""In-place methods (``add_``, ``mul_``, ``zero_``, ``x += y`` ...) with PyTorch's rules.

* A leaf that requires grad refuses in-place ops while grad mode is on.
* Every in-place change bumps the version counter, so a tensor saved for
  backward and then modified raises "modified by an inplace operation".
* On a non-leaf that is part of a graph, the op is recorded against a copy of
  the old value and the tensor takes the new node as its ``grad_fn``.
* The result must fit the tensor's dtype (``int.add_(0.5)`` is an error).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._errstate import silent
from ..random import rng
from ._util import GRAD_ENABLED, Node, Tensor, record
from .indexing import check_not_view, graph_handle, leaf_inplace_error

_TN = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
       "bool": "Bool", "int16": "Short", "int8": "Char", "uint8": "Byte"}


def _recording(self: Tensor, args: tuple[Any, ...]) -> bool:
    if not GRAD_ENABLED[0]:
        return False
    rec = self._rg or any(isinstance(a, Tensor) and a._rg for a in args)
    if rec and self._rg and self.grad_fn is None:
        raise leaf_inplace_error()
    if rec:
        check_not_view(self)
    return rec


def _write(self: Tensor, R: np.ndarray) -> None:
    A = self._data
    if R.dtype != A.dtype:
        if (R.dtype.kind == "f" and A.dtype.kind in "iub") or (R.dtype.kind in "iu" and A.dtype.kind == "b"):
            raise RuntimeError(
                f"result type {_TN.get(str(R.dtype), R.dtype)} can't be cast to the desired output type "
                f"{_TN.get(str(A.dtype), A.dtype)}"
            )
    if R.shape != A.shape:
        try:
            R = np.broadcast_to(R, A.shape)
        except ValueError:
            raise RuntimeError(
                f"output with shape {list(A.shape)} doesn't match the broadcast shape {list(R.shape)}"
            ) from None
    if not A.flags.writeable:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation."
        )
    np.copyto(A, R, casting="unsafe")


def _indexed_view_base(self: Tensor) -> tuple[Tensor, Any] | None:
    """(base, index) when ``self`` is a view made by basic indexing (``y[0]``, ``y[:, 1:]``) of a tensor whose
    memory it still shares; None for any other tensor."""
    from .indexing import SelectBackward0, SliceBackward0

    fn = self.grad_fn
    if type(fn) not in (SelectBackward0, SliceBackward0):
        return None
    inputs = getattr(fn, "inputs", None)
    base = inputs[0] if inputs else None
    if not isinstance(base, Tensor) or not np.shares_memory(base._data, self._data):
        return None
    return base, fn.index  # type: ignore[union-attr]


def _inplace_through_view(self: Tensor, base: Tensor, index: Any, fn: Callable[..., Tensor], args: Any,
                          kwargs: Any) -> Tensor:
    """An in-place op on an indexed view, as PyTorch records it: the base becomes ``base[index] = op(view)``
    (a CopySlices node), and the view is re-read from the new base, so both have the right history."""
    from .indexing import getitem, setitem

    if base.grad_fn is None and base._rg:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    new_value = fn(graph_handle(self, self._data.copy()), *args, **kwargs)
    setitem(base, index, new_value)  # writes the shared memory, so the view sees the new values too
    fresh = getitem(base, index)
    self.grad_fn, self._rg, self._out_idx = fresh.grad_fn, fresh._rg, 0
    return self


def apply_inplace(self: Tensor, fn: Callable[..., Tensor], *args: Any, **kwargs: Any) -> Tensor:
    """Run ``fn(self, *args)`` and write the result into ``self``'s array, keeping autograd right."""
    if GRAD_ENABLED[0] and self.grad_fn is not None and self.grad_fn.is_view and (
            self._rg or any(isinstance(a, Tensor) and a._rg for a in args)):
        view_of = _indexed_view_base(self)
        if view_of is not None:
            return _inplace_through_view(self, view_of[0], view_of[1], fn, args, kwargs)
    if _recording(self, args):
        old = graph_handle(self, self._data.copy())
        r = fn(old, *args, **kwargs)
        _write(self, r._data)
        self.grad_fn = r.grad_fn
        self._rg = r._rg
        self._out_idx = 0
    else:
        r = fn(self, *args, **kwargs)
        if r is not self:
            _write(self, r._data)
    self._bump()
    return self


def _ufunc_inplace(self: Tensor, ufunc: Any, fn: Callable[..., Tensor], other: Any) -> Tensor:
    """Fast path: when nothing is recorded, compute straight into ``self``'s array."""
    if GRAD_ENABLED[0] and (self._rg or (isinstance(other, Tensor) and other._rg)):
        return apply_inplace(self, fn, other)
    A = self._data
    B = other._data if isinstance(other, Tensor) else other
    try:
        ufunc(A, B, out=A, casting="same_kind")
    except (TypeError, ValueError):  # a dtype that must not be cast, or a shape that does not fit
        return apply_inplace(self, fn, other)
    self._bump()
    return self


def add_(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    from .arith import add

    if alpha != 1:
        return apply_inplace(self, lambda a, b: add(a, b, alpha=alpha), other)
    return _ufunc_inplace(self, np.add, add, other)


def sub_(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    from .arith import sub

    if alpha != 1:
        return apply_inplace(self, lambda a, b: sub(a, b, alpha=alpha), other)
    return _ufunc_inplace(self, np.subtract, sub, other)


def mul_(self: Tensor, other: Any) -> Tensor:
    from .arith import mul

    return _ufunc_inplace(self, np.multiply, mul, other)


def div_(self: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    from .arith import div

    if rounding_mode is not None or self._data.dtype.kind != "f":
        return apply_inplace(self, lambda a, b: div(a, b, rounding_mode=rounding_mode), other)
    with silent():
        return _ufunc_inplace(self, np.true_divide, div, other)


def pow_(self: Tensor, exponent: Any) -> Tensor:
    from .arith import pow

    return apply_inplace(self, pow, exponent)


def neg_(self: Tensor) -> Tensor:
    from .arith import neg

    return apply_inplace(self, neg)


def _unary_inplace(name: str) -> Callable[[Tensor], Tensor]:
    def method(self: Tensor) -> Tensor:
        from . import pointwise

        return apply_inplace(self, getattr(pointwise, name))

    method.__name__ = name + "_"
    method.__doc__ = f"In-place ``{name}``."
    return method


exp_ = _unary_inplace("exp")
log_ = _unary_inplace("log")
sqrt_ = _unary_inplace("sqrt")
abs_ = _unary_inplace("abs")
sigmoid_ = _unary_inplace("sigmoid")
tanh_ = _unary_inplace("tanh")
relu_ = _unary_inplace("relu")
floor_ = _unary_inplace("floor")
round_ = _unary_inplace("round")
sin_ = _unary_inplace("sin")
cos_ = _unary_inplace("cos")


def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    from .selection import clamp

    return apply_inplace(self, clamp, min, max)


def masked_fill_(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    from .selection import masked_fill

    return apply_inplace(self, masked_fill, mask, value)


def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast to self's dtype) into self; differentiable with respect to ``src``."""
    from .cast import cast
    from .shape import expand

    if not isinstance(src, Tensor):
        from ..creation import tensor

        src = tensor(src)

    def fn(old: Tensor, s: Tensor) -> Tensor:
        out = cast(s, old.dtype) if s._data.dtype != old._data.dtype else s
        if out._data.shape != old._data.shape:
            out = expand(out, old._data.shape)
        from .cast import clone

        return clone(out) if out is s else out

    if _recording(self, (src,)):
        return apply_inplace(self, fn, src)
    _write(self, src._data.astype(self._data.dtype, copy=False))
    self._bump()
    return self


class ZeroBackward0(Node):
    """y = c (every element overwritten: zero_, fill_, uniform_, normal_ ...).   dy/dx = 0."""

    __slots__ = ()
    name = "ZeroBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (F.zeros_like(g),)


class FillBackward2(ZeroBackward0):
    __slots__ = ()
    name = "FillBackward2"


class UniformBackward0(ZeroBackward0):
    __slots__ = ()
    name = "UniformBackward0"


class NormalBackward0(ZeroBackward0):
    __slots__ = ()
    name = "NormalBackward0"


def _fill_values(self: Tensor, values: np.ndarray, node_cls: type[Node] = ZeroBackward0) -> Tensor:
    if GRAD_ENABLED[0] and self._rg:
        if self.grad_fn is None:
            raise leaf_inplace_error()
        # like PyTorch, a filled non-leaf stays in the graph, passing a zero gradient to its history
        check_not_view(self)
        old = graph_handle(self, self._data)
        _write(self, values)
        record(node_cls.__new__(node_cls), self, (old,))
        self._out_idx = 0
    else:
        _write(self, values)
    self._bump()
    return self


def zero_(self: Tensor) -> Tensor:
    return _fill_values(self, np.zeros((), dtype=self._data.dtype))


def fill_(self: Tensor, value: Any) -> Tensor:
    v = value.item() if isinstance(value, Tensor) else value
    return _fill_values(self, np.asarray(v).astype(self._data.dtype), FillBackward2)


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
    vals = rng(generator).uniform(a, b, self._data.shape).astype(self._data.dtype)
    return _fill_values(self, vals, UniformBackward0)


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
    vals = rng(generator).standard_normal(self._data.shape) * std + mean
    return _fill_values(self, vals.astype(self._data.dtype), NormalBackward0)


def bernoulli_(self: Tensor, p: float = 0.5, *, generator: Any = None) -> Tensor:
    return _fill_values(self, (rng(generator).random(self._data.shape) < p).astype(self._data.dtype))


def random_(self: Tensor, low: int = 0, high: Any = None, *, generator: Any = None) -> Tensor:
    if high is None:
        low, high = 0, low if low else 2**24
    return _fill_values(self, rng(generator).integers(low, high, self._data.shape).astype(self._data.dtype))


def exponential_(self: Tensor, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
    return _fill_values(self, rng(generator).exponential(1 / lambd, self._data.shape).astype(self._data.dtype))


def setitem(self: Tensor, index: Any, value: Any) -> None:
    from .indexing import setitem as _setitem

    _setitem(self, index, value)

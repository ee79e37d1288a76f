"""Selection: where, clamp, masked_fill -- gradients flow only through the chosen branch.

Note on ``where``: like PyTorch, the gradient of the branch *not* taken is zero,
but NaN/inf produced *inside* that branch still poison it (``where(x > 0,
sqrt(x), 0)`` at x = −1 has a NaN gradient). The fix is the "double where":
``sqrt(where(x > 0, x, 1))`` inside the outer ``where``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._dtype import promote_arrays
from ..autograd.graph import SAVE_INPUTS, SAVE_STATE
from ._util import (
    GRAD_ENABLED,
    Node,
    Tensor,
    _scalar_operand,
    _scalar_result,
    named_grad_fn,
    promote_pair,
    record,
    wrap,
)

_ndarray = np.ndarray


class WhereBackward0(Node):
    """y = where(c, a, b).   ∂L/∂a = G where c else 0,   ∂L/∂b = G where not c else 0."""

    __slots__ = ("cond",)
    cond: Any
    name = "WhereBackward0"
    saves = SAVE_STATE

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any, Any]:
        c = self.cond if not F.is_tensor else wrap(self.cond)
        _, a, b = self.inputs
        ga = F.where(c, g, 0.0) if a._rg else None
        gb = F.where(c, 0.0, g) if b._rg else None
        return None, ga, gb


def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """Elementwise ``input if condition else other`` (both may be numbers); one argument: nonzero indices."""
    C = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if input is None and other is None:
        return tuple(wrap(i.astype(np.int64)) for i in np.nonzero(C))
    if C.dtype.kind != "b":
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_tn(C.dtype)}")
    if isinstance(input, Tensor) or isinstance(other, Tensor):
        if isinstance(input, Tensor) and isinstance(other, Tensor):
            a, b = input, other
            A, B = a._data, b._data
            if A.dtype is not B.dtype:
                dt = promote_arrays(A, B)
                A, B = A.astype(dt), B.astype(dt)
        else:
            a, b, A, B = promote_pair(input, other)
    else:
        from .._dtype import _default

        ia, ib = _scalar_operand(input), _scalar_operand(other)
        dt = _default[0].np if isinstance(ia, float) or isinstance(ib, float) else np.dtype(np.int64)
        a, b = wrap(np.asarray(ia, dtype=dt)), wrap(np.asarray(ib, dtype=dt))
        A, B = a._data, b._data
    try:
        out = np.where(C, A, B)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a must match the size of tensor b: where() got condition {list(C.shape)}, "
            f"input {list(A.shape)} and other {list(B.shape)}, which do not broadcast"
        ) from None
    t = wrap(np.asarray(out))
    if GRAD_ENABLED[0] and (a._rg or b._rg):
        node = WhereBackward0.__new__(WhereBackward0)
        node.cond = C
        record(node, t, (condition if isinstance(condition, Tensor) else wrap(C), a, b))
    return t


def _tn(dt: np.dtype) -> str:
    return {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int"}.get(str(dt), str(dt))


class ClampBackward1(Node):
    """y = min(max(x, lo), hi).   dy/dx = 1 where lo ≤ x ≤ hi (both bounds inclusive, as PyTorch), else 0."""

    __slots__ = ("lo", "hi")
    lo: Any
    hi: Any
    name = "ClampBackward1"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        a = x[0]
        lo, hi = self.lo, self.hi
        if lo is not None and hi is not None:
            keep = (a >= lo) & (a <= hi)
        elif lo is not None:
            keep = a >= lo
        else:
            keep = a <= hi
        return (F.where(keep, g, 0.0),)


class ClampMinBackward0(ClampBackward1):
    __slots__ = ()
    name = "ClampMinBackward0"


class ClampMaxBackward0(ClampBackward1):
    __slots__ = ()
    name = "ClampMaxBackward0"


class ClampBackward0(Node):
    """y = clamp(x, lo, hi) with tensor bounds.   Gradient to x inside [lo, hi], to lo below it, to hi above it."""

    __slots__ = ()
    name = "ClampBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        a, lo, hi = x
        below = a < lo
        above = a > hi
        ga = F.where(below, 0.0, F.where(above, 0.0, g))
        glo = F.where(above, 0.0, F.where(below, g, 0.0))  # when lo > hi the result is hi
        ghi = F.where(above, g, 0.0)
        return ga, glo, ghi


def clamp(input: Tensor, min: Any = None, max: Any = None, *,  # noqa: A002
          _node_cls: type[Node] = ClampBackward1) -> Tensor:
    """Limit values to [min, max]; the gradient passes at both bounds (PyTorch's convention)."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    A = input._data
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        lo = min if isinstance(min, Tensor) or min is None else wrap(np.asarray(min, dtype=A.dtype))
        hi = max if isinstance(max, Tensor) or max is None else wrap(np.asarray(max, dtype=A.dtype))
        out = A
        if lo is not None:
            out = np.maximum(out, lo._data)
        if hi is not None:
            out = np.minimum(out, hi._data)
        t = wrap(np.asarray(out, dtype=A.dtype))
        if GRAD_ENABLED[0] and (input._rg or (lo is not None and lo._rg) or (hi is not None and hi._rg)):
            # a missing bound is an infinite constant: never active, never differentiated
            lo = lo if lo is not None else wrap(np.asarray(-np.inf, dtype=A.dtype))
            hi = hi if hi is not None else wrap(np.asarray(np.inf, dtype=A.dtype))
            record(ClampBackward0.__new__(ClampBackward0), t, (input, lo, hi))
        return t
    lo = _scalar_operand(min) if min is not None else None
    hi = _scalar_operand(max) if max is not None else None
    if A.dtype.kind != "f" and (isinstance(lo, float) or isinstance(hi, float)):
        A = A.astype(_scalar_result(A.dtype, 1.0))
    out = A
    if lo is not None:
        out = np.maximum(out, np.asarray(lo, dtype=A.dtype))
    if hi is not None:
        out = np.minimum(out, np.asarray(hi, dtype=A.dtype))
    t = wrap(np.asarray(out, dtype=A.dtype))
    if GRAD_ENABLED[0] and input._rg:
        node: Any = _node_cls.__new__(_node_cls)
        node.lo, node.hi = lo, hi
        record(node, t, (input,))
    return t


def clip(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    return clamp(input, min, max)


def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002
    return clamp(input, min=min, _node_cls=ClampMinBackward0)


def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002
    return clamp(input, max=max, _node_cls=ClampMaxBackward0)


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``input`` with ``value`` where ``mask`` is True (gradient 0 there)."""
    M = mask._data
    if M.dtype.kind != "b":
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {_tn(M.dtype)}")
    name = "MaskedFillBackward0"  # PyTorch's name for a number; a 0-dim tensor value gives MaskedFillBackward1
    if isinstance(value, Tensor):
        name = "MaskedFillBackward1"
        if value._data.ndim:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        val = value.to(input.dtype)
    else:
        val = wrap(np.asarray(_scalar_operand(value), dtype=input._data.dtype))
    out = where(mask, val, input)
    if out._data.shape != input._data.shape:
        raise RuntimeError(
            f"The size of tensor a ({input._data.shape}) must match the size of tensor b ({M.shape}) in masked_fill"
        )
    return named_grad_fn(out, name)

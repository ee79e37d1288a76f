"""Arithmetic: add sub mul div neg pow, and the binary max/min family.

Each binary op accepts Tensors and Python scalars, promotes like PyTorch, and
returns its gradient at the *broadcast* shape -- the engine sums it back to
each input's shape (``autograd/namespace.py: sum_to``).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .._dtype import _default, promote_arrays
from .._errstate import silent
from ..autograd.graph import SAVE_INPUTS, SAVE_OUTPUT
from ._util import GRAD_ENABLED, Node, Tensor, promote_pair, record, wrap

_ndarray = np.ndarray
_new = object.__new__


def _pair(a: Any, b: Any) -> tuple[Any, Any, np.ndarray, np.ndarray]:
    """Fast path for two tensors of one dtype; everything else goes through ``promote_pair``."""
    try:
        A = a._data
        B = b._data
    except AttributeError:
        return promote_pair(a, b)
    if A.dtype is not B.dtype:
        dt = promote_arrays(A, B)
        A = A.astype(dt, copy=False)
        B = B.astype(dt, copy=False)
    return a, b, A, B


def _finish(node_cls: type[Node], out: Any, a: Tensor, b: Tensor) -> Tensor:
    t = wrap(out if type(out) is _ndarray else np.asarray(out))
    if GRAD_ENABLED[0] and (a._rg or b._rg):
        record(node_cls.__new__(node_cls), t, (a, b))
    return t


def _broadcast_error(op: str, A: np.ndarray, B: np.ndarray) -> RuntimeError:
    """PyTorch's message, naming the first (from the right) dimension that does not broadcast."""
    n = builtins.max(A.ndim, B.ndim)
    for k in range(1, n + 1):
        sa = A.shape[-k] if k <= A.ndim else 1
        sb = B.shape[-k] if k <= B.ndim else 1
        if sa != sb and sa != 1 and sb != 1:
            return RuntimeError(f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                                f"non-singleton dimension {n - k}")
    return RuntimeError(f"{op}: shapes {list(A.shape)} and {list(B.shape)} cannot be broadcast together")


class AddBackward0(Node):
    """z = a + b.   ∂z/∂a = 1,   ∂z/∂b = 1."""

    __slots__ = ()
    name = "AddBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        return g, g


class SubBackward0(Node):
    """z = a − b.   ∂z/∂a = 1,   ∂z/∂b = −1."""

    __slots__ = ()
    name = "SubBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        return g, -g


class MulBackward0(Node):
    """z = a · b.   ∂z/∂a = b,   ∂z/∂b = a."""

    __slots__ = ()
    name = "MulBackward0"
    saves = SAVE_INPUTS
    cross_saved = True  # a is read only for ∂z/∂b and b only for ∂z/∂a

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        return g * b, g * a


class DivBackward0(Node):
    """z = a / b.   ∂z/∂a = 1/b,   ∂z/∂b = −a/b²."""

    __slots__ = ()
    name = "DivBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        ga = g / b
        return ga, -ga * a / b


class DivBackward2(Node):
    """z = round(a / b) (rounding_mode 'floor' or 'trunc').   ∂z/∂a = ∂z/∂b = 0 (a step function), as PyTorch."""

    __slots__ = ()
    name = "DivBackward2"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        zero = g * 0
        return zero, zero


def add(input: Any, other: Any, *, alpha: Any = 1, out: Any = None) -> Tensor:
    """a + α·b, elementwise with broadcasting."""
    if alpha == 1:
        try:  # fast path: two tensors of one dtype (most calls); anything else takes the general path below
            A = input._data
            B = other._data
            if A.dtype is B.dtype:
                r = A + B
                # Tensor._wrap inlined: the call frame is ~5 % of an unrecorded op on small arrays
                t = _new(Tensor)
                t._data = r if type(r) is _ndarray else np.asarray(r)
                t._rg = False; t.grad_fn = None; t._grad = None; t._vc = None  # noqa: E702
                t._out_idx = 0; t._retains = False; t._hooks = None  # noqa: E702
                if GRAD_ENABLED[0] and (input._rg or other._rg):
                    record(_new(AddBackward0), t, (input, other))
                return t
        except (AttributeError, ValueError):  # a number operand, or shapes that do not broadcast
            pass
    else:
        other = mul(other, alpha) if isinstance(other, Tensor) else other * alpha
    a, b, A, B = _pair(input, other)
    try:
        r = A + B
    except ValueError:
        raise _broadcast_error("add", A, B) from None
    return _finish(AddBackward0, r, a, b)


def radd(self: Tensor, other: Any) -> Tensor:
    return add(other, self)


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """a − α·b, elementwise with broadcasting (bool tensors are refused, like PyTorch)."""
    if alpha != 1:
        other = mul(other, alpha) if isinstance(other, Tensor) else other * alpha
    a, b, A, B = _pair(input, other)
    if A.dtype.kind == "b":
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. "
            "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    try:
        r = A - B
    except ValueError:
        raise _broadcast_error("sub", A, B) from None
    return _finish(SubBackward0, r, a, b)


def _is_bool(x: Any) -> bool:
    return x.__class__ is bool or (isinstance(x, Tensor) and x._data.dtype.kind == "b")


class RsubBackward1(Node):
    """z = c − a (c a number).   ∂z/∂a = −1."""

    __slots__ = ()
    name = "RsubBackward1"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (-g,)


def rsub(self: Tensor, other: Any) -> Tensor:
    """``c - x`` for a number c (PyTorch records it as RsubBackward1)."""
    if isinstance(other, Tensor) or not GRAD_ENABLED[0] or not self._rg:
        return sub(other, self)
    GRAD_ENABLED[0] = False  # compute unrecorded, then record the single RsubBackward1 node
    try:
        t = sub(other, self)
    finally:
        GRAD_ENABLED[0] = True
    record(RsubBackward1.__new__(RsubBackward1), t, (self,))
    return t


def mul(input: Any, other: Any) -> Tensor:
    """a · b, elementwise with broadcasting."""
    try:  # fast path: two tensors of one dtype (most calls); anything else takes the general path below
        A = input._data
        B = other._data
        if A.dtype is B.dtype:
            r = A * B
            t = _new(Tensor)  # Tensor._wrap inlined, as in ``add``
            t._data = r if type(r) is _ndarray else np.asarray(r)
            t._rg = False; t.grad_fn = None; t._grad = None; t._vc = None  # noqa: E702
            t._out_idx = 0; t._retains = False; t._hooks = None  # noqa: E702
            if GRAD_ENABLED[0] and (input._rg or other._rg):
                record(_new(MulBackward0), t, (input, other))
            return t
    except (AttributeError, ValueError):  # a number operand, or shapes that do not broadcast
        pass
    a, b, A, B = _pair(input, other)
    try:
        r = A * B
    except ValueError:
        raise _broadcast_error("mul", A, B) from None
    return _finish(MulBackward0, r, a, b)


def rmul(self: Tensor, other: Any) -> Tensor:
    return mul(other, self)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """a / b (true division: integers give the default float dtype), or floor/trunc division."""
    a, b, A, B = _pair(input, other)
    if rounding_mode is not None:
        if rounding_mode not in ("floor", "trunc"):
            raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                             f"'{rounding_mode}'")
        _integer_zero_division(B)
        with silent():
            q = np.floor_divide(A, B) if rounding_mode == "floor" else np.trunc(A / B).astype(A.dtype)
        # PyTorch records DivBackward2 (zero gradients) so the result still requires grad
        return _finish(DivBackward2, np.asarray(q), a, b)
    if A.dtype.kind != "f":
        A = A.astype(_default[0].np)
        B = B.astype(_default[0].np)
    try:
        with silent():
            r = A / B
    except ValueError:
        raise _broadcast_error("div", A, B) from None
    return _finish(DivBackward0, r, a, b)


def rdiv(self: Tensor, other: Any) -> Tensor:
    return div(other, self)


def _integer_zero_division(B: np.ndarray) -> None:
    """Integer division by zero has no value: PyTorch raises where NumPy would give 0 with a warning."""
    if B.dtype.kind in "iu" and B.size and not B.all():
        raise RuntimeError("ZeroDivisionError")


def floor_divide(input: Any, other: Any) -> Tensor:
    """⌊a / b⌋; not differentiable (PyTorch has no derivative for floor_divide)."""
    a, b, A, B = _pair(input, other)
    _integer_zero_division(B)
    with silent():
        return wrap(np.asarray(np.floor_divide(A, B)))


class RemainderBackward1(Node):
    """z = a − b·⌊a/b⌋.   ∂z/∂a = 1,   ∂z/∂b = −⌊a/b⌋."""

    __slots__ = ()
    name = "RemainderBackward1"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = (x[0]._data, x[1]._data) if F.is_tensor else x
        q = np.floor_divide(a, b)  # a step function of the inputs: a constant under create_graph
        return g, -g * F.const(q, g)


def remainder(input: Any, other: Any) -> Tensor:
    """Python-style modulus (sign of the divisor)."""
    a, b, A, B = _pair(input, other)
    _integer_zero_division(B)
    with silent():
        r = np.asarray(np.mod(A, B))
    if not isinstance(other, Tensor):  # PyTorch's Scalar overload
        return _finish(RemainderBackward0, r, a, b)
    return _finish(RemainderBackward1, r, a, b)


class RemainderBackward0(RemainderBackward1):
    """z = a mod c (c a number).   ∂z/∂a = 1."""

    __slots__ = ()
    name = "RemainderBackward0"


class NegBackward0(Node):
    """z = −a.   ∂z/∂a = −1."""

    __slots__ = ()
    name = "NegBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (-g,)


def neg(input: Tensor) -> Tensor:
    """−a."""
    A = input._data
    if A.dtype.kind == "b":
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. "
            "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    t = wrap(np.negative(A) if A.ndim else np.asarray(-A))
    if GRAD_ENABLED[0] and input._rg:
        record(NegBackward0.__new__(NegBackward0), t, (input,))
    return t


class PowBackward0(Node):
    """z = aᵖ (p a number).   ∂z/∂a = p·aᵖ⁻¹  (0 where p = 0, so d(x⁰)/dx = 0 even at x = 0)."""

    __slots__ = ("p",)
    p: Any
    name = "PowBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        p = self.p
        if p == 0:
            return (g * 0,)
        (a,) = x
        if p == 1:
            return (g,)
        if p == 2:
            return (g * (a * 2),)
        return (g * (p * a ** (p - 1)),)


class PowBackward1(Node):
    """z = aᵇ (both tensors).   ∂z/∂a = b·aᵇ⁻¹,   ∂z/∂b = aᵇ·ln a  (taken as 0 where a = 0 and b ≥ 0)."""

    __slots__ = ()
    name = "PowBackward1"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        # d(a⁰)/da = 0, even at a = 0 where b·aᵇ⁻¹ would be 0·∞
        ga = F.where(b == 0, g * 0, g * (b * a ** (b - 1)))
        # PyTorch masks the exponent gradient where base == 0 and exponent >= 0
        masked = (a == 0) & (b >= 0)
        gb = F.where(masked, g * 0, g * (y * F.log(F.where(masked, 1.0, a))))
        return ga, gb


class PowBackward2(Node):
    """z = cᵇ (c a number).   ∂z/∂b = cᵇ·ln c."""

    __slots__ = ("c",)
    c: Any
    name = "PowBackward2"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        c = self.c
        if c == 0:
            return None, g * 0
        return None, g * (y * float(np.log(c)))


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001 - PyTorch's name
    """aᵇ for tensor/number combinations."""
    if isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        from ._util import _scalar_operand

        p = _scalar_operand(exponent)
        A = input._data
        if A.dtype.kind != "f" and isinstance(p, float):
            A = A.astype(_default[0].np)
        if A.dtype.kind in "iub" and isinstance(p, int) and p < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if A.dtype.kind == "b" and p.__class__ is int:
            A = A.astype(np.int64)  # bool ** int is int64 in PyTorch
        with silent():
            r = np.power(A, p) if A.dtype.kind == "f" else np.power(A, p).astype(A.dtype)
        t = wrap(r if type(r) is _ndarray else np.asarray(r, dtype=A.dtype))
        if GRAD_ENABLED[0] and input._rg:
            node: Any = PowBackward0.__new__(PowBackward0)
            node.p = p
            record(node, t, (input,))
        return t
    if not isinstance(input, Tensor):
        from ._util import _scalar_operand

        c = _scalar_operand(input)
        b, B = exponent, exponent._data
        if B.dtype.kind != "f" and isinstance(c, float):
            B = B.astype(_default[0].np)
        if B.dtype.kind == "b" and c.__class__ is bool:
            raise NotImplementedError('"pow" not implemented for \'Bool\'')
        if B.dtype.kind == "b" and c.__class__ is int:
            B = B.astype(np.int64)  # int ** bool is int64 in PyTorch
        with silent():
            C = np.asarray(c, dtype=B.dtype)
            r = _int_power(C, B) if B.dtype.kind in "iu" else np.power(C, B)
        t = wrap(np.asarray(r))
        if GRAD_ENABLED[0] and b._rg:
            node = PowBackward2.__new__(PowBackward2)
            node.c = c
            record(node, t, (None, b))
        return t
    a, b, A, B = _pair(input, exponent)
    if A.dtype.kind == "b":
        raise NotImplementedError('"pow" not implemented for \'Bool\'')
    try:
        with silent():
            r = _int_power(A, B) if A.dtype.kind in "iu" else np.power(A, B)
    except ValueError:
        raise _broadcast_error("pow", A, B) from None
    return _finish(PowBackward1, r, a, b)


def _int_power(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Integer aᵇ; a negative exponent truncates toward 0 as PyTorch does (1, ±1 for a = ±1, else 0)."""
    neg = B < 0
    if not neg.any():
        return np.power(A, B)
    r = np.power(A, np.where(neg, 0, B))
    inverse = np.where(A == 1, 1, np.where(A == -1, np.where(B % 2 == 0, 1, -1), 0))
    return np.where(neg, inverse, r).astype(r.dtype)


def rpow(self: Tensor, other: Any) -> Tensor:
    return pow(other, self)


def square(input: Tensor) -> Tensor:
    """a²  (recorded as ``PowBackward0``, as in PyTorch)."""
    return pow(input, 2)


class MaximumBackward0(Node):
    """z = max(a, b).   Gradient to the larger; ties split evenly (½ each), as PyTorch."""

    __slots__ = ()
    name = "MaximumBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        return _split(F, g, a < b, a > b, a == b)


class MinimumBackward0(Node):
    """z = min(a, b).   Gradient to the smaller; ties split evenly (½ each), as PyTorch."""

    __slots__ = ()
    name = "MinimumBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        return _split(F, g, a > b, a < b, a == b)


def _split(F: Any, g: Any, a_loses: Any, b_loses: Any, ties: Any) -> tuple[Any, Any]:
    # PyTorch's rule: g (g/2 on ties) masked to 0 where that side loses; a NaN pair loses nowhere, so
    # both sides get the full gradient there
    share = F.where(ties, g * 0.5, g)
    zero = g * 0
    return F.where(a_loses, zero, share), F.where(b_loses, zero, share)


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise max(a, b) (NaN propagates)."""
    a, b, A, B = _pair(input, other)
    try:
        r = np.maximum(A, B)
    except ValueError:
        raise _broadcast_error("maximum", A, B) from None
    return _finish(MaximumBackward0, r, a, b)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise min(a, b) (NaN propagates)."""
    a, b, A, B = _pair(input, other)
    try:
        r = np.minimum(A, B)
    except ValueError:
        raise _broadcast_error("minimum", A, B) from None
    return _finish(MinimumBackward0, r, a, b)


# -- comparisons and logic: bool results, never differentiated --------------------------------

def _compare(ufunc: Any, a: Any, b: Any) -> Tensor:
    _, _, A, B = _pair(a, b)
    try:
        return wrap(np.asarray(ufunc(A, B)))
    except ValueError:
        raise _broadcast_error(ufunc.__name__, A, B) from None


def eq(input: Any, other: Any) -> Tensor:
    return _compare(np.equal, input, other)


def ne(input: Any, other: Any) -> Tensor:
    return _compare(np.not_equal, input, other)


def lt(input: Any, other: Any) -> Tensor:
    return _compare(np.less, input, other)


def le(input: Any, other: Any) -> Tensor:
    return _compare(np.less_equal, input, other)


def gt(input: Any, other: Any) -> Tensor:
    return _compare(np.greater, input, other)


def ge(input: Any, other: Any) -> Tensor:
    return _compare(np.greater_equal, input, other)


def logical_and(input: Any, other: Any) -> Tensor:
    return _compare(np.logical_and, input, other)


def logical_or(input: Any, other: Any) -> Tensor:
    return _compare(np.logical_or, input, other)


def logical_xor(input: Any, other: Any) -> Tensor:
    return _compare(np.logical_xor, input, other)


def logical_not(input: Tensor) -> Tensor:
    return wrap(np.asarray(np.logical_not(input._data)))


def _bitwise(ufunc: Any, a: Any, b: Any) -> Tensor:
    _, _, A, B = _pair(a, b)
    if A.dtype.kind == "f":
        raise TypeError(f"{ufunc.__name__} is only supported for integer and bool tensors, got {A.dtype}")
    return wrap(np.asarray(ufunc(A, B)))


def bitwise_and(input: Any, other: Any) -> Tensor:
    return _bitwise(np.bitwise_and, input, other)


def bitwise_or(input: Any, other: Any) -> Tensor:
    return _bitwise(np.bitwise_or, input, other)


def bitwise_xor(input: Any, other: Any) -> Tensor:
    return _bitwise(np.bitwise_xor, input, other)


def bitwise_not(input: Tensor) -> Tensor:
    if input._data.dtype.kind == "f":
        raise TypeError("bitwise_not is only supported for integer and bool tensors")
    return wrap(np.asarray(np.invert(input._data)))


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and elements."""
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


def isclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    _, _, A, B = _pair(input, other)
    return wrap(np.asarray(np.isclose(A, B, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def allclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    _, _, A, B = _pair(input, other)
    return bool(np.allclose(A, B, rtol=rtol, atol=atol, equal_nan=equal_nan))

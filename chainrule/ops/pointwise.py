"""Unary elementwise math: exp log sqrt abs trig tanh ... with their derivatives.

Integer inputs to floating functions give the default float dtype, as in PyTorch.
Where a derivative is cheaper from the output, the node saves the output
(``exp' = y``, ``tanh' = 1 − y²``, ``sqrt' = 1/(2y)``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _kernels
from .._dtype import _default
from .._errstate import quiet as _quiet
from ..autograd.graph import SAVE_INPUTS, SAVE_OUTPUT
from . import _special
from ._util import GRAD_ENABLED, Node, Tensor, arg_type_error, record, wrap

_ndarray = np.ndarray
_new = object.__new__

# NumPy ufuncs with floating-point warnings silenced (PyTorch returns inf/nan without a warning)
_q_arccos = _quiet(np.arccos)
_q_arcsin = _quiet(np.arcsin)
_q_cosh = _quiet(np.cosh)
_q_exp = _quiet(np.exp)
_q_expm1 = _quiet(np.expm1)
_q_log = _quiet(np.log)
_q_log10 = _quiet(np.log10)
_q_log1p = _quiet(np.log1p)
_q_log2 = _quiet(np.log2)
_q_sinh = _quiet(np.sinh)
_q_sin = _quiet(np.sin)  # sin(±inf) = nan, silently
_q_cos = _quiet(np.cos)
_q_tan = _quiet(np.tan)
_q_sqrt = _quiet(np.sqrt)
_q_rsqrt = _quiet(lambda a: 1 / np.sqrt(a))
_q_reciprocal = _quiet(lambda a: 1 / a)


def _not_a_tensor(node_cls: type[Node], input: Any) -> TypeError:
    return arg_type_error(node_cls.name[: -len("Backward0")].lower(), "input", 1, input)


def _unary(node_cls: type[Node], fn: Any, input: Tensor, keep_int: bool = False) -> Tensor:
    try:
        A = input._data
    except AttributeError:  # free on the hot path; a list or number gets PyTorch's TypeError
        raise _not_a_tensor(node_cls, input) from None
    if A.dtype.kind != "f" and not keep_int:
        A = A.astype(_default[0].np)
    r = fn(A)
    t = wrap(r if type(r) is _ndarray else np.asarray(r, dtype=A.dtype))
    if GRAD_ENABLED[0] and input._rg:
        record(node_cls.__new__(node_cls), t, (input,))
    return t


class ExpBackward0(Node):
    """y = eˣ.   dy/dx = y."""

    __slots__ = ()
    name = "ExpBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * y,)


class LogBackward0(Node):
    """y = ln x.   dy/dx = 1/x."""

    __slots__ = ()
    name = "LogBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g / x[0],)


class Log2Backward0(Node):
    """y = log₂ x.   dy/dx = 1/(x ln 2)."""

    __slots__ = ()
    name = "Log2Backward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g / (x[0] * float(np.log(2.0))),)


class Log10Backward0(Node):
    """y = log₁₀ x.   dy/dx = 1/(x ln 10)."""

    __slots__ = ()
    name = "Log10Backward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g / (x[0] * float(np.log(10.0))),)


class Log1PBackward0(Node):
    """y = ln(1 + x).   dy/dx = 1/(1 + x)."""

    __slots__ = ()
    name = "Log1PBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g / (x[0] + 1),)


class Expm1Backward0(Node):
    """y = eˣ − 1.   dy/dx = y + 1."""

    __slots__ = ()
    name = "Expm1Backward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * (y + 1),)


class SqrtBackward0(Node):
    """y = √x.   dy/dx = 1/(2y)  (inf at x = 0, as PyTorch)."""

    __slots__ = ()
    name = "SqrtBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g / (y * 2),)


class RsqrtBackward0(Node):
    """y = 1/√x.   dy/dx = −y³/2."""

    __slots__ = ()
    name = "RsqrtBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * (y * y * y) * -0.5,)


class ReciprocalBackward0(Node):
    """y = 1/x.   dy/dx = −y²."""

    __slots__ = ()
    name = "ReciprocalBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (-g * (y * y),)


class AbsBackward0(Node):
    """y = |x|.   dy/dx = sign(x)  (0 at x = 0, as PyTorch)."""

    __slots__ = ()
    name = "AbsBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * (F.sign(x[0]) if F.is_tensor else _sign(x[0])),)  # sign(NaN) = 0, as PyTorch


class SignBackward0(Node):
    """y = sign(x).   dy/dx = 0 (everywhere, by convention)."""

    __slots__ = ()
    name = "SignBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * 0,)


class SinBackward0(Node):
    """y = sin x.   dy/dx = cos x."""

    __slots__ = ()
    name = "SinBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * F.cos(x[0]),)


class CosBackward0(Node):
    """y = cos x.   dy/dx = −sin x."""

    __slots__ = ()
    name = "CosBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (-g * F.sin(x[0]),)


class TanBackward0(Node):
    """y = tan x.   dy/dx = 1 + y²."""

    __slots__ = ()
    name = "TanBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * (y * y + 1),)


class TanhBackward0(Node):
    """y = tanh x.   dy/dx = 1 − y²  (from the output: no overflow at large |x|)."""

    __slots__ = ()
    name = "TanhBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * F.one_minus(y * y),)


class SigmoidBackward0(Node):
    """y = σ(x) = 1/(1 + e⁻ˣ).   dy/dx = y(1 − y)."""

    __slots__ = ()
    name = "SigmoidBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        if not F.is_tensor and y.size >= _kernels.MIN_SIZE and (fast := _kernels.sigmoid_backward(g, y)) is not None:
            return (fast,)  # the same formula, fused (ops/_kernels.py)
        return (g * (y * F.one_minus(y)),)


class ReluBackward0(Node):
    """y = max(x, 0).   dy/dx = 1 if y > 0 else 0  (0 at x = 0; NaN passes gradient 1, as PyTorch)."""

    __slots__ = ()
    name = "ReluBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        # ``y <= 0`` is False for NaN, so NaN inputs pass the gradient (PyTorch's threshold_backward)
        r = F.where(y <= 0, 0.0, g)
        if F.is_tensor and not r._rg:  # PyTorch's gradient reads y, so it stays on the graph (derivative 0)
            r = F.where(np.zeros(r._data.shape, dtype=bool), y, r)
        return (r,)


class AtanBackward0(Node):
    """y = atan x.   dy/dx = 1/(1 + x²)."""

    __slots__ = ()
    name = "AtanBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g / (x[0] * x[0] + 1),)


class AsinBackward0(Node):
    """y = asin x.   dy/dx = 1/√(1 − x²)."""

    __slots__ = ()
    name = "AsinBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g / F.sqrt(1 - x[0] * x[0]),)


class AcosBackward0(Node):
    """y = acos x.   dy/dx = −1/√(1 − x²)."""

    __slots__ = ()
    name = "AcosBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (-g / F.sqrt(1 - x[0] * x[0]),)


class SinhBackward0(Node):
    """y = sinh x.   dy/dx = cosh x."""

    __slots__ = ()
    name = "SinhBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * F.cosh(x[0]),)


class CoshBackward0(Node):
    """y = cosh x.   dy/dx = sinh x."""

    __slots__ = ()
    name = "CoshBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * F.sinh(x[0]),)


class RoundingBackward(Node):
    """floor / ceil / round / trunc / frac-free steps: derivative 0 almost everywhere."""

    __slots__ = ()
    name = "FloorBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * 0,)


def exp(input: Tensor) -> Tensor:
    """eˣ; derivative eˣ."""
    try:  # the hot path, inlined: a float tensor
        A = input._data
        if A.dtype.kind == "f":
            try:  # overflow to inf is silent like PyTorch: _errstate's warnings filter covers this module
                r = np.exp(A)
            except (RuntimeWarning, FloatingPointError):  # warnings made errors, or np.seterr(all="raise")
                r = _q_exp(A)
            t = _new(Tensor)  # Tensor._wrap inlined (its call frame is ~5 % of this op on small arrays)
            t._data = r if type(r) is _ndarray else np.asarray(r)
            t._rg = False; t.grad_fn = None; t._grad = None; t._vc = None  # noqa: E702
            t._out_idx = 0; t._retains = False; t._hooks = None  # noqa: E702
            if GRAD_ENABLED[0] and input._rg:
                record(_new(ExpBackward0), t, (input,))
            return t
    except AttributeError:
        pass
    return _unary(ExpBackward0, _q_exp, input)


def log(input: Tensor) -> Tensor:
    """ln x; derivative 1/x (ln 0 = −inf, ln of a negative = nan, without warnings)."""
    return _unary(LogBackward0, _q_log, input)


def log2(input: Tensor) -> Tensor:
    """log₂ x; derivative 1/(x ln 2)."""
    return _unary(Log2Backward0, _q_log2, input)


def log10(input: Tensor) -> Tensor:
    """log₁₀ x; derivative 1/(x ln 10)."""
    return _unary(Log10Backward0, _q_log10, input)


def log1p(input: Tensor) -> Tensor:
    """ln(1 + x), accurate near 0; derivative 1/(1 + x)."""
    return _unary(Log1PBackward0, _q_log1p, input)


def expm1(input: Tensor) -> Tensor:
    """eˣ − 1, accurate near 0; derivative eˣ."""
    return _unary(Expm1Backward0, _q_expm1, input)


def sqrt(input: Tensor) -> Tensor:
    """√x; derivative 1/(2√x)."""
    return _unary(SqrtBackward0, _q_sqrt, input)


def rsqrt(input: Tensor) -> Tensor:
    """1/√x; derivative −x^(−3/2)/2."""
    return _unary(RsqrtBackward0, _q_rsqrt, input)


def reciprocal(input: Tensor) -> Tensor:
    """1/x; derivative −1/x²."""
    return _unary(ReciprocalBackward0, _q_reciprocal, input)


def abs(input: Tensor) -> Tensor:  # noqa: A001
    """|x| (integers stay integers); derivative sign(x), 0 at 0."""
    return _unary(AbsBackward0, np.abs, input, keep_int=True)


def sign(input: Tensor) -> Tensor:
    """sign(x) ∈ {−1, 0, 1} (integers stay integers); derivative 0."""
    return _unary(SignBackward0, _sign, input, keep_int=True)


def _sign(A: np.ndarray) -> np.ndarray:
    """np.sign, but sign(NaN) = 0 as in PyTorch."""
    r = np.sign(A)
    return np.where(A == A, r, 0) if A.dtype.kind == "f" else r


def sin(input: Tensor) -> Tensor:
    """sin x; derivative cos x."""
    return _unary(SinBackward0, _q_sin, input)


def cos(input: Tensor) -> Tensor:
    """cos x; derivative −sin x."""
    return _unary(CosBackward0, _q_cos, input)


def tan(input: Tensor) -> Tensor:
    """tan x; derivative 1 + tan² x."""
    return _unary(TanBackward0, _q_tan, input)


def atan(input: Tensor) -> Tensor:
    """atan x; derivative 1/(1 + x²)."""
    return _unary(AtanBackward0, np.arctan, input)


def asin(input: Tensor) -> Tensor:
    """asin x; derivative 1/√(1 − x²)."""
    return _unary(AsinBackward0, _q_arcsin, input)


def acos(input: Tensor) -> Tensor:
    """acos x; derivative −1/√(1 − x²)."""
    return _unary(AcosBackward0, _q_arccos, input)


def sinh(input: Tensor) -> Tensor:
    """sinh x; derivative cosh x."""
    return _unary(SinhBackward0, _q_sinh, input)


def cosh(input: Tensor) -> Tensor:
    """cosh x; derivative sinh x."""
    return _unary(CoshBackward0, _q_cosh, input)


def tanh(input: Tensor) -> Tensor:
    """tanh x; derivative 1 − tanh² x."""
    return _unary(TanhBackward0, np.tanh, input)


def sigmoid(input: Tensor) -> Tensor:
    """σ(x) = 1/(1 + e⁻ˣ), computed without overflow at any x; derivative σ(1 − σ)."""
    try:  # the hot path (a float tensor) without ``_unary``'s frame
        A = input._data
        if A.dtype.kind == "f":
            t = wrap(_special.sigmoid(A))
            if GRAD_ENABLED[0] and input._rg:
                record(_new(SigmoidBackward0), t, (input,))
            return t
    except AttributeError:
        pass
    return _unary(SigmoidBackward0, _special.sigmoid, input)


def relu(input: Tensor) -> Tensor:
    """max(x, 0) (integers stay integers); derivative 1 for x > 0, else 0."""
    A = input._data
    if A.dtype.kind == "b":
        raise RuntimeError('"clamp_min_cpu" not implemented for \'Bool\'')
    r = np.maximum(A, 0) if A.ndim else np.asarray(np.maximum(A, 0))
    t = wrap(r)
    if GRAD_ENABLED[0] and input._rg:
        record(ReluBackward0.__new__(ReluBackward0), t, (input,))
    return t


_ROUND_NODES: dict[str, type] = {}


def _round_node(name: str) -> type:
    cls = _ROUND_NODES.get(name)
    if cls is None:
        cls = _ROUND_NODES[name] = type(name, (RoundingBackward,), {"__slots__": (), "name": name})
    return cls


def floor(input: Tensor) -> Tensor:
    """⌊x⌋; derivative 0."""
    return _unary(_round_node("FloorBackward0"), np.floor, input, keep_int=True)


def ceil(input: Tensor) -> Tensor:
    """⌈x⌉; derivative 0."""
    return _unary(_round_node("CeilBackward0"), np.ceil, input, keep_int=True)


def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001
    """Round half to even (as PyTorch); derivative 0."""
    name = "RoundBackward1" if decimals else "RoundBackward0"  # PyTorch's round.decimals overload
    return _unary(_round_node(name), lambda a: np.round(a, decimals), input, keep_int=True)


def trunc(input: Tensor) -> Tensor:
    """Round toward zero; derivative 0."""
    return _unary(_round_node("TruncBackward0"), np.trunc, input, keep_int=True)


def isnan(input: Tensor) -> Tensor:
    return wrap(np.asarray(np.isnan(input._data)))


def isinf(input: Tensor) -> Tensor:
    return wrap(np.asarray(np.isinf(input._data)))


def isfinite(input: Tensor) -> Tensor:
    return wrap(np.asarray(np.isfinite(input._data)))

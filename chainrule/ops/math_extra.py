"""More elementwise math: erf/erfc/erfinv, lgamma/digamma, atan2, hypot, fmod, logaddexp, xlogy, logit,
lerp, addcmul/addcdiv ... with PyTorch's dtype rules, edge values and closed-form derivatives.

The special functions' float64 array routines (no SciPy needed) are in ``_special_math.py``.

Each derivative is written once against ``F`` (NumPy arrays, or chainrule Tensors in a create_graph pass),
so every op here is differentiable twice (ψ⁽ⁿ⁾ to any order).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .._dtype import _default, promote_arrays
from .._errstate import silent
from ..autograd.graph import SAVE_INPUTS, SAVE_OUTPUT
from ._special_math import _erfc_arr, _erfinv_arr, _in_dtype, _lgamma_arr, _polygamma_arr
from ._util import Node, Tensor, arg_type_error, make, promote_pair, wrap

__all__: list[str] = [
    "erf", "erfc", "erfinv", "lgamma", "digamma", "atan2", "arctan2", "hypot", "fmod", "logaddexp", "logaddexp2",
    "xlogy", "logit", "exp2", "frac", "copysign", "signbit", "sgn", "positive", "float_power", "heaviside",
    "deg2rad", "rad2deg", "sinc", "nan_to_num", "lerp", "addcmul", "addcdiv",
]

_TN = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
       "bool": "Bool", "int16": "Short", "int8": "Char", "uint8": "Byte"}
_SQRT_PI = math.sqrt(math.pi)
_LN2 = math.log(2.0)


# ============================================================================ helpers

def _float_input(fname: str, input: Any) -> np.ndarray:
    if not isinstance(input, Tensor):
        raise arg_type_error(fname, "input", 1, input)
    A = input._data
    return A if A.dtype.kind == "f" else A.astype(_default[0].np)


def _unary(fname: str, node_cls: type[Node], fn: Callable[[np.ndarray], np.ndarray], input: Any,
           **attrs: Any) -> Tensor:
    A = _float_input(fname, input)
    with silent():
        r = np.asarray(fn(A))
    return make(node_cls, r.astype(A.dtype, copy=False), (input,), **attrs)


def _not_tensor(fname: str, input: Any, other: Any, other_name: str = "other") -> None:
    if not isinstance(input, Tensor):
        raise arg_type_error(fname, "input", 1, input)
    if not isinstance(other, Tensor):
        raise arg_type_error(fname, other_name, 2, other)


def _broadcast_error(fname: str, A: np.ndarray, B: np.ndarray) -> RuntimeError:
    from .arith import _broadcast_error as err

    return err(fname, A, B)


def _binary(fname: str, node_cls: type[Node], fn: Callable[[np.ndarray, np.ndarray], np.ndarray], a: Tensor,
            b: Tensor, A: np.ndarray, B: np.ndarray, to_float: bool = True) -> Tensor:
    if to_float and A.dtype.kind != "f":
        A = A.astype(_default[0].np)
        B = B.astype(_default[0].np)
    try:
        with silent():
            r = np.asarray(fn(A, B))
    except ValueError:
        raise _broadcast_error(fname, A, B) from None
    return make(node_cls, r.astype(A.dtype, copy=False), (a, b))


def _float_only(fname: str, A: np.ndarray) -> None:
    if A.dtype.kind != "f":
        raise NotImplementedError(f'"{fname}_cpu" not implemented for \'{_TN.get(str(A.dtype), A.dtype)}\'')


# ============================================================================ error function family

def erf(input: Tensor) -> Tensor:
    """erf x = (2/√π) ∫₀ˣ e^(−t²) dt (integers give the default float);   erf′(x) = (2/√π) e^(−x²)."""
    from .activation import erf as _erf

    _float_input("erf", input)
    return _erf(input)


class ErfcBackward0(Node):
    """y = erfc x = 1 − erf x.   dy/dx = −(2/√π) e^(−x²)."""

    __slots__ = ()
    name = "ErfcBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        return (g * F.exp(xv * xv * -1.0) * (-2 / _SQRT_PI),)


def erfc(input: Tensor) -> Tensor:
    """erfc x = 1 − erf x, accurate in the tail (erfc(30) = 1e-392 underflows to 0);   erfc′(x) = −(2/√π) e^(−x²)."""
    return _unary("erfc", ErfcBackward0, lambda A: _in_dtype(_erfc_arr, A), input)


class ErfinvBackward0(Node):
    """y = erf⁻¹ x.   dy/dx = (√π/2) e^(y²)."""

    __slots__ = ()
    name = "ErfinvBackward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * F.exp(y * y) * (_SQRT_PI / 2),)


def erfinv(input: Tensor) -> Tensor:
    """erf⁻¹ x on [−1, 1] (±inf at ±1, nan outside);   derivative (√π/2) e^(erfinv(x)²)."""
    return _unary("erfinv", ErfinvBackward0, lambda A: _in_dtype(_erfinv_arr, A), input)


# ============================================================================ gamma family

class LgammaBackward0(Node):
    """y = ln |Γ(x)|.   dy/dx = ψ(x) (digamma)."""

    __slots__ = ()
    name = "LgammaBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        return (g * (digamma(xv) if F.is_tensor else _in_dtype(lambda a: _polygamma_arr(0, a), xv)),)


def lgamma(input: Tensor) -> Tensor:
    """ln |Γ(x)| (inf at 0, −1, −2, … and ±inf);   derivative ψ(x) = Γ′(x)/Γ(x)."""
    return _unary("lgamma", LgammaBackward0, lambda A: _in_dtype(_lgamma_arr, A), input)


class PolygammaBackward0(Node):
    """y = ψ⁽ⁿ⁾(x).   dy/dx = ψ⁽ⁿ⁺¹⁾(x)."""

    __slots__ = ("n",)
    n: int
    name = "PolygammaBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv, m = x[0], self.n + 1
        return (g * (_polygamma(m, xv) if F.is_tensor else _in_dtype(lambda a: _polygamma_arr(m, a), xv)),)


class DigammaBackward0(PolygammaBackward0):
    """y = ψ(x) = d ln Γ(x)/dx.   dy/dx = ψ′(x) (trigamma)."""

    __slots__ = ()
    name = "DigammaBackward0"


def _polygamma(n: int, input: Tensor) -> Tensor:
    """ψ⁽ⁿ⁾(x), differentiable to any order (the create_graph form of digamma's derivatives)."""
    return _unary("polygamma", PolygammaBackward0, lambda A: _in_dtype(lambda a: _polygamma_arr(n, a), A), input,
                  n=n)


def digamma(input: Tensor) -> Tensor:
    """ψ(x) = Γ′(x)/Γ(x) (ψ(±0) = ∓inf, nan at the negative integers);   derivative ψ′(x) (trigamma)."""
    return _unary("digamma", DigammaBackward0, lambda A: _in_dtype(lambda a: _polygamma_arr(0, a), A), input, n=0)


# ============================================================================ binary ops

class Atan2Backward0(Node):
    """z = atan2(a, b), the angle of (b, a).   ∂z/∂a = b/(a² + b²),   ∂z/∂b = −a/(a² + b²)  (0 at the origin)."""

    __slots__ = ()
    name = "Atan2Backward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        d = a * a + b * b
        origin = d == 0
        s = g / F.where(origin, 1.0, d)
        s = F.where(origin, 0.0, s)
        return s * b, -(s * a)


def atan2(input: Tensor, other: Tensor) -> Tensor:
    """atan2(a, b) ∈ [−π, π] (signed zeros respected; integers give the default float);
    ∂/∂a = b/(a² + b²), ∂/∂b = −a/(a² + b²)."""
    _not_tensor("atan2", input, other)
    a, b, A, B = promote_pair(input, other)
    return _binary("atan2", Atan2Backward0, np.arctan2, a, b, A, B)


arctan2 = atan2


class HypotBackward0(Node):
    """z = √(a² + b²).   ∂z/∂a = a/z,   ∂z/∂b = b/z."""

    __slots__ = ()
    name = "HypotBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        s = g / y
        return s * a, s * b


def hypot(input: Tensor, other: Tensor) -> Tensor:
    """√(a² + b²) without overflow (floating inputs only);   ∂/∂a = a/hypot, ∂/∂b = b/hypot."""
    _not_tensor("hypot", input, other)
    a, b, A, B = promote_pair(input, other)
    _float_only("hypot", A)
    return _binary("hypot", HypotBackward0, np.hypot, a, b, A, B)


class FmodBackward1(Node):
    """z = a − b·trunc(a/b) (C's fmod: the sign of a).   ∂z/∂a = 1,   ∂z/∂b = −trunc(a/b)."""

    __slots__ = ()
    name = "FmodBackward1"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = (x[0]._data, x[1]._data) if F.is_tensor else x
        with silent():
            q = np.trunc(a / b)  # a step function of the inputs: a constant under create_graph
        return g, -g * F.const(q, g)


class FmodBackward0(FmodBackward1):
    """z = fmod(a, c) (c a number).   ∂z/∂a = 1."""

    __slots__ = ()
    name = "FmodBackward0"


def _int_fmod_check(A: np.ndarray, B: np.ndarray) -> None:
    if B.dtype.kind in "iu" and B.size and not B.all():
        raise RuntimeError("ZeroDivisionError")


def fmod(input: Tensor, other: Any) -> Tensor:
    """C's remainder a − b·trunc(a/b) (the sign of the dividend; integers stay integers, x % 0 raises);
    ∂/∂a = 1, ∂/∂b = −trunc(a/b)."""
    if not isinstance(input, Tensor):
        raise arg_type_error("fmod", "input", 1, input)
    a, b, A, B = promote_pair(input, other)
    if A.dtype.kind == "b":
        raise NotImplementedError('"fmod_cpu" not implemented for \'Bool\'')
    _int_fmod_check(A, B)
    node = FmodBackward1 if isinstance(other, Tensor) else FmodBackward0
    return _binary("fmod", node, np.fmod, a, b, A, B, to_float=False)


class LogaddexpBackward0(Node):
    """z = ln(eᵃ + eᵇ).   ∂z/∂a = 1/(1 + e^(b−a)),   ∂z/∂b = 1/(1 + e^(a−b))."""

    __slots__ = ()
    name = "LogaddexpBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        return g / (F.exp(b - a) + 1), g / (F.exp(a - b) + 1)


class Logaddexp2Backward0(Node):
    """z = log₂(2ᵃ + 2ᵇ).   ∂z/∂a = 1/(1 + 2^(b−a)),   ∂z/∂b = 1/(1 + 2^(a−b))."""

    __slots__ = ()
    name = "Logaddexp2Backward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        return g / (F.exp((b - a) * _LN2) + 1), g / (F.exp((a - b) * _LN2) + 1)


def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """ln(eᵃ + eᵇ) = max + ln(1 + e^(−|a−b|)), without overflow;   ∂/∂a = σ(a − b), ∂/∂b = σ(b − a)."""
    _not_tensor("logaddexp", input, other)
    a, b, A, B = promote_pair(input, other)
    _float_only("logaddexp", A)
    return _binary("logaddexp", LogaddexpBackward0, np.logaddexp, a, b, A, B)


def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """log₂(2ᵃ + 2ᵇ);   ∂/∂a = 1/(1 + 2^(b−a)), ∂/∂b = 1/(1 + 2^(a−b))."""
    _not_tensor("logaddexp2", input, other)
    a, b, A, B = promote_pair(input, other)
    _float_only("logaddexp2", A)
    return _binary("logaddexp2", Logaddexp2Backward0, np.logaddexp2, a, b, A, B)


def _xlogy_arr(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """x·ln y, with 0 where x = 0 unless y is nan (PyTorch's rule)."""
    r = A * np.log(B)
    return np.where((A == 0) & ~np.isnan(B), np.zeros((), r.dtype), r)


class XlogyBackward0(Node):
    """z = x·ln y (0 where x = 0).   ∂z/∂x = ln y (0 where x = 0 and y ≤ 0),   ∂z/∂y = x/y."""

    __slots__ = ()
    name = "XlogyBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a, b = x
        mask = (a == 0) & (b <= 0)
        ga = F.where(mask, 0.0, xlogy(g, b) if F.is_tensor else _xlogy_arr(g, b))
        return ga, g * a / b


class XlogyBackward1(XlogyBackward0):
    """z = c·ln y (c a number).   ∂z/∂y = c/y."""

    __slots__ = ()
    name = "XlogyBackward1"


class XlogyBackward2(XlogyBackward0):
    """z = x·ln c (c a number).   ∂z/∂x = ln c."""

    __slots__ = ()
    name = "XlogyBackward2"


def xlogy(input: Any, other: Any) -> Tensor:
    """x·ln y, defined as 0 where x = 0 (even for y = 0; nan when y is nan);
    ∂/∂x = ln y, ∂/∂y = x/y."""
    a, b, A, B = promote_pair(input, other)
    node = XlogyBackward0 if isinstance(input, Tensor) and isinstance(other, Tensor) else (
        XlogyBackward1 if isinstance(other, Tensor) else XlogyBackward2)
    return _binary("xlogy", node, _xlogy_arr, a, b, A, B)


class CopysignBackward0(Node):
    """z = |a|·sign(b).   ∂z/∂a = z/a (±1; 0 at a = 0),   ∂z/∂b = 0."""

    __slots__ = ()
    name = "CopysignBackward0"
    saves = SAVE_INPUTS | SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        a = x[0]
        if F.is_tensor:  # z/a kept on the graph, as PyTorch: its derivative is 0, nan at a = 0 and ±inf
            return g * F.where(a == 0, 0.0, y / a), F.zeros_like(g)
        with silent():
            ratio = np.where(a == 0, 0.0, y / np.where(a == 0, 1.0, a)).astype(a.dtype)
        return g * ratio, np.zeros_like(g)


class CopysignBackward1(CopysignBackward0):
    """z = |a|·sign(c) (c a number).   ∂z/∂a = z/a."""

    __slots__ = ()
    name = "CopysignBackward1"


def copysign(input: Tensor, other: Any) -> Tensor:
    """|a| with the sign bit of b (−0.0 and −nan count as negative; integers give the default float);
    ∂/∂a = ±1 (0 at a = 0), ∂/∂b = 0."""
    if not isinstance(input, Tensor):
        raise arg_type_error("copysign", "input", 1, input)
    a, b, A, B = promote_pair(input, other)
    node = CopysignBackward0 if isinstance(other, Tensor) else CopysignBackward1
    return _binary("copysign", node, np.copysign, a, b, A, B)


class NotImplementedBackward(Node):
    """An op PyTorch records without a derivative: backward raises PyTorch's error."""

    __slots__ = ("op",)
    op: str
    name = "torch::autograd::NotImplemented"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        raise RuntimeError(f"derivative for aten::{self.op} is not implemented")


def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """H(x) = 0 for x < 0, ``values`` at x = 0, 1 for x > 0 (both tensors of one dtype; not differentiable)."""
    _not_tensor("heaviside", input, values, "values")
    A, V = input._data, values._data
    if A.dtype != V.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    try:
        r = np.where(A == 0, V, (A > 0).astype(A.dtype)).astype(A.dtype)
    except ValueError:
        raise _broadcast_error("heaviside", A, V) from None
    return make(NotImplementedBackward, np.asarray(r), (input, values), op="heaviside")


def float_power(input: Any, exponent: Any) -> Tensor:
    """aᵇ computed in float64 (the result is always float64);   ∂/∂a = b·aᵇ⁻¹, ∂/∂b = aᵇ ln a."""
    from .arith import pow as _pow
    from .cast import cast

    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise arg_type_error("float_power", "input", 1, input)
    f64 = np.dtype(np.float64)
    a = cast(input, f64) if isinstance(input, Tensor) and input._data.dtype != f64 else input
    b = cast(exponent, f64) if isinstance(exponent, Tensor) and exponent._data.dtype != f64 else exponent
    if not isinstance(a, Tensor) and not isinstance(a, bool):
        a = float(a)
    if not isinstance(b, Tensor) and isinstance(b, (float, np.floating)):
        b = float(b)
    if isinstance(a, Tensor) and not isinstance(b, Tensor) and not isinstance(b, (int, float)):
        raise arg_type_error("float_power", "exponent", 2, exponent)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        try:
            np.broadcast_shapes(a._data.shape, b._data.shape)
        except ValueError:
            raise _broadcast_error("float_power", a._data, b._data) from None
    return _pow(a, b)


# ============================================================================ unary ops

class LogitBackward0(Node):
    """y = ln(x/(1 − x)) (x clamped to [ε, 1 − ε] when eps is given).   dy/dx = 1/(x(1 − x)) inside; 0 outside
    [ε, 1 − ε] with eps, nan outside [0, 1] without."""

    __slots__ = ("eps",)
    eps: Any
    name = "LogitBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        X = xv._data if F.is_tensor else xv
        d = g / (xv * (1 - xv))
        if self.eps is None:
            outside = (X < 0) | (X > 1)
            return (F.where(outside, F.const(np.nan, d), d),)
        outside = (X < self.eps) | (X > 1 - self.eps)
        return (F.where(outside, 0.0, d),)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """ln(x/(1 − x)), x first clamped to [eps, 1 − eps] when eps is given;   derivative 1/(x(1 − x))."""
    if eps is not None and eps < 0:  # PyTorch ignores a negative eps
        eps = None

    def f(A: np.ndarray) -> np.ndarray:
        Z = A if eps is None else np.clip(A, eps, 1 - eps)
        return np.log(Z / (1 - Z))

    return _unary("logit", LogitBackward0, f, input, eps=eps)


class Exp2Backward0(Node):
    """y = 2ˣ.   dy/dx = y·ln 2."""

    __slots__ = ()
    name = "Exp2Backward0"
    saves = SAVE_OUTPUT

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * y * _LN2,)


def exp2(input: Tensor) -> Tensor:
    """2ˣ (integers give the default float);   derivative 2ˣ ln 2."""
    return _unary("exp2", Exp2Backward0, np.exp2, input)


class FracBackward0(Node):
    """y = x − trunc(x).   dy/dx = 1."""

    __slots__ = ()
    name = "FracBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g,)


def frac(input: Tensor) -> Tensor:
    """x − trunc(x) (the sign of x; floating inputs only);   derivative 1."""
    if not isinstance(input, Tensor):
        raise arg_type_error("frac", "input", 1, input)
    A = input._data
    if A.dtype.kind != "f":
        raise NotImplementedError(f'"frac_cpu" not implemented for \'{_TN.get(str(A.dtype), A.dtype)}\'')
    with silent():
        r = np.asarray(A - np.trunc(A))
    return make(FracBackward0, r, (input,))


def signbit(input: Tensor) -> Tensor:
    """True where the sign bit is set (−0.0 and −nan included); a bool tensor, not differentiable."""
    if not isinstance(input, Tensor):
        raise arg_type_error("signbit", "input", 1, input)
    A = input._data
    if A.dtype.kind == "b":
        return wrap(np.zeros(A.shape, dtype=bool))
    return wrap(np.asarray(np.signbit(A)))


class SgnBackward0(Node):
    """y = sgn(x) = x/|x| (0 at 0).   dy/dx = 0 for real x."""

    __slots__ = ()
    name = "SgnBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (F.zeros_like(g),)


def sgn(input: Tensor) -> Tensor:
    """x/|x| for real x: sign(x) (0 at 0 and nan; integers and bools keep their dtype);   derivative 0."""
    if not isinstance(input, Tensor):
        raise arg_type_error("sgn", "input", 1, input)
    A = input._data
    if A.dtype.kind == "b":
        r = A.copy()
    else:
        r = np.sign(A)
        if A.dtype.kind == "f":
            r = np.where(np.isnan(A), np.zeros((), A.dtype), r)
    return make(SgnBackward0, np.asarray(r, dtype=A.dtype), (input,))


def positive(input: Tensor) -> Tensor:
    """+x: returns ``input`` itself (bool tensors are refused, as in PyTorch)."""
    if not isinstance(input, Tensor):
        raise arg_type_error("positive", "input", 1, input)
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


class Deg2RadBackward0(Node):
    """y = x·π/180.   dy/dx = π/180."""

    __slots__ = ()
    name = "Deg2RadBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * (math.pi / 180),)


class Rad2DegBackward0(Node):
    """y = x·180/π.   dy/dx = 180/π."""

    __slots__ = ()
    name = "Rad2DegBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * (180 / math.pi),)


def deg2rad(input: Tensor) -> Tensor:
    """x·π/180 (integers give the default float);   derivative π/180."""
    return _unary("deg2rad", Deg2RadBackward0, lambda A: A * np.asarray(math.pi / 180, A.dtype), input)


def rad2deg(input: Tensor) -> Tensor:
    """x·180/π (integers give the default float);   derivative 180/π."""
    return _unary("rad2deg", Rad2DegBackward0, lambda A: A * np.asarray(180 / math.pi, A.dtype), input)


class SincBackward0(Node):
    """y = sin(πx)/(πx) (1 at 0).   dy/dx = (πx cos πx − sin πx)/(πx²)  (0 at x = 0)."""

    __slots__ = ()
    name = "SincBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        px = xv * math.pi
        d = (px * F.cos(px) - F.sin(px)) / (px * xv)
        return (F.where(xv == 0, 0.0, g * d),)


def sinc(input: Tensor) -> Tensor:
    """sin(πx)/(πx), 1 at x = 0 (integers give the default float);   derivative (πx cos πx − sin πx)/(πx²)."""
    return _unary("sinc", SincBackward0, np.sinc, input)


class NanToNumBackward0(Node):
    """y = x where finite, else a replacement.   dy/dx = 1 where x is finite, else 0."""

    __slots__ = ()
    name = "NanToNumBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        X = x[0]._data if F.is_tensor else x[0]
        return (F.where(np.isfinite(X), g, 0.0),)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """nan → ``nan``, +inf → ``posinf``, −inf → ``neginf`` (defaults: 0 and the dtype's largest/smallest finite
    value); integers and bools are returned unchanged (a copy);   derivative 1 where x is finite, else 0."""
    if not isinstance(input, Tensor):
        raise arg_type_error("nan_to_num", "input", 1, input)
    A = input._data
    if A.dtype.kind != "f":
        return make(NanToNumBackward0, A.copy(), (input,))
    info = np.finfo(A.dtype)
    with silent():
        r = np.nan_to_num(A, nan=nan, posinf=info.max if posinf is None else posinf,
                          neginf=info.min if neginf is None else neginf)
    return make(NanToNumBackward0, np.asarray(r, dtype=A.dtype), (input,))


# ============================================================================ lerp, addcmul, addcdiv

class LerpBackward0(Node):
    """z = a + w(b − a) (w a number).   ∂z/∂a = 1 − w,   ∂z/∂b = w."""

    __slots__ = ("w",)
    w: float
    name = "LerpBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        return g * (1 - self.w), g * self.w


class LerpBackward1(Node):
    """z = a + w(b − a).   ∂z/∂a = 1 − w,   ∂z/∂b = w,   ∂z/∂w = b − a."""

    __slots__ = ()
    name = "LerpBackward1"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any, Any]:
        a, b, w = x
        return g * (1 - w), g * w, g * (b - a)


def _lerp_arr(A: np.ndarray, B: np.ndarray, W: Any) -> np.ndarray:
    """a + w(b − a) for |w| < ½, else b − (b − a)(1 − w): exact at both ends (w = 0 gives a, w = 1 gives b)."""
    d = B - A
    return np.asarray(np.where(np.abs(W) < 0.5, A + W * d, B - d * (1 - W)))


def _dtype_name(dt: np.dtype) -> str:
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "bool": "bool",
            "float16": "c10::Half"}.get(str(dt), str(dt))


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """start + weight·(end − start) (start, end and a tensor weight share one floating dtype);
    ∂/∂start = 1 − w, ∂/∂end = w, ∂/∂w = end − start."""
    _not_tensor("lerp", input, end, "end")
    A, B = input._data, end._data
    tensor_w = isinstance(weight, Tensor)
    if not tensor_w and (isinstance(weight, (bool, str)) or not isinstance(weight, (int, float, np.number))):
        raise TypeError(f"lerp() received an invalid combination of arguments - got (Tensor, Tensor, "
                        f"{type(weight).__name__})")
    if A.dtype.kind != "f":
        kernel = "lerp_kernel_tensor" if tensor_w else "lerp_kernel_scalar"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_TN.get(str(A.dtype), A.dtype)}\'')
    if B.dtype != A.dtype:
        raise RuntimeError(f"expected dtype {_dtype_name(A.dtype)} for `end` but got dtype {_dtype_name(B.dtype)}")
    if tensor_w:
        W = weight._data
        if W.dtype != A.dtype:
            if W.ndim or W.dtype.kind != "f":
                raise RuntimeError(f"expected dtype {_dtype_name(A.dtype)} for `weight` but got dtype "
                                   f"{_dtype_name(W.dtype)}")
            W = W.astype(A.dtype)
        try:
            with silent():
                r = _lerp_arr(A, B, W)
        except ValueError:
            raise _broadcast_error("lerp", np.broadcast_arrays(A, W)[0] if A.ndim >= W.ndim else A, B) from None
        return make(LerpBackward1, r.astype(A.dtype, copy=False), (input, end, weight))
    w = float(weight)
    try:
        with silent():
            r = _lerp_arr(A, B, np.asarray(w, A.dtype))
    except ValueError:
        raise _broadcast_error("lerp", A, B) from None
    return make(LerpBackward0, r.astype(A.dtype, copy=False), (input, end), w=w)


def _three(fname: str, input: Any, t1: Any, t2: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    for pos, (name, v) in enumerate((("input", input), ("tensor1", t1), ("tensor2", t2)), start=1):
        if not isinstance(v, Tensor):
            raise arg_type_error(fname, name, pos, v)
    A, B, C = input._data, t1._data, t2._data
    # three-way promotion: (A, B) first, standing in as an empty array that keeps their rank class
    ab = np.empty((0,) if (A.ndim or B.ndim) else (), dtype=promote_arrays(A, B))
    dt = promote_arrays(ab, C)
    return A.astype(dt, copy=False), B.astype(dt, copy=False), C.astype(dt, copy=False)


class AddcmulBackward0(Node):
    """z = a + v·t₁·t₂.   ∂z/∂a = 1,   ∂z/∂t₁ = v·t₂,   ∂z/∂t₂ = v·t₁."""

    __slots__ = ("value",)
    value: Any
    name = "AddcmulBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any, Any]:
        _, t1, t2 = x
        gv = g * self.value if self.value != 1 else g
        return g, gv * t2, gv * t1


class AddcdivBackward0(Node):
    """z = a + v·t₁/t₂.   ∂z/∂a = 1,   ∂z/∂t₁ = v/t₂,   ∂z/∂t₂ = −v·t₁/t₂²."""

    __slots__ = ("value",)
    value: Any
    name = "AddcdivBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any, Any]:
        _, t1, t2 = x
        gv = (g * self.value if self.value != 1 else g) / t2
        return g, gv, -gv * t1 / t2


def _scalar_value(fname: str, value: Any, dt: np.dtype) -> Any:
    if isinstance(value, Tensor):
        value = value.item()
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, (bool, int, float)):
        raise TypeError(f"{fname}(): argument 'value' must be Number, not {type(value).__name__}")
    if dt.kind in "iu":
        return int(value)
    if dt.kind == "b":
        return bool(value)
    return value


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """input + value·tensor1·tensor2 (broadcast; value is cast to the result dtype);
    ∂/∂input = 1, ∂/∂tensor1 = value·tensor2, ∂/∂tensor2 = value·tensor1."""
    A, B, C = _three("addcmul", input, tensor1, tensor2)
    v = _scalar_value("addcmul", value, A.dtype)
    try:
        with silent():
            r = np.asarray(A + (B * C) * np.asarray(v, A.dtype) if v != 1 else A + B * C)
    except ValueError:
        raise _broadcast_error("addcmul", A, B * C if B.shape == C.shape else B) from None
    return make(AddcmulBackward0, r.astype(A.dtype, copy=False), (input, tensor1, tensor2), value=v)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """input + value·tensor1/tensor2 (floating tensor1/tensor2 only);
    ∂/∂input = 1, ∂/∂tensor1 = value/tensor2, ∂/∂tensor2 = −value·tensor1/tensor2²."""
    for pos, (name, t) in enumerate((("input", input), ("tensor1", tensor1), ("tensor2", tensor2)), start=1):
        if not isinstance(t, Tensor):
            raise arg_type_error("addcdiv", name, pos, t)
    if tensor1._data.dtype.kind in "iub" and tensor2._data.dtype.kind in "iub":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
            "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    A, B, C = _three("addcdiv", input, tensor1, tensor2)
    v = _scalar_value("addcdiv", value, A.dtype)
    try:
        with silent():
            q = B / C
            r = np.asarray(A + q * np.asarray(v, A.dtype) if v != 1 else A + q)
    except ValueError:
        raise _broadcast_error("addcdiv", A, B) from None
    return make(AddcdivBackward0, r.astype(A.dtype, copy=False), (input, tensor1, tensor2), value=v)


# ============================================================================ in-place variants

def _inplace(fn: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        from .inplace import apply_inplace

        return apply_inplace(self, fn, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"In-place ``{fn.__name__}``: the result is written into ``self`` (autograd-aware)."
    return method


METHODS: dict[str, Callable[..., Any]] = {name: globals()[name] for name in __all__}
for _name in ("erf", "erfc", "erfinv", "lgamma", "digamma", "atan2", "arctan2", "hypot", "fmod", "xlogy", "logit",
              "exp2", "frac", "copysign", "sgn", "deg2rad", "rad2deg", "sinc", "nan_to_num", "lerp", "addcmul",
              "addcdiv", "heaviside", "float_power"):
    METHODS[_name + "_"] = _inplace(globals()[_name], _name + "_")
del _name

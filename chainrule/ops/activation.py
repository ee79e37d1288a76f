"""Activations (``chainrule.nn.functional``), each a primitive with its closed-form derivative.

Every function here is one Node whose ``backward`` is the derivative in closed
form, written once against the array namespace ``F`` so the same formula runs
on arrays (first order) and on Tensors (``create_graph=True``, any order).
PyTorch's conventions are kept exactly: the grad_fn names, the branch taken at
each kink (``leaky_relu′(0) = slope``, ``elu′(0) = α``, ``hardtanh′ = 0`` at the
bounds ...), integer-input rules, and ``inplace=`` where PyTorch has it.

Masks (which branch an element takes) are read from the raw input array even
in a create_graph pass: they are not differentiable, and comparing arrays is
cheaper than comparing Tensors. Each function also registers its row of the
derivative catalogue (``docs/derivatives.md``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _kernels
from .._errstate import silent
from ..autograd.graph import _TYPE_NAMES, SAVE_INPUTS
from . import _special
from ._util import GRAD_ENABLED, Node, Tensor, make, record, wrap, wrap_dim
from .catalogue import Entry, register
from .inplace import apply_inplace
from .pointwise import relu as _relu_op
from .pointwise import sigmoid, tanh
from .softmax import log_softmax, softmax, softmin

__all__ = [
    "sigmoid", "tanh", "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
    "softsign", "hardtanh", "hardsigmoid", "hardswish", "logsigmoid", "tanhshrink", "softshrink", "hardshrink",
    "prelu", "softmax", "softmin", "log_softmax", "glu",
]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_INV_SQRT2 = 1 / math.sqrt(2.0)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_GELU_CUBIC = 0.044715
# PyTorch's hardsigmoid backward multiplies by the float32 constant 1.0f/6.0f in every dtype
_ONE_SIXTH_F32 = float(np.float32(1.0) / np.float32(6.0))


def _silenced(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """``fn`` without NumPy's warnings: ±inf inputs give PyTorch's inf/nan silently (−inf·σ(−inf) = nan ...)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Tensor:
        with silent():
            return fn(*args, **kwargs)

    return run


def _raw(v: Any) -> np.ndarray:
    """The array behind a backward value (a Tensor in a create_graph pass, else already an array)."""
    return v._data if isinstance(v, Tensor) else v


def _on_graph(F: Any, grad: Any, x: Any) -> Any:
    """Keep a piecewise-constant gradient attached to ``x`` (with derivative 0) in a create_graph pass.

    PyTorch's backward nodes for relu-like functions read the input, so their gradient requires grad
    and differentiating it again gives zeros instead of "does not require grad".
    """
    if F.is_tensor and not grad._rg and x._rg:
        return F.where(np.zeros(grad._data.shape, dtype=bool), x, grad)
    return grad


def _check_tensor(input: Any, fn: str) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _floating(input: Tensor, kernel: str, fn: str) -> np.ndarray:
    """The input's array; integer inputs raise like PyTorch's CPU kernels (no implicit float conversion)."""
    _check_tensor(input, fn)
    A = input._data
    if A.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_TYPE_NAMES.get(str(A.dtype), A.dtype)}\'')
    return A


def _to_float(input: Tensor, fn: str) -> np.ndarray:
    """Integer/bool inputs promote to the default float dtype (sigmoid-like composites do this in PyTorch)."""
    from .._dtype import _default

    _check_tensor(input, fn)
    A = input._data
    return A if A.dtype.kind == "f" else A.astype(_default[0].np)


def _maybe_inplace(input: Tensor, inplace: bool, fn: Any, *args: Any) -> Tensor:
    return apply_inplace(input, fn, *args) if inplace else fn(input, *args)


def _named(base: type, name: str) -> type:
    """The same backward under another grad_fn name (PyTorch's in-place variants are ``…Backward1``)."""
    return type(name, (base,), {"__slots__": (), "name": name, "__doc__": base.__doc__})


# ---------------------------------------------------------------------------------------------- relu family
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) (integers stay integers).   relu′(x) = 1 if x > 0 else 0   (0 at the kink, 1 for NaN)."""
    _check_tensor(input, "relu")
    return _maybe_inplace(input, inplace, _relu_op)


class HardtanhBackward0(Node):
    """y = clamp(x, lo, hi).   dy/dx = 1 for lo < x < hi, else 0   (0 at both bounds, as PyTorch)."""

    __slots__ = ("lo", "hi")
    lo: Any
    hi: Any
    name = "HardtanhBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xa = _raw(x[0])
        return (_on_graph(F, F.where((xa <= self.lo) | (xa >= self.hi), 0.0, g), x[0]),)


@_silenced
def _hardtanh(input: Tensor, lo: float, hi: float) -> Tensor:
    _check_tensor(input, "hardtanh")
    A = input._data
    if A.dtype.kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    R = np.clip(A, lo, hi)
    if R.dtype != A.dtype:  # integer input keeps its dtype (the bounds are cast, as PyTorch)
        R = R.astype(A.dtype)
    return make(HardtanhBackward0, R, (input,), lo=lo, hi=hi)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """clamp(x, min_val, max_val).   hardtanh′(x) = 1 for min_val < x < max_val, else 0 (0 at the bounds)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, inplace, _hardtanh, min_val, max_val)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6) = hardtanh(x, 0, 6).   relu6′(x) = 1 for 0 < x < 6, else 0 (0 at 0 and 6)."""
    return _maybe_inplace(input, inplace, _hardtanh, 0.0, 6.0)


class LeakyReluBackward0(Node):
    """y = x if x > 0 else s·x.   dy/dx = 1 if x > 0 else s   (s at x = 0, as PyTorch)."""

    __slots__ = ("slope",)
    slope: Any
    name = "LeakyReluBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (_on_graph(F, F.where(_raw(x[0]) > 0, g, g * self.slope), x[0]),)


_LeakyReluBackward1 = _named(LeakyReluBackward0, "LeakyReluBackward1")


@_silenced
def _leaky_relu(input: Tensor, slope: float, node: type) -> Tensor:
    A = _floating(input, "leaky_relu_cpu", "leaky_relu")
    return make(node, np.where(A > 0, A, A * slope), (input,), slope=slope)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x if x > 0 else negative_slope·x.   leaky_relu′(x) = 1 if x > 0 else negative_slope (slope at 0)."""
    if inplace:
        return apply_inplace(input, _leaky_relu, negative_slope, _LeakyReluBackward1)
    return _leaky_relu(input, negative_slope, LeakyReluBackward0)


# ---------------------------------------------------------------------------------------------- elu family
class EluBackward0(Node):
    """y = s·x for x > 0, else s·α·(e^(c·x) − 1)   (elu: s = c = 1; selu: s, α fixed; celu: c = 1/α).

    dy/dx = s for x > 0, else s·α·c·e^(c·x)   (the negative branch at x = 0: elu′(0) = α, selu′(0) = sα).
    The exponent reads x only on the negative branch (0 elsewhere), so it never overflows and a second
    derivative is never inf·0.
    """

    __slots__ = ("alpha", "scale", "input_scale")
    alpha: Any
    scale: Any
    input_scale: Any
    name = "EluBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        neg = _raw(xv) <= 0
        c = self.input_scale
        x_neg = F.where(neg, xv, 0.0)
        return (F.where(neg, g * (self.alpha * self.scale * c) * F.exp(x_neg * c), g * self.scale),)


class CeluBackward0(EluBackward0):
    """y = max(0, x) + min(0, α(e^(x/α) − 1)).   dy/dx = 1 for x > 0, else e^(x/α)   (e^0 = 1 at x = 0)."""

    __slots__ = ()
    name = "CeluBackward0"


_EluBackward1 = _named(EluBackward0, "EluBackward1")
_CeluBackward1 = _named(CeluBackward0, "CeluBackward1")


@_silenced
def _elu(input: Tensor, alpha: float, scale: float, input_scale: float, node: type, fn: str,
         grad_input_scale: float | None = None) -> Tensor:
    kernel = "elu_cpu"
    A = _floating(input, kernel, fn)
    neg = A <= 0
    E = np.minimum(A, 0, out=np.empty(A.shape, A.dtype))  # (out=: 0-d inputs stay arrays for the in-place ops)
    E *= input_scale
    np.expm1(E, out=E)
    E *= alpha * scale
    R = np.where(neg, E, A * scale if scale != 1 else A)
    c = input_scale if grad_input_scale is None else grad_input_scale
    return make(node, R, (input,), alpha=alpha, scale=scale, input_scale=c)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, else α(eˣ − 1).   elu′(x) = 1 for x > 0, else α·eˣ   (α at x = 0)."""
    node = _EluBackward1 if inplace else EluBackward0
    return _maybe_inplace(input, inplace, _elu, alpha, 1.0, 1.0, node, "elu")


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """λ·elu(x, α), λ = 1.0507…, α = 1.6733….   selu′(x) = λ for x > 0, else λα·eˣ   (λα = 1.758099 at 0)."""
    node = _EluBackward1 if inplace else EluBackward0
    return _maybe_inplace(input, inplace, _elu, _SELU_ALPHA, _SELU_SCALE, 1.0, node, "selu")


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, α(e^(x/α) − 1)).   celu′(x) = 1 for x > 0, else e^(x/α)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    node = _CeluBackward1 if inplace else CeluBackward0
    # PyTorch's celu backward uses 1/float32(α) as the exponent's scale (its forward uses 1/α)
    grad_scale = 1.0 / float(np.float32(alpha))
    return _maybe_inplace(input, inplace, _elu, alpha, 1.0, 1.0 / alpha, node, "celu", grad_scale)


# ---------------------------------------------------------------------------------------------- smooth gates
class GeluBackward0(Node):
    """Exact:  y = x·Φ(x), Φ(x) = ½(1 + erf(x/√2)).   dy/dx = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).

    tanh:   y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³).
            dy/dx = ½(1 + tanh u) + ½x(1 − tanh² u)·√(2/π)(1 + 3·0.044715x²).
    """

    __slots__ = ("approximate",)
    approximate: Any
    name = "GeluBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        if self.approximate == "tanh":
            x2 = xv * xv
            t = F.tanh((xv + x2 * xv * _GELU_CUBIC) * _SQRT_2_OVER_PI)
            du = (x2 * (3 * _GELU_CUBIC) + 1) * _SQRT_2_OVER_PI
            return (g * ((t + 1) * 0.5 + xv * 0.5 * (1 - t * t) * du),)
        if not F.is_tensor:  # first order: the same formula, fused in place over two buffers
            return (_gelu_grad_array(g, xv),)
        cdf = (F.erf(xv * _INV_SQRT2) + 1) * 0.5
        pdf = F.exp(xv * xv * -0.5) * _INV_SQRT_2PI
        return (g * (cdf + xv * pdf),)


def _gelu_grad_array(g: np.ndarray, x: np.ndarray) -> np.ndarray:
    """G·(Φ(x) + x·φ(x)), in place on one buffer (large float32: fused in ops/_kernels.py)."""
    fast = _kernels.gelu_backward(g, x) if x.size >= _kernels.MIN_SIZE else None
    if fast is not None:
        return fast
    d = _special.gelu_derivative(x)
    d *= g
    return d


def _gelu_array(A: np.ndarray, approximate: str) -> np.ndarray:
    if approximate == "tanh":
        T = np.multiply(A, A, out=np.empty(A.shape, A.dtype))
        T *= A * _GELU_CUBIC
        T += A
        T *= _SQRT_2_OVER_PI
        np.tanh(T, out=T)
        T += 1
        T *= A
        T *= 0.5
        return T
    fast = _kernels.gelu(A) if A.size >= _kernels.MIN_SIZE else None
    if fast is not None:
        return fast
    T = _special.normal_cdf(A)
    T *= A
    return T


@_silenced
def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x·Φ(x) (``approximate='tanh'``: ½x(1 + tanh(√(2/π)(x + 0.044715x³)))).   gelu′(x) = Φ(x) + x·φ(x)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    A = _floating(input, "GeluKernelImpl", "gelu")
    return make(GeluBackward0, _gelu_array(A, approximate), (input,), approximate=approximate)


class SiluBackward0(Node):
    """y = x·σ(x).   dy/dx = σ(x)·(1 + x·(1 − σ(x)))."""

    __slots__ = ()
    name = "SiluBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        s = F.sigmoid(xv)
        return (g * (s * ((1 - s) * xv + 1)),)


@_silenced
def _silu(input: Tensor) -> Tensor:
    A = _floating(input, "silu_cpu", "silu")
    R = _special.sigmoid(A)
    R *= A
    return make(SiluBackward0, R, (input,))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x·σ(x) (swish).   silu′(x) = σ(x)(1 + x(1 − σ(x)))."""
    return _maybe_inplace(input, inplace, _silu)


class MishBackward0(Node):
    """y = x·tanh(softplus(x)).   dy/dx = tanh(sp) + x·σ(x)·(1 − tanh²(sp)),  sp = ln(1 + eˣ)."""

    __slots__ = ()
    name = "MishBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        t = F.tanh(F.softplus(xv))
        return (g * (t + xv * F.sigmoid(xv) * (1 - t * t)),)


@_silenced
def _mish(input: Tensor) -> Tensor:
    A = _floating(input, "mish_cpu", "mish")
    R = _special.softplus(A)
    np.tanh(R, out=R)
    R *= A
    return make(MishBackward0, R, (input,))


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x·tanh(ln(1 + eˣ)).   mish′(x) = tanh(sp(x)) + x·σ(x)·sech²(sp(x))."""
    return _maybe_inplace(input, inplace, _mish)


class SoftplusBackward0(Node):
    """y = ln(1 + e^(βx))/β, or x where βx > threshold.   dy/dx = σ(βx), or 1 where βx > threshold."""

    __slots__ = ("beta", "threshold")
    beta: Any
    threshold: Any
    name = "SoftplusBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        bx = xv * self.beta
        return (F.where(_raw(bx) > self.threshold, g, g * F.sigmoid(bx)),)


@_silenced
def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """ln(1 + e^(βx))/β, linear (= x) where βx > threshold.   softplus′(x) = σ(βx) (1 on the linear part)."""
    A = _floating(input, "softplus_cpu", "softplus")
    BX = A * beta if beta != 1 else A
    R = _special.softplus(BX)
    if beta != 1:
        R /= beta
    R = np.where(BX > threshold, A, R)
    return make(SoftplusBackward0, R, (input,), beta=beta, threshold=threshold)


class LogSigmoidBackward0(Node):
    """y = ln σ(x) = −softplus(−x).   dy/dx = 1 − σ(x) = σ(−x)."""

    __slots__ = ()
    name = "LogSigmoidBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g * F.sigmoid(-x[0]),)


@_silenced
def logsigmoid(input: Tensor) -> Tensor:
    """ln σ(x) = min(x, 0) − ln(1 + e^(−|x|)) (finite for every finite x).   logsigmoid′(x) = σ(−x)."""
    A = _floating(input, "log_sigmoid_cpu", "logsigmoid")
    R = _special.softplus(-A)
    np.negative(R, out=R)
    return make(LogSigmoidBackward0, R, (input,))


class SoftsignBackward(Node):
    """y = x/(1 + |x|).   dy/dx = 1/(1 + |x|)²   (PyTorch composes it, so its grad_fn is DivBackward0)."""

    __slots__ = ()
    name = "DivBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        d = F.abs(x[0]) + 1
        return (g / (d * d),)


@_silenced
def softsign(input: Tensor) -> Tensor:
    """x/(1 + |x|) (integers give floats).   softsign′(x) = 1/(1 + |x|)²."""
    A = _to_float(input, "softsign")
    return make(SoftsignBackward, A / (np.abs(A) + 1), (input,))


class TanhshrinkBackward(Node):
    """y = x − tanh x.   dy/dx = tanh² x   (PyTorch composes it, so its grad_fn is SubBackward0)."""

    __slots__ = ()
    name = "SubBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        t = F.tanh(x[0])
        return (g * (t * t),)


@_silenced
def tanhshrink(input: Tensor) -> Tensor:
    """x − tanh x (integers give floats).   tanhshrink′(x) = tanh² x."""
    A = _to_float(input, "tanhshrink")
    return make(TanhshrinkBackward, A - np.tanh(A), (input,))


# ---------------------------------------------------------------------------------------------- hard gates
class HardsigmoidBackward0(Node):
    """y = min(max(x + 3, 0), 6)/6.   dy/dx = 1/6 for −3 < x < 3, else 0   (0 at ±3; float32 1/6, as PyTorch)."""

    __slots__ = ()
    name = "HardsigmoidBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xa = _raw(x[0])
        return (F.where((xa > -3) & (xa < 3), g * _ONE_SIXTH_F32, 0.0),)


@_silenced
def _hardsigmoid(input: Tensor) -> Tensor:
    A = _floating(input, "hardsigmoid_cpu", "hardsigmoid")
    R = np.add(A, 3, out=np.empty(A.shape, A.dtype))
    np.clip(R, 0, 6, out=R)
    R /= 6
    return make(HardsigmoidBackward0, R, (input,))


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3)/6.   hardsigmoid′(x) = 1/6 for −3 < x < 3, else 0."""
    return _maybe_inplace(input, inplace, _hardsigmoid)


class HardswishBackward0(Node):
    """y = x·relu6(x + 3)/6.   dy/dx = 0 for x ≤ −3, x/3 + ½ for −3 < x < 3, 1 for x ≥ 3   (PyTorch's kinks)."""

    __slots__ = ()
    name = "HardswishBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        xa = _raw(xv)
        return (F.where(xa <= -3, 0.0, F.where(xa < 3, g * (xv / 3 + 0.5), g)),)


@_silenced
def _hardswish(input: Tensor) -> Tensor:
    A = _floating(input, "hardswish_cpu", "hardswish")
    R = np.add(A, 3, out=np.empty(A.shape, A.dtype))
    np.clip(R, 0, 6, out=R)
    R *= A
    R /= 6
    return make(HardswishBackward0, R, (input,))


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x·relu6(x + 3)/6.   hardswish′(x) = 0 (x ≤ −3), x/3 + ½ (−3 < x < 3), 1 (x ≥ 3)."""
    return _maybe_inplace(input, inplace, _hardswish)


class SoftshrinkBackward0(Node):
    """y = x − λ (x > λ), x + λ (x < −λ), else 0.   dy/dx = 1 for |x| > λ, else 0   (0 at ±λ)."""

    __slots__ = ("lambd",)
    lambd: Any
    name = "SoftshrinkBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xa = _raw(x[0])
        return (_on_graph(F, F.where((xa >= -self.lambd) & (xa <= self.lambd), 0.0, g), x[0]),)


class HardshrinkBackward0(SoftshrinkBackward0):
    """y = x for |x| > λ, else 0.   dy/dx = 1 for |x| > λ, else 0   (0 at ±λ)."""

    __slots__ = ()
    name = "HardshrinkBackward0"


@_silenced
def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x − λ·sign(x) outside [−λ, λ], 0 inside.   softshrink′(x) = 1 for |x| > λ, else 0."""
    A = _floating(input, "softshrink_check", "softshrink")
    if lambd < 0:
        limit = "3.40282e+38" if A.dtype == np.float32 else "1.79769e+308"
        tn = _TYPE_NAMES.get(str(A.dtype), str(A.dtype))
        raise RuntimeError(f"lambda must be in range [0, {limit}] for input dtype {tn}, but found {lambd:g}")
    inside = (A >= -lambd) & (A <= lambd)
    R = np.where(A > 0, A - lambd, A + lambd)
    R[inside] = 0
    return make(SoftshrinkBackward0, R, (input,), lambd=lambd)


@_silenced
def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x outside [−λ, λ], 0 inside.   hardshrink′(x) = 1 for |x| > λ, else 0."""
    A = _floating(input, "hardshrink_cpu", "hardshrink")
    R = np.where((A >= -lambd) & (A <= lambd), 0, A).astype(A.dtype, copy=False)
    return make(HardshrinkBackward0, R, (input,), lambd=lambd)


# ---------------------------------------------------------------------------------------------- learned / gated
class PreluKernelBackward0(Node):
    """y = x if x > 0 else a·x (a per channel).   ∂y/∂x = 1 if x > 0 else a;   ∂y/∂a = 0 if x > 0 else x."""

    __slots__ = ()
    name = "PreluKernelBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        xv, w = x
        pos = _raw(xv) > 0
        return F.where(pos, g, g * w), F.where(pos, 0.0, g * xv)


@_silenced
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x if x > 0 else a·x, with ``weight`` a of 1 or C = input.shape[1] elements.   ∂/∂x = 1 | a, ∂/∂a = 0 | x."""
    from .shape import reshape

    A = _floating(input, "prelu_cpu", "prelu")
    if not isinstance(weight, Tensor):
        raise TypeError(f"prelu(): argument 'weight' (position 2) must be Tensor, not {type(weight).__name__}")
    W = weight._data
    if W.dtype != A.dtype:
        tn = _TYPE_NAMES.get
        raise RuntimeError(f"prelu: Type promoting not supported. Got {tn(str(A.dtype))} and {tn(str(W.dtype))}")
    if W.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {W.ndim}")
    channels = A.shape[1] if A.ndim >= 2 else 1
    if W.size != 1 and W.size != channels:
        raise RuntimeError("Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                           f"{W.size} and channel size = {channels}.")
    # the weight is viewed as (C, 1, …, 1) so it broadcasts along dim 1; the engine sums its gradient back
    w = weight
    if W.size != 1 and A.ndim > 2:
        w = reshape(weight, (channels,) + (1,) * (A.ndim - 2))
    elif W.size == 1 and W.ndim:
        w = reshape(weight, ())
    Wb = w._data
    R = np.where(A > 0, A, A * Wb)
    return make(PreluKernelBackward0, R, (input, w))


class GluBackward0(Node):
    """y = a ⊙ σ(b), [a, b] = x split in half along ``dim``.   ∂L/∂a = G·σ(b);   ∂L/∂b = G·a·σ(b)(1 − σ(b))."""

    __slots__ = ("dim", "half")
    dim: Any
    half: Any
    name = "GluBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        lead = (slice(None),) * self.dim
        a = F.getitem(xv, lead + (slice(0, self.half),))
        s = F.sigmoid(F.getitem(xv, lead + (slice(self.half, None),)))
        ga = g * s
        return (F.concatenate([ga, ga * a * (1 - s)], axis=self.dim),)


@_silenced
def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a ⊙ σ(b) with [a, b] the two halves of x along ``dim``.   ∂/∂a = σ(b), ∂/∂b = a·σ(b)(1 − σ(b))."""
    A = _floating(input, "glu_cpu", "glu")
    if A.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, A.ndim)
    n = A.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    h = n // 2
    lead = (slice(None),) * d
    R = _special.sigmoid(A[lead + (slice(h, None),)])
    R *= A[lead + (slice(0, h),)]
    return make(GluBackward0, R, (input,), dim=d, half=h)


# ---------------------------------------------------------------------------------------------- erf (for F.erf)
class ErfBackward0(Node):
    """y = erf x.   dy/dx = (2/√π)·e^(−x²)."""

    __slots__ = ()
    name = "ErfBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        return (g * F.exp(xv * xv * -1.0) * (2 / math.sqrt(math.pi)),)


@_silenced
def erf(input: Tensor) -> Tensor:
    """erf x (the create_graph form of ``F.erf``, used by gelu's backward).   erf′(x) = (2/√π)e^(−x²)."""
    A = _to_float(input, "erf")
    t = wrap(_special.erf(A))
    if GRAD_ENABLED[0] and input._rg:
        record(ErfBackward0.__new__(ErfBackward0), t, (input,))
    return t



# ---------------------------------------------------------------------------------------------- the catalogue
# One row per public activation (rendered to docs/derivatives.md by tools/gen_derivatives.py). "saturates" is
# where |f′| < 1 % of its maximum (measured on a fine grid), "kink" PyTorch's choice where f′ jumps.
def _entry(name: str, formula: str, derivative: str, range: str, saturates: str, kink: str, node: str) -> None:
    register(Entry(name=name, family="activation", formula=formula, derivative=derivative, range=range,
                   saturates=saturates, kink=kink, node=node))


_entry("sigmoid", "σ(x) = 1/(1 + e⁻ˣ)", "σ′ = σ(1 − σ)", "(0, 1)", "|x| > 5.99", "smooth", "SigmoidBackward0")
_entry("tanh", "tanh x = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)", "tanh′ = 1 − tanh² x", "(−1, 1)", "|x| > 2.99", "smooth",
       "TanhBackward0")
_entry("relu", "max(x, 0)", "1 for x > 0, else 0", "[0, ∞)", "x < 0 (f′ = 0)", "relu′(0) = 0; NaN passes grad 1",
       "ReluBackward0")
_entry("relu6", "min(max(x, 0), 6)", "1 for 0 < x < 6, else 0", "[0, 6]", "x < 0 or x > 6 (f′ = 0)",
       "f′(0) = f′(6) = 0", "HardtanhBackward0")
_entry("leaky_relu", "x for x > 0, else s·x  (s = negative_slope = 0.01)", "1 for x > 0, else s", "(−∞, ∞)",
       "x < 0 when |s| < 0.01", "f′(0) = s (negative branch)", "LeakyReluBackward0 (inplace: LeakyReluBackward1)")
_entry("elu", "x for x > 0, else α(eˣ − 1)", "1 for x > 0, else α·eˣ", "(−α, ∞)", "x < −4.61 (α = 1)",
       "f′(0) = α (negative branch)", "EluBackward0 (inplace: EluBackward1)")
_entry("selu", "λx for x > 0, else λα(eˣ − 1);  λ = 1.0507010, α = 1.6732632", "λ for x > 0, else λα·eˣ",
       "(−λα, ∞)", "x < −4.61", "f′(0) = λα = 1.758099 (negative branch)", "EluBackward0 (inplace: EluBackward1)")
_entry("celu", "max(0, x) + min(0, α(e^(x/α) − 1))", "1 for x > 0, else e^(x/α)", "(−α, ∞)", "x < −4.61·α",
       "f′(0) = 1 (both branches); backward scales by 1/float32(α)", "CeluBackward0 (inplace: CeluBackward1)")
_entry("gelu", "x·Φ(x), Φ(x) = ½(1 + erf(x/√2));  'tanh': ½x(1 + tanh(√(2/π)(x + 0.044715x³)))",
       "Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)", "[−0.170, ∞)", "x < −3.02 and −0.78 < x < −0.73 (f′ = 0 at −0.752)",
       "smooth", "GeluBackward0")
_entry("silu", "x·σ(x)", "σ(x)(1 + x(1 − σ(x)))", "[−0.278, ∞)", "x < −6.14 and −1.33 < x < −1.23", "smooth",
       "SiluBackward0")
_entry("mish", "x·tanh(softplus(x))", "tanh(sp) + x·σ(x)·(1 − tanh²(sp)),  sp = ln(1 + eˣ)", "[−0.309, ∞)",
       "x < −6.16 and −1.24 < x < −1.15", "smooth", "MishBackward0")
_entry("softplus", "ln(1 + e^(βx))/β;  x where βx > threshold (20)", "σ(βx);  1 where βx > threshold", "(0, ∞)",
       "βx < −4.6", "smooth (the linear switch at βx = threshold is PyTorch's)", "SoftplusBackward0")
_entry("softsign", "x/(1 + |x|)", "1/(1 + |x|)²", "(−1, 1)", "|x| > 9", "smooth (f″ jumps at 0)", "DivBackward0")
_entry("hardtanh", "clamp(x, min_val, max_val)  (−1, 1)", "1 for min_val < x < max_val, else 0",
       "[min_val, max_val]", "outside (min_val, max_val) (f′ = 0)", "f′ = 0 at both bounds", "HardtanhBackward0")
_entry("hardsigmoid", "min(max(x + 3, 0), 6)/6", "1/6 for −3 < x < 3, else 0", "[0, 1]", "|x| ≥ 3 (f′ = 0)",
       "f′(±3) = 0; 1/6 is float32 in every dtype", "HardsigmoidBackward0")
_entry("hardswish", "x·min(max(x + 3, 0), 6)/6", "0 for x ≤ −3, x/3 + ½ for −3 < x < 3, 1 for x ≥ 3",
       "[−0.375, ∞)", "x ≤ −3 and |x + 1.5| < 0.045", "f′(−3) = 0, f′(3) = 1", "HardswishBackward0")
_entry("logsigmoid", "ln σ(x) = −softplus(−x)", "σ(−x) = 1 − σ(x)", "(−∞, 0)", "x > 4.6", "smooth",
       "LogSigmoidBackward0")
_entry("tanhshrink", "x − tanh x", "tanh² x", "(−∞, ∞)", "|x| < 0.1", "smooth", "SubBackward0")
_entry("softshrink", "x − λ for x > λ, x + λ for x < −λ, else 0  (λ = 0.5)", "1 for |x| > λ, else 0", "(−∞, ∞)",
       "|x| ≤ λ (f′ = 0)", "f′(±λ) = 0", "SoftshrinkBackward0")
_entry("hardshrink", "x for |x| > λ, else 0  (λ = 0.5)", "1 for |x| > λ, else 0", "(−∞, −λ) ∪ {0} ∪ (λ, ∞)",
       "|x| ≤ λ (f′ = 0)", "f′(±λ) = 0", "HardshrinkBackward0")
_entry("prelu", "x for x > 0, else a·x  (a: 1 or C weights, channel dim 1)",
       "∂/∂x = 1 for x > 0, else a;  ∂/∂a = 0 for x > 0, else x", "(−∞, ∞)", "x < 0 when |a| < 0.01",
       "∂/∂x(0) = a (negative branch)", "PreluKernelBackward0")
_entry("softmax", "yᵢ = e^(xᵢ − m)/Σⱼ e^(xⱼ − m),  m = max x", "∂L/∂x = y ⊙ (G − Σ G⊙y)  (Jacobian diag(y) − yyᵀ)",
       "(0, 1), Σ = 1", "when one yᵢ > 0.9975 (two classes: logit gap > 5.99)", "smooth", "SoftmaxBackward0")
_entry("softmin", "softmax(−x)", "∂L/∂x = −y ⊙ (G − Σ G⊙y)", "(0, 1), Σ = 1",
       "when one yᵢ > 0.9975 (two classes: logit gap > 5.99)", "smooth", "SoftmaxBackward0")
_entry("log_softmax", "yᵢ = xᵢ − m − ln Σⱼ e^(xⱼ − m)", "∂L/∂x = G − eʸ·Σ G", "(−∞, 0]",
       "∂yᵢ/∂xᵢ = 1 − softmaxᵢ < 1 % when softmaxᵢ > 0.99", "smooth", "LogSoftmaxBackward0")
_entry("glu", "a ⊙ σ(b),  [a, b] = halves of x along dim", "∂/∂a = σ(b);  ∂/∂b = a·σ(b)(1 − σ(b))",
       "(−∞, ∞)", "∂/∂a: b < −4.6;  ∂/∂b: |b| > 5.99", "smooth", "GluBackward0")

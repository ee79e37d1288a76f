"""The missing in-place variants of existing ops, and small pointwise extras.

In-place methods (``x.tan_()``, ``x.eq_(y)``, ``x.cumsum_(0)`` ...) follow the rules of
``ops/inplace.py`` and reuse its helpers: a leaf that requires grad refuses them in grad
mode, the version counter is bumped, a non-leaf records the op (so gradients flow through
it) and the result is ``self``. The result must fit ``self``'s dtype: ``int.tan_()`` raises
PyTorch's "result type Float can't be cast to the desired output type Long".

New functions (each also a Tensor method):

* ``asinh`` / ``acosh`` / ``atanh`` (aliases ``arcsinh`` / ``arccosh`` / ``arctanh``):
  d/dx asinh x = 1/√(x² + 1), d/dx acosh x = 1/√(x² − 1), d/dx atanh x = 1/(1 − x²);
* ``fmax`` / ``fmin``: max/min that ignore NaN;
* ``gcd`` / ``lcm`` (integers), ``ldexp`` (x·2ᵉ), ``nextafter``;
* ``isposinf`` / ``isneginf`` / ``isreal``; ``fix`` (an alias of ``trunc``).

``apply_(callable)`` and ``map_(tensor, callable)`` call a Python function per element.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from .._dtype import _default
from .._errstate import quiet as _quiet
from .._errstate import silent
from ..autograd.graph import SAVE_INPUTS
from . import arith, pointwise, reduction, selection
from ._util import GRAD_ENABLED, Node, Tensor, arg_type_error, promote_pair, record, wrap
from .indexing import graph_handle
from .inplace import (
    _TN,
    _recording,
    _unary_inplace,
    _write,
    abs_,
    apply_inplace,
    div_,
    mul_,
    neg_,
    sub_,
)

__all__: list[str] = [
    "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "fmax", "fmin", "gcd", "lcm", "ldexp",
    "nextafter", "isposinf", "isneginf", "isreal", "fix",
]

_LN2 = float(np.log(2.0))
# PyTorch's C++ type names, used in its "Bad in-place call" message
_CPP = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
        "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _tn(dt: np.dtype) -> str:
    return _TN.get(str(dt), str(dt))


def _need_tensor(fn: str, arg: str, position: int, value: Any) -> None:
    if not isinstance(value, Tensor):
        raise arg_type_error(fn, arg, position, value)


def _cast_error(result: np.dtype, out: np.dtype) -> RuntimeError:
    return RuntimeError(f"result type {_tn(result)} can't be cast to the desired output type {_tn(out)}")


def _check_fits(self: Tensor, other: Any) -> None:
    """PyTorch's in-place dtype rule, checked before computing: a floating result does not fit an
    integer/bool ``self``, an integer result does not fit a bool ``self``."""
    rdt = promote_pair(self, other)[2].dtype if other is not None else self._data.dtype
    sk = self._data.dtype.kind
    if (rdt.kind == "f" and sk in "iub") or (rdt.kind in "iu" and sk == "b"):
        raise _cast_error(rdt, self._data.dtype)


# --- inverse hyperbolic functions --------------------------------------------------------------------------

_q_arcsinh = _quiet(np.arcsinh)
_q_arccosh = _quiet(np.arccosh)
_q_arctanh = _quiet(np.arctanh)


class AsinhBackward0(Node):
    """y = asinh x = ln(x + √(x² + 1)).   dy/dx = 1/√(x² + 1)."""

    __slots__ = ()
    name = "AsinhBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g / F.sqrt(x[0] * x[0] + 1),)


class AcoshBackward0(Node):
    """y = acosh x = ln(x + √(x² − 1))  (x ≥ 1).   dy/dx = 1/√(x² − 1)."""

    __slots__ = ()
    name = "AcoshBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g / F.sqrt(x[0] * x[0] - 1),)


class AtanhBackward0(Node):
    """y = atanh x = ½ ln((1 + x)/(1 − x))  (|x| < 1).   dy/dx = 1/(1 − x²)."""

    __slots__ = ()
    name = "AtanhBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g / F.one_minus(x[0] * x[0]),)


def asinh(input: Tensor) -> Tensor:
    """asinh x = ln(x + √(x² + 1)); derivative 1/√(x² + 1)."""
    return pointwise._unary(AsinhBackward0, _q_arcsinh, input)


def acosh(input: Tensor) -> Tensor:
    """acosh x = ln(x + √(x² − 1)) (nan below 1); derivative 1/√(x² − 1)."""
    return pointwise._unary(AcoshBackward0, _q_arccosh, input)


def atanh(input: Tensor) -> Tensor:
    """atanh x = ½ ln((1 + x)/(1 − x)) (±inf at ±1, nan beyond); derivative 1/(1 − x²)."""
    return pointwise._unary(AtanhBackward0, _q_arctanh, input)


def arcsinh(input: Tensor) -> Tensor:
    """Alias of ``asinh``: ln(x + √(x² + 1)); derivative 1/√(x² + 1)."""
    _need_tensor("arcsinh", "input", 1, input)
    return asinh(input)


def arccosh(input: Tensor) -> Tensor:
    """Alias of ``acosh``: ln(x + √(x² − 1)); derivative 1/√(x² − 1)."""
    _need_tensor("arccosh", "input", 1, input)
    return acosh(input)


def arctanh(input: Tensor) -> Tensor:
    """Alias of ``atanh``: ½ ln((1 + x)/(1 − x)); derivative 1/(1 − x²)."""
    _need_tensor("arctanh", "input", 1, input)
    return atanh(input)


def _inplace_of(fn: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    def method(self: Tensor, *args: Any) -> Tensor:
        return apply_inplace(self, fn, *args)

    method.__name__ = name
    method.__doc__ = f"In-place ``{fn.__name__}``: writes the result into ``self`` and returns ``self``."
    return method


asinh_ = _inplace_of(asinh, "asinh_")
acosh_ = _inplace_of(acosh, "acosh_")
atanh_ = _inplace_of(atanh, "atanh_")


# --- fmax / fmin -------------------------------------------------------------------------------------------

def _arrays(F: Any, x: Any) -> tuple[np.ndarray, np.ndarray]:
    return (x[0]._data, x[1]._data) if F.is_tensor else (x[0], x[1])


class FmaxBackward0(Node):
    """z = fmax(a, b).   ∂z/∂a = 1 where a ≥ b or b is NaN (else 0); ∂z/∂b = the complement."""

    __slots__ = ()
    name = "FmaxBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        A, B = _arrays(F, x)
        to_a = (A >= B) | np.isnan(B)
        zero = F.zeros_like(g)
        return F.where(to_a, g, zero), F.where(to_a, zero, g)


class FminBackward0(Node):
    """z = fmin(a, b).   ∂z/∂a = 1 where a ≤ b or b is NaN (else 0); ∂z/∂b = the complement."""

    __slots__ = ()
    name = "FminBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        A, B = _arrays(F, x)
        to_a = (A <= B) | np.isnan(B)
        zero = F.zeros_like(g)
        return F.where(to_a, g, zero), F.where(to_a, zero, g)


def _binary(name: str, input: Any, other: Any) -> tuple[Tensor, Tensor, np.ndarray, np.ndarray]:
    _need_tensor(name, "input", 1, input)
    _need_tensor(name, "other", 2, other)
    a, b, A, B = promote_pair(input, other)
    try:
        np.broadcast_shapes(A.shape, B.shape)
    except ValueError:
        raise arith._broadcast_error(name, A, B) from None
    return a, b, A, B


def _finish(node_cls: type[Node], out: np.ndarray, a: Tensor, b: Tensor) -> Tensor:
    t = wrap(np.asarray(out))
    if GRAD_ENABLED[0] and (a._rg or b._rg):
        record(node_cls.__new__(node_cls), t, (a, b))
    return t


def fmax(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise maximum ignoring NaN: fmax(a, NaN) = a, NaN only where both are NaN.

    Gradient: to ``input`` where a ≥ b or b is NaN, else to ``other`` (ties go to ``input``)."""
    a, b, A, B = _binary("fmax", input, other)
    return _finish(FmaxBackward0, np.fmax(A, B), a, b)


def fmin(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise minimum ignoring NaN: fmin(a, NaN) = a, NaN only where both are NaN.

    Gradient: to ``input`` where a ≤ b or b is NaN, else to ``other`` (ties go to ``input``)."""
    a, b, A, B = _binary("fmin", input, other)
    return _finish(FminBackward0, np.fmin(A, B), a, b)


# --- integer and floating-point helpers ---------------------------------------------------------------------

def _integers_only(kernel: str, A: np.ndarray) -> None:
    if A.dtype.kind not in "iu":
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{_tn(A.dtype)}\'')


def gcd(input: Tensor, other: Tensor) -> Tensor:
    """Greatest common divisor of integers, elementwise (non-negative; gcd(0, 0) = 0). Not differentiable."""
    _, _, A, B = _binary("gcd", input, other)
    _integers_only("gcd", A)
    return wrap(np.asarray(np.gcd(A, B)))


def lcm(input: Tensor, other: Tensor) -> Tensor:
    """Least common multiple of integers, elementwise (non-negative; 0 if either is 0). Not differentiable."""
    _, _, A, B = _binary("lcm", input, other)
    _integers_only("lcm", A)
    return wrap(np.asarray(np.lcm(A, B)))


class LdexpBackward0(Node):
    """z = a·2ᵇ.   ∂z/∂a = 2ᵇ,   ∂z/∂b = a·2ᵇ·ln 2."""

    __slots__ = ()
    name = "LdexpBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        p = 2.0 ** x[1]
        return g * p, g * (x[0] * p) * _LN2


def ldexp(input: Tensor, other: Tensor) -> Tensor:
    """input · 2^other (floating result: integer inputs give the default float dtype).

    Derivatives: ∂/∂input = 2^other, ∂/∂other = input · 2^other · ln 2."""
    a, b, A, B = _binary("ldexp", input, other)
    dt = A.dtype if A.dtype.kind == "f" else _default[0].np
    with silent():
        r = A.astype(dt, copy=False) * np.exp2(B.astype(dt, copy=False))
    return _finish(LdexpBackward0, r, a, b)


class NextafterBackward0(Node):
    """z = the next float after a towards b (z = b where a = b).   ∂z/∂a = 1 where a ≠ b, else 0;  ∂z/∂b = 0."""

    __slots__ = ()
    name = "NextafterBackward0"
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        A, B = _arrays(F, x)
        zero = F.zeros_like(g)
        return F.where(A != B, g, zero), zero


def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next representable floating-point value after ``input`` towards ``other``, elementwise.

    Gradient: 1 to ``input`` where input ≠ other (0 where they are equal), 0 to ``other``."""
    a, b, A, B = _binary("nextafter", input, other)
    if A.dtype.kind != "f":
        raise NotImplementedError(f'"nextafter_cpu" not implemented for \'{_tn(A.dtype)}\'')
    return _finish(NextafterBackward0, np.nextafter(A, B), a, b)


def isposinf(input: Tensor) -> Tensor:
    """True where input is +inf (bool result)."""
    _need_tensor("isposinf", "input", 1, input)
    A = input._data
    return wrap(np.asarray(A == np.inf) if A.dtype.kind == "f" else np.zeros(A.shape, dtype=bool))


def isneginf(input: Tensor) -> Tensor:
    """True where input is −inf (bool result)."""
    _need_tensor("isneginf", "input", 1, input)
    A = input._data
    return wrap(np.asarray(A == -np.inf) if A.dtype.kind == "f" else np.zeros(A.shape, dtype=bool))


def isreal(input: Tensor) -> Tensor:
    """True where the imaginary part is 0: every element of a real tensor (bool result)."""
    _need_tensor("isreal", "input", 1, input)
    return wrap(np.ones(input._data.shape, dtype=bool))


fix = pointwise.trunc


# --- in-place versions of the new binary functions --------------------------------------------------------

def gcd_(self: Tensor, other: Tensor) -> Tensor:
    """In-place ``gcd``."""
    return apply_inplace(self, gcd, other)


def lcm_(self: Tensor, other: Tensor) -> Tensor:
    """In-place ``lcm``."""
    return apply_inplace(self, lcm, other)


def ldexp_(self: Tensor, other: Tensor) -> Tensor:
    """In-place ``ldexp``: self · 2^other into self (self must be floating)."""
    if self._data.dtype.kind != "f":
        raise RuntimeError(f"ldexp can't be cast to the desired output type {_tn(self._data.dtype)}")
    return apply_inplace(self, ldexp, other)


def nextafter_(self: Tensor, other: Tensor) -> Tensor:
    """In-place ``nextafter``."""
    return apply_inplace(self, nextafter, other)


# --- comparisons in place: 1 / 0 in self's dtype ---------------------------------------------------------

class _CompareBackward(Node):
    """y = [a ⋈ b] ∈ {0, 1} (a step function).   dy/da = dy/db = 0."""

    __slots__ = ()

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        zero = F.zeros_like(g)
        return (zero,) * len(self.inputs)


_CMP_NODES: dict[str, type[Node]] = {}


def _cmp_node(name: str) -> type[Node]:
    cls = _CMP_NODES.get(name)
    if cls is None:
        cls = _CMP_NODES[name] = type(name, (_CompareBackward,), {"__slots__": (), "name": name})
    return cls


def _compare_inplace(name: str, fn: Callable[[Any, Any], Tensor]) -> Callable[[Tensor, Any], Tensor]:
    stem = name[0].upper() + name[1:]

    def method(self: Tensor, other: Any) -> Tensor:
        r = fn(self, other)
        if _recording(self, (other,)):
            old = graph_handle(self, self._data)  # the node saves nothing: no copy needed
            _write(self, r._data)
            if isinstance(other, Tensor):
                record(_cmp_node(f"{stem}Backward1").__new__(_cmp_node(f"{stem}Backward1")), self, (old, other))
            else:
                record(_cmp_node(f"{stem}Backward0").__new__(_cmp_node(f"{stem}Backward0")), self, (old,))
            self._out_idx = 0
        else:
            _write(self, r._data)
        self._bump()
        return self

    method.__name__ = name + "_"
    method.__doc__ = f"In-place ``{name}``: self = (self {name} other) as 1 / 0 in self's dtype; gradient 0."
    return method


eq_ = _compare_inplace("eq", arith.eq)
ne_ = _compare_inplace("ne", arith.ne)
lt_ = _compare_inplace("lt", arith.lt)
le_ = _compare_inplace("le", arith.le)
gt_ = _compare_inplace("gt", arith.gt)
ge_ = _compare_inplace("ge", arith.ge)


# --- logical and bitwise in place ---------------------------------------------------------------------------

def _logical_inplace(name: str, fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # PyTorch does not track logical ops in autograd at all: no leaf check, and the graph is left as it was
    def method(self: Tensor, *other: Any) -> Tensor:
        _write(self, fn(self, *other)._data)
        self._bump()
        return self

    method.__name__ = name + "_"
    method.__doc__ = f"In-place ``{name}`` (1 / 0 in self's dtype; not tracked by autograd, as in PyTorch)."
    return method


logical_and_ = _logical_inplace("logical_and", arith.logical_and)
logical_or_ = _logical_inplace("logical_or", arith.logical_or)
logical_xor_ = _logical_inplace("logical_xor", arith.logical_xor)
logical_not_ = _logical_inplace("logical_not", arith.logical_not)


def _bitwise_inplace(name: str, fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def checked(a: Tensor, *other: Any) -> Tensor:
        if a._data.dtype.kind == "f":
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_tn(a._data.dtype)}\'')
        if other:
            _check_fits(a, other[0])
        return fn(a, *other)

    def method(self: Tensor, *other: Any) -> Tensor:
        return apply_inplace(self, checked, *other)

    method.__name__ = name + "_"
    method.__doc__ = f"In-place ``{name}`` (integer and bool tensors)."
    return method


bitwise_and_ = _bitwise_inplace("bitwise_and", arith.bitwise_and)
bitwise_or_ = _bitwise_inplace("bitwise_or", arith.bitwise_or)
bitwise_xor_ = _bitwise_inplace("bitwise_xor", arith.bitwise_xor)
bitwise_not_ = _bitwise_inplace("bitwise_not", arith.bitwise_not)


# --- the other in-place variants --------------------------------------------------------------------------

def square_(self: Tensor) -> Tensor:
    """In-place ``square``: self = self²."""
    return apply_inplace(self, arith.square)


def sign_(self: Tensor) -> Tensor:
    """In-place ``sign``: self = sign(self) (a bool tensor is its own sign)."""
    if self._data.dtype.kind == "b":  # sign(True) = True, sign(False) = False
        self._bump()
        return self
    return apply_inplace(self, pointwise.sign)


def clamp_min_(self: Tensor, min: Any) -> Tensor:  # noqa: A002
    """In-place ``clamp_min``: self = max(self, min)."""
    _check_fits(self, min)
    return apply_inplace(self, selection.clamp_min, min)


def clamp_max_(self: Tensor, max: Any) -> Tensor:  # noqa: A002
    """In-place ``clamp_max``: self = min(self, max)."""
    _check_fits(self, max)
    return apply_inplace(self, selection.clamp_max, max)


def remainder_(self: Tensor, other: Any) -> Tensor:
    """In-place ``remainder`` (Python-style modulus, the sign of the divisor)."""
    return apply_inplace(self, arith.remainder, other)


class _NotImplementedBackward(Node):
    """An op PyTorch records but cannot differentiate: backward raises its error."""

    __slots__ = ()
    name = "torch::autograd::NotImplemented"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        raise RuntimeError("derivative for aten::floor_divide_ is not implemented")


def floor_divide_(self: Tensor, other: Any) -> Tensor:
    """In-place ``floor_divide``: self = ⌊self / other⌋ (not differentiable: a backward through it raises)."""
    if _recording(self, (other,)):
        r = arith.floor_divide(self, other)
        old = graph_handle(self, self._data)
        _write(self, r._data)
        inputs = (old, other) if isinstance(other, Tensor) else (old,)
        record(_NotImplementedBackward.__new__(_NotImplementedBackward), self, inputs)
        self._out_idx = 0
        self._bump()
        return self
    return apply_inplace(self, arith.floor_divide, other)


def true_divide_(self: Tensor, other: Any) -> Tensor:
    """In-place true division (``div_`` without rounding)."""
    return div_(self, other)


def cumsum_(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """In-place ``cumsum`` along ``dim`` (``dtype``, if given, must be self's)."""
    if dtype is not None:
        from .._dtype import as_dtype

        want = np.dtype(as_dtype(dtype).np)
        if want != self._data.dtype:
            raise RuntimeError(
                f"Bad in-place call: input tensor dtype {_CPP.get(str(self._data.dtype), self._data.dtype)} and "
                f"output tensor dtype {_CPP.get(str(want), want)} should match"
            )
    if self._data.dtype.kind == "b":
        raise NotImplementedError('"cumsum_out_cpu" not implemented for \'Bool\'')
    return apply_inplace(self, reduction.cumsum, dim)


# --- Python callables per element -------------------------------------------------------------------------

builtins_callable = callable  # ``apply_`` / ``map_`` take an argument named ``callable``, as PyTorch's do


def _real(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value.item()
    if isinstance(value, (numbers.Real, np.bool_, np.number)) and not isinstance(value, np.complexfloating):
        return value
    raise TypeError(f"must be real number, not {type(value).__name__}")


def _store(self: Tensor, values: list[Any]) -> None:
    A = self._data
    dt = A.dtype
    if dt.kind in "iu":
        info = np.iinfo(dt)
        for v in values:
            if not info.min <= v <= info.max:
                raise RuntimeError(f"value cannot be converted to type {dt} without overflow")
    with silent():
        R = np.asarray(values, dtype=np.float64 if dt.kind == "f" else None)
    if not A.flags.writeable:
        A = self._data = A.copy()
    A[...] = (R.astype(dt) if R.size else np.zeros(A.shape, dt)).reshape(A.shape)


def apply_(self: Tensor, callable: Callable[[Any], Any]) -> Tensor:  # noqa: A002
    """Replace each element ``v`` with ``callable(v)`` (a Python number of self's kind), in place.

    Slow (a Python call per element) and outside autograd: refused on a tensor that requires grad."""
    if self._rg:
        raise RuntimeError("Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead.")
    if not builtins_callable(callable):
        raise TypeError(f"'{type(callable).__name__}' object is not callable")
    _store(self, [_real(callable(v)) for v in self._data.ravel().tolist()])
    return self


def map_(self: Tensor, tensor: Tensor, callable: Callable[[Any, Any], Any]) -> Tensor:  # noqa: A002
    """Replace each element ``a`` of self with ``callable(a, b)``, ``b`` the matching element of ``tensor``
    broadcast to self's shape (same dtype as self), in place; refused on tensors that require grad."""
    if not isinstance(tensor, Tensor):
        raise arg_type_error("map_", "other", 1, tensor)
    if self._rg or tensor._rg:
        raise RuntimeError("Can't call map_() on Variable that requires grad. Use var.detach().map_() instead.")
    if tensor._data.dtype != self._data.dtype:
        raise TypeError(f"map_: expected torch.{_tn(self._data.dtype)}Tensor for 'other' "
                        f"(got torch.{_tn(tensor._data.dtype)}Tensor)")
    if not builtins_callable(callable):
        raise TypeError(f"'{type(callable).__name__}' object is not callable")
    from .shape import expand

    B = expand(tensor, tuple(self._data.shape))._data
    pairs = zip(self._data.ravel().tolist(), np.ascontiguousarray(B).ravel().tolist(), strict=True)
    _store(self, [_real(callable(a, b)) for a, b in pairs])
    return self



def _no_bool(method: Callable[[Tensor], Tensor], kernel: str) -> Callable[[Tensor], Tensor]:
    """``method``, refusing bool tensors as PyTorch's kernel does."""
    def checked(self: Tensor) -> Tensor:
        if self._data.dtype.kind == "b":
            raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
        return method(self)

    checked.__name__ = method.__name__
    checked.__doc__ = method.__doc__
    return checked


_acos_ = _unary_inplace("acos")
_asin_ = _unary_inplace("asin")
_atan_ = _unary_inplace("atan")
_trunc_ = _no_bool(_unary_inplace("trunc"), "trunc_vml_cpu")

METHODS: dict[str, Callable[..., Any]] = {
    # unary functions that already exist, now in place
    "acos_": _acos_, "asin_": _asin_, "atan_": _atan_, "arccos_": _acos_, "arcsin_": _asin_, "arctan_": _atan_,
    "cosh_": _unary_inplace("cosh"), "sinh_": _unary_inplace("sinh"), "tan_": _unary_inplace("tan"),
    "log10_": _unary_inplace("log10"), "log2_": _unary_inplace("log2"), "log1p_": _unary_inplace("log1p"),
    "expm1_": _unary_inplace("expm1"), "rsqrt_": _unary_inplace("rsqrt"),
    "reciprocal_": _unary_inplace("reciprocal"), "trunc_": _trunc_, "fix_": _trunc_,
    "ceil_": _no_bool(_unary_inplace("ceil"), "ceil_vml_cpu"), "square_": square_, "sign_": sign_,
    "negative_": neg_, "absolute_": _no_bool(abs_, "abs_cpu"),
    # binary
    "clamp_min_": clamp_min_, "clamp_max_": clamp_max_, "remainder_": remainder_, "floor_divide_": floor_divide_,
    "true_divide_": true_divide_, "subtract_": sub_, "multiply_": mul_, "divide_": div_,
    "eq_": eq_, "ne_": ne_, "lt_": lt_, "le_": le_, "gt_": gt_, "ge_": ge_,
    "greater_": gt_, "less_": lt_, "greater_equal_": ge_, "less_equal_": le_, "not_equal_": ne_,
    "logical_and_": logical_and_, "logical_or_": logical_or_, "logical_xor_": logical_xor_,
    "logical_not_": logical_not_, "bitwise_and_": bitwise_and_, "bitwise_or_": bitwise_or_,
    "bitwise_xor_": bitwise_xor_, "bitwise_not_": bitwise_not_, "cumsum_": cumsum_,
    # new functions and their in-place forms
    "asinh": asinh, "acosh": acosh, "atanh": atanh, "arcsinh": arcsinh, "arccosh": arccosh, "arctanh": arctanh,
    "asinh_": asinh_, "acosh_": acosh_, "atanh_": atanh_, "arcsinh_": asinh_, "arccosh_": acosh_,
    "arctanh_": atanh_,
    "fmax": fmax, "fmin": fmin, "gcd": gcd, "gcd_": gcd_, "lcm": lcm, "lcm_": lcm_, "ldexp": ldexp,
    "ldexp_": ldexp_, "nextafter": nextafter, "nextafter_": nextafter_, "isposinf": isposinf,
    "isneginf": isneginf, "isreal": isreal, "fix": pointwise.trunc,
    "apply_": apply_, "map_": map_,
}

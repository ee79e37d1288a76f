"""What every loss shares: the ``reduction`` argument, size checks, and the fused-loss node.

A fused loss computes its per-element values ``ℓᵢ`` in one NumPy expression and
records ONE node. Its backward receives ``G`` (a scalar for 'mean'/'sum', the
per-element gradient for 'none'), scales it by 1/n for 'mean', and applies the
closed-form derivative ``∂ℓᵢ/∂x`` -- so ``mse_loss(x, t)`` is one node, not
the four of ``((x − t) ** 2).mean()``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._errstate import silent
from ..autograd.graph import SAVE_INPUTS
from . import reduction as _red
from ._util import GRAD_ENABLED, Node, Tensor, record, wrap

REDUCTIONS = ("mean", "sum", "none")
_add_reduce = np.add.reduce
_asarray = np.asarray

_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
               "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def type_name(dt: np.dtype) -> str:
    """PyTorch's scalar type name for a NumPy dtype (``Float``, ``Long``...)."""
    return _TYPE_NAMES.get(str(dt), str(dt))


def size_str(shape: tuple[int, ...]) -> str:
    return "torch.Size([" + ", ".join(str(s) for s in shape) + "])"


def reduction_arg(reduction: str, size_average: Any = None, reduce: Any = None, extra: tuple[str, ...] = ()) -> str:
    """The effective reduction, honouring PyTorch's deprecated ``size_average``/``reduce`` pair."""
    if size_average is not None or reduce is not None:
        sa = True if size_average is None else size_average
        rd = True if reduce is None else reduce
        ret = "none" if not rd else ("mean" if sa else "sum")
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      UserWarning, stacklevel=3)
        return ret
    if reduction in REDUCTIONS or reduction in extra:
        return reduction
    raise ValueError(f"{reduction} is not a valid value for reduction")


def broadcast_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy broadcasting with PyTorch's message when the shapes do not fit."""
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        n = max(len(a), len(b))
        pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
        for d in range(n - 1, -1, -1):
            if pa[d] != pb[d] and pa[d] != 1 and pb[d] != 1:
                raise RuntimeError(f"The size of tensor a ({pa[d]}) must match the size of tensor b ({pb[d]}) "
                                   f"at non-singleton dimension {d}") from None
        raise


def warn_size_mismatch(input: Tensor, target: Tensor) -> None:
    """PyTorch's warning for regression losses whose target silently broadcasts."""
    warnings.warn(
        f"Using a target size ({size_str(target._data.shape)}) that is different to the input size "
        f"({size_str(input._data.shape)}). This will likely lead to incorrect results due to broadcasting. "
        "Please ensure they have the same size.",
        UserWarning,
        stacklevel=3,
    )


def common_float(input: Tensor, target: Tensor, kernel: str, to_input: bool = False) -> tuple[Tensor, Tensor]:
    """Both operands cast (differentiably) to their promoted dtype -- or to the input's dtype for the kernels
    that keep it (``to_input``: huber_loss, soft_margin_loss) -- which must be floating point."""
    A, B = input._data, target._data
    if A.dtype is B.dtype and A.dtype.kind == "f":  # the usual case, before any import or promotion
        return input, target
    from .._dtype import promote_arrays
    from .cast import cast

    dt = A.dtype if (A.dtype is B.dtype or to_input) else promote_arrays(A, B)
    if dt.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(dt)}'")
    return (input if A.dtype == dt else cast(input, dt)), (target if B.dtype == dt else cast(target, dt))


def no_grad_allowed(t: Tensor | None, fn: str, arg: str) -> None:
    """PyTorch refuses ``requires_grad`` on loss arguments it has no derivative for."""
    if t is not None and t._rg and GRAD_ENABLED[0]:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{arg}'. "
                           "This input cannot have requires_grad True.")


def reduce_array(elems: np.ndarray, reduction: str, count: Any = None) -> tuple[np.ndarray, Any]:
    """The reduced loss and the backward scale (1/n for 'mean', None otherwise).

    ``count`` overrides n for 'mean' (class-weighted losses divide by the summed weights);
    n = 0 gives NaN, as PyTorch's mean of nothing.
    """
    if reduction == "none":
        return elems, None
    n = elems.size if count is None else count
    try:  # inf − inf = nan and 0/0 are silent, as in PyTorch: _errstate's filter covers this module ...
        out = _mean_or_sum(elems, reduction, n)
    except (RuntimeWarning, FloatingPointError):  # ... or, where warnings are errors, an errstate
        with silent():
            out = _mean_or_sum(elems, reduction, n)
    if reduction == "sum":
        return out, None
    return out, (1.0 / float(n) if n else float("nan"))


def _mean_or_sum(elems: np.ndarray, reduction: str, n: Any) -> np.ndarray:
    # the sum as a NumPy scalar of the loss dtype, divided in that dtype: on a small array this is
    # ~3 µs cheaper than reducing into a 0-d array and dividing that in place
    s = _add_reduce(elems, None)
    if reduction == "sum":
        return _asarray(s)
    if type(n) is int:
        return _asarray(s / n)
    if isinstance(n, np.ndarray):
        return np.asarray(s / n.astype(elems.dtype), dtype=elems.dtype)
    out = np.array(s, dtype=elems.dtype)  # a float count (summed class weights): divide in place
    out /= n
    return out


class LossNode(Node):
    """A fused loss: ``backward`` scales G by 1/n for 'mean', then calls ``vjp(F, G, x)``.

    (The engine runs every backward formula under a quiet error state: log(0) = −inf and 0/0 follow
    PyTorch silently.)"""

    __slots__ = ("scale",)
    scale: Any
    saves = SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, ...]:
        if self.scale is not None:
            g = g * self.scale
        return self.vjp(F, g, x)

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any, ...]:
        raise NotImplementedError


def finish(node_cls: type[LossNode], elems: np.ndarray, reduction: str, inputs: tuple[Tensor, ...], count: Any = None,
           **attrs: Any) -> Tensor:
    """Reduce ``elems`` and record ``node_cls`` when an input requires grad."""
    out, scale = reduce_array(elems, reduction, count)
    t = wrap(out if type(out) is np.ndarray else np.asarray(out))
    if GRAD_ENABLED[0]:
        for i in inputs:
            if i._rg:
                node = node_cls.__new__(node_cls)
                node.scale = scale
                for k, v in attrs.items():
                    setattr(node, k, v)
                record(node, t, inputs)
                break
    return t


def reduce_tensor(loss: Tensor, reduction: str) -> Tensor:
    """Reduction for losses built from differentiable ops."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return _red.sum(loss)
    return _red.mean(loss)

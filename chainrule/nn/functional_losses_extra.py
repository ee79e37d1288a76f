"""More of ``nn.functional``: threshold, rrelu, the in-place activation aliases, the margin/triplet/Gaussian
losses, pdist, gumbel_softmax and the alpha/feature dropouts.

Notation: x = input, G = the incoming gradient (scaled by 1/n under reduction='mean'), C = number of classes.

* threshold:   y = x if x > θ else v.                      ∂y/∂x = 1 if x > θ else 0   (0 at x = θ).
* rrelu:       y = x if x > 0 else a·x;  a = (l + u)/2 in eval, a ~ U(l, u) per element in training.
                                                         ∂y/∂x = 1 if x > 0 else a.
* gaussian_nll_loss:  ℓ = ½(log v + (x − t)²/v) [+ ½ log 2π],  v = max(var, ε) (the clamp passes the gradient).
                      ∂ℓ/∂x = (x − t)/v = −∂ℓ/∂t,   ∂ℓ/∂var = ½(1/v − (x − t)²/v²).
* triplet_margin_loss:  ℓ = max(0, m + d(a, p) − d(a, n)),  d = ‖x₁ − x₂ + ε‖_p (swap: d(a, n) ← min(d(a, n), d(p, n))).
* multi_margin_loss:  ℓ = Σ_{j≠y} w_y·max(0, m − x_y + x_j)^p / C  (p ∈ {1, 2}).
                      ∂ℓ/∂x_j = w_y·p·z_j^(p−1)/C for active j (z_j = m − x_y + x_j > 0);  ∂ℓ/∂x_y = −Σ_j ∂ℓ/∂x_j.
* multilabel_margin_loss:  ℓ = Σ_{j ∈ T} Σ_{k ∉ T} max(0, 1 − (x_j − x_k)) / C  (T: the targets before the first −1).
                      ∂ℓ/∂x_k = #{active (j, k)}/C,   ∂ℓ/∂x_j = −#{active (j, k)}/C.
* multilabel_soft_margin_loss:  ℓ = −Σ_c w_c(t_c log σ(x_c) + (1 − t_c) log σ(−x_c)) / C  (a composite).
* pdist:       yₖ = ‖x_i − x_j‖_p for i < j.   ∂yₖ/∂x_i = sign(δ)|δ|^(p−1)/yₖ^(p−1) = −∂yₖ/∂x_j
               (δ = x_i − x_j; 0 where yₖ = 0).
* gumbel_softmax: y = softmax((x + g)/τ), g = −log E, E ~ Exp(1);
                 hard: one_hot(argmax y) − sg(y) + y (straight through).
* alpha dropout: y = a·(x·m + α′(1 − m)) + b,  α′ = −1.7580993, a = ((1 − p)(1 + pα′²))^(−½), b = −aα′p,
                 m ~ Bernoulli(1 − p) per element (feature_alpha_dropout: per (sample, channel)).   ∂y/∂x = a·m.
* dropout1d / dropout3d: y = x·m/(1 − p), m ~ Bernoulli(1 − p) per (sample, channel).   ∂y/∂x = m/(1 − p).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import random as _random
from ..ops import arith as _arith
from ..ops import inplace as _inplace
from ..ops import pointwise as _pw
from ..ops import reduction as _red
from ..ops import selection as _sel
from ..ops import shape as _shape
from ..ops._loss_base import LossNode, finish, reduction_arg, type_name
from ..ops._util import Node, Tensor, make, wrap
from ..ops.activation import (
    EluBackward0,
    LeakyReluBackward0,
    _elu,
    _floating,
    _leaky_relu,
    _named,
    _on_graph,
    _raw,
    _silenced,
    elu,
    hardtanh,
    leaky_relu,
    logsigmoid,
    selu,
)
from ..ops.catalogue import Entry, register
from ..ops.inplace import apply_inplace
from ..ops.softmax import softmax

__all__ = [
    "threshold", "threshold_", "rrelu", "rrelu_", "elu_", "celu_", "leaky_relu_", "hardtanh_", "selu_",
    "gaussian_nll_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss", "multi_margin_loss",
    "multilabel_margin_loss", "multilabel_soft_margin_loss", "pdist", "gumbel_softmax", "alpha_dropout",
    "feature_alpha_dropout", "dropout1d", "dropout3d",
]
# the names among __all__ that have a derivative-catalogue Entry (they join nn.functional.__all__)
CATALOGUED: list[str] = [
    "threshold", "rrelu", "gaussian_nll_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
    "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss", "pdist",
]


def _check_tensor(x: Any, fn: str, arg: str = "input", pos: int = 1) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}")


def _size(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


# ---------------------------------------------------------------------------------------------- threshold
class ThresholdBackward0(Node):
    """y = x if x > θ else v.   dy/dx = 1 if x > θ else 0   (0 at x = θ; NaN passes the gradient)."""

    __slots__ = ("threshold",)
    threshold: Any
    name = "ThresholdBackward0"
    saves = 1  # SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (_on_graph(F, F.where(_raw(x[0]) <= self.threshold, 0.0, g), x[0]),)


_ThresholdBackward1 = _named(ThresholdBackward0, "ThresholdBackward1")


@_silenced
def _threshold(input: Tensor, threshold: float, value: float, node: type) -> Tensor:
    _check_tensor(input, "threshold")
    A = input._data
    if A.dtype.kind == "b":
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    R = np.where(A <= threshold, np.asarray(value).astype(A.dtype), A)
    return make(node, R, (input,), threshold=threshold)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value (integers stay integers).   threshold′(x) = 1 if x > threshold else 0."""
    if inplace:
        return apply_inplace(input, _threshold, threshold, value, _ThresholdBackward1)
    return _threshold(input, threshold, value, ThresholdBackward0)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """In-place threshold: x ← (x if x > threshold else value)."""
    return apply_inplace(input, _threshold, threshold, value, _ThresholdBackward1)


# ---------------------------------------------------------------------------------------------- rrelu
class RreluWithNoiseBackward0(Node):
    """y = x·a (a = 1 for x > 0, a ~ U(l, u) otherwise, drawn in the forward).   dy/dx = a."""

    __slots__ = ("noise",)
    noise: Any
    name = "RreluWithNoiseBackward0"
    saves = 1  # SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (_on_graph(F, g * F.const(self.noise, g), x[0]),)


_RreluBackward1 = _named(RreluWithNoiseBackward0, "RreluWithNoiseBackward1")
_RreluEval0 = _named(LeakyReluBackward0, "RreluWithNoiseBackward0")
_RreluEval1 = _named(LeakyReluBackward0, "RreluWithNoiseBackward1")


@_silenced
def _rrelu_train(input: Tensor, lower: float, upper: float, node: type) -> Tensor:
    A = _floating(input, "rrelu_with_noise_out_cpu", "rrelu")
    neg = A <= 0
    noise = np.where(neg, _random.rng().uniform(lower, upper, A.shape), 1.0).astype(A.dtype)
    return make(node, A * noise, (input,), noise=noise)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Randomized leaky ReLU: x if x > 0 else a·x, a ~ U(lower, upper) per element while training,
    a = (lower + upper)/2 in eval.   rrelu′(x) = 1 if x > 0 else a."""
    _check_tensor(input, "rrelu")
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if training:
        node = _RreluBackward1 if inplace else RreluWithNoiseBackward0
        return apply_inplace(input, _rrelu_train, lower, upper, node) if inplace else \
            _rrelu_train(input, lower, upper, node)
    slope = (lower + upper) / 2
    if inplace:
        return apply_inplace(input, _leaky_relu, slope, _RreluEval1)
    return _leaky_relu(input, slope, _RreluEval0)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    """In-place rrelu."""
    return rrelu(input, lower, upper, training, True)


# ---------------------------------------------------------------------------------------------- in-place aliases
def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place elu (grad_fn EluBackward1)."""
    return elu(input, alpha, True)


class _CeluInplaceBackward(EluBackward0):
    """y = α(e^(x/α) − 1) for x ≤ 0.   dy/dx = (y + α)/float32(α) = (α/float32(α))·e^(x/α) (PyTorch's in-place
    celu backward reads the result and scales it by 1/float32(α); ``input_scale`` holds that factor)."""

    __slots__ = ()
    name = "CeluBackward1"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        xv = x[0]
        neg = _raw(xv) <= 0
        x_neg = F.where(neg, xv, 0.0)
        return (F.where(neg, g * (self.alpha * self.input_scale) * F.exp(x_neg * (1.0 / self.alpha)), g),)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place celu (grad_fn CeluBackward1).   celu′(x) = 1 for x > 0, else (α/float32(α))·e^(x/α)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    grad_scale = 1.0 / float(np.float32(alpha))
    return apply_inplace(input, _elu, alpha, 1.0, 1.0 / alpha, _CeluInplaceBackward, "celu", grad_scale)


def selu_(input: Tensor) -> Tensor:
    """In-place selu (grad_fn EluBackward1)."""
    return selu(input, True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place leaky_relu (grad_fn LeakyReluBackward1)."""
    return leaky_relu(input, negative_slope, True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place hardtanh (grad_fn HardtanhBackward0, as PyTorch)."""
    return hardtanh(input, min_val, max_val, True)


# ---------------------------------------------------------------------------------------------- gaussian nll
class _ClampedClone(Node):
    """y = max(v, ε) whose gradient is the identity (PyTorch clamps a clone under no_grad)."""

    __slots__ = ()
    name = "CloneBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        return (g,)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """ℓ = ½(log v + (x − t)²/v) (+ ½ log 2π if ``full``), v = max(var, eps) with the clamp passing the gradient.

    ``var`` may have input's shape, input's shape without its last dim, or one mismatched dim of size 1.
    ∂ℓ/∂x = (x − t)/v,  ∂ℓ/∂t = −(x − t)/v,  ∂ℓ/∂var = ½(1/v − (x − t)²/v²)   (a composite of recorded ops).
    """
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        vt = wrap(np.full(input._data.shape, var, dtype=input._data.dtype))
    elif not isinstance(var, Tensor):
        raise TypeError(f"any() received an invalid combination of arguments - got ({type(var).__name__})")
    elif bool(np.any(var._data < 0)):
        raise ValueError("var has negative entry/entries")
    else:
        vt = var
    ishape, vshape = input._data.shape, vt._data.shape
    if vshape != ishape:
        if ishape[:-1] == vshape:
            vt = _shape.unsqueeze(vt, -1)
        elif not (len(ishape) == len(vshape) and sum(v for i, v in zip(ishape, vshape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    v = make(_ClampedClone, np.maximum(vt._data, eps).astype(vt._data.dtype, copy=False), (vt,))
    d = _arith.sub(input, target)
    loss = _arith.mul(_arith.add(_pw.log(v), _arith.div(_arith.pow(d, 2), v)), 0.5)
    if full:
        loss = _arith.add(loss, 0.5 * math.log(2 * math.pi))
    if reduction == "mean":
        return _red.mean(loss)
    if reduction == "sum":
        return _red.sum(loss)
    return loss


# ---------------------------------------------------------------------------------------------- triplet losses
def _pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6) -> Tensor:
    """‖x₁ − x₂ + ε‖_p over the last dimension (PyTorch's pairwise_distance)."""
    return _red.norm(_arith.add(_arith.sub(x1, x2), eps), p, -1)


def _triplet_dims(anchor: Tensor, positive: Tensor, negative: Tensor) -> None:
    a, p, n = anchor.ndim, positive.ndim, negative.ndim
    if not (a == p and p == n):
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")


def _triplet(dist: Callable[[Tensor, Tensor], Tensor], anchor: Tensor, positive: Tensor, negative: Tensor,
             margin: float, swap: bool, red: str) -> Tensor:
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = _arith.minimum(d_neg, dist(positive, negative))
    loss = _sel.clamp_min(_arith.sub(_arith.add(d_pos, margin), d_neg), 0)
    if red == "sum":
        return _red.sum(loss)
    if red == "mean":
        return _red.mean(loss)
    return loss


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Tensor:
    """ℓ = max(0, margin + d(a, p) − d(a, n)), d(x₁, x₂) = ‖x₁ − x₂ + eps‖_p over the last dim; ``swap`` uses
    min(d(a, n), d(p, n)).   ∂ℓ/∂a = ∂d(a, p)/∂a − ∂d(a, n)/∂a where ℓ > 0 (a composite of recorded ops)."""
    red = reduction_arg(reduction, size_average, reduce)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _triplet_dims(anchor, positive, negative)
    return _triplet(lambda a, b: _pairwise_distance(a, b, p, eps), anchor, positive, negative, margin, swap, red)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                                      margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> Tensor:
    """ℓ = max(0, margin + d(a, p) − d(a, n)) with any distance d (default pairwise_distance); ``swap`` uses
    min(d(a, n), d(p, n)).   The gradient is d's, through the clamp (a composite of recorded ops)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _triplet_dims(anchor, positive, negative)
    dist = distance_function if distance_function is not None else _pairwise_distance
    return _triplet(dist, anchor, positive, negative, margin, swap, reduction)


# ---------------------------------------------------------------------------------------------- multi margin
def _margin_frames(input: Tensor, fn: str) -> tuple[np.ndarray, int, int]:
    """The input as an (N, C) array (a vector is one sample, a scalar one class), PyTorch's shape checks."""
    A = input._data
    if A.ndim > 2 or (A.ndim >= 1 and A.shape[-1] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{_size(A.shape)}")
    X = A.reshape(-1, A.shape[-1] if A.ndim else 1)
    return X, X.shape[0], X.shape[1]


class MultiMarginLossBackward0(LossNode):
    """ℓ = Σ_{j≠y} w_y·max(0, z_j)^p / C,  z_j = m − x_y + x_j.
    ∂ℓ/∂x_j = w_y·p·z_j^(p−1)/C where z_j > 0 (j ≠ y);   ∂ℓ/∂x_y = −Σ_{j≠y} ∂ℓ/∂x_j."""

    __slots__ = ("p", "margin", "coef", "onehot", "shape")
    p: Any
    margin: Any
    coef: Any  # (N, C): w_y/C where z_j > 0 and j ≠ y, else 0
    onehot: Any
    shape: Any
    name = "MultiMarginLossBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any]:
        X = F.reshape(x[0], self.onehot.shape)
        oh = F.const(self.onehot, X)
        if self.p == 2:
            z = (X - F.sum(X * oh, axis=1, keepdims=True)) + self.margin
            D = z * F.const(2 * self.coef, X)
        else:
            D = F.const(self.coef, X) if F.is_tensor else self.coef
        G = F.reshape(g, (-1, 1)) if _raw(g).ndim == 1 else g
        gD = G * D
        gx = F.reshape(gD - oh * F.sum(gD, axis=1, keepdims=True), self.shape)
        return (_on_graph(F, gx, x[0]),)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                      size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss: ℓ = Σ_{j≠y} w_y·max(0, margin − x_y + x_j)^p / C per sample (p = 1 or 2).

    ∂ℓ/∂x_j = w_y·p·max(0, z_j)^(p−1)/C (j ≠ y),  ∂ℓ/∂x_y = −Σ_{j≠y} ∂ℓ/∂x_j.
    """
    red = reduction_arg(reduction, size_average, reduce)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    X, N, C = _margin_frames(input, "multi_margin_loss")
    Y = target._data
    if (input.ndim <= 1 and Y.size != 1) or (input.ndim == 2 and (Y.ndim != 1 or Y.size != N)):
        raise RuntimeError("multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{N}], but got {_size(Y.shape)}. "
                           f"Input has shape {_size(input._data.shape)}.")
    if Y.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {type_name(Y.dtype)}")
    if X.dtype.kind != "f":
        raise NotImplementedError(f"\"multi_margin_loss_cpu_kernel\" not implemented for '{type_name(X.dtype)}'")
    if weight is not None:
        if weight._data.dtype != X.dtype:
            raise RuntimeError(f"expected scalar type {type_name(X.dtype)} but found {type_name(weight._data.dtype)}")
        if weight._data.size != C:
            raise RuntimeError(f"inconsistent weight size, expected {C} but got {_size(weight._data.shape)}")
    y = Y.reshape(-1)
    if y.size and (y.min() < 0 or y.max() >= C):
        raise RuntimeError("target out of range")
    onehot = np.zeros((N, C), dtype=X.dtype)
    onehot[np.arange(N), y] = 1
    z = (margin - X[np.arange(N), y])[:, None] + X
    active = (z > 0) & (onehot == 0)
    wy = (weight._data[y] if weight is not None else np.ones(N, X.dtype))[:, None]
    h = np.where(active, z if p == 1 else z * z, 0).astype(X.dtype, copy=False) * wy
    elems = (h.sum(axis=1) / X.dtype.type(C)).astype(X.dtype, copy=False)
    if input.ndim <= 1:
        elems = elems.reshape(Y.shape)  # a vector input: the target's shape, () or (1,)
    coef = np.where(active, wy / X.dtype.type(C), 0).astype(X.dtype, copy=False)
    return finish(MultiMarginLossBackward0, elems, red, (input,), p=p, margin=float(margin), coef=coef,
                  onehot=onehot, shape=input._data.shape)


class MultilabelMarginLossBackward0(LossNode):
    """ℓ = Σ_{j∈T} Σ_{k∉T} max(0, 1 − x_j + x_k)/C.   ∂ℓ/∂x = (#active pairs with k = x's index − #with j)/C."""

    __slots__ = ("dx", "shape")
    dx: Any
    shape: Any
    name = "MultilabelMarginLossBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any]:
        dx = F.const(self.dx, x[0]) if F.is_tensor else self.dx
        G = F.reshape(g, (-1, 1)) if _raw(g).ndim == 1 else g
        return (_on_graph(F, F.reshape(G * dx, self.shape), x[0]),)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                           reduction: str = "mean") -> Tensor:
    """Multi-label hinge loss: ℓ = Σ_{j∈T} Σ_{k∉T} max(0, 1 − (x_j − x_k)) / C per sample, T = the target
    indices before the first −1.   ∂ℓ/∂x_k = #{j: active}/C for k ∉ T, ∂ℓ/∂x_j = −#{k: active}/C for j ∈ T."""
    red = reduction_arg(reduction, size_average, reduce)
    X, N, C = _margin_frames(input, "multilabel_margin_loss")
    Y = target._data
    if Y.shape != input._data.shape:
        raise RuntimeError(f"inconsistent target size: {_size(Y.shape)} for input of size: "
                           f"{_size(input._data.shape)}")
    if Y.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {type_name(Y.dtype)}")
    if X.dtype.kind != "f":
        raise NotImplementedError(
            f"\"multilabel_margin_loss_forward_out_frame\" not implemented for '{type_name(X.dtype)}'")
    T = Y.reshape(N, C)
    live = np.cumsum(T == -1, axis=1) == 0  # the entries before the first −1
    if np.any(live & ((T < 0) | (T >= C))):
        raise RuntimeError("argument #2 'target' is out of range")
    counts = ((T[:, :, None] == np.arange(C)) & live[:, :, None]).sum(axis=1)  # (N, C): multiplicity of j in T
    other = (counts == 0).astype(X.dtype)  # k ∉ T
    z = 1 - X[:, :, None] + X[:, None, :]  # z[n, j, k] = 1 − x_j + x_k
    act = (z > 0) * counts[:, :, None].astype(X.dtype) * other[:, None, :]  # weight of each active (j, k)
    h = np.maximum(z, 0) * act
    cC = X.dtype.type(C)
    elems = (h.sum(axis=(1, 2)) / cC).astype(X.dtype, copy=False)
    dx = ((act.sum(axis=1) - act.sum(axis=2)) / cC).astype(X.dtype, copy=False)
    if input.ndim <= 1:
        elems = elems.reshape(())
    if red == "mean" and N == 0:  # PyTorch's mean over no samples is 0 here
        return finish(MultilabelMarginLossBackward0, np.zeros((0,), X.dtype), "sum", (input,), dx=dx,
                      shape=input._data.shape)
    return finish(MultilabelMarginLossBackward0, elems, red, (input,), dx=dx, shape=input._data.shape)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """ℓ = −Σ_c w_c(t_c log σ(x_c) + (1 − t_c) log σ(−x_c)) / C over the last dim.
    ∂ℓ/∂x_c = w_c(σ(x_c) − t_c)/C   (a composite of recorded ops)."""
    if size_average is not None or reduce is not None:
        reduction = reduction_arg(reduction, size_average, reduce)
    pos = _arith.mul(target, logsigmoid(input))
    neg = _arith.mul(_arith.rsub(target, 1), logsigmoid(_arith.neg(input)))
    loss = _arith.neg(_arith.add(pos, neg))
    if weight is not None:
        loss = _arith.mul(loss, weight)
    class_dim = input.ndim - 1
    C = input._data.shape[class_dim]
    loss = _arith.div(_red.sum(loss, class_dim), C)
    if reduction == "none":
        return loss
    if reduction == "mean":
        return _red.mean(loss)
    if reduction == "sum":
        return _red.sum(loss)
    raise ValueError(reduction + " is not valid")


# ---------------------------------------------------------------------------------------------- pdist
class PdistBackward0(Node):
    """yₖ = ‖δₖ‖_p, δₖ = x_i − x_j (i < j).   ∂yₖ/∂δ = sign(δ)|δ|^(p−1)/yₖ^(p−1) (p = 2: δ/yₖ; p = 1: sign δ;
    p = ∞: sign(δ) where |δ| = yₖ; p = 0: 0), 0 where yₖ = 0;  ∂/∂x_i = +, ∂/∂x_j = −."""

    __slots__ = ("p", "rows", "cols")
    p: Any
    rows: Any
    cols: Any
    name = "PdistBackward0"
    saves = 1  # SAVE_INPUTS

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any]:
        X = x[0]
        shape = _raw(X).shape
        D = F.getitem(X, self.rows) - F.getitem(X, self.cols)
        Da = _raw(D)
        p = self.p
        with np.errstate(all="ignore"):
            if p == 0:
                dD = F.const(np.zeros(Da.shape), D)
            elif p == 1:
                dD = F.const(np.sign(Da), D)
            elif p == math.inf:
                A = np.abs(Da)
                dD = F.const(np.sign(Da) * (A == A.max(axis=1, keepdims=True)), D)
            else:
                Aabs = np.abs(Da)
                dist_a = (Aabs ** p).sum(axis=1, keepdims=True) ** (1.0 / p) if p != 2 else \
                    np.sqrt((Da * Da).sum(axis=1, keepdims=True))
                zero = (dist_a == 0) | ((Da == 0) if p < 1 else np.zeros(Da.shape, bool))
                Ds = F.where(zero, 1.0, D)  # safe values where the gradient is 0 (no inf·0 in any order)
                if p == 2:
                    dist = F.sqrt(F.sum(Ds * Ds, axis=1, keepdims=True))
                    dD = F.where(zero, 0.0, Ds / dist)
                else:
                    As = F.abs(Ds)
                    dist = F.sum(As ** p, axis=1, keepdims=True) ** (1.0 / p)
                    dD = F.where(zero, 0.0, F.sign(Ds) * As ** (p - 1) / dist ** (p - 1))
        gD = F.reshape(g, (-1, 1)) * dD
        gx = F.index_add(shape, self.rows, gD) - F.index_add(shape, self.cols, gD)
        return (_on_graph(F, gx, X),)


@_silenced
def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The distances ‖x_i − x_j‖_p between the rows i < j of an (N, M) input, as an N(N−1)/2 vector (row-major
    order of the upper triangle).   ∂yₖ/∂x_i = sign(δ)|δ|^(p−1)/yₖ^(p−1) = −∂yₖ/∂x_j (0 at yₖ = 0)."""
    _check_tensor(input, "pdist")
    A = input._data
    if A.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {A.ndim}D")
    if A.dtype.kind != "f":
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    p = float(p)
    rows, cols = np.triu_indices(A.shape[0], 1)
    D = A[rows] - A[cols]
    absD = np.abs(D)
    if p == 2:
        out = np.sqrt((D * D).sum(axis=1))
    elif p == 1:
        out = absD.sum(axis=1)
    elif p == 0:
        out = (D != 0).sum(axis=1)
    elif p == math.inf:
        out = absD.max(axis=1) if D.shape[1] else np.zeros(D.shape[0])
    else:
        out = (absD ** p).sum(axis=1) ** (1.0 / p)
    return make(PdistBackward0, np.asarray(out, dtype=A.dtype), (input,), p=p, rows=rows, cols=cols)


# ---------------------------------------------------------------------------------------------- gumbel softmax
def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """y = softmax((logits + g)/τ, dim), g = −log E with E ~ Exp(1) (Gumbel noise, chainrule's generator).
    ``hard``: one_hot(argmax y) − y.detach() + y -- the value is one-hot, the gradient is the soft sample's
    (straight-through)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    _check_tensor(logits, "gumbel_softmax", "logits")
    A = logits._data
    if A.dtype.kind != "f":
        raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {type_name(A.dtype)}")
    with np.errstate(divide="ignore"):
        gumbels = (-np.log(_random.rng().standard_exponential(A.shape))).astype(A.dtype)
    y_soft = softmax(_arith.div(_arith.add(logits, wrap(gumbels)), tau), dim)
    if not hard:
        return y_soft
    S = y_soft._data
    d = dim % S.ndim if S.ndim else 0
    y_hard = np.zeros_like(S)
    if S.ndim:
        np.put_along_axis(y_hard, np.expand_dims(np.argmax(S, axis=d), d), 1.0, axis=d)
    else:
        y_hard[...] = 1.0
    return _arith.add(_arith.sub(wrap(y_hard), y_soft.detach()), y_soft)


# ---------------------------------------------------------------------------------------------- dropouts
_SELU_NEG = 1.7580993408473766  # −α′ = λα of selu


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, alpha: bool, feature: bool,
                     batched: bool = True) -> Tensor:
    """PyTorch's dropout kernel: y = x·m/(1 − p), or alpha dropout y = x·(a·m) + b; ``feature``: one draw per
    (sample, channel) -- with ``batched=False`` the input has no sample dim."""
    _check_tensor(input, "dropout")
    A = input._data
    if p == 0 or not training or A.size == 0:
        return input
    if p == 1:
        z = wrap(np.zeros((), A.dtype))
        return _inplace.mul_(input, z) if inplace else _arith.mul(input, z)
    shape = A.shape if batched else (1,) + A.shape
    if feature:
        if len(shape) < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        noise_shape = shape[:2] + (1,) * (len(shape) - 2)
        if not batched:
            noise_shape = noise_shape[1:]
    else:
        noise_shape = A.shape
    if A.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type {type_name(A.dtype)}")
    m = (_random.rng().random(noise_shape) < 1 - p).astype(A.dtype)
    if not alpha:
        mul = wrap(m * A.dtype.type(1.0 / (1.0 - p)))
        return _inplace.mul_(input, mul) if inplace else _arith.mul(input, mul)
    a = 1.0 / math.sqrt((_SELU_NEG * _SELU_NEG * p + 1) * (1 - p))
    b = wrap(((m - 1) * (_SELU_NEG * a) + _SELU_NEG * a * p).astype(A.dtype))
    mul = wrap((m * a).astype(A.dtype))
    if inplace:
        return _inplace.add_(_inplace.mul_(input, mul), b)
    return _arith.add(_arith.mul(input, mul), b)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's zero mean and unit variance: dropped elements become α′ = −1.7581, then
    y = a·(x·m + α′(1 − m)) + b, a = ((1 − p)(1 + pα′²))^(−½), b = −aα′p.   ∂y/∂x = a·m.  Identity in eval."""
    _check_p(p)
    return _feature_dropout(input, p, training, inplace, alpha=True, feature=False)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """alpha_dropout with one draw per (sample, channel) (dims 0 and 1).   ∂y/∂x = a·m."""
    _check_p(p)
    return _feature_dropout(input, p, training, inplace, alpha=True, feature=True)


def _channel_dropout(input: Tensor, p: float, training: bool, inplace: bool, batched: bool) -> Tensor:
    if batched:
        return _feature_dropout(input, p, training, inplace, alpha=False, feature=True)
    if inplace:
        return _feature_dropout(input, p, training, True, alpha=False, feature=True, batched=False)
    out = _feature_dropout(_shape.unsqueeze(input, 0), p, training, False, alpha=False, feature=True)
    return _shape.squeeze(out, 0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel dropout for (N, C, L) or (C, L) inputs: each channel zeroed with probability p, survivors scaled
    by 1/(1 − p).   ∂y/∂x = m/(1 − p).  Identity in eval."""
    _check_p(p)
    _check_tensor(input, "dropout1d")
    nd = input.ndim
    if nd not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. Note that dropout1d exists to provide "
            "channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch "
            "dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, inplace, nd == 3)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel dropout for (N, C, D, H, W) or (C, D, H, W) inputs: each channel zeroed with probability p,
    survivors scaled by 1/(1 − p).   ∂y/∂x = m/(1 − p).  Identity in eval."""
    _check_p(p)
    _check_tensor(input, "dropout3d")
    nd = input.ndim
    if nd not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {nd}-D input to dropout3d, which is deprecated and will result in an error in a "
            "future release. To retain the behavior and silence this warning, please use dropout instead. Note that "
            "dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel "
            "dimension, and an optional batch dimension (i.e. 4D or 5D inputs).", UserWarning, stacklevel=2)
    return _channel_dropout(input, p, training, inplace, nd == 5)


# ---------------------------------------------------------------------------------------------- the catalogue
for _e in (
    Entry("threshold", "activation", "x if x > θ else v", "1 if x > θ else 0", "(−∞, ∞)", "x ≤ θ (f′ = 0)",
          "f′(θ) = 0; NaN passes the gradient", "ThresholdBackward0 (inplace: ThresholdBackward1)"),
    Entry("rrelu", "activation", "x if x > 0 else a·x;  a = (l + u)/2 in eval, a ~ U(l, u) in training",
          "1 if x > 0 else a", "(−∞, ∞)", "never for l ≥ 0.01", "f′(0) = a (negative branch)",
          "RreluWithNoiseBackward0 (inplace: RreluWithNoiseBackward1)"),
    Entry("gaussian_nll_loss", "loss", "ℓ = ½(log v + (x − t)²/v) [+ ½ log 2π],  v = max(var, ε)",
          "∂ℓ/∂x = (x − t)/v = −∂ℓ/∂t;  ∂ℓ/∂var = ½(1/v − (x − t)²/v²)", "(−∞, ∞)", "never",
          "the clamp at ε passes the gradient (identity)", "MeanBackward0 / SumBackward0 / MulBackward0"),
    Entry("triplet_margin_loss", "loss", "ℓ = max(0, m + ‖a − p + ε‖_p − ‖a − n + ε‖_p)",
          "∂ℓ/∂a = (a − p)/d(a, p) − (a − n)/d(a, n) for p = 2 where ℓ > 0, else 0", "[0, ∞)",
          "where ℓ = 0", "gradient passes at ℓ = 0 (clamp convention)", "MeanBackward0 / ClampMinBackward0"),
    Entry("triplet_margin_with_distance_loss", "loss", "ℓ = max(0, m + d(a, p) − d(a, n))",
          "∂ℓ/∂· = ∂d(a, p)/∂· − ∂d(a, n)/∂· where ℓ > 0, else 0", "[0, ∞)", "where ℓ = 0",
          "gradient passes at ℓ = 0 (clamp convention)", "MeanBackward0 / ClampMinBackward0"),
    Entry("multi_margin_loss", "loss", "ℓ = Σ_{j≠y} w_y·max(0, m − x_y + x_j)^p / C,  p ∈ {1, 2}",
          "∂ℓ/∂x_j = w_y·p·z_j^(p−1)/C where z_j > 0;  ∂ℓ/∂x_y = −Σ_{j≠y} ∂ℓ/∂x_j", "[0, ∞)",
          "when every z_j ≤ 0", "∂ℓ/∂x_j = 0 at z_j = 0", "MultiMarginLossBackward0"),
    Entry("multilabel_margin_loss", "loss", "ℓ = Σ_{j∈T} Σ_{k∉T} max(0, 1 − x_j + x_k)/C",
          "∂ℓ/∂x_k = #{active (j, k)}/C;  ∂ℓ/∂x_j = −#{active (j, k)}/C", "[0, ∞)",
          "when every target beats every non-target by ≥ 1", "a pair at 1 − x_j + x_k = 0 is inactive",
          "MultilabelMarginLossBackward0"),
    Entry("multilabel_soft_margin_loss", "loss", "ℓ = −Σ_c w_c(t_c log σ(x_c) + (1 − t_c) log σ(−x_c))/C",
          "∂ℓ/∂x_c = w_c(σ(x_c) − t_c)/C", "[0, ∞)", "|x_c| > 4.6 on the right side", "smooth",
          "MeanBackward0 / SumBackward0 / DivBackward0"),
    Entry("pdist", "distance", "yₖ = ‖x_i − x_j‖_p, i < j", "∂yₖ/∂x_i = sign(δ)|δ|^(p−1)/yₖ^(p−1) = −∂yₖ/∂x_j",
          "[0, ∞)", "never", "0 where yₖ = 0", "PdistBackward0"),
):
    register(_e)

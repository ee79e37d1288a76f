"""Regression and margin losses, each with its derivative beside it; the public list of all losses.

Notation: x = input, t = target, d = x − t, G = the incoming gradient (scaled by
1/n under reduction='mean'). Every loss takes ``reduction='mean'|'sum'|'none'``
and PyTorch's deprecated ``size_average``/``reduce`` pair. The cross-entropy
family lives in ``loss_entropy.py``; ``linear dropout one_hot normalize pad`` in
``nn_misc.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errstate import silent
from . import reduction as _red
from . import selection as _sel
from ._loss_base import (
    LossNode,
    broadcast_shape,
    common_float,
    finish,
    no_grad_allowed,
    reduce_tensor,
    reduction_arg,
    warn_size_mismatch,
)
from ._util import Tensor, as_tensor_arg, named_grad_fn, wrap
from .catalogue import Entry, register
from .loss_entropy import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    kl_div,
    nll_loss,
    poisson_nll_loss,
)
from .nn_misc import dropout, dropout2d, linear, normalize, one_hot, pad

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "kl_div", "poisson_nll_loss",
           "soft_margin_loss", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss",
           "linear", "dropout", "dropout2d", "one_hot", "normalize", "pad"]


# -- regression: one fused node each ---------------------------------------------------------------

class MseLossBackward0(LossNode):
    """ℓ = (x − t)².   ∂ℓ/∂x = 2(x − t),   ∂ℓ/∂t = −2(x − t)."""

    __slots__ = ()
    name = "MseLossBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any, Any]:
        gx = (g * 2) * (x[0] - x[1])
        return gx, (-gx if self.inputs[1]._rg else None)


class L1LossBackward0(LossNode):
    """ℓ = |x − t|.   ∂ℓ/∂x = sign(x − t)  (0 at x = t, as PyTorch),   ∂ℓ/∂t = −sign(x − t)."""

    __slots__ = ()
    name = "L1LossBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any, Any]:
        gx = g * F.sign(x[0] - x[1])
        return gx, (-gx if self.inputs[1]._rg else None)


class SmoothL1LossBackward0(LossNode):
    """ℓ = ½d²/β if |d| < β else |d| − ½β.   ∂ℓ/∂x = d/β if |d| < β else sign(d);  ∂ℓ/∂t = −∂ℓ/∂x."""

    __slots__ = ("beta",)
    beta: Any
    name = "SmoothL1LossBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any, Any]:
        d = x[0] - x[1]
        gx = g * F.where(F.abs(d) < self.beta, d / self.beta, F.sign(d))
        return gx, (-gx if self.inputs[1]._rg else None)


class HuberLossBackward0(LossNode):
    """ℓ = ½d² if |d| < δ else δ(|d| − ½δ)  (= δ·smooth_l1 with β = δ).   ∂ℓ/∂x = d if |d| < δ else δ·sign(d)."""

    __slots__ = ("delta",)
    delta: Any
    name = "HuberLossBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any, Any]:
        d = x[0] - x[1]
        gx = g * F.where(F.abs(d) < self.delta, d, F.sign(d) * self.delta)
        return gx, (-gx if self.inputs[1]._rg else None)


def _regression(input: Tensor, target: Tensor, kernel: str,
                to_input: bool = False) -> tuple[Tensor, Tensor, np.ndarray]:
    """Float operands of one dtype and d = x − t at the broadcast shape (warning like PyTorch if it broadcasts)."""
    target = as_tensor_arg(target, input._data, "target")
    if input._data.shape != target._data.shape:
        warn_size_mismatch(input, target)
        broadcast_shape(input._data.shape, target._data.shape)
    input, target = common_float(input, target, kernel, to_input)
    return input, target, input._data - target._data


def _weighted(loss: Tensor, weight: Tensor, input: Tensor, reduction: str, by_weight: bool = True) -> Tensor:
    """PyTorch 2.13's elementwise ``weight``: 'mean' divides by Σ weight (mse, l1) or by n (huber)."""
    if weight._data.shape != input._data.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return _red.sum(loss)
    if reduction != "mean":
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    return _red.sum(loss) / _red.sum(weight) if by_weight else _red.mean(loss)


def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mean squared error (x − t)², broadcast like PyTorch (with its warning)."""
    red = reduction_arg(reduction, size_average, reduce)
    x, t, d = _regression(input, target, "mse_cpu")
    if weight is not None:
        return _weighted(mse_loss(x, t, reduction="none"), weight, input, red)
    return finish(MseLossBackward0, d * d, red, (x, t))


_L1_NAMES = {"mean": "MeanBackward0", "sum": "SumBackward0", "none": "AbsBackward0"}


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """Mean absolute error |x − t|."""
    red = reduction_arg(reduction, size_average, reduce)
    x, t, d = _regression(input, target, "l1_cpu")
    if weight is not None:
        return _weighted(l1_loss(x, t, reduction="none"), weight, input, red)
    # PyTorch computes l1_loss as abs(x − t) then mean/sum: show its grad_fn names on the fused node
    return named_grad_fn(finish(L1LossBackward0, np.abs(d), red, (x, t)), _L1_NAMES[red])


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Quadratic for |x − t| < β, linear beyond; β = 0 is exactly l1_loss (no 0/0)."""
    red = reduction_arg(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=red)
    x, t, d = _regression(input, target, "smooth_l1_cpu")
    ad = np.abs(d)
    elems = np.where(ad < beta, (0.5 / beta) * d * d, ad - 0.5 * beta)
    return finish(SmoothL1LossBackward0, elems.astype(d.dtype, copy=False), red, (x, t), beta=float(beta))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Quadratic for |x − t| < δ, then δ-sloped linear: δ·smooth_l1_loss(β = δ)."""
    red = reduction_arg(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    x, t, d = _regression(input, target, "huber_cpu", to_input=True)
    if weight is not None:
        return _weighted(huber_loss(x, t, reduction="none", delta=delta), weight, input, red, False)
    ad = np.abs(d)
    elems = np.where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta))
    return finish(HuberLossBackward0, elems.astype(d.dtype, copy=False), red, (x, t), delta=float(delta))


# -- margin losses -------------------------------------------------------------------------------

class SoftMarginLossBackward0(LossNode):
    """ℓ = log(1 + e^(−t·x)) = softplus(−t·x).   ∂ℓ/∂x = −t·σ(−t·x)."""

    __slots__ = ()
    name = "SoftMarginLossBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any, None]:
        z = -(x[0] * x[1])
        s = F.sigmoid(z)
        return -(g * x[1]) * s, None


def soft_margin_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """Two-class logistic loss softplus(−t·x), computed without overflow (finite where PyTorch's log1p(exp) is inf)."""
    red = reduction_arg(reduction, size_average, reduce)
    target = as_tensor_arg(target, input._data, "target")
    no_grad_allowed(target, "soft_margin_loss", "target")
    broadcast_shape(input._data.shape, target._data.shape)
    x, t = common_float(input, target, "soft_margin_loss", to_input=True)
    z = -(x._data * t._data)
    with silent():
        elems = np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0)
    return finish(SoftMarginLossBackward0, elems.astype(z.dtype, copy=False), red, (x, t))


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average: Any = None,
                        reduce: Any = None, reduction: str = "mean") -> Tensor:
    """ℓ = max(0, −t·(x₁ − x₂) + margin).   ∂ℓ/∂x₁ = −t where active, ∂ℓ/∂x₂ = t (a composition, as PyTorch)."""
    red = reduction_arg(reduction, size_average, reduce)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {_size(input1)}, input2: {_size(input2)}, target: {_size(target)} ")
    loss = _sel.clamp_min(-target * (input1 - input2) + margin, 0)
    return reduce_tensor(loss, red)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average: Any = None,
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    """ℓ = x where t = 1, max(0, margin − x) where t = −1  (∂ℓ/∂x = 1, or −1 inside the margin)."""
    red = reduction_arg(reduction, size_average, reduce)
    zeros = wrap(np.zeros_like(input._data))
    margin_clamp = _sel.clamp_min(margin - input, 0)
    loss = _sel.where(target != 1, margin_clamp, zeros) + _sel.where(target != -1, input, zeros)
    return reduce_tensor(loss, red)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """ℓ = 1 − cos(x₁, x₂) where t = 1, max(0, cos(x₁, x₂) − margin) where t = −1 (ε = 1e-12 in each norm²)."""
    red = reduction_arg(reduction, size_average, reduce)
    tdim = target.ndim
    if tdim > 1:
        raise RuntimeError("1D target tensor expected, multi-target not supported")
    if tdim == 1 and (input1.ndim != 2 or input2.ndim != 2):
        raise RuntimeError("1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{_size(input1)} and {_size(input2)}.")
    if tdim == 0 and (input1.ndim != 1 or input2.ndim != 1):
        raise RuntimeError("0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{_size(input1)} and {_size(input2)}.")
    dim = 1 if tdim == 1 else 0
    eps = 1e-12
    prod_sum = _red.sum(input1 * input2, dim)
    mag1 = _red.sum(input1 * input1, dim) + eps
    mag2 = _red.sum(input2 * input2, dim) + eps
    cos = prod_sum / (mag1 * mag2) ** 0.5
    zeros = wrap(np.zeros_like(cos._data))
    loss = _sel.where(target == 1, 1 - cos, zeros) + _sel.where(target == -1, _sel.clamp_min(cos - margin, 0), zeros)
    return reduce_tensor(loss, red)


def _size(t: Tensor) -> str:
    return "[" + ", ".join(str(s) for s in t._data.shape) + "]"



for _e in (
    Entry("mse_loss", "loss", "ℓ = (x − t)²", "∂ℓ/∂x = 2(x − t) = −∂ℓ/∂t", "[0, ∞)", "never", "smooth",
          "MseLossBackward0"),
    Entry("l1_loss", "loss", "ℓ = |x − t|", "∂ℓ/∂x = sign(x − t) = −∂ℓ/∂t", "[0, ∞)", "constant slope",
          "∂ℓ/∂x = 0 at x = t", "L1LossBackward0"),
    Entry("smooth_l1_loss", "loss", "ℓ = ½(x − t)²/β if |x − t| < β else |x − t| − ½β",
          "∂ℓ/∂x = (x − t)/β if |x − t| < β else sign(x − t)", "[0, ∞)", "constant slope for |x − t| ≥ β",
          "β = 0 is l1_loss", "SmoothL1LossBackward0"),
    Entry("huber_loss", "loss", "ℓ = ½(x − t)² if |x − t| < δ else δ(|x − t| − ½δ)",
          "∂ℓ/∂x = x − t if |x − t| < δ else δ·sign(x − t)", "[0, ∞)", "constant slope for |x − t| ≥ δ",
          "δ·smooth_l1(β = δ)", "HuberLossBackward0"),
    Entry("soft_margin_loss", "loss", "ℓ = log(1 + e^(−t·x))", "∂ℓ/∂x = −t·σ(−t·x)", "(0, ∞)",
          "t·x > 4.6", "smooth", "SoftMarginLossBackward0"),
    Entry("margin_ranking_loss", "loss", "ℓ = max(0, −t(x₁ − x₂) + m)",
          "∂ℓ/∂x₁ = −t, ∂ℓ/∂x₂ = t where ℓ > 0, else 0", "[0, ∞)", "where ℓ = 0",
          "gradient passes at ℓ = 0 (clamp convention)", "ClampMinBackward0"),
    Entry("hinge_embedding_loss", "loss", "ℓ = x if t = 1; max(0, m − x) if t = −1",
          "∂ℓ/∂x = 1 if t = 1; −1 if t = −1 and x < m", "[0, ∞) for x ≥ 0", "x ≥ m with t = −1",
          "gradient passes at x = m (clamp convention)", "AddBackward0"),
    Entry("cosine_embedding_loss", "loss", "ℓ = 1 − cos(x₁, x₂) if t = 1; max(0, cos(x₁, x₂) − m) if t = −1",
          "∂cos/∂x₁ = x₂/(‖x₁‖‖x₂‖) − cos·x₁/‖x₁‖²", "[0, 2]", "cos ≤ m with t = −1",
          "ε = 1e-12 added to each ‖·‖²", "AddBackward0"),
):
    register(_e)

"""The likelihood losses: cross_entropy, nll_loss, binary_cross_entropy(_with_logits), kl_div, poisson_nll_loss.

Each is one fused node with a closed-form, overflow-free derivative:

* cross_entropy(x, t) = −Σ_c q_c log softmax(x)_c,   ∂/∂x = softmax(x)·Σq − q, where
  q = (1−ε)·w_t·onehot(t) + (ε/C)·w  (class indices) or q = w·((1−ε)t + ε/C) (probabilities).
  The softmax is computed once in the forward pass and reused by the backward.
* binary_cross_entropy_with_logits = softplus(−x)·(1 + (p−1)t) + (1−t)x,   ∂/∂x = σ(x)(1 + (p−1)t) − p·t
  (p = pos_weight; with p = 1 it is σ(x) − t). softplus(−x) = log1p(e^(−|x|)) + max(−x, 0) never overflows.
* binary_cross_entropy clamps each log term at −100 and divides its gradient by max(p(1−p), 1e-12),
  as PyTorch does (loss 100 and gradient ±1e12 at p exactly 0 or 1).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import _kernels
from .._errstate import silent
from . import selection as _sel
from ._consts import EPS_12, MINUS_100, ONE
from ._loss_base import (
    LossNode,
    broadcast_shape,
    common_float,
    finish,
    no_grad_allowed,
    reduce_array,
    reduce_tensor,
    reduction_arg,
    size_str,
    type_name,
)
from ._util import GRAD_ENABLED, Tensor, as_tensor_arg, record, wrap
from .catalogue import Entry, register
from .softmax import log_softmax, log_softmax_array, softmax

_INT_TARGETS = (np.dtype(np.int64), np.dtype(np.uint8))


# -- class-index targets (shared by cross_entropy and nll_loss) ------------------------------------

def _class_targets(X: np.ndarray, T: np.ndarray, weight: Tensor | None, ignore_index: int
                   ) -> tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None, Any]:
    """Validate class indices like PyTorch and return what the forward and backward need.

    Returns (X in batch form, class dim, target index with the class axis kept, per-target weight
    w_t (0 where ignored), valid mask or None, class weights or None, the count 'mean' divides by).
    """
    if T.dtype not in _INT_TARGETS:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {type_name(T.dtype)}")
    nd = X.ndim
    if nd == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    if nd == 1:
        if T.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if T.ndim == 1:  # PyTorch accepts a 1-element target for an unbatched input
            X = X[None]
            nd = 2
    if nd >= 2:
        expected = [X.shape[0], *X.shape[2:]]
        if T.ndim != nd - 1:
            if nd == 2:
                raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
            raise RuntimeError(f"Expected target size {expected}, got {list(T.shape)}")
        if T.shape[0] != X.shape[0]:
            raise ValueError(f"Expected input batch_size ({X.shape[0]}) to match target batch_size ({T.shape[0]}).")
        if list(T.shape) != expected:
            raise RuntimeError(f"Expected target size {expected}, got {list(T.shape)}")
    cdim = 0 if nd == 1 else 1
    C = X.shape[cdim]
    W = None
    if weight is not None:
        W = weight._data
        if W.shape != (C,):
            raise RuntimeError(f"weight tensor should be defined either for all {C} classes or no classes but got "
                               f"weight tensor of shape: {list(W.shape)}")
        if W.dtype != X.dtype:  # PyTorch's kernels take the class weights in the input's dtype only
            raise RuntimeError(f"expected scalar type {type_name(X.dtype)} but found {type_name(W.dtype)}")
    ti = T.astype(np.int64, copy=False)
    ignored = None
    if ti.size:
        lo, hi = int(ti.min()), int(ti.max())
        if lo <= ignore_index <= hi:
            ignored = ti == ignore_index
        if lo < 0 or hi >= C:  # name the first offending target, skipping ignored ones
            bad = (ti < 0) | (ti >= C)
            if ignored is not None:
                bad &= ~ignored
            if bad.any():
                raise IndexError(f"Target {int(ti[bad].flat[0])} is out of bounds.")
    idx = ti if ignored is None else np.where(ignored, 0, ti)
    tw = np.ones(ti.shape, dtype=X.dtype) if W is None else W[idx]
    valid = None
    if ignored is not None:
        valid = ~ignored
        tw = np.where(valid, tw, 0).astype(X.dtype, copy=False)
    count = ti.size if (W is None and ignored is None) else tw.sum(dtype=np.float64)
    return X, cdim, np.expand_dims(idx, cdim), tw, valid, W, count


def _class_view(W: np.ndarray, ndim: int, cdim: int) -> np.ndarray:
    """Class weights shaped to broadcast along the class dimension."""
    return W.reshape((-1,) + (1,) * (ndim - cdim - 1))


def _expand_g(F: Any, g: Any, reduction: str, cdim: int) -> Any:
    # under reduction='none' G has the target's shape: give it back the class axis
    return F.expand_dims(g, cdim) if reduction == "none" else g


class NllLossBackward0(LossNode):
    """ℓ = −w_t · x_t  (x = log-probabilities).   ∂ℓ/∂x_c = −w_t·[c = t];  ignored targets contribute 0."""

    __slots__ = ("dim", "idx", "tw", "shape", "red")
    dim: Any
    idx: Any
    tw: Any
    shape: Any
    red: Any
    name = "NllLossBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any]:
        g = _expand_g(F, g, self.red, self.dim)
        if F.is_tensor:
            q = np.zeros(self.shape, dtype=self.tw.dtype)
            np.put_along_axis(q, self.idx, np.broadcast_to(self.tw, self.idx.shape), self.dim)
            return (F.reshape(-F.const(q, x[0]) * g, x[0].shape),)
        gx = np.zeros(self.shape, dtype=self.tw.dtype)
        np.put_along_axis(gx, self.idx, np.broadcast_to(-self.tw * g, self.idx.shape), self.dim)
        return (gx.reshape(x[0].shape),)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
             ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices given log-probabilities, (N, C, d₁, ...) or unbatched (C,)."""
    red = reduction_arg(reduction, size_average, reduce)
    X0 = input._data
    X, cdim, idx, tw, valid, W, count = _class_targets(X0, target._data, weight, ignore_index)
    tw = tw.reshape(idx.shape)
    elems = (-tw * np.take_along_axis(X, idx, cdim)).squeeze(cdim)
    if elems.ndim != target._data.ndim:
        elems = elems.reshape(target._data.shape)
    out = finish(NllLossBackward0, elems, red, (input,), count=count, dim=cdim, idx=idx, tw=tw, shape=X.shape,
                 red=red)
    return _all_ignored(out, red, count)


def _all_ignored(out: Tensor, red: str, count: Any) -> Tensor:
    """Every target ignored: the 'mean' is 0/0 = NaN, but PyTorch's backward writes no gradient (zeros)."""
    if red == "mean" and not count and out.grad_fn is not None:
        out.grad_fn.scale = 0.0
    return out


class CrossEntropyBackward(LossNode):
    """ℓ = −Σ_c q_c log softmax(x)_c  with q = (1−ε)·w_t·onehot(t) + (ε/C)·w.   ∂ℓ/∂x = softmax(x)·Σ_c q_c − q."""

    __slots__ = ("dim", "idx", "tw", "cw", "valid", "Q", "s", "red")
    dim: Any
    idx: Any
    tw: Any
    cw: Any
    valid: Any
    Q: Any
    s: Any
    red: Any
    name = "NllLossBackward0"  # PyTorch shows NllLossBackward0 (after a LogSoftmaxBackward0) for this pair

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any]:
        g = _expand_g(F, g, self.red, self.dim)
        s = self.s
        if F.is_tensor:  # the same formula on tensors, so it can be differentiated again
            q = np.zeros(s.shape, dtype=s.dtype)
            np.put_along_axis(q, self.idx, np.broadcast_to(self.tw, self.idx.shape), self.dim)
            if self.cw is not None:
                q += self.cw if self.valid is None else self.cw * self.valid
            x0 = F.reshape(x[0], s.shape)
            gx = (softmax(x0, self.dim) * F.const(self.Q, x0) - F.const(q, x0)) * g
            return (F.reshape(gx, x[0].shape),)
        gx = s * (self.Q * g)
        picked = np.take_along_axis(gx, self.idx, self.dim)
        np.put_along_axis(gx, self.idx, picked - self.tw * g, self.dim)
        if self.cw is not None:
            gx -= self.cw * (g if self.valid is None else self.valid * g)
        return (gx.reshape(x[0].shape),)


class CrossEntropyProbBackward(LossNode):
    """ℓ = −Σ_c q_c log softmax(x)_c  with q = w·((1−ε)t + ε/C).
    ∂ℓ/∂x = softmax(x)·Σ_c q_c − q,   ∂ℓ/∂t = −(1−ε)·w·log softmax(x)."""

    __slots__ = ("dim", "eps", "C", "W", "s", "q", "Q", "logp", "red")
    dim: Any
    eps: Any
    C: Any
    W: Any
    s: Any
    q: Any
    Q: Any
    logp: Any
    red: Any
    name = "NllLossBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any, Any]:
        g = _expand_g(F, g, self.red, self.dim)
        it = self.inputs[1]
        coeff = 1.0 - self.eps
        if F.is_tensor:
            x0, t = x
            w = None if self.W is None else F.const(self.W, x0)
            q = t * coeff + self.eps / self.C if self.eps else t
            if w is not None:
                q = q * w
            gx = (softmax(x0, self.dim) * F.sum(q, axis=self.dim, keepdims=True) - q) * g
            gt = None
            if it._rg:
                gt = log_softmax(x0, self.dim) * (-coeff) * g
                gt = gt if w is None else gt * w
            return gx, gt
        gx = (self.s * self.Q - self.q) * g
        gt = None
        if it._rg:
            gt = self.logp * ((-coeff) * g)
            gt = gt if self.W is None else gt * self.W
        return gx, gt


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
                  ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """log_softmax + nll_loss fused: class indices or class probabilities, (N, C, d₁, ...) or unbatched (C,)."""
    red = reduction_arg(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    target = as_tensor_arg(target, None, "target")
    X0 = input._data
    if X0.dtype.kind != "f":
        raise RuntimeError(f"\"log_softmax_lastdim_kernel_impl\" not implemented for '{type_name(X0.dtype)}'")
    if target._data.shape == X0.shape and X0.ndim:
        return _cross_entropy_probs(input, target, weight, ignore_index, red, float(label_smoothing))
    X, cdim, idx, tw, valid, W, count = _class_targets(X0, target._data, weight, ignore_index)
    eps = float(label_smoothing)
    C = X.shape[cdim]
    want_softmax = input._rg and GRAD_ENABLED[0]
    # one fused pass gives the softmax, the shift and the log-sum (large float32, class axis last)
    fast = None if eps or X.size < _kernels.MIN_SIZE else _kernels.softmax_stats(X, cdim, want_softmax)
    cw = valid_e = None
    if fast is not None:
        s, m, lse = fast
        picked = np.take_along_axis(X, idx, cdim) - m
    else:
        # shifted by the max even where it is ±inf: such rows give NaN, as in PyTorch's log_softmax
        m = X.max(axis=cdim, keepdims=True) if X.size else np.zeros((1,) * X.ndim, X.dtype)
        with silent():
            sh = X - m
        picked = np.take_along_axis(sh, idx, cdim)
        if eps:
            Wv = None if W is None else _class_view(W, X.ndim, cdim)
            with silent():
                sw = (sh if Wv is None else sh * Wv).sum(axis=cdim, keepdims=True)
            wsum = float(C if W is None else W.sum())
            cw = (eps / C) * (np.ones((C,) + (1,) * (X.ndim - cdim - 1), X.dtype) if Wv is None else Wv)
            valid_e = None if valid is None else np.expand_dims(valid, cdim).astype(X.dtype)
    with silent():
        if fast is None:
            e = np.exp(sh, out=sh)
            se = e.sum(axis=cdim, keepdims=True)
            lse = np.log(se)
        tw_e = tw.reshape(idx.shape)
        elems = -tw_e * (picked - lse)
        if eps:
            smooth = -(sw - lse * wsum)
            if valid_e is not None:
                smooth = smooth * valid_e
            elems = (1.0 - eps) * elems + (eps / C) * smooth
    elems = elems.squeeze(cdim).astype(X.dtype, copy=False)
    if elems.shape != target._data.shape:
        elems = elems.reshape(target._data.shape)
    if not want_softmax:  # no backward coming: skip the softmax
        return finish(CrossEntropyBackward, elems, red, (input,), count=count)
    if fast is None:
        with silent():
            s = np.divide(e, se, out=e)  # the softmax, kept for the backward pass
    coef = tw_e * (1.0 - eps) if eps else tw_e
    Q = coef if cw is None else coef + float(cw.sum()) * (1 if valid_e is None else valid_e)
    out = finish(CrossEntropyBackward, elems, red, (input,), count=count, dim=cdim, idx=idx, tw=coef, cw=cw,
                 valid=valid_e, Q=np.asarray(Q, X.dtype), s=s, red=red)
    return _all_ignored(out, red, count)


def _cross_entropy_probs(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int, red: str,
                         eps: float) -> Tensor:
    T0 = target._data
    if T0.dtype.kind != "f":
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{type_name(T0.dtype)}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    x, t = common_float(input, target, "cross_entropy")
    X, T = x._data, t._data
    cdim = 0 if X.ndim == 1 else 1
    C = X.shape[cdim]
    W = None
    if weight is not None:
        if weight._data.shape != (C,):
            raise RuntimeError(f"weight tensor should be defined either for all {C} classes or no classes but got "
                               f"weight tensor of shape: {list(weight._data.shape)}")
        W = _class_view(weight._data.astype(X.dtype, copy=False), X.ndim, cdim)
    with silent():
        logp = log_softmax_array(X, cdim)
        q = T * (1.0 - eps) + eps / C if eps else T
        if W is not None:
            q = q * W
        elems = -(logp * q).sum(axis=cdim)
    count = X.size // C if C else 0
    if not (x._rg or t._rg):
        return finish(CrossEntropyProbBackward, elems, red, (x, t), count=count)
    with silent():
        s = np.exp(logp)
    return finish(CrossEntropyProbBackward, elems, red, (x, t), count=count, dim=cdim, eps=eps, C=C, W=W, s=s,
                  q=q, Q=q.sum(axis=cdim, keepdims=True), logp=logp if t._rg else None, red=red)


# -- binary targets ---------------------------------------------------------------------------------

class BinaryCrossEntropyBackward0(LossNode):
    """ℓ = −w[t·max(log p, −100) + (1−t)·max(log(1−p), −100)].
    ∂ℓ/∂p = w(p − t)/max(p(1−p), 1e-12),   ∂ℓ/∂t = w(log(1−p) − log p)."""

    __slots__ = ("W", "n")
    W: Any
    n: int
    name = "BinaryCrossEntropyBackward0"

    def backward(self, F: Any, g: Any, x: Any, y: Any) -> tuple[Any, Any]:
        # PyTorch's order, which decides the rounding at tiny values: the formula with the incoming
        # gradient first, then × w, then ÷ n for 'mean' (not G/n first, as the other fused losses)
        p, t = x
        gx = g * (p - t) / F.maximum(p * F.one_minus(p), F.const(1e-12, p) if F.is_tensor else EPS_12[p.dtype])
        gt = g * (F.log1p(-p) - F.log(p)) if self.inputs[1]._rg else None
        if self.W is not None:
            w = F.const(self.W, p)
            gx = gx * w
            gt = None if gt is None else gt * w
        if self.scale is not None:
            n = F.const(self.n, p)
            gx = gx / n
            gt = None if gt is None else gt / n
        return gx, gt


def _weight_like(w: Tensor | None, X: np.ndarray) -> np.ndarray | None:
    if w is None:
        return None
    W = w._data.astype(X.dtype, copy=False)
    shape = broadcast_shape(X.shape, W.shape)
    if shape != X.shape:
        raise RuntimeError(f"output with shape {list(X.shape)} doesn't match the broadcast shape {list(shape)}")
    return W


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    """−[t log p + (1 − t) log(1 − p)] for probabilities p in [0, 1], each log clamped at −100 (as PyTorch)."""
    red = reduction_arg(reduction, size_average, reduce)
    target = as_tensor_arg(target, input._data, "target")
    if target._data.shape != input._data.shape:
        raise ValueError(f"Using a target size ({size_str(target._data.shape)}) that is different to the input size "
                         f"({size_str(input._data.shape)}) is deprecated. Please ensure they have the same size.")
    no_grad_allowed(weight, "binary_cross_entropy", "weight")
    if target._data.dtype != input._data.dtype:  # no promotion in PyTorch's BCE
        raise RuntimeError(f"Found dtype {type_name(target._data.dtype)} but expected {type_name(input._data.dtype)}")
    x, t = common_float(input, target, "binary_cross_entropy")
    P, T = x._data, t._data
    W = _weight_like(weight, P)
    try:  # log 0 = −inf (clamped to −100) is silent: _errstate's filter covers this module ...
        tm1, elems = _bce_elems(P, T)
    except (RuntimeWarning, FloatingPointError):  # ... or, where warnings are errors, an errstate
        with silent():
            tm1, elems = _bce_elems(P, T)
    if W is not None:
        elems = elems * W
    # The range checks, cheaply: t ∈ [0, 1] ⇔ t(t − 1) ≤ 0 (NaN fails), and p outside [0, 1] (or NaN)
    # makes a log NaN, so a finite loss sum proves p in range; only a NaN sum (or 'none') looks closer.
    if T.size and not _max(T * tm1, None) <= 0:
        _check_bce_range(P, T)
    out, scale = reduce_array(elems, red)
    if red == "none" or (v := out.item()) != v:  # (v != v: NaN)
        _check_bce_range(P, T)
    r = wrap(out)
    if GRAD_ENABLED[0] and (x._rg or t._rg):
        node = _new(BinaryCrossEntropyBackward0)
        node.scale, node.W, node.n = scale, W, P.size
        record(node, r, (x, t))
    return r


def _bce_elems(P: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(t − 1, ℓ) with ℓ = (t − 1)·max(log(1 − p), −100) − t·max(log p, −100), in place where possible."""
    dt = P.dtype
    tm1 = T - ONE[dt]
    a = np.negative(P)
    np.log1p(a, out=a)
    np.maximum(a, MINUS_100[dt], out=a)
    b = np.log(P)
    np.maximum(b, MINUS_100[dt], out=b)
    a *= tm1
    b *= T
    a -= b
    return tm1, a


def _check_bce_range(P: np.ndarray, T: np.ndarray) -> None:
    """PyTorch's errors, input first; NaN fails both comparisons, as in PyTorch."""
    if P.size and not (_min(P, None) >= 0 and _max(P, None) <= 1):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if T.size and not (_min(T, None) >= 0 and _max(T, None) <= 1):
        raise RuntimeError("all elements of target should be between 0 and 1")


_min, _max = np.minimum.reduce, np.maximum.reduce
_new = object.__new__


def _softplus_neg(F: Any, x: Any) -> Any:
    """softplus(−x) = log(1 + e^(−x)) = log1p(e^(−|x|)) + max(−x, 0): no overflow at any x."""
    return F.log1p(F.exp(-F.abs(x))) + F.maximum(-x, F.const(0.0, x))


class BinaryCrossEntropyWithLogitsBackward0(LossNode):
    """ℓ = w[(1 − t)x + (1 + (p − 1)t)·softplus(−x)]  (p = pos_weight).
    ∂ℓ/∂x = w[σ(x)(1 + (p − 1)t) − p·t]  (= w(σ(x) − t) for p = 1),   ∂ℓ/∂t = w[(p − 1)·softplus(−x) − x]."""

    __slots__ = ("W", "PW")
    W: Any
    PW: Any
    name = "BinaryCrossEntropyWithLogitsBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any, Any]:
        xv, t = x
        if self.W is not None:
            g = g * F.const(self.W, xv)
        s = F.sigmoid(xv)
        if self.PW is None:
            gx = (s - t) * g
        else:
            pw = F.const(self.PW, xv)
            gx = (s * ((pw - 1) * t + 1) - pw * t) * g
        gt = None
        if self.inputs[1]._rg:
            gt = -xv if self.PW is None else (F.const(self.PW, xv) - 1) * _softplus_neg(F, xv) - xv
            gt = gt * g
        return gx, gt


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """BCE of σ(x) computed from the logits x, stable at any x (finite at ±1000 and beyond)."""
    red = reduction_arg(reduction, size_average, reduce)
    target = as_tensor_arg(target, input._data, "target")
    if target._data.shape != input._data.shape:
        raise ValueError(f"Target size ({size_str(target._data.shape)}) must be the same as input size "
                         f"({size_str(input._data.shape)})")
    if target._data.dtype.kind != "f":
        raise RuntimeError(f"result type {type_name(input._data.dtype)} can't be cast to the desired output type "
                           f"{type_name(target._data.dtype)}")
    no_grad_allowed(weight, "binary_cross_entropy_with_logits", "weight")
    no_grad_allowed(pos_weight, "binary_cross_entropy_with_logits", "pos_weight")
    x, t = common_float(input, target, "binary_cross_entropy_with_logits")
    X, T = x._data, t._data
    W, PW = _weight_like(weight, X), _weight_like(pos_weight, X)
    sp = np.log1p(np.exp(-np.abs(X))) + np.maximum(-X, 0)
    elems = (1 - T) * X + (sp if PW is None else (1 + (PW - 1) * T) * sp)
    if W is not None:
        elems = elems * W
    return finish(BinaryCrossEntropyWithLogitsBackward0, elems.astype(X.dtype, copy=False), red, (x, t), W=W, PW=PW)


# -- distributions -------------------------------------------------------------------------------

_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)


class KlDivBackward0(LossNode):
    """ℓ = t(log t − x)  (0 where t = 0);  log_target: ℓ = eᵗ(t − x).
    ∂ℓ/∂x = −t (−eᵗ),   ∂ℓ/∂t = log t + 1 − x  (NaN at t = 0, as PyTorch's xlogy)  (eᵗ(t − x + 1))."""

    __slots__ = ("log_target",)
    log_target: Any
    name = "KlDivBackward0"

    def vjp(self, F: Any, g: Any, x: Any) -> tuple[Any, Any]:
        xv, t = x
        et = F.exp(t) if self.log_target else t
        gx = -(et * g)
        gt = None
        if self.inputs[1]._rg:
            if self.log_target:
                gt = g * et * (t - xv + 1)
            else:
                gt = g * (F.where(t != 0, F.log(t) + 1, float("nan")) - xv)
        return gx, gt


def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """KL(target ‖ exp(input)) pointwise; ``input`` is log-probabilities. Use reduction='batchmean' for true KL."""
    red = reduction_arg(reduction, size_average, reduce, extra=("batchmean",))
    if red == "mean":
        warnings.warn(_KL_MEAN_WARNING, UserWarning, stacklevel=2)
    target = as_tensor_arg(target, input._data, "target")
    broadcast_shape(input._data.shape, target._data.shape)
    if input._data.dtype.kind != "f" or target._data.dtype.kind != "f":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    x, t = common_float(input, target, "kl_div")
    X, T = x._data, t._data
    with silent():
        if log_target:
            elems = np.exp(T) * (T - X)
        else:
            elems = np.where(T == 0, 0, T * np.log(T)) - T * X
    elems = np.asarray(elems, dtype=X.dtype)
    count = None
    if red == "batchmean":
        red, count = ("mean", X.shape[0]) if X.ndim else ("sum", None)
    return finish(KlDivBackward0, elems, red, (x, t), count=count, log_target=bool(log_target))


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: Any = None, eps: float = 1e-8, reduce: Any = None,
                     reduction: str = "mean") -> Tensor:
    """eˣ − t·x (log_input) or x − t·log(x + eps); ``full`` adds Stirling's t·log t − t + ½log(2πt) where t > 1."""
    from . import pointwise as _pw

    red = reduction_arg(reduction, size_average, reduce)
    target = as_tensor_arg(target, input._data, "target")
    broadcast_shape(input._data.shape, target._data.shape)
    with silent():
        if log_input:
            loss = _pw.exp(input) - target * input
        else:
            loss = input - target * _pw.log(input + eps)
        if full:
            # evaluate Stirling's term only where it is used, so t ≤ 1 never meets log(0)
            mask = target > 1
            ts = _sel.where(mask, target, 1.0)
            stirling = ts * _pw.log(ts) - ts + 0.5 * _pw.log(ts * (2 * math.pi))
            loss = loss + _sel.masked_fill(stirling, ~mask, 0)
    return reduce_tensor(loss, red)


for _e in (
    Entry("cross_entropy", "loss", "ℓ = −Σ_c q_c log softmax(x)_c,  q = (1−ε)w_t·onehot(t) + (ε/C)w",
          "∂ℓ/∂x = softmax(x)·Σq − q  (= softmax(x) − onehot(t) without weights/smoothing)", "[0, ∞)",
          "when softmax(x) ≈ q", "ignored targets: 0; all ignored: NaN (mean)", "NllLossBackward0"),
    Entry("nll_loss", "loss", "ℓ = −w_t·x_t", "∂ℓ/∂x_c = −w_t·[c = t]", "(−∞, ∞)", "never (linear)",
          "ignored targets: 0", "NllLossBackward0"),
    Entry("binary_cross_entropy", "loss", "ℓ = −[t·log p + (1−t)·log(1−p)], each log ≥ −100",
          "∂ℓ/∂p = (p − t)/max(p(1−p), 1e-12)", "[0, 100]", "never", "p ∈ {0, 1}: loss 100, gradient ±1e12",
          "BinaryCrossEntropyBackward0"),
    Entry("binary_cross_entropy_with_logits", "loss", "ℓ = (1−t)x + (1 + (p−1)t)·log(1 + e^(−x))",
          "∂ℓ/∂x = σ(x)(1 + (p−1)t) − p·t  (= σ(x) − t)", "[0, ∞)", "|x| > 4.6 with σ(x) ≈ t", "smooth",
          "BinaryCrossEntropyWithLogitsBackward0"),
    Entry("kl_div", "loss", "ℓ = t(log t − x)  (log_target: eᵗ(t − x))", "∂ℓ/∂x = −t  (−eᵗ)", "(−∞, ∞)",
          "never (linear in x)", "t = 0 contributes 0", "KlDivBackward0"),
    Entry("poisson_nll_loss", "loss", "ℓ = eˣ − t·x  (log_input)  or  x − t·log(x + ε)",
          "∂ℓ/∂x = eˣ − t  or  1 − t/(x + ε)", "(−∞, ∞)", "x → −∞ with t = 0", "smooth", "MeanBackward0"),
):
    register(_e)

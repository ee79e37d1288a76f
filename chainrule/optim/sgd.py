"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch's order).

For each parameter p with gradient g (``maximize`` flips g's sign first)::

    g  = g + weight_decay * p                          (when weight_decay != 0)
    b  = g  at the first step,  else  momentum * b + (1 - dampening) * g
    g  = g + momentum * b   (nesterov)   or   g = b    (when momentum != 0)
    p  = p - lr * g
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, params_with_grad


class SGD(Optimizer):
    """``SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False)``."""

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = float(group["lr"])  # a 0-d tensor lr works as in PyTorch (which takes its .item())
        momentum = group["momentum"]
        dampening = group["dampening"]
        weight_decay = group["weight_decay"]
        nesterov = group["nesterov"]
        state = self.state
        if momentum == 0 and weight_decay == 0 and not group["maximize"]:
            # plain SGD, the tiny-network hot loop: lr as a 0-d array of the parameter's dtype costs
            # ~1 µs less per parameter than the Python float, and rounds the same (NumPy converts it)
            lr_arr = None
            for p in group["params"]:
                grad = p._grad
                if grad is not None:
                    w = p._data
                    if lr_arr is None or lr_arr.dtype is not w.dtype:
                        lr_arr = _lr_like(lr, w)
                    w -= np.multiply(grad._data, lr_arr)
                    p._bump()
            return
        for p, w, g in params_with_grad(group):
            if weight_decay != 0:
                g = g + weight_decay * w
            if momentum != 0:
                st = state[p]
                buf = st.get("momentum_buffer")
                if buf is None:
                    # The buffer starts at the first (decayed) gradient, not at momentum * 0 + g.
                    b = g.copy()
                    st["momentum_buffer"] = Tensor._wrap(b)
                else:
                    b = buf._data
                    b *= momentum
                    if dampening == 0:
                        b += g
                    else:
                        b += (1 - dampening) * g
                g = g + momentum * b if nesterov else b
            w -= np.multiply(g, lr)  # p + (-lr) * g, the rounding of torch's add_(g, alpha=-lr)
            p._bump()


_LR_CACHE: dict[tuple[float, np.dtype], np.ndarray] = {}


def _lr_like(lr: float, w: np.ndarray) -> np.ndarray:
    """``lr`` as a read-only 0-d array of ``w``'s dtype (cached: schedulers change lr a few times)."""
    key = (lr, w.dtype)
    c = _LR_CACHE.get(key)
    if c is None:
        if len(_LR_CACHE) > 256:  # a scheduler that changes lr every step: keep the cache small
            _LR_CACHE.clear()
        c = _LR_CACHE[key] = np.array(lr, dtype=w.dtype)
        c.flags.writeable = False
    return c

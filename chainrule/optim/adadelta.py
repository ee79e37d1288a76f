"""Adadelta: step sizes from the ratio of running RMS of updates to running RMS of gradients.

For each parameter p with gradient g (``maximize`` flips g's sign first)::

    g  = g + weight_decay * p                          (when weight_decay != 0)
    v  = ρ v + (1 − ρ) g²                              (running mean of squared gradients)
    Δ  = sqrt(u + ε) / sqrt(v + ε) · g                 (u: running mean of squared updates)
    u  = ρ u + (1 − ρ) Δ²
    p  = p − lr Δ
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_hyperparameters, count_step, params_with_grad


class Adadelta(Optimizer):
    """``Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *, maximize=False)``."""

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        check_hyperparameters(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = float(group["lr"])
        rho, eps, weight_decay = group["rho"], group["eps"], group["weight_decay"]
        state = self.state
        for p, w, g in params_with_grad(group):
            st, _ = count_step(state, p, "square_avg", "acc_delta")
            if weight_decay != 0:
                g = g + weight_decay * w
            v, u = st["square_avg"]._data, st["acc_delta"]._data
            v *= rho
            t = np.multiply(g, 1 - rho)  # addcmul: v + ((1 − ρ)·g)·g, PyTorch's rounding order
            t *= g
            v += t
            std = v + eps
            np.sqrt(std, out=std)
            delta = u + eps
            np.sqrt(delta, out=delta)
            delta /= std
            delta *= g
            u *= rho
            np.multiply(delta, 1 - rho, out=t)
            t *= delta
            u += t
            w += np.multiply(delta, -lr)  # p + (−lr)·Δ
            p._bump()

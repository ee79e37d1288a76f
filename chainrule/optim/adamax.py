"""Adamax: Adam with the infinity norm in place of the second moment.

For each parameter p with gradient g (``maximize`` flips g's sign first), at step t::

    g  = g + weight_decay * p                          (when weight_decay != 0)
    m  = lerp(m, g, 1 − β₁)                            (first moment)
    u  = max(β₂ u, |g| + ε)                            (exponentially weighted infinity norm)
    p  = p − lr / (1 − β₁ᵗ) · m / u
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_hyperparameters, count_step, lerp_, params_with_grad


class Adamax(Optimizer):
    """``Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, *, maximize=False)``."""

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = float(group["lr"])
        beta1, beta2 = group["betas"]
        eps, weight_decay = group["eps"], group["weight_decay"]
        state = self.state
        for p, w, g in params_with_grad(group):
            st, step = count_step(state, p, "exp_avg", "exp_inf")
            if weight_decay != 0:
                g = g + weight_decay * w
            m, u = st["exp_avg"]._data, st["exp_inf"]._data
            lerp_(m, g, 1 - beta1)
            u *= beta2
            np.maximum(u, np.abs(g) + eps, out=u)
            clr = lr / (1 - beta1**step)
            t = np.multiply(m, -clr)  # addcdiv: p + (−clr·m) / u
            t /= u
            w += t
            p._bump()

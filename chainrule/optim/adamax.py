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

from .optimizer import Optimizer, ParamsT, lerp_, params_with_grad, step_tensor, zeros_state


class Adamax(Optimizer):
    """``Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, *, maximize=False)``."""

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = float(group["lr"])
        beta1, beta2 = group["betas"]
        eps, weight_decay = group["eps"], group["weight_decay"]
        state = self.state
        for p, w, g in params_with_grad(group):
            st = state[p]
            if len(st) == 0:
                st["step"] = step_tensor()
                st["exp_avg"] = zeros_state(p)
                st["exp_inf"] = zeros_state(p)
            step_arr = st["step"]._data
            step_arr += 1
            step = float(step_arr)
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

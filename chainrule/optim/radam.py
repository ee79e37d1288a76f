"""RAdam: Adam with the variance of the adaptive step rectified (Liu et al.).

For each parameter p with gradient g (``maximize`` flips g's sign first), at step t::

    g   = g + weight_decay * p          (or p *= 1 − lr·weight_decay when decoupled)
    m   = lerp(m, g, 1 − β₁),   v = β₂ v + (1 − β₂) g²
    ρ∞  = 2/(1 − β₂) − 1,   ρₜ = ρ∞ − 2t β₂ᵗ/(1 − β₂ᵗ)
    p   = p − lr · m/(1 − β₁ᵗ) · √(1 − β₂ᵗ)/(√v + ε) · r      when ρₜ > 5,
          r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))
    p   = p − lr · m/(1 − β₁ᵗ)                                  otherwise (plain momentum while the
                                                                 variance estimate is unreliable)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import (
    Optimizer,
    ParamsT,
    adam_moments,
    check_hyperparameters,
    count_step,
    decay_weights,
    params_with_grad,
)


class RAdam(Optimizer):
    """``RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
    *, maximize=False)``."""

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = float(group["lr"])
        beta1, beta2 = group["betas"]
        eps, weight_decay, decoupled = group["eps"], group["weight_decay"], group["decoupled_weight_decay"]
        rho_inf = 2 / (1 - beta2) - 1
        state = self.state
        for p, w, g in params_with_grad(group):
            st, step = count_step(state, p, "exp_avg", "exp_avg_sq")
            g = decay_weights(w, g, lr, weight_decay, decoupled)
            m, v = st["exp_avg"]._data, st["exp_avg_sq"]._data
            adam_moments(m, v, g, beta1, beta2)
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            update = m / bias_correction1
            update *= lr
            rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                s = np.sqrt(v)
                s += eps
                np.reciprocal(s, out=s)  # PyTorch's c / tensor is reciprocal(tensor) · c
                s *= bias_correction2**0.5
                update *= s
                update *= rect
            w -= update
            p._bump()

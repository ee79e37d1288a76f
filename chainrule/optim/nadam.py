"""NAdam: Adam with Nesterov momentum (Dozat), with PyTorch's momentum-decay schedule.

For each parameter p with gradient g (``maximize`` flips g's sign first), at step t::

    g   = g + weight_decay * p          (or p *= 1 − lr·weight_decay when decoupled)
    μₜ  = β₁ (1 − ½·0.96^(t·ψ)),  μₜ₊₁ likewise,  Πμ = Πμ · μₜ        (ψ = momentum_decay)
    m   = lerp(m, g, 1 − β₁),   v = β₂ v + (1 − β₂) g²
    d   = sqrt(v / (1 − β₂ᵗ)) + ε
    p   = p − lr (1 − μₜ)/(1 − Πμ) · g/d − lr μₜ₊₁/(1 − Πμ·μₜ₊₁) · m/d
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import (
    Optimizer,
    ParamsT,
    adam_moments,
    check_hyperparameters,
    count_step,
    decay_weights,
    params_with_grad,
)


class NAdam(Optimizer):
    """``NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
    decoupled_weight_decay=False, *, maximize=False)``."""

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay, momentum_decay=momentum_decay)
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = float(group["lr"])
        beta1, beta2 = group["betas"]
        eps, weight_decay, psi = group["eps"], group["weight_decay"], group["momentum_decay"]
        decoupled = group["decoupled_weight_decay"]
        state = self.state
        for p, w, g in params_with_grad(group):
            if len(state[p]) == 0:  # PyTorch's key order: step, mu_product, exp_avg, exp_avg_sq
                state[p]["step"] = Tensor._wrap(np.array(0.0, dtype=np.float32))
                state[p]["mu_product"] = Tensor._wrap(np.array(1.0, dtype=np.float32))
            st, step = count_step(state, p)
            if "exp_avg" not in st:
                st["exp_avg"] = Tensor._wrap(np.zeros_like(w))
                st["exp_avg_sq"] = Tensor._wrap(np.zeros_like(w))
            g = decay_weights(w, g, lr, weight_decay, decoupled)
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
            mp = st["mu_product"]._data
            mp *= mu  # a float32 scalar, as PyTorch keeps it
            mu_product = float(mp)
            m, v = st["exp_avg"]._data, st["exp_avg_sq"]._data
            adam_moments(m, v, g, beta1, beta2)
            denom = v / (1 - beta2**step)
            np.sqrt(denom, out=denom)
            denom += eps
            u = np.multiply(g, -lr * (1.0 - mu) / (1.0 - mu_product))  # addcdiv: p + (c·g) / d
            u /= denom
            w += u
            u = np.multiply(m, (-lr * mu_next) / (1.0 - mu_product * mu_next))
            u /= denom
            w += u
            p._bump()

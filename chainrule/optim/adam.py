"""Adam and AdamW (decoupled weight decay), with AMSGrad, in PyTorch's order of operations.

For each parameter p with gradient g (``maximize`` flips g's sign first), at step t::

    p  = p * (1 - lr * weight_decay)                  (AdamW: decoupled decay)
    g  = g + weight_decay * p                         (Adam: L2 decay folded into g)
    m  = lerp(m, g, 1 - beta1)                        = beta1 * m + (1 - beta1) * g
    v  = beta2 * v + (1 - beta2) * g * g
    v̂  = max(v̂, v)                                   (amsgrad; the max is used below instead of v)
    p  = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

The step counter ``state['step']`` is a 0-d float32 tensor, as in PyTorch.
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


class Adam(Optimizer):
    """``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, maximize=False)``."""

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        check_hyperparameters(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        if not (isinstance(betas[0], float) and isinstance(betas[1], float)):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = float(group["lr"])  # a 0-d tensor lr works as in PyTorch (which takes its .item())
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        amsgrad = group["amsgrad"]
        decoupled = group["decoupled_weight_decay"]
        state = self.state
        for p, w, g in params_with_grad(group):
            st, step = count_step(state, p, "exp_avg", "exp_avg_sq", *(("max_exp_avg_sq",) if amsgrad else ()))
            m = st["exp_avg"]._data
            v = st["exp_avg_sq"]._data
            g = decay_weights(w, g, lr, weight_decay, decoupled)
            t = adam_moments(m, v, g, beta1, beta2)
            bias_correction1 = 1 - beta1**step
            bias_correction2_sqrt = (1 - beta2**step) ** 0.5
            step_size = lr / bias_correction1
            if amsgrad:
                vmax = st["max_exp_avg_sq"]._data
                np.maximum(vmax, v, out=vmax)
                np.sqrt(vmax, out=t)
            else:
                np.sqrt(v, out=t)
            t /= bias_correction2_sqrt
            t += eps
            u = np.multiply(m, -step_size)  # addcdiv: p + (-step_size * m) / denom
            u /= t
            w += u
            p._bump()


class AdamW(Adam):
    """``AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *, maximize=False)``.

    Adam with decoupled weight decay: ``p *= 1 - lr * weight_decay`` before the Adam step.
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

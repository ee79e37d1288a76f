"""RMSprop (Hinton's), with PyTorch's centered variant, momentum and weight decay.

For each parameter p with gradient g (``maximize`` flips g's sign first)::

    g    = g + weight_decay * p                        (when weight_decay != 0)
    v    = alpha * v + (1 - alpha) * g * g
    ḡ    = lerp(ḡ, g, 1 - alpha)                       (centered)
    avg  = sqrt(v - ḡ * ḡ) + eps   (centered)   or   sqrt(v) + eps
    b    = momentum * b + g / avg;   p = p - lr * b    (momentum > 0)
    p    = p - lr * g / avg                            (otherwise)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errstate import silent
from .optimizer import Optimizer, ParamsT, check_hyperparameters, count_step, lerp_, params_with_grad


class RMSprop(Optimizer):
    """``RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)``."""

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        check_hyperparameters(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = float(group["lr"])  # a 0-d tensor lr works as in PyTorch (which takes its .item())
        alpha = group["alpha"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        momentum = group["momentum"]
        centered = group["centered"]
        state = self.state
        for p, w, g in params_with_grad(group):
            st, _ = count_step(state, p, "square_avg", *(("momentum_buffer",) if momentum > 0 else ()),
                               *(("grad_avg",) if centered else ()))
            if weight_decay != 0:
                g = g + weight_decay * w
            v = st["square_avg"]._data
            v *= alpha
            avg = np.multiply(g, 1 - alpha)
            avg *= g
            v += avg
            if centered:
                ga = st["grad_avg"]._data
                lerp_(ga, g, 1 - alpha)
                np.multiply(ga, ga, out=avg)
                np.subtract(v, avg, out=avg)
                # v - ḡ² >= 0 in exact arithmetic but can round below 0; PyTorch then gives NaN too.
                with silent():
                    np.sqrt(avg, out=avg)
            else:
                np.sqrt(v, out=avg)
            avg += eps
            if momentum > 0:
                b = st["momentum_buffer"]._data
                b *= momentum
                b += np.divide(g, avg, out=avg)
                w -= np.multiply(b, lr, out=avg)
            else:
                u = np.multiply(g, -lr)  # addcdiv: p + (-lr * g) / avg
                u /= avg
                w += u
            p._bump()


"""ASGD: averaged stochastic gradient descent (Polyak–Juditsky averaging with a decaying step size).

For each parameter p with gradient g (``maximize`` flips g's sign first), at step t::

    g   = g + weight_decay · p                          (when weight_decay != 0)
    p   = p · (1 − λ η) − η g                           (η: this parameter's current step size)
    ā   = ā + μ (p − ā)    (μ ≠ 1),   ā = p   (μ = 1)    (the running average, ``state['ax']``)
    η   = lr / (1 + λ lr t)^α,   μ = 1 / max(1, t − t₀) (for the next step)

The average ā is what the method is named for; like PyTorch, the parameters themselves keep the SGD
iterate and ā is left in the optimizer state for the user to read.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, count_step, params_with_grad

_F32 = np.float32  # PyTorch keeps step, eta and mu as float32 scalars


class ASGD(Optimizer):
    """``ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, *, maximize=False)``."""

    def __init__(self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, lambd, alpha, t0 = float(group["lr"]), group["lambd"], group["alpha"], group["t0"]
        weight_decay = group["weight_decay"]
        state = self.state
        for p, w, g in params_with_grad(group):
            st = state[p]
            if len(st) == 0:  # PyTorch's state order: step, eta, mu, ax (float32 scalars, then a zero buffer)
                st["step"] = Tensor._wrap(np.array(0.0, _F32))
                st["eta"] = Tensor._wrap(np.array(lr, _F32))
                st["mu"] = Tensor._wrap(np.array(1.0, _F32))
                st["ax"] = Tensor._wrap(np.zeros_like(w))
            _, step = count_step(state, p)
            eta, mu, ax = st["eta"]._data, st["mu"]._data, st["ax"]._data
            if weight_decay != 0:
                g = g + weight_decay * w
            eta_value = float(eta)
            w *= 1 - lambd * eta_value
            w -= eta_value * g
            if float(mu) != 1:
                ax += (w - ax) * mu.astype(w.dtype)
            else:
                ax[...] = w
            eta[...] = lr / ((1 + lambd * lr * step) ** alpha)
            mu[...] = 1 / max(1, step - t0)
            p._bump()

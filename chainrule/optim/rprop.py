"""Rprop: resilient backpropagation, one adaptive step size per weight, driven by gradient signs only.

For each parameter p with gradient g (``maximize`` flips g's sign first) and previous gradient g′::

    s    = sign(g · g′)
    η    = η₊ where s > 0,  η₋ where s < 0,  1 where s = 0
    Δ    = clamp(Δ · η, Δ_min, Δ_max)                  (per-weight step sizes, first Δ = lr)
    g    = 0 where s < 0                               (a sign change: skip this step, forget g)
    p    = p − sign(g) · Δ
    g′   = g
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, count_step, params_with_grad


class Rprop(Optimizer):
    """``Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, maximize=False)``."""

    def __init__(self, params: ParamsT, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": tuple(etas), "step_sizes": tuple(step_sizes), "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        eta_minus, eta_plus = group["etas"]
        size_min, size_max = group["step_sizes"]
        state = self.state
        for p, w, g in params_with_grad(group):
            st, _ = count_step(state, p, "prev")  # PyTorch's state order: step, prev, step_size
            if "step_size" not in st:
                st["step_size"] = Tensor._wrap(np.full_like(w, float(group["lr"])))
            prev, size = st["prev"]._data, st["step_size"]._data
            s = np.sign(g * prev)
            size *= np.where(s > 0, eta_plus, np.where(s < 0, eta_minus, 1.0)).astype(w.dtype)
            np.clip(size, size_min, size_max, out=size)
            g = np.where(s < 0, 0, g).astype(w.dtype, copy=False)
            w -= np.sign(g) * size
            prev[...] = g
            p._bump()

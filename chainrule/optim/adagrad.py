"""Adagrad: per-coordinate learning rates from the running sum of squared gradients.

For each parameter p with gradient g (``maximize`` flips g's sign first), at step t::

    g    = g + weight_decay * p                        (when weight_decay != 0)
    clr  = lr / (1 + (t - 1) * lr_decay)
    s    = s + g * g                                   (s starts at initial_accumulator_value)
    p    = p - clr * g / (sqrt(s) + eps)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, check_hyperparameters, params_with_grad, step_tensor


class Adagrad(Optimizer):
    """``Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10)``."""

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        check_hyperparameters(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                              initial_accumulator_value=initial_accumulator_value, eps=eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        # Unlike Adam, PyTorch's Adagrad creates its state eagerly, for every parameter.
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        st = self.state[p]
        st["step"] = step_tensor()
        st["sum"] = Tensor._wrap(np.full_like(p._data, group["initial_accumulator_value"]))
        return st

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = float(group["lr"])  # a 0-d tensor lr works as in PyTorch (which takes its .item())
        lr_decay = group["lr_decay"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        state = self.state
        for p, w, g in params_with_grad(group):
            st = state[p]
            if len(st) == 0:  # a group added after construction
                st = self._init_state(p, group)
            step_arr = st["step"]._data
            step_arr += 1
            step = float(step_arr)
            if weight_decay != 0:
                g = g + weight_decay * w
            clr = lr / (1 + (step - 1) * lr_decay)
            s = st["sum"]._data
            std = np.multiply(g, g)
            s += std
            np.sqrt(s, out=std)
            std += eps
            u = np.multiply(g, -clr)  # addcdiv: p + (-clr * g) / std
            u /= std
            w += u
            p._bump()

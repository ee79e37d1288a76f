"""L-BFGS: quasi-Newton steps from the last ``history_size`` gradient differences (PyTorch's algorithm).

Each ``step(closure)`` runs up to ``max_iter`` iterations on the flattened parameters x with gradient g:

    d  = −H g   (two-loop recursion over the stored pairs sₖ = x-steps, yₖ = g-differences,
                 H₀ = (sᵀy)/(yᵀy) I; a pair is kept only when sᵀy > 1e-10)
    x  = x + t d,   t = lr (the first iteration: min(1, 1/‖g‖₁)·lr)

stopping when ‖g‖∞ ≤ tolerance_grad, when gᵀd > −tolerance_change, when the step or the loss change
falls below tolerance_change, or after ``max_eval`` closure evaluations. ``line_search_fn='strong_wolfe'``
is not implemented (PyTorch's default, no line search, is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd.grad_mode import enable_grad
from .optimizer import Optimizer, ParamsT, check_hyperparameters


class LBFGS(Optimizer):
    """``LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
    history_size=100, line_search_fn=None)``; ``step(closure)`` needs the closure."""

    def __init__(self, params: ParamsT, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        check_hyperparameters(lr=lr)
        if line_search_fn is not None and line_search_fn != "strong_wolfe":
            raise RuntimeError("only 'strong_wolfe' is supported")
        if line_search_fn is not None:
            raise NotImplementedError("LBFGS(line_search_fn='strong_wolfe') is not supported by chainrule yet")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval, "tolerance_grad": tolerance_grad,
                    "tolerance_change": tolerance_change, "history_size": history_size,
                    "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        self._memory: dict[str, Any] = {}  # d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad, prev_loss

    def _flat_grad(self) -> np.ndarray:
        return np.concatenate([np.zeros(p._data.size, p._data.dtype) if p._grad is None
                               else p._grad._data.reshape(-1) for p in self._params])

    def _add_grad(self, step: Any, update: np.ndarray) -> None:
        offset = 0
        for p in self._params:
            n = p._data.size
            p._data += (update[offset:offset + n] * step).reshape(p._data.shape)  # p.add_(u, alpha=step)
            p._bump()
            offset += n

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Up to ``max_iter`` L-BFGS iterations; ``closure`` recomputes the loss and the gradients."""
        group = self.param_groups[0]
        lr = float(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        mem = self._memory

        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss

        d: Any = mem.get("d")
        t: Any = mem.get("t")
        old_dirs: Any = mem.get("old_dirs")
        old_stps: Any = mem.get("old_stps")
        ro: Any = mem.get("ro")
        H_diag: Any = mem.get("H_diag")
        prev_flat_grad: Any = mem.get("prev_flat_grad")
        prev_loss: Any = mem.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:  # the first direction: steepest descent
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # keep the pair only with positive curvature
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)
                num_old = len(old_dirs)
                al: list[Any] = [None] * num_old
                q = -flat_grad  # the two-loop recursion
                for i in range(num_old - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q += old_dirs[i] * -al[i]
                d = r = q * H_diag
                for i in range(num_old):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    r += old_stps[i] * (al[i] - be_i)
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction (any more)
                break
            ls_func_evals = 0
            self._add_grad(t, d)
            opt_cond = False
            if n_iter != max_iter:  # re-evaluate, except after the last iteration
                with enable_grad():
                    loss = float(closure())
                flat_grad = self._flat_grad()
                opt_cond = bool(np.abs(flat_grad).max() <= tolerance_grad)
                ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break
        mem.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
                   prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss

"""Lab: the learning rate, from too small to divergent, on a problem whose answer is known.

Least squares L(w) = ‖Xw − y‖² / (2n) has the constant Hessian H = XᵀX / n.
Gradient descent w ← w − η∇L multiplies the error along each eigenvector of H
by (1 − ηλ), so it converges exactly when η < 2/λmax and diverges above it;
the slowest direction needs about 1/(ηλmin) steps. The lab sweeps η, marks the
largest stable rate found empirically, and compares it with 2/λmax.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._common import PALETTE, LabResult, Table, pyplot


def problem(n: int = 64, d: int = 8, seed: int = 0) -> tuple[np.ndarray, np.ndarray, float, float]:
    """(X, y, λmin, λmax) for a least-squares problem with moderately spread curvature."""
    g = np.random.default_rng(seed)
    X = g.standard_normal((n, d)) * np.linspace(0.5, 2.0, d)
    y = X @ g.standard_normal(d) + 0.1 * g.standard_normal(n)
    ev = np.linalg.eigvalsh(X.T @ X / n)
    return X, y, float(ev[0]), float(ev[-1])


def train(X: np.ndarray, y: np.ndarray, lrs: Sequence[float] | np.ndarray, steps: int) -> np.ndarray:
    """Loss curves (len(lrs), steps + 1): one batched chainrule run, one weight vector per learning rate."""
    import chainrule as cr
    from chainrule._errstate import silent

    Xt, yt = cr.tensor(X), cr.tensor(y)
    W = cr.zeros(len(lrs), X.shape[1], dtype=cr.float64, requires_grad=True)
    eta = cr.tensor(np.asarray(lrs, dtype=np.float64)).unsqueeze(1)
    n = X.shape[0]
    curves = np.empty((len(lrs), steps + 1))
    with silent():  # divergent rates overflow on purpose
        for k in range(steps + 1):
            residual = W @ Xt.T - yt  # (n_lr, n)
            per_lr = (residual * residual).sum(dim=1) / (2 * n)
            curves[:, k] = per_lr.detach().numpy()
            if k == steps:
                break
            (g,) = cr.autograd.grad(per_lr.sum(), W)
            with cr.no_grad():
                W -= eta * g
    return curves


def run(lrs: Sequence[float] | None = None, steps: int = 200, draw: bool = True) -> LabResult:
    X, y, lmin, lmax = problem()
    critical = 2.0 / lmax
    if lrs is None:
        lrs = [f * critical for f in (0.02, 0.1, 0.5, 0.9, 0.99, 1.01, 1.2)]
    curves = train(X, y, lrs, steps)
    best = float(np.linalg.lstsq(X, y, rcond=None)[1][0]) / (2 * len(y)) if len(y) > X.shape[1] else 0.0
    sweep = np.linspace(0.5, 1.5, 201) * critical
    sweep_curves = train(X, y, sweep, 400)
    stable = [lr for lr, c in zip(sweep, sweep_curves) if np.isfinite(c[-1]) and c[-1] <= c[0]]
    largest_stable = float(max(stable)) if stable else float("nan")
    table = Table(["lr", "lr · λmax", "loss at end", "excess over optimum", "verdict"])
    for lr, c in zip(lrs, curves):
        end = float(c[-1])
        excess = end - best
        if not np.isfinite(end) or end > c[0]:
            verdict = "diverges"
        elif excess > 1e-6 * max(c[0] - best, 1e-12):
            verdict = "too slow (flat direction)" if lr * lmax < 1 else "zig-zags (steep direction)"
        else:
            verdict = "converges"
        table.add(float(lr), float(lr * lmax), end, excess, verdict)
    table.add(largest_stable, largest_stable * lmax, None, None, f"largest stable in a sweep; 2/λmax = {critical:.4g}")
    figures = {"lr_curves": _draw(curves, lrs, lmax, best, largest_stable)} if draw else {}
    explanation = (
        "<p>On least squares the Hessian H = XᵀX/n is constant, so gradient descent's fate is decided by "
        "η·λ for each eigenvalue λ of H: the error along that direction is multiplied by (1 − ηλ) every step. "
        f"Here λmin = {lmin:.3g} and λmax = {lmax:.3g}. Too small a rate crawls along the flat direction; "
        "rates near 2/λmax zig-zag along the steep one; above 2/λmax the zig-zag grows and the loss explodes. "
        f"A fine sweep finds the largest stable rate {largest_stable:.4g}, against the theory's "
        f"2/λmax = {critical:.4g}.</p>"
    )
    return LabResult("lr", "Learning rate: too small, just right, divergent", explanation, table, figures,
                     {"lrs": list(lrs), "curves": curves, "lambda_min": lmin, "lambda_max": lmax,
                      "critical": critical, "largest_stable": largest_stable, "optimum": best})


def _draw(curves: np.ndarray, lrs: Sequence[float], lmax: float, best: float, largest_stable: float) -> Any:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9.5, 4.2))
    for k, (lr, c) in enumerate(zip(lrs, curves)):
        excess = np.clip(c - best, 1e-16, 1e12)
        style = "--" if lr > largest_stable else "-"
        ax.semilogy(excess, style, color=PALETTE[k % len(PALETTE)], label=f"η = {lr:.3g} (ηλmax = {lr * lmax:.2f})")
    ax.set_xlabel("step")
    ax.set_ylabel("loss − optimum")
    ax.set_title(f"largest stable rate ≈ {largest_stable:.4g} (theory 2/λmax = {2 / lmax:.4g}); dashed: above it")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7)
    fig.tight_layout()
    return fig

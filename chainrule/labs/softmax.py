"""Lab: the softmax Jacobian.

    pᵢ = e^(aᵢ/T) / Σⱼ e^(aⱼ/T)          ∂pᵢ/∂aⱼ = pᵢ(δᵢⱼ − pⱼ) / T

The closed form is compared with autograd built two ways: the seed's row-by-row
``autograd.grad(p[i], a, retain_graph=True)`` and ``autograd.functional.jacobian``.
Temperature T flattens (T > 1) or sharpens (T < 1) the distribution, and the
Jacobian shrinks as p approaches one-hot: a saturated softmax passes almost no gradient.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._common import LabResult, Table, pyplot


def closed_form_jacobian(p: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """J[i, j] = pᵢ(δᵢⱼ − pⱼ)/T."""
    return (np.diag(p) - np.outer(p, p)) / temperature


def seed_rows(a: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """The seed program's way: one ``autograd.grad(p[i], a, retain_graph=True)`` per row."""
    import chainrule as cr

    t = cr.tensor(a, dtype=cr.float64, requires_grad=True)
    p = cr.softmax(t / temperature, dim=0)
    rows = [cr.autograd.grad(p[i], t, retain_graph=True)[0].numpy() for i in range(len(a))]
    return np.stack(rows)


def run(logits: Sequence[float] = (1.0, 2.0, 0.5, -1.0, 3.0),
        temperatures: Sequence[float] = (0.25, 0.5, 1.0, 2.0, 5.0), draw: bool = True) -> LabResult:
    import chainrule as cr
    from chainrule.autograd.functional import jacobian

    a = np.asarray(logits, dtype=np.float64)
    table = Table(["T", "p (softmax)", "max |J| entry", "‖J‖_F", "max |closed − seed rows|",
                   "max |closed − jacobian()|"])
    jac_by_t = {}
    for T in temperatures:
        p = cr.softmax(cr.tensor(a / T), dim=0).numpy()
        J = closed_form_jacobian(p, T)
        rows = seed_rows(a, T)
        J_auto = jacobian(lambda x: cr.softmax(x / T, dim=0), cr.tensor(a)).numpy()  # noqa: B023 - called at once
        jac_by_t[T] = {"p": p, "closed": J, "rows": rows, "jacobian": J_auto}
        table.add(T, tuple(round(float(v), 4) for v in p), float(np.abs(J).max()), float(np.linalg.norm(J)),
                  float(np.abs(J - rows).max()), float(np.abs(J - J_auto).max()))
    figures = {}
    if draw:
        figures["softmax_jacobian"] = _draw(a, jac_by_t, temperatures)
    explanation = (
        "<p>softmax turns logits into probabilities <code>pᵢ = e^(aᵢ/T) / Σⱼ e^(aⱼ/T)</code>. Its Jacobian is "
        "<code>∂pᵢ/∂aⱼ = pᵢ(δᵢⱼ − pⱼ)/T</code>: positive on the diagonal, negative off it, every row summing to "
        "zero (raising one logit takes probability from the others). autograd's rows, computed the seed's way with "
        "<code>autograd.grad(p[i], a, retain_graph=True)</code>, agree with the closed form to rounding. Low "
        "temperature sharpens p towards one-hot and the Jacobian towards zero — a saturated softmax stops passing "
        "gradient.</p>"
    )
    return LabResult("softmax", "The softmax Jacobian, closed form against autograd", explanation, table, figures,
                     {"logits": a, "by_temperature": jac_by_t})


def _draw(a: np.ndarray, jac_by_t: dict[float, dict[str, np.ndarray]], temperatures: Sequence[float]) -> object:
    plt = pyplot()
    n = len(temperatures)
    fig, axes = plt.subplots(2, n, figsize=(2.6 * n, 5.4), squeeze=False)
    vmax = max(float(np.abs(v["closed"]).max()) for v in jac_by_t.values())
    for k, T in enumerate(temperatures):
        d = jac_by_t[T]
        ax = axes[0][k]
        ax.bar(range(len(a)), d["p"], color="#1f77b4")
        ax.set_ylim(0, 1)
        ax.set_title(f"p at T={T:g}")
        ax.set_xticks(range(len(a)))
        ax = axes[1][k]
        im = ax.imshow(d["closed"], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        err = float(np.abs(d["closed"] - d["rows"]).max())
        ax.set_title(f"J = p(δ−p)/T\n|closed−autograd| ≤ {err:.0e}")
        ax.set_xticks(range(len(a)))
        ax.set_yticks(range(len(a)))
        ax.grid(False)
    fig.colorbar(im, ax=axes[1].tolist(), shrink=0.8)
    return fig

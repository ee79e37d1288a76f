"""Lab: which minimum gradient descent finds on Himmelblau's function.

    f(x, y) = (x² + y − 11)² + (x + y² − 7)²

has four global minima (f = 0), one local maximum and four saddle points. Where
gradient descent ends depends on where it starts, on the optimizer and on the
learning rate: plain SGD is stable near a minimum only for lr < 2/λmax of the
Hessian there (≈ 0.015–0.025), so at lr = 0.05 every start diverges; momentum
can carry a start into a different basin than plain SGD.

Every start is optimised in one batched (K, 2) tensor: f is a sum over rows,
so each row's gradient, and each row's SGD/momentum/Adam update (all
elementwise), is exactly that of a separate run — one loop instead of K.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._common import PALETTE, LabResult, Table, pyplot

MINIMA = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]])
LOCAL_MAX = np.array([-0.270845, -0.923039])
CLASSIC_STARTS = [(0.0, 0.0), (4.0, 0.0), (-4.0, 0.0), (-4.0, 4.0)]
OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULT_STEPS = {"sgd": 5000, "momentum": 5000, "adam": 20000}


def himmelblau(p: Any) -> Any:
    """f for each row (x, y) of ``p`` — works on chainrule Tensors and on NumPy arrays alike."""
    x, y = p[..., 0], p[..., 1]
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def critical_points() -> dict[str, np.ndarray]:
    """Minima, maximum and saddles, found by Newton's method on ∇f = 0 using autograd's Hessian."""
    import chainrule as cr
    from chainrule.autograd.functional import hessian

    seeds = [(x, y) for x in np.linspace(-4.5, 4.5, 7) for y in np.linspace(-4.5, 4.5, 7)]
    found: list[np.ndarray] = []
    for s in seeds:
        p = np.array(s, dtype=np.float64)
        for _ in range(50):
            t = cr.tensor(p, requires_grad=True)
            (g,) = cr.autograd.grad(himmelblau(t), t)
            H = hessian(lambda q: himmelblau(q), cr.tensor(p)).numpy()
            try:
                step = np.linalg.solve(H, g.numpy())
            except np.linalg.LinAlgError:
                break
            p = p - step
            if np.abs(step).max() < 1e-12 or np.abs(p).max() > 10:
                break
        if np.abs(p).max() < 6 and not any(np.allclose(p, q, atol=1e-6) for q in found):
            t = cr.tensor(p, requires_grad=True)
            (g,) = cr.autograd.grad(himmelblau(t), t)
            if np.abs(g.numpy()).max() < 1e-8:
                found.append(p)
    kinds: dict[str, list[np.ndarray]] = {"minimum": [], "maximum": [], "saddle": []}
    for p in found:
        ev = np.linalg.eigvalsh(hessian(himmelblau, cr.tensor(p)).numpy())
        kinds["minimum" if ev.min() > 0 else "maximum" if ev.max() < 0 else "saddle"].append(p)
    return {k: np.array(sorted(v, key=lambda q: (q[0], q[1]))) for k, v in kinds.items()}


def optimise(starts: np.ndarray, optimizer: str, lrs: float | Sequence[float], steps: int, record_every: int = 1,
             dtype: Any = None, tol: float = 1e-7) -> list[dict[str, Any]]:
    """Run ``optimizer`` from every start and at every learning rate at once.

    One parameter tensor per learning rate (one param group each), concatenated
    so f is evaluated once per step. Stops early once every run has either
    stopped moving (max step < ``tol``) or diverged. Returns, per learning rate,
    the trajectories (recorded steps + 1, K, 2), end points and f at the end.
    """
    import chainrule as cr
    from chainrule._errstate import silent

    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    lr_list = [float(lrs)] if np.isscalar(lrs) else [float(v) for v in lrs]  # type: ignore[arg-type, union-attr]
    dt = cr.float32 if dtype is None else dtype
    params = [cr.tensor(np.asarray(starts, dtype=np.float64), dtype=dt, requires_grad=True) for _ in lr_list]
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, lr_list)]
    opt = {"sgd": lambda: cr.optim.SGD(groups, lr=lr_list[0]),
           "momentum": lambda: cr.optim.SGD(groups, lr=lr_list[0], momentum=0.9),
           "adam": lambda: cr.optim.Adam(groups, lr=lr_list[0])}[optimizer]()
    snapshot = lambda: np.stack([p.detach().numpy().astype(np.float64) for p in params])  # noqa: E731
    traj = [snapshot()]
    with silent():  # a divergent run overflows to inf/nan on purpose; PyTorch is silent about that too
        for k in range(steps):
            opt.zero_grad()
            loss = himmelblau(cr.cat(params) if len(params) > 1 else params[0]).sum()
            loss.backward()
            opt.step()
            if (k + 1) % record_every == 0 or k + 1 == steps:
                traj.append(snapshot())
                moved = np.abs(traj[-1] - traj[-2])
                settled = ~np.isfinite(traj[-1]).all(axis=-1) | (moved.max(axis=-1) < tol)
                if settled.all():
                    break
        T = np.array(traj)  # (recorded, n_lr, K, 2)
        out = []
        for i in range(len(lr_list)):
            Ti = T[:, i]
            out.append({"trajectory": Ti, "end": Ti[-1], "f_end": himmelblau(Ti[-1])})
    return out


def classify(points: np.ndarray, tol: float = 1e-2) -> list[str]:
    """The minimum each end point reached, 'diverged', or 'none'."""
    out = []
    for q in points:
        if not np.all(np.isfinite(q)) or np.abs(q).max() > 1e3:
            out.append("diverged")
            continue
        d = np.linalg.norm(MINIMA - q, axis=1)
        i = int(d.argmin())
        out.append(f"({MINIMA[i, 0]:g}, {MINIMA[i, 1]:g})" if d[i] < tol else "none")
    return out


def steps_to_converge(traj: np.ndarray, tol: float = 1e-3) -> list[Any]:
    """First recorded step after which a run stays within ``tol`` of its end point (None if it never settles)."""
    out: list[Any] = []
    end = traj[-1]
    for k in range(traj.shape[1]):
        if not np.all(np.isfinite(end[k])):
            out.append(None)
            continue
        far = np.linalg.norm(traj[:, k] - end[k], axis=1) >= tol
        idx = np.nonzero(far)[0]
        out.append(0 if idx.size == 0 else int(idx[-1]) + 1)
    return out


def basin_map(optimizer: str = "sgd", lr: float = 0.01, steps: int = 1000, grid: int = 41,
              extent: float = 5.0) -> dict[str, np.ndarray]:
    """For a grid of starts, the index (0-3) of the minimum reached, 4 for none, 5 for diverged."""
    xs = np.linspace(-extent, extent, grid)
    starts = np.array([(x, y) for y in xs for x in xs])
    res = optimise(starts, optimizer, lr, steps, record_every=max(steps // 10, 1))[0]
    labels = classify(res["end"])
    names = [f"({m[0]:g}, {m[1]:g})" for m in MINIMA]
    code = np.array([names.index(lab) if lab in names else (5 if lab == "diverged" else 4) for lab in labels])
    return {"xs": xs, "codes": code.reshape(grid, grid)}


def run(starts: Sequence[tuple[float, float]] | None = None, optimizers: Sequence[str] = OPTIMIZERS,
        lrs: Sequence[float] = (1e-3, 1e-2, 0.02, 0.05), steps: int | None = None, basin_optimizer: str = "sgd",
        basin_lr: float = 0.01, basin_steps: int = 1000, basin_grid: int = 41, draw: bool = True) -> LabResult:
    """Trajectories from each start for each optimizer and learning rate, a basin map, and the table."""
    starts = list(CLASSIC_STARTS if starts is None else starts)
    S = np.array(starts, dtype=np.float64)
    table = Table(["start", "optimizer", "lr", "end point", "f(end)", "minimum reached", "steps to converge"])
    runs: dict[tuple[str, float], dict[str, Any]] = {}
    for opt in optimizers:
        # SGD and momentum settle (or visibly oscillate/diverge) within a few thousand steps; Adam at 1e-3
        # moves ~lr per step and needs the course's 20,000
        n_steps = steps if steps is not None else DEFAULT_STEPS[opt]
        for lr, res in zip(lrs, optimise(S, opt, lrs, n_steps)):
            res["labels"] = classify(res["end"])
            res["steps"] = steps_to_converge(res["trajectory"])
            runs[(opt, lr)] = res
            for k, s in enumerate(starts):
                e = res["end"][k]
                table.add(tuple(float(v) for v in s), opt, lr, tuple(round(float(v), 6) for v in e),
                          float(res["f_end"][k]), res["labels"][k], res["steps"][k] if res["labels"][k] != "diverged"
                          else None)
    basin = basin_map(basin_optimizer, basin_lr, basin_steps, basin_grid)
    crit = critical_points()
    figures = {}
    if draw:
        figures["himmelblau_trajectories"] = _draw_trajectories(runs, starts, optimizers, lrs, crit)
        figures["himmelblau_basins"] = _draw_basins(basin, basin_optimizer, basin_lr, basin_steps, crit)
    explanation = (
        "<p>Himmelblau's function <code>f(x, y) = (x² + y − 11)² + (x + y² − 7)²</code> has four minima with "
        "f = 0, a local maximum near (−0.27, −0.92) and four saddle points. Gradient descent follows −∇f from its "
        "start, so the start decides the basin — and so do the optimizer and the learning rate. Near a minimum, "
        "plain SGD is stable only when lr &lt; 2/λ<sub>max</sub> of the Hessian there (about 0.015–0.025 here): "
        "at lr = 0.05 every run diverges. Momentum can carry a start over a ridge into another basin. A gradient "
        "of zero is necessary, not sufficient: at a saddle point ∇f = 0 too, but it is not a minimum.</p>"
    )
    return LabResult("himmelblau", "Starting point and learning rate decide the minimum", explanation, table,
                     figures, {"runs": runs, "basin": basin, "critical_points": crit, "starts": starts})


def _contour(ax: Any, crit: dict[str, np.ndarray], extent: float = 5.0) -> None:
    xs = np.linspace(-extent, extent, 300)
    X, Y = np.meshgrid(xs, xs)
    Z = himmelblau(np.stack([X, Y], -1))
    ax.contour(X, Y, np.log1p(Z), levels=25, cmap="Greys", linewidths=0.5)
    ax.plot(crit["minimum"][:, 0], crit["minimum"][:, 1], "*", color="gold", mec="k", ms=9, label="minimum")
    if len(crit["maximum"]):
        ax.plot(crit["maximum"][:, 0], crit["maximum"][:, 1], "^", color="w", mec="k", ms=6, label="maximum")
    if len(crit["saddle"]):
        ax.plot(crit["saddle"][:, 0], crit["saddle"][:, 1], "x", color="k", ms=6, label="saddle")
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal")


def _draw_trajectories(runs: dict[tuple[str, float], dict[str, Any]], starts: list[Any], optimizers: Sequence[str],
                       lrs: Sequence[float], crit: dict[str, np.ndarray]) -> Any:
    plt = pyplot()
    fig, axes = plt.subplots(len(optimizers), len(lrs), figsize=(3.0 * len(lrs), 3.0 * len(optimizers)),
                             squeeze=False)
    for i, opt in enumerate(optimizers):
        for j, lr in enumerate(lrs):
            ax = axes[i][j]
            _contour(ax, crit)
            res = runs[(opt, lr)]
            T = res["trajectory"]
            for k in range(T.shape[1]):
                path = T[:, k]
                ok = np.all(np.isfinite(path), axis=1) & (np.abs(path).max(axis=1) < 6)
                ax.plot(path[ok, 0], path[ok, 1], "-", color=PALETTE[k % len(PALETTE)], lw=1.2)
                ax.plot(*starts[k], "o", color=PALETTE[k % len(PALETTE)], ms=4)
            n_div = sum(lab == "diverged" for lab in res["labels"])
            ax.set_title(f"{opt}, lr={lr:g}" + (f" — {n_div} diverged" if n_div else ""))
    axes[0][0].legend(loc="lower left")
    fig.tight_layout()
    return fig


def _draw_basins(basin: dict[str, np.ndarray], optimizer: str, lr: float, steps: int,
                 crit: dict[str, np.ndarray]) -> Any:
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    colors = PALETTE[:4] + ["#dddddd", "#000000"]
    xs = basin["xs"]
    ax.imshow(basin["codes"], origin="lower", extent=(xs[0], xs[-1], xs[0], xs[-1]), cmap=ListedColormap(colors),
              vmin=-0.5, vmax=5.5, alpha=0.55, interpolation="nearest")
    _contour(ax, crit)
    handles = [Patch(color=colors[i], label=f"({m[0]:.2f}, {m[1]:.2f})") for i, m in enumerate(MINIMA)]
    handles += [Patch(color=colors[4], label="none"), Patch(color=colors[5], label="diverged")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(f"basin of each start: {optimizer}, lr={lr:g}, {steps} steps")
    fig.tight_layout()
    return fig

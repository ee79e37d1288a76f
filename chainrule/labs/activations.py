"""Lab: every activation in the derivative catalogue and its derivative.

For each one: f and f′ on [−6, 6], the closed-form derivative (written here in
NumPy, independently of chainrule) as a line and autograd's derivative as
markers, and the saturation region shaded (|f′| below 1 % of its maximum —
where a unit stops learning). Vector activations (softmax, softmin,
log_softmax, glu) are shown along one coordinate of a two-element input.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import LabResult, Table, pyplot

_SELU_A, _SELU_S = 1.6732632423543772, 1.0507009873554805


def _sig(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * x))


def _phi(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _Phi(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0, x)


def _gelu_tanh_prime(x: np.ndarray) -> np.ndarray:
    k = math.sqrt(2 / math.pi)
    u = k * (x + 0.044715 * x**3)
    t = np.tanh(u)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)


# name -> (f as chainrule call on a 1-D tensor, closed-form f′ in NumPy). 1-D slices for vector activations.
def _definitions() -> dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray], np.ndarray]]]:
    import chainrule as cr
    import chainrule.nn.functional as F

    def pair(x: Any) -> Any:  # [x, 0] rows, for the softmax family
        return cr.stack([x, cr.zeros_like(x)], dim=1)

    w = cr.tensor([0.25], dtype=cr.float64)
    return {
        "sigmoid": (F.sigmoid, lambda x: _sig(x) * (1 - _sig(x))),
        "tanh": (F.tanh, lambda x: 1 - np.tanh(x) ** 2),
        "relu": (F.relu, lambda x: (x > 0).astype(float)),
        "relu6": (F.relu6, lambda x: ((x > 0) & (x < 6)).astype(float)),
        "leaky_relu": (F.leaky_relu, lambda x: np.where(x > 0, 1.0, 0.01)),
        "elu": (F.elu, lambda x: np.where(x > 0, 1.0, np.exp(x))),
        "selu": (F.selu, lambda x: _SELU_S * np.where(x > 0, 1.0, _SELU_A * np.exp(x))),
        "celu": (F.celu, lambda x: np.where(x > 0, 1.0, np.exp(x))),
        "gelu": (F.gelu, lambda x: _Phi(x) + x * _phi(x)),
        "gelu (tanh)": (lambda x: F.gelu(x, approximate="tanh"), _gelu_tanh_prime),
        "silu": (F.silu, lambda x: _sig(x) * (1 + x * (1 - _sig(x)))),
        "mish": (F.mish, lambda x: np.tanh(_softplus(x)) + x * (1 - np.tanh(_softplus(x)) ** 2) * _sig(x)),
        "softplus": (F.softplus, _sig),
        "softsign": (F.softsign, lambda x: 1 / (1 + np.abs(x)) ** 2),
        "hardtanh": (F.hardtanh, lambda x: ((x > -1) & (x < 1)).astype(float)),
        "hardsigmoid": (F.hardsigmoid, lambda x: ((x > -3) & (x < 3)) / 6.0),
        "hardswish": (F.hardswish, lambda x: np.where(x < -3, 0.0, np.where(x > 3, 1.0, (2 * x + 3) / 6))),
        "logsigmoid": (F.logsigmoid, lambda x: _sig(-x)),
        "tanhshrink": (F.tanhshrink, lambda x: np.tanh(x) ** 2),
        "softshrink": (F.softshrink, lambda x: (np.abs(x) > 0.5).astype(float)),
        "hardshrink": (F.hardshrink, lambda x: (np.abs(x) > 0.5).astype(float)),
        "prelu": (lambda x: F.prelu(x, w), lambda x: np.where(x > 0, 1.0, 0.25)),
        "softmax": (lambda x: F.softmax(pair(x), dim=1)[:, 0], lambda x: _sig(x) * (1 - _sig(x))),
        "softmin": (lambda x: F.softmin(pair(x), dim=1)[:, 0], lambda x: -_sig(-x) * (1 - _sig(-x))),
        "log_softmax": (lambda x: F.log_softmax(pair(x), dim=1)[:, 0], lambda x: 1 - _sig(x)),
        "glu": (lambda x: F.glu(cr.stack([x, cr.ones_like(x)], dim=1), dim=1)[:, 0],
                lambda x: np.full_like(x, _sig(np.array(1.0)))),
    }


def _saturation(x: np.ndarray, d: np.ndarray) -> str:
    """Describe where |f′| < 1 % of its maximum on the grid, as intervals."""
    m = np.abs(d).max()
    if m == 0:
        return "everywhere"
    low = np.abs(d) < 0.01 * m
    if not low.any():
        return "nowhere on [−6, 6]"
    parts, i = [], 0
    while i < len(x):
        if low[i]:
            j = i
            while j + 1 < len(x) and low[j + 1]:
                j += 1
            a = "−6" if i == 0 else f"{x[i]:.2g}".replace("-", "−")
            b = "6" if j == len(x) - 1 else f"{x[j]:.2g}".replace("-", "−")
            parts.append(f"[{a}, {b}]")
            i = j + 1
        else:
            i += 1
    return " ∪ ".join(parts)


def run(lo: float = -6.0, hi: float = 6.0, points: int = 241, draw: bool = True) -> LabResult:
    import chainrule as cr
    from chainrule.ops.catalogue import CATALOGUE

    x = np.linspace(lo, hi, points)
    defs = _definitions()
    table = Table(["activation", "range", "max |f′|", "saturates where (|f′| < 1% of max)",
                   "max |closed form − autograd|"])
    curves: dict[str, dict[str, np.ndarray]] = {}
    for name, (f, fprime) in defs.items():
        t = cr.tensor(x, dtype=cr.float64, requires_grad=True)
        y = f(t)
        (g,) = cr.autograd.grad(y.sum(), t)
        closed = np.asarray(fprime(x), dtype=np.float64)
        auto = g.numpy()
        # the two sides of a kink may legitimately differ exactly at the kink: compare off the kink points
        kink = np.isin(np.round(x, 12), [0.0, -1.0, 1.0, -3.0, 3.0, 6.0, -0.5, 0.5])
        err = float(np.abs(closed - auto)[~kink].max())
        curves[name] = {"f": y.detach().numpy(), "closed": closed, "autograd": auto}
        base = name.split(" ")[0]
        entry = CATALOGUE.get(base)
        table.add(name, entry.range if entry else "", float(np.abs(closed).max()), _saturation(x, closed), err)
    figures = {"activations": _draw(x, curves)} if draw else {}
    explanation = (
        "<p>Each panel shows an activation f (grey) and its derivative f′: the closed form, written out in NumPy, "
        "as a line, and autograd's <code>grad(f(x).sum(), x)</code> as dots. Shaded: where |f′| is below 1 % of "
        "its maximum — a unit living there barely passes gradient back, which is how sigmoid and tanh networks "
        "saturate. At kinks chainrule follows PyTorch's convention (relu′(0) = 0, leaky_relu′(0) = slope, "
        "hardtanh′ = 0 at ±1).</p>"
    )
    return LabResult("activations", "Activation functions and their derivatives", explanation, table, figures,
                     {"x": x, "curves": curves})


def _draw(x: np.ndarray, curves: dict[str, dict[str, np.ndarray]]) -> Any:
    plt = pyplot()
    names = list(curves)
    cols = 6
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.2 * rows), squeeze=False)
    for k, name in enumerate(names):
        ax = axes[k // cols][k % cols]
        c = curves[name]
        m = np.abs(c["closed"]).max()
        low = np.abs(c["closed"]) < 0.01 * m if m else np.zeros_like(x, bool)
        ax.fill_between(x, 0, 1, where=low, transform=ax.get_xaxis_transform(), color="#d62728", alpha=0.08, lw=0)
        ax.plot(x, c["f"], color="#7f7f7f", lw=1.2, label="f")
        ax.plot(x, c["closed"], color="#1f77b4", lw=1.4, label="f′ closed form")
        ax.plot(x[::12], c["autograd"][::12], "o", color="#ff7f0e", ms=2.8, label="f′ autograd")
        ax.set_title(name)
        ax.set_ylim(max(-2.5, min(c["f"].min(), c["closed"].min()) - 0.2),
                    min(6.5, max(c["f"].max(), c["closed"].max()) + 0.2))
    for k in range(len(names), rows * cols):
        axes[k // cols][k % cols].axis("off")
    axes[0][0].legend(loc="upper left")
    fig.tight_layout()
    return fig

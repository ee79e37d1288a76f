"""Forward+backward of the big nn.functional ops (issue 3), float32, default 2 threads.

* ``cross_entropy`` on (1024, 1000) logits with int64 class targets, mean reduction;
  ``loss.backward()``.
* ``softmax(dim=-1)`` on (256, 4096); ``y.backward(g)`` with a fixed random ``g``.
* ``sigmoid`` and ``gelu`` (exact, erf form) on 1,000,000 elements; ``y.backward(g)``.

Each call resets the input's ``.grad`` to None first (so neither library pays for accumulation).
NumPy column: the same maths written by hand with fused closed-form gradients (gelu's needs
SciPy's ``erf``; n/a without SciPy).  Target: chainrule no slower than PyTorch eager.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks._timing import (
    Options,
    build_per_library,
    cell_time,
    fmt_ratio,
    markdown_table,
    median_of,
    need,
    time_calls,
)

TITLE = "nn.functional forward+backward, float32"
DEFAULT_THREADS = 2


def shapes(quick: bool) -> dict[str, tuple[int, ...]]:
    if quick:
        return {"ce": (8, 5), "softmax": (4, 16), "pointwise": (1000,)}
    return {"ce": (1024, 1000), "softmax": (256, 4096), "pointwise": (1_000_000,)}


def case_names(quick: bool) -> dict[str, str]:
    s = shapes(quick)
    fmt = "×".join
    return {
        "cross_entropy": f"cross_entropy {fmt(map(str, s['ce']))}",
        "softmax": f"softmax {fmt(map(str, s['softmax']))}",
        "sigmoid": f"sigmoid {s['pointwise'][0]:,}",
        "gelu": f"gelu {s['pointwise'][0]:,}",
    }


def inputs(quick: bool) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(input, target-or-upstream-grad) per case, fixed seed so every library sees the same data."""
    s = shapes(quick)
    rng = np.random.default_rng(0)

    def f32(shape: tuple[int, ...]) -> np.ndarray:
        return rng.standard_normal(shape, dtype=np.float32)

    n, c = s["ce"]
    return {
        "cross_entropy": (f32(s["ce"]), rng.integers(0, c, n).astype(np.int64)),
        "softmax": (f32(s["softmax"]), f32(s["softmax"])),
        "sigmoid": (f32(s["pointwise"]), f32(s["pointwise"])),
        "gelu": (f32(s["pointwise"]), f32(s["pointwise"])),
    }


# --------------------------------------------------------------------------- hand-written NumPy


def numpy_ops(data: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, Callable[[], object]]:
    def cross_entropy() -> object:
        x, t = data["cross_entropy"]
        rows = np.arange(x.shape[0])
        z = x - x.max(1, keepdims=True)
        e = np.exp(z)
        s = e.sum(1, keepdims=True)
        loss = np.log(s).mean() - z[rows, t].mean()  # mean of logsumexp - x_t
        grad = e / s  # d loss / dx = (softmax - onehot) / N
        grad[rows, t] -= 1
        grad *= np.float32(1 / x.shape[0])
        return loss, grad

    def softmax() -> object:
        x, g = data["softmax"]
        e = np.exp(x - x.max(-1, keepdims=True))
        y = e / e.sum(-1, keepdims=True)
        return y * (g - (g * y).sum(-1, keepdims=True))  # y ⊙ (g − Σ g⊙y)

    def sigmoid() -> object:
        x, g = data["sigmoid"]
        y = 1 / (1 + np.exp(-x))  # inputs are N(0,1): no overflow
        return g * y * (1 - y)

    ops = {"cross_entropy": cross_entropy, "softmax": softmax, "sigmoid": sigmoid}
    try:
        from scipy.special import erf
    except ImportError:
        return ops

    def gelu() -> object:
        x, g = data["gelu"]
        cdf = 0.5 * (1 + erf(x * np.float32(1 / math.sqrt(2))))
        y = x * cdf
        pdf = np.exp(-0.5 * x * x) * np.float32(1 / math.sqrt(2 * math.pi))
        return y, g * (cdf + x * pdf)  # gelu' = Φ(x) + x φ(x)

    ops["gelu"] = gelu
    return ops


# --------------------------------------------------------------------------- chainrule / PyTorch


def tensor_ops(lib: Any, data: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, Callable[[], object]]:
    """The same code for chainrule and PyTorch (``lib`` is either module)."""
    need(lib, "from_numpy", "sigmoid", "nn.functional")
    F = lib.nn.functional
    ops: dict[str, Callable[[], object]] = {}

    def leaf(a: np.ndarray) -> Any:
        return lib.from_numpy(a.copy()).requires_grad_()

    def add(name: str, fn: Callable[[], object]) -> None:
        ops[name] = fn

    if hasattr(F, "cross_entropy"):
        x_ce, t_ce = leaf(data["cross_entropy"][0]), lib.from_numpy(data["cross_entropy"][1].copy())

        def cross_entropy() -> None:
            x_ce.grad = None
            F.cross_entropy(x_ce, t_ce).backward()

        add("cross_entropy", cross_entropy)
    if hasattr(F, "softmax"):
        x_sm, g_sm = leaf(data["softmax"][0]), lib.from_numpy(data["softmax"][1].copy())

        def softmax() -> None:
            x_sm.grad = None
            F.softmax(x_sm, dim=-1).backward(g_sm)

        add("softmax", softmax)
    x_sg, g_sg = leaf(data["sigmoid"][0]), lib.from_numpy(data["sigmoid"][1].copy())

    def sigmoid() -> None:
        x_sg.grad = None
        lib.sigmoid(x_sg).backward(g_sg)

    add("sigmoid", sigmoid)
    if hasattr(F, "gelu"):
        x_ge, g_ge = leaf(data["gelu"][0]), lib.from_numpy(data["gelu"][1].copy())

        def gelu() -> None:
            x_ge.grad = None
            F.gelu(x_ge).backward(g_ge)

        add("gelu", gelu)
    return ops


def run(opts: Options) -> dict[str, Any]:
    import chainrule

    data = inputs(opts.quick)
    names = case_names(opts.quick)
    builders: dict[str, Callable[[], dict[str, Callable[[], object]]]] = {
        "numpy": lambda: numpy_ops(data),
        "chainrule": lambda: tensor_ops(chainrule, data),
    }
    if opts.torch is not None:
        builders["torch"] = lambda: tensor_ops(opts.torch, data)
    repeats = opts.repeats or 7
    ops, failed = build_per_library(builders, opts.libs)
    results: dict[str, dict[str, Any]] = {}
    for key, name in names.items():
        if not opts.wants(name):
            continue
        fns = {lib: lib_ops[key] for lib, lib_ops in ops.items() if key in lib_ops}
        absent = {
            lib: {"na": f"n/a (missing: {'scipy.special.erf' if lib == 'numpy' else lib + '.nn.functional.' + key})"}
            for lib in ops
            if key not in ops[lib]
        }
        results[key] = {**failed, **absent, **time_calls(fns, repeats, opts.min_time)}
    return {"suite": "functional", "title": TITLE, "cases": {names[k]: v for k, v in results.items()}}


def render(res: dict[str, Any]) -> str:
    rows = []
    for case, recs in res["cases"].items():
        np_t, th_t, cr_t = (median_of(recs.get(k)) for k in ("numpy", "torch", "chainrule"))
        # "no slower than PyTorch": equality counts as met
        met = "–" if cr_t is None or th_t is None else ("met" if cr_t <= th_t else "NOT met")
        rows.append(
            [
                case,
                *(cell_time(recs.get(k)) for k in ("numpy", "torch", "chainrule")),
                fmt_ratio(cr_t, np_t),
                fmt_ratio(cr_t, th_t),
                "≤ PyTorch",
                met,
            ]
        )
    return markdown_table(
        ["fwd+bwd", "NumPy (hand)", "PyTorch", "chainrule", "cr / NumPy", "cr / PyTorch", "target", "met"], rows
    )

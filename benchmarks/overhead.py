"""Per-op overhead on tiny float32 arrays (issue 2): what decides tiny-network speed.

Operands: ``a, b`` are 4×3, ``c`` is 3×4, ``x`` is 4×3, ``W`` 3×2, ``bias`` (2,).

* ``add``/``matmul``/``exp``/``sum``: the op with no input requiring grad (nothing recorded);
* ``… (a requires grad)``: the same op on a leaf that requires grad, so the graph node is recorded
  (no backward);
* ``add in no_grad()``: entering the context manager each call, as user code does;
* ``layer fwd+bwd``: ``tanh(x @ W + bias).sum().backward()`` with the grads reset to None first;
  NumPy does the same forward with hand-written gradients.

Targets (issue 2): an unrecorded chainrule op < 2× bare NumPy; a recorded chainrule op < the
recorded PyTorch op.  Default: 1 thread (the baselines were measured with 1 thread).
"""

from __future__ import annotations

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
    verdict,
)

TITLE = "Per-op overhead, 4×3 float32"
DEFAULT_THREADS = 1

_rng = np.random.default_rng(0)
A = _rng.standard_normal((4, 3)).astype(np.float32)
B = _rng.standard_normal((4, 3)).astype(np.float32)
C = _rng.standard_normal((3, 4)).astype(np.float32)
W0 = _rng.standard_normal((3, 2)).astype(np.float32)
BIAS0 = np.zeros(2, np.float32)

# case name -> (kind, target description); kind decides which reference the target compares with
CASES: dict[str, str] = {
    "a + b": "unrecorded",
    "a @ c": "unrecorded",
    "exp(a)": "unrecorded",
    "a.sum()": "unrecorded",
    "a + b (a requires grad)": "recorded",
    "a @ c (a requires grad)": "recorded",
    "exp(a) (a requires grad)": "recorded",
    "a.sum() (a requires grad)": "recorded",
    "a + b in no_grad()": "info",
    "layer fwd+bwd": "info",
}


def numpy_ops() -> dict[str, Callable[[], object]]:
    a, b, c, x, W, bias = A.copy(), B.copy(), C.copy(), A.copy(), W0.copy(), BIAS0.copy()

    def layer() -> object:
        h = np.tanh(x @ W + bias)
        h.sum()
        dz = 1 - h * h  # d sum(tanh(z)) / dz
        return x.T @ dz, dz.sum(0)

    return {
        "a + b": lambda: a + b,
        "a @ c": lambda: a @ c,
        "exp(a)": lambda: np.exp(a),
        "a.sum()": lambda: a.sum(),
        "layer fwd+bwd": layer,
    }


def tensor_ops(lib: Any) -> dict[str, Callable[[], object]]:
    """The same calls for chainrule and PyTorch: ``lib`` is either module."""
    need(lib, "from_numpy", "exp", "tanh", "no_grad", "Tensor.requires_grad_", "Tensor.backward")
    a, b, c, x = (lib.from_numpy(v.copy()) for v in (A, B, C, A))
    ag = lib.from_numpy(A.copy()).requires_grad_()
    W = lib.from_numpy(W0.copy()).requires_grad_()
    bias = lib.from_numpy(BIAS0.copy()).requires_grad_()
    exp, tanh, no_grad = lib.exp, lib.tanh, lib.no_grad

    def layer() -> None:
        W.grad = None
        bias.grad = None
        tanh(x @ W + bias).sum().backward()

    def add_no_grad() -> object:
        with no_grad():
            return a + b

    return {
        "a + b": lambda: a + b,
        "a @ c": lambda: a @ c,
        "exp(a)": lambda: exp(a),
        "a.sum()": lambda: a.sum(),
        "a + b (a requires grad)": lambda: ag + b,
        "a @ c (a requires grad)": lambda: ag @ c,
        "exp(a) (a requires grad)": lambda: exp(ag),
        "a.sum() (a requires grad)": lambda: ag.sum(),
        "a + b in no_grad()": add_no_grad,
        "layer fwd+bwd": layer,
    }


def run(opts: Options) -> dict[str, Any]:
    import chainrule

    builders: dict[str, Callable[[], dict[str, Callable[[], object]]]] = {
        "numpy": numpy_ops,
        "chainrule": lambda: tensor_ops(chainrule),
    }
    if opts.torch is not None:
        builders["torch"] = lambda: tensor_ops(opts.torch)
    repeats = opts.repeats or 7
    ops, failed = build_per_library(builders, opts.libs)
    results: dict[str, dict[str, Any]] = {}
    for case in CASES:
        if not opts.wants(case):
            continue
        fns = {lib: lib_ops[case] for lib, lib_ops in ops.items() if case in lib_ops}
        results[case] = {**failed, **time_calls(fns, repeats, opts.min_time)}
    return {"suite": "overhead", "title": TITLE, "cases": results}


def render(res: dict[str, Any]) -> str:
    rows = []
    for case, recs in res["cases"].items():
        np_t, th_t, cr_t = (median_of(recs.get(k)) for k in ("numpy", "torch", "chainrule"))
        kind = CASES[case]
        if kind == "unrecorded":
            target = "< 2× NumPy"
            met = verdict(cr_t, None if np_t is None else 2 * np_t)
        elif kind == "recorded":
            target = "< PyTorch (recorded)"
            met = verdict(cr_t, th_t)
        else:
            target, met = "–", "–"
        rows.append(
            [
                case,
                *(cell_time(recs.get(k)) for k in ("numpy", "torch", "chainrule")),
                fmt_ratio(cr_t, np_t),
                fmt_ratio(cr_t, th_t),
                target,
                met,
            ]
        )
    return markdown_table(["op", "NumPy", "PyTorch", "chainrule", "cr / NumPy", "cr / PyTorch", "target", "met"], rows)

"""The seed's XOR network (issue 4): 2-3-2-1, sigmoid after every layer, BCE (mean), full batch of
the 4 XOR points, plain SGD, 10,000 steps, default 1 thread.

All implementations start from the same parameters (NumPy ``default_rng(0)``: W ~ U(-1, 1) stored
(in, out), b = 0) with lr 0.5 — the peer baseline's set-up, so its 0.66 s (hand NumPy) and
5.1 s (PyTorch eager) are comparable; with lr 0.1 some starts stall on this net.

* ``numpy``: hand-written forward/backward (the seed's method, corrected), f64 and f32;
* ``torch`` / ``chainrule``: the same PyTorch code — ``nn.Sequential(Linear, Sigmoid, ...)``,
  ``nn.BCELoss()``, ``optim.SGD``, ``zero_grad / backward / step`` — with ``lib`` either module;
* ``chainrule compile_step``: that code's step as ``chainrule.compile_step(model, loss_fn, opt)``,
  one call per step with the same arithmetic (bit-identical parameters), the layers run as an array
  program (chainrule/compiled_step.py).

Targets: chainrule at most 2× hand NumPy of the same dtype, and ≥ 4× faster than PyTorch eager.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks._timing import Options, cell_time, fmt_ratio, fmt_time, markdown_table, median_of, need
from benchmarks._training import fmt_loss, measure_trainings, steps_for

TITLE = "XOR 2-3-2-1 sigmoid + BCE, full batch, plain SGD"
DEFAULT_THREADS = 1
SIZES = (2, 3, 2, 1)
LR = 0.5
NOMINAL_STEPS = 10_000
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
Y = np.array([[0], [1], [1], [0]], dtype=np.float64)


def init_params(dtype: type) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    return [(rng.uniform(-1, 1, (i, o)).astype(dtype), np.zeros(o, dtype=dtype)) for i, o in zip(SIZES, SIZES[1:])]


class NumpyXor:
    """Hand-written backprop; sigmoid + BCE fuse to dL/dz = (p − y) / N at the output."""

    def __init__(self, dtype: type) -> None:
        self.dtype = dtype
        self.X, self.Y = X.astype(dtype), Y.astype(dtype)

    def reset(self) -> None:
        self.params = init_params(self.dtype)

    def train(self, n: int) -> float:
        X, Y, params = self.X, self.Y, self.params
        lr = self.dtype(LR)
        inv_n = self.dtype(1.0 / X.shape[0])
        for _ in range(n):
            acts = [X]
            for W, b in params:
                acts.append(1 / (1 + np.exp(-(acts[-1] @ W + b))))
            p = acts[-1]
            loss = -(Y * np.log(p) + (1 - Y) * np.log(1 - p)).mean()
            d = (p - Y) * inv_n
            for li in range(len(params) - 1, -1, -1):
                W, b = params[li]
                a = acts[li]
                gW, gb = a.T @ d, d.sum(0)
                if li:
                    d = (d @ W.T) * a * (1 - a)  # sigmoid' = a (1 − a)
                W -= lr * gW
                b -= lr * gb
        return float(loss)


class TorchStyleXor:
    """What a user writes in PyTorch; runs unchanged on chainrule (``lib`` is the module)."""

    def __init__(self, lib: Any, dtype_name: str, compiled: bool = False) -> None:
        need(
            lib,
            "nn.Sequential",
            "nn.Linear",
            "nn.Sigmoid",
            "nn.BCELoss",
            "optim.SGD",
            "from_numpy",
            "no_grad",
            "tensor",
            dtype_name,
        )
        nn = lib.nn
        self.lib, self.np_dtype = lib, np.dtype(dtype_name).type
        dtype = getattr(lib, dtype_name)
        self.model = nn.Sequential(
            nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid()
        ).to(dtype)
        self.linears = [m for m in self.model if isinstance(m, nn.Linear)]
        self.loss_fn = nn.BCELoss()
        self.opt = lib.optim.SGD(self.model.parameters(), lr=LR)
        self.X = lib.tensor(X, dtype=dtype)
        self.Y = lib.tensor(Y, dtype=dtype)
        # chainrule's compiled training step (chainrule/compiled_step.py): the same step in one call
        self.step = lib.compile_step(self.model, self.loss_fn, self.opt) if compiled else None

    def reset(self) -> None:
        lib = self.lib
        with lib.no_grad():
            for m, (W, b) in zip(self.linears, init_params(self.np_dtype)):
                m.weight.copy_(lib.from_numpy(np.ascontiguousarray(W.T)))  # nn.Linear stores (out, in)
                m.bias.copy_(lib.from_numpy(b))

    def train(self, n: int) -> float:
        model, loss_fn, opt, X, Y = self.model, self.loss_fn, self.opt, self.X, self.Y
        if self.step is not None:
            step = self.step
            for _ in range(n):
                loss = step(X, Y)
            assert step.compiled, step.reason
            return loss.item()
        for _ in range(n):
            opt.zero_grad()
            loss = loss_fn(model(X), Y)
            loss.backward()
            opt.step()
        return loss.item()


def implementations(opts: Options) -> dict[str, tuple[str, Any]]:
    """label -> (library, factory)."""
    import chainrule

    impls: dict[str, tuple[str, Any]] = {
        "NumPy by hand, f64": ("numpy", lambda: NumpyXor(np.float64)),
        "NumPy by hand, f32": ("numpy", lambda: NumpyXor(np.float32)),
        "PyTorch eager, f32": ("torch", lambda: TorchStyleXor(opts.torch, "float32")),
        "chainrule, f32": ("chainrule", lambda: TorchStyleXor(chainrule, "float32")),
        "chainrule, f64": ("chainrule", lambda: TorchStyleXor(chainrule, "float64")),
        "chainrule compile_step, f32": ("chainrule", lambda: TorchStyleXor(chainrule, "float32", compiled=True)),
        "chainrule compile_step, f64": ("chainrule", lambda: TorchStyleXor(chainrule, "float64", compiled=True)),
    }
    return {k: v for k, v in impls.items() if v[0] in opts.libs and opts.wants(k)}


def run(opts: Options) -> dict[str, Any]:
    steps = steps_for(opts, NOMINAL_STEPS, quick=20)
    warmup = min(steps, 200)
    repeats = opts.repeats or 5
    makers = {}
    cases: dict[str, Any] = {}
    for label, (lib, make) in implementations(opts).items():
        if lib == "torch" and opts.torch is None:
            cases[label] = {"na": "n/a (torch not installed)"}
        else:
            makers[label] = make
    cases.update(measure_trainings(makers, steps, warmup, repeats))
    return {"suite": "xor", "title": f"{TITLE}, {steps:,} steps", "steps": steps, "cases": cases}


def _same_dtype_numpy(label: str) -> str:
    return "NumPy by hand, f64" if label.endswith("f64") else "NumPy by hand, f32"


def render(res: dict[str, Any]) -> str:
    cases = res["cases"]
    torch_t = median_of(cases.get("PyTorch eager, f32"))
    rows = []
    for label, rec in cases.items():
        t = median_of(rec)
        np_t = median_of(cases.get(_same_dtype_numpy(label)))
        per_step = fmt_time(rec["per_step_s"]) if "per_step_s" in rec else "–"
        if label.startswith("chainrule"):
            ok_np = "–" if t is None or np_t is None else ("met" if t <= 2 * np_t else "NOT met")
            ok_th = "–" if t is None or torch_t is None else ("met" if 4 * t <= torch_t else "NOT met")
            target = f"≤ 2× NumPy: {ok_np}; ≥ 4× faster than PyTorch: {ok_th}"
        else:
            target = "–"
        rows.append([label, cell_time(rec), per_step, fmt_ratio(t, np_t), fmt_ratio(t, torch_t), fmt_loss(rec), target])
    return markdown_table(
        [
            f"{res['steps']:,} steps",
            "time (median)",
            "per step",
            "× NumPy (same dtype)",
            "× PyTorch f32",
            "final loss",
            "targets",
        ],
        rows,
    )

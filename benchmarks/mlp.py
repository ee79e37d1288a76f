"""MLP 784-256-256-10 (issue 4): ReLU, softmax cross-entropy (mean), SGD lr 0.01, float32, 200 steps
at batch 128 and at batch 16, default 1 thread.

Synthetic data: 2048 N(0, 1) samples with uniform random labels (seed 0), cycled in order.
Initial parameters: PyTorch's Linear init U(−1/√fan_in, 1/√fan_in) drawn once by NumPy (seed 1)
and copied into every implementation, so final losses agree to float32 rounding.

* ``numpy``: hand-written forward/backward with in-place updates (the fast reference);
* ``torch`` / ``chainrule``: ``nn.Sequential(Linear, ReLU, ...)``, ``nn.CrossEntropyLoss()``,
  ``optim.SGD`` — the same code for both.

Target: chainrule at batch 128 within 5 % of PyTorch eager.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks._timing import Options, cell_time, fmt_ratio, fmt_time, markdown_table, median_of, need
from benchmarks._training import fmt_loss, measure_trainings, steps_for

TITLE = "MLP 784-256-256-10 ReLU + cross-entropy, SGD, float32"
DEFAULT_THREADS = 1
SIZES = (784, 256, 256, 10)
LR = 0.01
N_SAMPLES = 2048
NOMINAL_STEPS = 200
BATCHES = (128, 16)


def init_params() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(1)
    out = []
    for i, o in zip(SIZES, SIZES[1:]):
        bound = 1 / np.sqrt(i)
        out.append(
            (rng.uniform(-bound, bound, (i, o)).astype(np.float32), rng.uniform(-bound, bound, o).astype(np.float32))
        )
    return out


def make_batches(batch: int, n_samples: int = N_SAMPLES) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, SIZES[0]), dtype=np.float32)
    Y = rng.integers(0, SIZES[-1], n_samples).astype(np.int64)
    return [(X[k : k + batch].copy(), Y[k : k + batch].copy()) for k in range(0, n_samples - batch + 1, batch)]


class NumpyMLP:
    def __init__(self, batch: int) -> None:
        self.batches = make_batches(batch)

    def reset(self) -> None:
        self.params = init_params()

    def train(self, n: int) -> float:
        params, batches, lr = self.params, self.batches, np.float32(LR)
        last = len(params) - 1
        for step in range(n):
            x, y = batches[step % len(batches)]
            acts = [x]
            for li, (W, b) in enumerate(params):
                z = acts[-1] @ W
                z += b
                if li < last:
                    np.maximum(z, 0, out=z)
                acts.append(z)
            out = acts[-1]
            rows = np.arange(out.shape[0])
            z = out - out.max(1, keepdims=True)
            e = np.exp(z)
            s = e.sum(1, keepdims=True)
            loss = float(np.log(s).mean() - z[rows, y].mean())
            d = e / s  # d loss / d logits = (softmax − onehot) / B
            d[rows, y] -= 1
            d *= np.float32(1 / out.shape[0])
            for li in range(last, -1, -1):
                W, b = params[li]
                a = acts[li]
                gW, gb = a.T @ d, d.sum(0)
                if li:
                    d = d @ W.T
                    d *= a > 0  # relu' (0 at 0, as PyTorch)
                W -= lr * gW
                b -= lr * gb
        return loss


class TorchStyleMLP:
    """What a user writes in PyTorch; runs unchanged on chainrule."""

    def __init__(self, lib: Any, batch: int, compiled: bool = False) -> None:
        need(lib, "nn.Sequential", "nn.Linear", "nn.ReLU", "nn.CrossEntropyLoss", "optim.SGD", "from_numpy", "no_grad")
        nn = lib.nn
        self.lib = lib
        self.model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
        self.linears = [m for m in self.model if isinstance(m, nn.Linear)]
        self.loss_fn = nn.CrossEntropyLoss()
        self.opt = lib.optim.SGD(self.model.parameters(), lr=LR)
        self.batches = [(lib.from_numpy(x), lib.from_numpy(y)) for x, y in make_batches(batch)]
        # chainrule's compiled training step (chainrule/compiled_step.py): the same step in one call
        self.step = lib.compile_step(self.model, self.loss_fn, self.opt) if compiled else None

    def reset(self) -> None:
        lib = self.lib
        with lib.no_grad():
            for m, (W, b) in zip(self.linears, init_params()):
                m.weight.copy_(lib.from_numpy(np.ascontiguousarray(W.T)))
                m.bias.copy_(lib.from_numpy(b))

    def train(self, n: int) -> float:
        model, loss_fn, opt, batches = self.model, self.loss_fn, self.opt, self.batches
        if self.step is not None:
            compiled = self.step
            for step in range(n):
                x, y = batches[step % len(batches)]
                loss = compiled(x, y)
            assert compiled.compiled, compiled.reason
            return loss.item()
        for step in range(n):
            x, y = batches[step % len(batches)]
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
        return loss.item()


def run(opts: Options) -> dict[str, Any]:
    import chainrule

    steps = steps_for(opts, NOMINAL_STEPS, quick=2)
    warmup = min(steps, 20)
    repeats = opts.repeats or 5
    cases: dict[str, Any] = {}
    for batch in BATCHES:
        impls = {
            f"batch {batch}: NumPy by hand": ("numpy", lambda b=batch: NumpyMLP(b)),
            f"batch {batch}: PyTorch eager": ("torch", lambda b=batch: TorchStyleMLP(opts.torch, b)),
            f"batch {batch}: chainrule": ("chainrule", lambda b=batch: TorchStyleMLP(chainrule, b)),
            f"batch {batch}: chainrule compile_step": ("chainrule",
                                                       lambda b=batch: TorchStyleMLP(chainrule, b, compiled=True)),
        }
        makers = {}
        for label, (lib, make) in impls.items():
            if lib not in opts.libs or not opts.wants(label):
                continue
            if lib == "torch" and opts.torch is None:
                cases[label] = {"na": "n/a (torch not installed)"}
            else:
                makers[label] = make
        cases.update(measure_trainings(makers, steps, warmup, repeats))
    return {"suite": "mlp", "title": f"{TITLE}, {steps:,} steps", "steps": steps, "cases": cases}


def render(res: dict[str, Any]) -> str:
    cases = res["cases"]
    rows = []
    for label, rec in cases.items():
        batch = label.split(":")[0]
        t = median_of(rec)
        np_t = median_of(cases.get(f"{batch}: NumPy by hand"))
        th_t = median_of(cases.get(f"{batch}: PyTorch eager"))
        per_step = fmt_time(rec["per_step_s"]) if "per_step_s" in rec else "–"
        target = "–"
        if label == "batch 128: chainrule" and t is not None and th_t is not None:
            target = "≤ 1.05× PyTorch: " + ("met" if t <= 1.05 * th_t else "NOT met")
        rows.append([label, cell_time(rec), per_step, fmt_ratio(t, np_t), fmt_ratio(t, th_t), fmt_loss(rec), target])
    return markdown_table(
        [f"{res['steps']:,} steps", "time (median)", "per step", "× NumPy", "× PyTorch", "final loss", "target"], rows
    )

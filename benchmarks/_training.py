"""Timing of whole training loops, shared by the XOR and MLP suites.

An implementation is an object with ``reset()`` (copy the shared initial parameters in, untimed)
and ``train(n) -> float`` (n optimisation steps, ending with one ``float(loss)`` so lazy work is
finished; returns the last step's loss).  Every implementation of one case starts from the same
NumPy-made parameters on the same data, so the final losses agree when all are correct: the
table doubles as a correctness check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from benchmarks._timing import Options, attempt, time_run


class Trainer(Protocol):
    def reset(self) -> None: ...

    def train(self, n: int) -> float: ...


def measure_training(make: Callable[[], Trainer], steps: int, warmup: int, repeats: int) -> dict[str, Any]:
    """Build, warm up (untimed), then time ``repeats`` runs of ``steps`` steps; n/a on a missing name."""

    def go() -> dict[str, Any]:
        trainer = make()
        trainer.reset()
        if warmup:
            trainer.train(warmup)
        t = time_run(trainer.reset, lambda: trainer.train(steps), repeats)
        out = t.as_dict()
        out["steps"] = steps
        out["per_step_s"] = t.median / steps
        return out

    return attempt(go)


def steps_for(opts: Options, nominal: int, quick: int) -> int:
    if opts.steps:
        return opts.steps
    return quick if opts.quick else nominal


def fmt_loss(rec: dict[str, Any] | None) -> str:
    if rec is None or "final_loss" not in rec:
        return "–"
    return f"{rec['final_loss']:.6g}"

"""Timing of whole training loops, shared by the XOR and MLP suites.

An implementation is an object with ``reset()`` (copy the shared initial parameters in, untimed)
and ``train(n) -> float`` (n optimisation steps, ending with one ``float(loss)`` so lazy work is
finished; returns the last step's loss).  Every implementation of one case starts from the same
NumPy-made parameters on the same data, so the final losses agree when all are correct: the
table doubles as a correctness check.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any, Protocol

from benchmarks._timing import Options, failure_note, now


class Trainer(Protocol):
    def reset(self) -> None: ...

    def train(self, n: int) -> float: ...


def measure_trainings(
    makers: dict[str, Callable[[], Trainer]], steps: int, warmup: int, repeats: int
) -> dict[str, dict[str, Any]]:
    """Build and warm up (untimed) every implementation, then time ``repeats`` rounds of ``steps``
    steps, **interleaved** (each round runs every implementation once, so load from other processes
    hits all alike).  A missing name or an error gives ``{"na": ...}`` for that implementation only."""
    trainers: dict[str, Trainer] = {}
    out: dict[str, dict[str, Any]] = {}
    for label, make in makers.items():
        try:
            trainer = make()
            trainer.reset()
            if warmup:
                trainer.train(warmup)
            trainers[label] = trainer
        except Exception as exc:  # one library lacking a feature must not stop the others
            out[label] = {"na": failure_note(exc)}
    times: dict[str, list[float]] = {label: [] for label in trainers}
    losses: dict[str, float] = {}
    for _ in range(repeats):
        for label, trainer in list(trainers.items()):
            try:
                trainer.reset()
                t0 = now()
                losses[label] = float(trainer.train(steps))
                times[label].append(now() - t0)
            except Exception as exc:
                out[label] = {"na": failure_note(exc)}
                del trainers[label]
    for label in trainers:
        ts = times[label]
        med = statistics.median(ts)
        out[label] = {
            "median_s": med,
            "min_s": min(ts),
            "repeats_s": ts,
            "final_loss": losses[label],
            "steps": steps,
            "per_step_s": med / steps,
        }
    return {label: out[label] for label in makers}


def steps_for(opts: Options, nominal: int, quick: int) -> int:
    if opts.steps:
        return opts.steps
    return quick if opts.quick else nominal


def fmt_loss(rec: dict[str, Any] | None) -> str:
    if rec is None or "final_loss" not in rec:
        return "–"
    return f"{rec['final_loss']:.6g}"

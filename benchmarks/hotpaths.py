"""Where chainrule's time goes: cProfile of its hot paths on the overhead and XOR benchmarks.

    python -m benchmarks.run profile xor            # 2,000 XOR training steps
    python -m benchmarks.run profile layer          # tanh(x @ W + b).sum().backward(), 20,000 times
    python -m benchmarks.run profile add_grad       # a + b with a requiring grad, 200,000 times
    python -m benchmarks.run profile xor --top 40 --sort cumulative

Prints the un-profiled time per iteration first (cProfile itself inflates every Python call, so
use its table for *where*, not *how much*), then the top functions.  1 thread.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections.abc import Callable

from benchmarks._timing import load_torch, thread_limit


def _xor_workload() -> tuple[Callable[[int], object], int]:
    import chainrule
    from benchmarks.xor import TorchStyleXor

    trainer = TorchStyleXor(chainrule, "float32")
    trainer.reset()
    return trainer.train, 2_000


def _layer_workload() -> tuple[Callable[[int], object], int]:
    import chainrule
    from benchmarks.overhead import tensor_ops

    fn = tensor_ops(chainrule)["layer fwd+bwd"]

    def loop(n: int) -> None:
        for _ in range(n):
            fn()

    return loop, 20_000


def _add_grad_workload() -> tuple[Callable[[int], object], int]:
    import chainrule
    from benchmarks.overhead import tensor_ops

    fn = tensor_ops(chainrule)["a + b (a requires grad)"]

    def loop(n: int) -> None:
        for _ in range(n):
            fn()

    return loop, 200_000


WORKLOADS = {"xor": _xor_workload, "layer": _layer_workload, "add_grad": _add_grad_workload}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run profile", description=__doc__.splitlines()[0])
    p.add_argument("workload", choices=sorted(WORKLOADS))
    p.add_argument("--top", type=int, default=25, help="how many functions to list")
    p.add_argument("--sort", default="tottime", choices=["tottime", "cumulative", "ncalls"])
    p.add_argument("-n", type=int, default=None, help="iterations (default depends on the workload)")
    args = p.parse_args(argv)
    with thread_limit(1, load_torch()):
        run, n = WORKLOADS[args.workload]()
        n = args.n or n
        run(min(n, 200))  # warm-up
        t0 = time.perf_counter()
        run(n)
        plain = time.perf_counter() - t0
        print(f"{args.workload}: {plain / n * 1e6:.2f} µs per iteration without the profiler ({n:,} iterations)\n")
        prof = cProfile.Profile()
        prof.runcall(run, n)
    stats = pstats.Stats(prof)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    return 0

"""Benchmark runner: chainrule, PyTorch eager and NumPy side by side, in one process.

    python -m benchmarks.run                      # every suite, each at its default thread count
    python -m benchmarks.run overhead xor         # some suites
    python -m benchmarks.run --threads 2 mlp      # cap NumPy's BLAS and torch to 2 threads
    python -m benchmarks.run -k gelu functional   # only cases whose name contains "gelu"
    python -m benchmarks.run --libs chainrule,numpy xor
    python -m benchmarks.run --json benchmarks/results/mine.json
    python -m benchmarks.run --quick              # tiny sizes: checks the machinery, measures nothing
    python -m benchmarks.run profile xor          # cProfile of chainrule's hot paths (see hotpaths.py)

Prints Markdown: the machine (CPU, versions, BLAS and its kernel, load) and one table per suite
with medians and ratios.  PyTorch's column reads "n/a" when torch is not installed; a chainrule
name that does not exist yet reads "n/a (missing: X)" instead of stopping the run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from types import ModuleType
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable from the repo root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import functional, mlp, overhead, xor  # noqa: E402
from benchmarks._timing import LIBS, CpuMeter, Options, blas_info, load_torch, machine_info, set_clock, thread_limit  # noqa: E402

SUITES: dict[str, ModuleType] = {"overhead": overhead, "functional": functional, "xor": xor, "mlp": mlp}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Suites: "
        + ", ".join(
            f"{k} ({m.TITLE}; default {m.DEFAULT_THREADS} thread{'s' if m.DEFAULT_THREADS > 1 else ''})"
            for k, m in SUITES.items()
        ),
    )
    p.add_argument(
        "suites", nargs="*", metavar="SUITE", help=f"which suites to run: {', '.join(SUITES)} or all (default: all)"
    )
    p.add_argument(
        "--threads",
        type=int,
        choices=[1, 2],
        default=None,
        help="thread cap for NumPy's BLAS (threadpoolctl) and torch (set_num_threads); "
        "default: each suite's own (1 for overhead/xor/mlp, 2 for functional)",
    )
    p.add_argument("-k", dest="pattern", default=None, help="only cases whose name contains this (case-insensitive)")
    p.add_argument("--libs", default=",".join(LIBS), help=f"comma-separated subset of {','.join(LIBS)}")
    p.add_argument("--repeats", type=int, default=None, help="timed repeats per case (median reported)")
    p.add_argument("--steps", type=int, default=None, help="training steps for xor/mlp (default 10000/200)")
    p.add_argument("--min-time", type=float, default=0.05, help="seconds per timed loop in per-call suites")
    p.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="wall: elapsed time (default); cpu: this process's CPU time, robust to other processes "
        "on a busy machine but summed over threads (use with --threads 1)",
    )
    p.add_argument("--quick", action="store_true", help="tiny sizes and counts: a smoke test, not a measurement")
    p.add_argument("--no-torch", action="store_true", help="behave as if PyTorch were not installed")
    p.add_argument("--json", dest="json_path", default=None, help="also write all results to this JSON file")
    args = p.parse_args(argv)
    libs = tuple(s.strip() for s in args.libs.split(",") if s.strip())
    unknown = [s for s in libs if s not in LIBS]
    if unknown:
        p.error(f"--libs: unknown {unknown}; choose from {list(LIBS)}")
    args.libs = libs
    bad = [s for s in args.suites if s not in SUITES and s != "all"]
    if bad:
        p.error(f"unknown suite {bad}; choose from {[*SUITES, 'all']}")
    args.suites = args.suites or ["all"]
    if args.repeats is not None and args.repeats < 1:
        p.error(f"--repeats must be >= 1, got {args.repeats}")
    if args.steps is not None and args.steps < 1:
        p.error(f"--steps must be >= 1, got {args.steps}")
    return args


def machine_markdown(info: dict[str, Any]) -> str:
    blas = "; ".join(
        f"{b.get('prefix')} ({b.get('internal_api')} {b.get('version') or ''}"
        + (f", {b['architecture']} kernels" if b.get("architecture") else "")
        + (f", {b['threading_layer']}" if b.get("threading_layer") else "")
        + ")"
        for b in info["blas"]
        if "internal_api" in b
    )
    lines = [
        f"- CPU: {info['cpu']}, {info['cores']} cores; load average at start {info['loadavg_start']}",
        f"- Python {info['python']}, NumPy {info['numpy']}, PyTorch {info['torch'] or 'not installed'}"
        f" ({info.get('torch_blas', '-')}), chainrule {info['chainrule']} (commit {info.get('chainrule_commit')})",
        f"- BLAS/OpenMP loaded: {blas}",
        f"- OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']}, OPENBLAS_L2_SIZE={info['OPENBLAS_L2_SIZE']}",
        f"- clock: {info.get('clock', 'wall')}"
        + (" (CPU time of this process, summed over its threads)" if info.get("clock") == "cpu" else " (elapsed)"),
    ]
    return "\n".join(lines)


def run_suites(args: argparse.Namespace) -> dict[str, Any]:
    torch = None if args.no_torch or "torch" not in args.libs else load_torch()
    opts = Options(
        torch=torch,
        libs=args.libs,
        pattern=args.pattern,
        repeats=args.repeats,
        min_time=0.001 if args.quick else args.min_time,
        quick=args.quick,
        steps=args.steps,
    )
    if args.quick and args.repeats is None:
        opts.repeats = 1
    names = list(SUITES) if "all" in args.suites else list(dict.fromkeys(args.suites))
    set_clock(args.clock)
    info = machine_info(torch)
    info["clock"] = args.clock
    print("## Machine\n\n" + machine_markdown(info) + "\n", flush=True)
    results: dict[str, Any] = {
        "machine": info,
        "argv": sys.argv[1:],
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "suites": {},
    }
    for name in names:
        mod = SUITES[name]
        threads = args.threads or mod.DEFAULT_THREADS
        meter = CpuMeter()
        t0 = time.perf_counter()
        with thread_limit(threads, torch):
            pools = [f"{b.get('internal_api')}={b.get('num_threads')}" for b in blas_info() if "internal_api" in b]
            res = mod.run(opts)
        res.update(
            threads=threads,
            pools=pools,
            foreign_cpu=meter.foreign_fraction(),
            loadavg_end=[round(x, 2) for x in os.getloadavg()],
            wall_s=round(time.perf_counter() - t0, 1),
        )
        results["suites"][name] = res
        print(f"### {res['title']} — {threads} thread{'s' if threads > 1 else ''}\n", flush=True)
        print(mod.render(res), flush=True)
        print(
            f"\n(thread pools: {', '.join(pools) or 'not capped'}; torch threads {threads if torch else '-'}; "
            f"other processes used {res['foreign_cpu']:.0%} of the CPU; load average after {res['loadavg_end']}; "
            f"suite took {res['wall_s']} s)\n",
            flush=True,
        )
    if args.json_path:
        os.makedirs(os.path.dirname(os.path.abspath(args.json_path)), exist_ok=True)
        with open(args.json_path, "w") as f:
            json.dump(results, f, indent=1)
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["profile"]:
        from benchmarks import hotpaths

        return hotpaths.main(argv[1:])
    run_suites(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())

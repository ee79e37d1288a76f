"""``chainrule lab NAME --out DIR [--svg] [lab settings]`` and ``chainrule lab all --out DIR``."""

from __future__ import annotations

import argparse
import time
from typing import Any

from . import LABS, run
from .report import save_figures, write_index


def _floats(text: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}") from None


def _point(text: str) -> tuple[float, float]:
    vals = _floats(text)
    if len(vals) != 2:
        raise argparse.ArgumentTypeError(f"expected x,y (two numbers), got {text!r}")
    return vals[0], vals[1]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``lab`` subcommand on the main CLI's subparsers."""
    p = subparsers.add_parser(
        "lab", help="run a lesson lab: print its table, write its figures",
        description="Run one lab (or 'all', which also writes DIR/index.html). Labs: "
        + "; ".join(f"{k}: {v[1]}" for k, v in LABS.items()),
    )
    p.add_argument("name", choices=list(LABS) + ["all"], help="which lab")
    p.add_argument("--out", default="lab-out", help="directory for the figures (default: lab-out)")
    p.add_argument("--svg", action="store_true", help="also write each figure as SVG")
    p.add_argument("--quick", action="store_true", help="smaller settings (for a fast look)")
    p.add_argument("--start", type=_point, action="append", help="himmelblau: an extra start point x,y (repeatable)")
    p.add_argument("--lrs", type=_floats, help="himmelblau/lr: comma-separated learning rates")
    p.add_argument("--steps", type=int, help="himmelblau/lr: optimisation steps")
    p.add_argument("--optimizer", choices=["sgd", "momentum", "adam"], help="himmelblau: optimizer of the basin map")
    p.add_argument("--lr", type=float, help="himmelblau: learning rate of the basin map")
    p.add_argument("--seeds", type=int, help="xor: random starts per configuration")
    p.add_argument("--expr", help="graph: an expression in x and y to draw, e.g. 'tanh(x*y + x)'")
    return p


def _settings(name: str, args: argparse.Namespace) -> dict[str, Any]:
    s: dict[str, Any] = {}
    if args.quick:
        s.update(QUICK.get(name, {}))
    if name == "himmelblau":
        if args.start:
            from .himmelblau import CLASSIC_STARTS

            s["starts"] = list(CLASSIC_STARTS) + list(args.start)
        if args.lrs:
            s["lrs"] = args.lrs
        if args.steps:
            s["steps"] = args.steps
        if args.optimizer:
            s["basin_optimizer"] = args.optimizer
        if args.lr:
            s["basin_lr"] = args.lr
    elif name == "lr":
        if args.lrs:
            s["lrs"] = args.lrs
        if args.steps:
            s["steps"] = args.steps
    elif name == "xor" and args.seeds:
        s["seeds"] = args.seeds
    elif name == "graph" and args.expr:
        s["expr"] = args.expr
    return s


QUICK: dict[str, dict[str, Any]] = {
    "himmelblau": {"steps": 3000, "basin_grid": 21},
    "vanishing": {"depths": (1, 5, 10, 20)},
    "xor": {"seeds": 10},
}


def main(args: argparse.Namespace) -> int:
    names = list(LABS) if args.name == "all" else [args.name]
    results = []
    for name in names:
        t0 = time.perf_counter()
        result = run(name, **_settings(name, args))
        paths = save_figures(result, args.out, svg=args.svg)
        print(f"== {name}: {result.title} ({time.perf_counter() - t0:.1f} s)")
        print(result.table.to_text())
        for p in paths:
            print(f"wrote {p}")
        print()
        results.append(result)
    if args.name == "all":
        print(f"wrote {write_index(results, args.out)}")
    return 0

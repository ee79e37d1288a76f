"""Timing, thread control and machine description shared by every benchmark.

Method (the same for every library, so ratios are fair):

* warm-up first, untimed (first-call caches, allocator, lazy imports);
* a call is repeated in a loop long enough to dwarf ``perf_counter``'s own
  cost (auto-ranged to about ``min_time`` seconds per repeat), and the
  per-call time of each repeat is kept;
* the reported figure is the **median** of the repeats (robust to one repeat
  hit by another process on this shared 2-core machine); min and all repeats
  go to the JSON record so noise is visible.

Threads are capped in-process: threadpoolctl limits NumPy's BLAS (and any
OpenMP pool, torch's libgomp included) and ``torch.set_num_threads`` limits
torch's intra-op pool, so one process can time a 1-thread and a 2-thread suite
back to back.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------- missing names


class Missing(Exception):
    """A name a benchmark needs is not (yet) provided by the library under test."""


def need(module: Any, *dotted: str) -> None:
    """Raise ``Missing`` naming the first of ``dotted`` (e.g. ``"nn.Sequential"``) absent from ``module``."""
    for path in dotted:
        obj = module
        for part in path.split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise Missing(f"{module.__name__}.{path}") from None


def load_torch() -> Any | None:
    """The real PyTorch module, or None when it is not installed (its column then reads n/a)."""
    try:
        import torch
    except ImportError:
        return None
    return torch


# --------------------------------------------------------------------------- threads


@contextlib.contextmanager
def thread_limit(n: int | None, torch: Any | None = None) -> Iterator[None]:
    """Cap BLAS/OpenMP pools (threadpoolctl), torch's intra-op pool and chainrule's kernel threads
    (``chainrule.set_num_threads``, which also caps BLAS) to ``n`` threads inside the block."""
    if n is None:
        yield
        return
    from chainrule import _kernels

    old_torch = torch.get_num_threads() if torch is not None else None
    old_kernels = _kernels.get_threads()
    _kernels.set_threads(n)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # without it only torch can be capped; recorded in the machine info
        threadpool_limits = None
    if torch is not None:
        torch.set_num_threads(n)
    try:
        if threadpool_limits is None:
            yield
        else:
            with threadpool_limits(limits=n):
                yield
    finally:
        _kernels.set_threads(old_kernels)
        if torch is not None:
            torch.set_num_threads(old_torch)


def blas_info() -> list[dict[str, Any]]:
    """Which BLAS/OpenMP libraries are loaded, their kernel architecture and thread counts."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"note": "threadpoolctl not installed: BLAS threads not capped or recorded"}]
    keep = ("user_api", "internal_api", "prefix", "version", "architecture", "threading_layer", "num_threads")
    return [{k: d[k] for k in keep if k in d} for d in threadpool_info()]


# --------------------------------------------------------------------------- machine


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git_state() -> str | None:
    """The commit the numbers belong to, '+dirty' when the work tree has uncommitted changes."""
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "chainrule"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return (head + ("+dirty" if dirty else "")) or None


def machine_info(torch: Any | None) -> dict[str, Any]:
    """Everything a reader needs to judge the numbers: CPU, versions, BLAS, load, OpenBLAS overrides."""
    import numpy as np

    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "chainrule": _version("chainrule"),
        "chainrule_commit": _git_state(),
        "torch": torch.__version__ if torch is not None else None,
        "blas": blas_info(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        # These slow a current OpenBLAS when set (see benchmarks/README.md); recorded, never changed here.
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
    }
    if torch is not None:
        info["torch_blas"] = "MKL" if torch.backends.mkl.is_available() else "other"
    return info


class CpuMeter:
    """Share of the machine's CPU used by *other* processes while a suite ran (noise indicator)."""

    def __init__(self) -> None:
        self.start = self._snap()

    @staticmethod
    def _snap() -> tuple[float, float, float]:
        try:
            with open("/proc/stat") as f:
                v = [int(x) for x in f.readline().split()[1:]]
            busy = (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
        except (OSError, ValueError):
            busy = float("nan")
        t = os.times()
        return time.perf_counter(), busy, t.user + t.system

    def foreign_fraction(self) -> float:
        wall0, busy0, own0 = self.start
        wall1, busy1, own1 = self._snap()
        wall = wall1 - wall0
        if wall <= 0 or busy1 != busy1:
            return float("nan")
        return round(max(0.0, (busy1 - busy0) - (own1 - own0)) / (wall * (os.cpu_count() or 1)), 3)


# --------------------------------------------------------------------------- timing


@dataclass
class Timing:
    """Seconds per call: median over repeats, plus the raw repeats."""

    median: float
    best: float
    repeats: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"median_s": self.median, "min_s": self.best, "repeats_s": self.repeats, **self.extra}


# The clock every timed loop reads.  "wall" (perf_counter) is the honest default; "cpu"
# (process_time: CPU seconds of this process, all its threads) ignores time spent descheduled, which
# makes 1-thread numbers usable on a machine that other processes keep busy.  With 2 threads it sums
# both threads' CPU time, so it is no longer elapsed time.
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
_clock: list[Callable[[], float]] = [time.perf_counter]


def set_clock(name: str) -> None:
    _clock[0] = CLOCKS[name]


def now() -> float:
    return _clock[0]()


def _calibrate(fn: Callable[[], object], min_time: float) -> int:
    """Loop count that makes one timed loop last about ``min_time`` (after two warm-up calls)."""
    fn()
    fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        t = time.perf_counter() - t0
        if t >= min_time / 4 or n >= 1 << 22:
            break
        n *= 4
    return max(1, round(n * min_time / max(t, 1e-9)))


# A pause before each library's timed loop. PyTorch's OpenMP workers spin for several ms after each
# parallel region (libgomp's default wait policy); without the pause they take the cores from whichever
# library is timed next (measured: chainrule's 2-thread gelu 3.4 -> 3.9 ms right after PyTorch's loop).
SETTLE_S = 0.02


def _loop(fn: Callable[[], object], n: int) -> float:
    clock = _clock[0]
    t0 = clock()
    for _ in range(n):
        fn()
    return (clock() - t0) / n


def time_calls(fns: dict[str, Callable[[], object]], repeats: int = 7, min_time: float = 0.05) -> dict[str, Any]:
    """Per-call times of several implementations of one case, **interleaved**: each round times every
    implementation once, so a burst of load from another process hits all of them alike and the
    ratios stay fair on a shared machine.  A failing implementation gets ``{"na": ...}``."""
    loops: dict[str, int] = {}
    out: dict[str, Any] = {}
    for name, fn in fns.items():
        try:
            loops[name] = _calibrate(fn, min_time)
        except Exception as exc:  # one library lacking a feature must not stop the others
            out[name] = {"na": failure_note(exc)}
    times: dict[str, list[float]] = {name: [] for name in loops}
    for _ in range(repeats):
        for name, n in loops.items():
            time.sleep(SETTLE_S)
            times[name].append(_loop(fns[name], n))
    for name, ts in times.items():
        out[name] = Timing(statistics.median(ts), min(ts), ts, {"loops": loops[name]}).as_dict()
    return out


# --------------------------------------------------------------------------- formatting


def fmt_time(seconds: float | None) -> str:
    """Human units: ns/µs/ms/s with three significant figures."""
    if seconds is None:
        return "–"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_ratio(num: float | None, den: float | None) -> str:
    if num is None or den is None or den <= 0:
        return "–"
    r = num / den
    return f"{r:.2f}×" if r >= 0.1 else f"{r:.2g}×"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- suites


LIBS = ("numpy", "torch", "chainrule")


@dataclass
class Options:
    """What the runner asked for; every suite reads the same options."""

    torch: Any | None
    libs: tuple[str, ...] = LIBS
    pattern: str | None = None  # substring filter on case names
    repeats: int | None = None  # None: the suite's default
    min_time: float = 0.05  # seconds per timed loop (per-call suites)
    quick: bool = False  # tiny sizes and step counts: a smoke test of the machinery, not a measurement
    steps: int | None = None  # override training steps

    def wants(self, case: str) -> bool:
        return self.pattern is None or self.pattern.lower() in case.lower()


def failure_note(exc: BaseException) -> str:
    """'n/a (...)' text for a table cell when a library cannot run a case yet."""
    if isinstance(exc, Missing):
        return f"n/a (missing: {exc})"
    msg = str(exc).splitlines()[0][:80] if str(exc) else ""
    return f"n/a ({type(exc).__name__}: {msg})"


def attempt(measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one measurement; a missing name or an error becomes ``{"na": note}`` instead of a crash."""
    try:
        return measure()
    except Exception as exc:  # the table must still fill when one library lacks a feature
        return {"na": failure_note(exc)}


def build_per_library(builders: dict[str, Callable[[], Any]],
                      libs: Any) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Build each wanted library's callables; a library that is absent or fails becomes a ``{"na": note}``."""
    built_ok: dict[str, Any] = {}
    failed: dict[str, dict[str, str]] = {}
    for lib in libs:
        if lib not in builders:
            failed[lib] = {"na": "n/a (torch not installed)"}
            continue
        built = attempt(lambda b=builders[lib]: {"ops": b()})
        if "na" in built:
            failed[lib] = built
        else:
            built_ok[lib] = built["ops"]
    return built_ok, failed


def cell_time(rec: dict[str, Any] | None) -> str:
    if rec is None:
        return "–"
    if "na" in rec:
        return rec["na"]
    return fmt_time(rec["median_s"])


def median_of(rec: dict[str, Any] | None) -> float | None:
    return None if rec is None or "median_s" not in rec else rec["median_s"]


def verdict(value: float | None, limit: float | None) -> str:
    """'met' / 'NOT met' for value < limit, '–' when either side is missing."""
    if value is None or limit is None:
        return "–"
    return "met" if value < limit else "NOT met"

"""The fast path for large float32 arrays: fused C kernels (``chainrule._fastmath``), else ``None``.

Each function here computes exactly the formula of the NumPy code that calls it — the readable
definition, kept as the fallback — in one pass over memory, with an 8-lane AVX2/FMA ``exp``, on
up to ``get_num_threads()`` threads. It returns ``None`` whenever the kernels do not apply, and the
caller then runs its NumPy formula:

- the extension was not built (no C compiler at install time) or this CPU lacks AVX2/FMA;
- the arrays are not float32, not C-contiguous, or smaller than ``MIN_SIZE`` elements (where
  NumPy's per-call cost is already small, and tiny networks keep NumPy's exact libm results);
- a reduction is not over the last axis;
- ``CHAINRULE_KERNELS=0`` is set in the environment, or ``use_kernels(False)`` is in force.

Accuracy: ``exp`` is within 1 ulp (Cephes' polynomial after a Cody–Waite reduction, subnormals
included); everything else is the same float32 arithmetic as the NumPy formula, in the same order,
so kernel and NumPy agree to a few ulp (tests/test_kernels.py checks both against each other and
against PyTorch, at ±inf, NaN, ±1000 and subnormals too).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

try:
    from . import _fastmath as _C
except ImportError:  # built without a C compiler: NumPy everywhere
    _C = None  # type: ignore[assignment]

MIN_SIZE = 16384
"""Arrays with fewer elements stay on NumPy."""

BUILT = _C is not None
"""The extension is installed."""
SIMD = bool(BUILT and _C.simd())
"""... and this CPU can run it (x86-64 with AVX2 and FMA)."""
_ON = [SIMD and os.environ.get("CHAINRULE_KERNELS", "1") != "0"]
_F32 = np.dtype(np.float32)


def default_threads() -> int:
    """The CPUs this process may run on (PyTorch's default intra-op thread count on one socket)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


_threads = [default_threads()]
if BUILT:
    _C.set_num_threads(_threads[0])


def set_threads(n: int) -> None:
    _threads[0] = n
    if BUILT:
        _C.set_num_threads(n)


def get_threads() -> int:
    return _threads[0]


def active() -> bool:
    """Whether large float32 arrays currently go to the kernels."""
    return _ON[0]


@contextlib.contextmanager
def use_kernels(on: bool) -> Iterator[None]:
    """Turn the kernels on or off inside the block (tests compare both paths; on needs ``SIMD``)."""
    old = _ON[0]
    _ON[0] = bool(on) and SIMD
    try:
        yield
    finally:
        _ON[0] = old


def _empty(shape: tuple[int, ...]) -> np.ndarray:
    """A float32 array over a recycled block (csrc/fastmath.c: fresh pages would page-fault)."""
    n = 1
    for d in shape:
        n *= d
    return np.ndarray(shape, _F32, _C.block(4 * n))  # type: ignore[arg-type]  # (a buffer object)


_BLOCK = _C.Block if BUILT else None


def owns_memory(a: np.ndarray) -> bool:
    """Whether nothing else can see ``a``'s memory: it owns it, or it is the only array over a
    kernel output block (what lets the engine adopt a kernel's gradient without a copy)."""
    b = a.base
    if b is None:
        return bool(a.flags.owndata)
    # references to b: a's base slot, this frame's b, getrefcount's argument
    return type(b) is _BLOCK and sys.getrefcount(b) == 3


def _takes(a: np.ndarray) -> bool:
    return a.size >= MIN_SIZE and _ON[0] and a.dtype == _F32 and a.flags.c_contiguous


def _pair(g: Any, y: np.ndarray) -> np.ndarray | None:
    """G as a C-contiguous float32 array of y's shape, or None when the pair does not qualify.
    (The engine hands over broadcast views, e.g. the gradient of a sum: one copy still beats NumPy.)"""
    if not (_takes(y) and isinstance(g, np.ndarray) and g.shape == y.shape and g.dtype == _F32):
        return None
    return g if g.flags.c_contiguous else np.ascontiguousarray(g)


# ------------------------------------------------------------------ elementwise


def sigmoid(a: np.ndarray) -> np.ndarray | None:
    """σ(a) = 1/(1 + e⁻ᵃ)."""
    if not _takes(a):
        return None
    out = _empty(a.shape)
    _C.sigmoid(a, out)
    return out


def sigmoid_backward(g: Any, y: np.ndarray) -> np.ndarray | None:
    """G·(y(1 − y)) for y = σ(x)."""
    if (g := _pair(g, y)) is None:
        return None
    out = _empty(y.shape)
    _C.sigmoid_backward(g, y, out)
    return out


def gelu(a: np.ndarray) -> np.ndarray | None:
    """a·Φ(a), Φ as ``_special.normal_cdf``'s float32 branch (a fitted tail, float32-accurate)."""
    if not _takes(a):
        return None
    out = _empty(a.shape)
    _C.gelu(a, out)
    return out


def gelu_backward(g: Any, x: np.ndarray) -> np.ndarray | None:
    """G·(Φ(x) + x·φ(x))."""
    if (g := _pair(g, x)) is None:
        return None
    out = _empty(x.shape)
    _C.gelu_backward(g, x, out)
    return out


# ------------------------------------------------------------------ the softmax family (last axis)


def _rows(a: np.ndarray, d: int) -> bool:
    return d == a.ndim - 1 and a.shape[-1] > 0 and _takes(a)


def softmax(a: np.ndarray, d: int) -> np.ndarray | None:
    """e^(x − m)/Σ e^(x − m) along the last axis, m the row's max."""
    if not _rows(a, d):
        return None
    out = _empty(a.shape)
    _C.softmax_rows(a, a.shape[-1], out, None, None)
    return out


def log_softmax(a: np.ndarray, d: int) -> np.ndarray | None:
    """(x − m) − log Σ e^(x − m) along the last axis."""
    if not _rows(a, d):
        return None
    out = _empty(a.shape)
    _C.log_softmax_rows(a, a.shape[-1], out)
    return out


def softmax_backward(g: Any, y: np.ndarray, d: int) -> np.ndarray | None:
    """y ⊙ (G − Σ G⊙y) along the last axis."""
    if not _rows(y, d) or (g := _pair(g, y)) is None:
        return None
    out = _empty(y.shape)
    _C.softmax_backward_rows(g, y, y.shape[-1], out)
    return out


def log_softmax_backward(g: Any, y: np.ndarray, d: int) -> np.ndarray | None:
    """G − e^y · Σ G along the last axis."""
    if not _rows(y, d) or (g := _pair(g, y)) is None:
        return None
    out = _empty(y.shape)
    _C.log_softmax_backward_rows(g, y, y.shape[-1], out)
    return out


def softmax_stats(a: np.ndarray, d: int, want_softmax: bool) -> tuple[np.ndarray | None, np.ndarray, np.ndarray] | None:
    """(softmax or None, m, log Σ e^(x − m)) along the last axis, m and the log-sum keeping that axis.

    cross_entropy's forward: its loss is −(x_t − m − log Σ e^(x − m)) and its backward needs the softmax,
    so one pass gives both without a log_softmax array."""
    if not _rows(a, d):
        return None
    rows = a.shape[:-1] + (1,)
    s = _empty(a.shape) if want_softmax else None
    m = np.empty(rows, _F32)
    lse = np.empty(rows, _F32)
    _C.softmax_rows(a, a.shape[-1], s, m, lse)
    return s, m, lse

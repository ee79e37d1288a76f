"""Shared test helpers: the PyTorch oracle and comparisons.

Oracle tests call ``require_torch()`` (or use the ``torch`` fixture); without
PyTorch installed they skip with a clear reason instead of failing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chainrule as cr

SKIP_REASON = "PyTorch (the test oracle) is not installed: pip install torch==2.13.0"

try:  # pragma: no cover - depends on the environment
    import torch as _torch

    _torch.set_num_threads(1)
except ImportError:  # pragma: no cover
    _torch = None

HAVE_TORCH = _torch is not None
needs_torch = pytest.mark.skipif(not HAVE_TORCH, reason=SKIP_REASON)


def require_torch() -> Any:
    if _torch is None:
        pytest.skip(SKIP_REASON)
    return _torch


DTYPES = {"float32": (np.float32, "float32"), "float64": (np.float64, "float64")}


def to_torch(x: Any, requires_grad: bool | None = None) -> Any:
    """A torch tensor with the same values (and requires_grad) as a chainrule tensor or array."""
    torch = require_torch()
    if isinstance(x, cr.Tensor):
        t = torch.from_numpy(np.array(x.detach().numpy(), copy=True))
        rg = x.requires_grad if requires_grad is None else requires_grad
    else:
        t = torch.from_numpy(np.array(x, copy=True))
        rg = bool(requires_grad)
    if rg:
        t.requires_grad_(True)
    return t


def to_np(x: Any) -> np.ndarray:
    if isinstance(x, cr.Tensor):
        return np.asarray(x.detach().numpy())
    if HAVE_TORCH and isinstance(x, _torch.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


def tol(dtype: Any) -> dict[str, float]:
    """Comparison tolerances by dtype (float32 results from different kernels differ in the last bits)."""
    if np.dtype(dtype) == np.float64:
        return {"rtol": 1e-7, "atol": 1e-9}
    if np.dtype(dtype) == np.float16:
        return {"rtol": 1e-2, "atol": 1e-3}
    return {"rtol": 1e-4, "atol": 1e-5}


def assert_close(actual: Any, expected: Any, rtol: float | None = None, atol: float | None = None,
                 check_dtype: bool = True, msg: str = "") -> None:
    """Values (NaN == NaN), shape and, by default, dtype must match."""
    a, e = to_np(actual), to_np(expected)
    assert a.shape == e.shape, f"{msg} shape {a.shape} != {e.shape}"
    if check_dtype:
        assert a.dtype == e.dtype, f"{msg} dtype {a.dtype} != {e.dtype}"
    t = tol(e.dtype if e.dtype.kind == "f" else np.float64)
    np.testing.assert_allclose(a.astype(np.float64) if a.dtype.kind != "b" else a,
                               e.astype(np.float64) if e.dtype.kind != "b" else e,
                               rtol=t["rtol"] if rtol is None else rtol,
                               atol=t["atol"] if atol is None else atol, equal_nan=True, err_msg=msg)

"""Read-only 0-d constants, one per dtype, for the hot formulas.

On a small array NumPy takes ~1 µs longer for ``1 - y`` than for ``one - y`` with ``one`` a 0-d
array of y's dtype: a Python scalar goes through weak-scalar promotion on every call. The result
is identical (the scalar is converted to y's dtype either way), so formulas that run once per node
of a tiny network use these instead: ``ONE[y.dtype] - y``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class ByDtype(dict):  # type: ignore[type-arg]
    """``c[dtype]``: ``value`` as a read-only 0-d array of that dtype, made on first use."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    def __missing__(self, dt: np.dtype) -> np.ndarray:
        c = np.array(self.value, dtype=dt)
        c.flags.writeable = False
        self[dt] = c
        return c


ONE = ByDtype(1)
MINUS_100 = ByDtype(-100)  # the clamp of log p in binary_cross_entropy
EPS_12 = ByDtype(1e-12)  # the floor of p(1 − p) in binary_cross_entropy's derivative
